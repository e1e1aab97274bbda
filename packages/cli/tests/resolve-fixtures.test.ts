import { resolveFixtures } from '../src/index.js';

describe('resolveFixtures', () => {
  it('accepts no fixtures, an object, a function and an async function', async () => {
    await expect(resolveFixtures({ name: 'd' })).resolves.toBeUndefined();
    await expect(resolveFixtures({ name: 'd', conformance: { testTimeoutMs: 5 } })).resolves.toEqual({
      testTimeoutMs: 5,
    });
    const sync = (() => ({ testTimeoutMs: 6 })) as unknown as Record<string, unknown>;
    await expect(resolveFixtures({ name: 'd', conformance: sync })).resolves.toEqual({ testTimeoutMs: 6 });
    const later = (async () => ({ testTimeoutMs: 7 })) as unknown as Record<string, unknown>;
    await expect(resolveFixtures({ name: 'd', conformance: later })).resolves.toEqual({ testTimeoutMs: 7 });
  });

  it('a throwing fixtures function is FIXTURES_FAILED', async () => {
    const broken = (() => {
      throw new Error('no test image');
    }) as unknown as Record<string, unknown>;
    await expect(resolveFixtures({ name: 'd', conformance: broken })).rejects.toMatchObject({
      code: 'FIXTURES_FAILED',
    });
  });

  it('a function returning a non-object is FIXTURES_FAILED', async () => {
    const wrong = (() => 42) as unknown as Record<string, unknown>;
    await expect(resolveFixtures({ name: 'd', conformance: wrong })).rejects.toMatchObject({ code: 'FIXTURES_FAILED' });
  });
});
