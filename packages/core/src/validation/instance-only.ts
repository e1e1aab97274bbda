import type { ValidationIssue } from '../errors/errors.js';
import { isAnyUuid } from './uuid-pattern.js';

/** What a compiled request check answers: the validated copy, or the failures found (an array: a copy never is). */
export type CheckResult = Record<string, unknown> | ValidationIssue[];

/** A compiled request check. */
export type RequestCheck = (value: unknown) => CheckResult;

const getProto: (value: object) => object | null = Object.getPrototypeOf;
const OBJECT_PROTO = Object.prototype;

// Stand-ins for a request whose getter threw: the full check, reading them, meets a throwing getter at the same
// path as the caller's object (it reports it unreadable), without calling the caller's getter a second time.
const THROWS = (): never => {
  throw new Error('unreadable');
};
const UNREADABLE_INSTANCE: object = Object.defineProperty({}, 'instance', { get: THROWS, enumerable: true });
const UNREADABLE_UUID: object = { instance: Object.defineProperty({}, 'uuid', { get: THROWS, enumerable: true }) };

/**
 * The check of a request class that takes `{ instance: { uuid } }` as it is (every other field optional: getInfo,
 * the power calls, destroy...), with that shape answered first, without the full check's bookkeeping: two
 * objects made (the copy), no issue list, no per-field closure. Anything else goes to `full`: a request with
 * another key, a prototype that is not `Object.prototype`, a uuid that does not match. The answer is always the
 * full check's (a test compares the two on a corpus of bad requests). Each property value is read at most once:
 * once this path has read one, the full check gets a stand-in holding the value read (or a getter that throws,
 * where the caller's threw), never the caller's object again.
 */
export function instanceOnlyFirst(full: RequestCheck): RequestCheck {
  return (value) => {
    if (!onlyKey(value, 'instance')) return full(value);
    let instance: unknown;
    try {
      instance = (value as { readonly instance: unknown }).instance;
    } catch {
      return full(UNREADABLE_INSTANCE);
    }
    if (!onlyKey(instance, 'uuid')) return full({ instance });
    let uuid: unknown;
    try {
      uuid = (instance as { readonly uuid: unknown }).uuid;
    } catch {
      return full(UNREADABLE_UUID);
    }
    if (typeof uuid === 'string' && isAnyUuid(uuid)) return { instance: { uuid } };
    return full({ instance: { uuid } });
  };
}

/**
 * A plain object (prototype `Object.prototype`) whose enumerable keys are exactly `key`. Reads no property value
 * (`for...in` lists keys only), so answering false leaves the object unread for the full check; a proxy whose
 * trap throws is left to the full check too (it reports it unreadable).
 */
function onlyKey(value: unknown, key: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  try {
    if (getProto(value) !== OBJECT_PROTO) return false;
    let found = false;
    for (const k in value) {
      if (k !== key) return false;
      found = true;
    }
    return found;
  } catch {
    return false;
  }
}
