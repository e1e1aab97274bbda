import { randomUUID } from 'node:crypto';
import { validateRequest } from '@virtkit/core';
import { METHODS, baseRequest, ctx, fixture, outcomeOf, requestClassOf, stateOf } from './call-fixtures';
import { malformedRequests } from './malformed-requests';
import { recordReliability } from './reliability-summary';

// Issue "Hardening" part 2: every public call of the guarded surface gets malformed requests derived from
// its request class's declared rules; each must be VALIDATION_FAILED (a well-formed unknown uuid: a typed
// error or success), change nothing, never crash, never leave an unhandled rejection.

describe('bad input on every public call (memory driver)', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  const perCall: Record<string, number> = {};
  const problems: string[] = [];
  const unknownOutcomes: Record<string, string> = {};

  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    const counts = Object.values(perCall);
    recordReliability('bad-input', {
      driver: 'memory',
      calls: counts.length,
      malformedInputs: counts.reduce((a, b) => a + b, 0),
      minPerCall: Math.min(...counts),
      maxPerCall: Math.max(...counts),
      perCall,
      problems,
      unknownUuidOutcomes: unknownOutcomes,
    });
  });

  it.each(METHODS)('%s: malformed requests are VALIDATION_FAILED and change nothing', async (method) => {
    const { driver, uuid } = await fixture();
    const cls = requestClassOf(driver, method);
    const base = baseRequest(method, uuid, driver.hostname);
    if (cls) expect(() => validateRequest(cls as never, base, method)).not.toThrow();
    const before = await stateOf(driver);
    const variants = malformedRequests(cls, base);
    for (const { label, request } of variants) {
      const code = await outcomeOf(() => driver[method](ctx, request));
      if (code !== 'VALIDATION_FAILED') problems.push(`${method} ${label}: ${code}`);
    }
    perCall[method] = variants.length;
    expect(await stateOf(driver)).toBe(before);
    expect(problems.filter((p) => p.startsWith(`${method} `))).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(METHODS.filter((m) => 'instance' in baseRequest(m, 'x', 'h')))(
    '%s: a well-formed unknown uuid is a typed error or a no-op, never a crash',
    async (method) => {
      const { driver } = await fixture();
      const before = await stateOf(driver);
      const code = await outcomeOf(() => driver[method](ctx, baseRequest(method, randomUUID(), driver.hostname)));
      unknownOutcomes[method] = code;
      expect(code).not.toMatch(/^(foreign|DRIVER_ERROR|VALIDATION_FAILED)/);
      if (code !== 'ok') expect(await stateOf(driver)).toBe(before);
      expect(unhandled).toEqual([]);
    },
  );
});
