import 'reflect-metadata';
import { ValidationError } from '../errors/errors.js';
import { PowerOffRequest } from '../capabilities/lifecycle/requests.js';
import { MAX_REQUEST_DEPTH, assertRequestShape, validateRequest } from './validate-request.js';

// Issue "Hardening" (bad input): the prototype-pollution scan used to stop silently at depth 32, so a
// polluting key nested deeper passed, and so did 10,000-level nesting.
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('request shape', () => {
  it('refuses a polluting key nested below the old scan depth', () => {
    const hidden: unknown = JSON.parse(`${'{"a":'.repeat(40)}{"__proto__":{"x":1}}${'}'.repeat(40)}`);
    expect(() => validateRequest(PowerOffRequest, { instance: { uuid: UUID }, extra: hidden }, 'powerOff')).toThrow(
      ValidationError,
    );
  });

  it('refuses 10,000 levels of nesting, cheaply; accepts the maximum depth', () => {
    expect(() =>
      validateRequest(PowerOffRequest, { instance: { uuid: UUID }, extra: nested(10_000, 1) }, 'powerOff'),
    ).toThrow(ValidationError);
    expect(() => assertRequestShape({ extra: nested(MAX_REQUEST_DEPTH, 1) }, 'x')).not.toThrow();
    expect(() => assertRequestShape({ extra: nested(MAX_REQUEST_DEPTH + 1, 1) }, 'x')).toThrow(ValidationError);
  });

  it('refuses requests that are not plain objects', () => {
    for (const bad of [null, 42, 'x', [], [{}], true])
      expect(() => assertRequestShape(bad, 'x')).toThrow(ValidationError);
  });
});
