import { randomUUID } from 'node:crypto';
import { isVirtkitError } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { FLAVOR, IMG, METHODS, VIF, baseRequest, fixture, requestClassOf, stateOf } from './call-fixtures';
import { hostileInputs } from './malformed-requests';
import { recordReliability } from './reliability-summary';
// The compiled validator is internal to core (not exported): this test checks it against class-validator directly.
// eslint-disable-next-line no-restricted-imports -- an internal of core under test, on purpose
import { compileValidator } from '../../packages/core/src/validation/compiled-validator';

// Issue #12 (items 3, 4, 5, 6, 11): the attack classes an independent fuzz found, on every public call of the
// guarded surface: hostile contexts, throwing getters, proxies, boxed primitives, Sets, Maps, `[undefined]`,
// nested arrays... Each call must return a promise (never throw synchronously) that rejects with
// VALIDATION_FAILED, run nothing, change nothing; no `unhandledRejection` or `uncaughtException` may fire
// during the whole run. Then: caller mutations after a call never reach the driver.

describe('hostile input on every public call (memory driver)', () => {
  const unhandled: unknown[] = [];
  const uncaught: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  const onUncaught = (error: unknown): void => void uncaught.push(error);
  const perAttack: Record<string, number> = {};
  const problems: string[] = [];
  let inputs = 0;
  let syncThrows = 0;

  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUncaught);
  });
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 20)); // let late rejections surface before the listeners go
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUncaught);
    recordReliability('hostile-input', {
      driver: 'memory',
      calls: METHODS.length,
      inputs,
      attackClasses: Object.keys(perAttack).length,
      perAttack,
      syncThrows,
      notValidationFailed: problems.length,
      problems: problems.slice(0, 50),
      unhandledRejections: unhandled.length,
      uncaughtExceptions: uncaught.length,
    });
  });

  it.each(METHODS)(
    '%s: hostile contexts and requests are VALIDATION_FAILED, never thrown, change nothing',
    async (method) => {
      const { driver, uuid } = await fixture();
      const cls = requestClassOf(driver, method);
      const base = baseRequest(method, uuid, driver.hostname);
      // Every request class compiles: none falls back to class-validator's path (which copies less strictly).
      if (cls) expect(compileValidator(cls)).toBeDefined();
      const before = await stateOf(driver);
      for (const { attack, label, ctx, request } of hostileInputs(cls, base)) {
        inputs++;
        perAttack[attack] = (perAttack[attack] ?? 0) + 1;
        let pending: Promise<unknown>;
        try {
          pending = driver[method](ctx, request);
        } catch (error) {
          syncThrows++;
          problems.push(`${method} ${attack} ${label}: threw synchronously ${String(error)}`);
          continue;
        }
        const code = await pending.then(
          () => 'ok',
          (error: unknown) => (isVirtkitError(error) ? error.code : 'foreign'),
        );
        if (code !== 'VALIDATION_FAILED') problems.push(`${method} ${attack} ${label}: ${code}`);
      }
      expect(await stateOf(driver)).toBe(before);
      expect(problems.filter((p) => p.startsWith(`${method} `))).toEqual([]);
      expect(unhandled).toEqual([]);
      expect(uncaught).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('caller mutations after a call never reach the driver (item 5)', () => {
  /** Every object and array reachable from `value`, to vandalise after the call. */
  function vandalise(value: unknown, seen = new Set<unknown>()): void {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) vandalise(item, seen);
      value.push('../../etc/shadow\0');
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      vandalise(v, seen);
      if (typeof v === 'string' && k !== 'uuid') (value as Record<string, unknown>)[k] = '../../etc/shadow\0';
    }
    Object.defineProperty(value, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true });
    (value as Record<string, unknown>).injected = 42;
  }

  async function runBoth(
    call: (driver: any, uuid: string, request: any) => Promise<unknown>,
    make: (uuid: string) => any,
  ): Promise<[string, string]> {
    const states: string[] = [];
    for (const mutate of [false, true]) {
      const driver: any = new MemoryDriver({ hostname: 'mutation-host' });
      const uuid = '0f7c2a0e-8b1d-4c3e-9f5a-6b7c8d9e0f1a';
      const request = make(uuid);
      const pending = call(driver, uuid, request);
      if (mutate) vandalise(request);
      await pending;
      states.push(JSON.stringify(driver.inspect()));
    }
    return [states[0]!, states[1]!];
  }

  it.each([
    [
      'spawn (metadata, image properties, NICs, subnets, ips)',
      (d: any, _u: string, r: any) => d.spawn({}, r),
      (uuid: string) => ({
        instance: {
          uuid,
          name: 'vm',
          flavor: { ...FLAVOR, extraSpecs: { 'hw:cpu_policy': 'shared' } },
          metadata: { role: 'web' },
        },
        imageMeta: { ...IMG, properties: { os_type: 'linux' } },
        networkInfo: [
          { ...VIF, network: { id: 'net-1', label: 'n', subnets: [{ cidr: '10.0.0.0/24', ips: ['10.0.0.5'] }] } },
        ],
      }),
    ],
  ])('%s', async (_what, call, make) => {
    const [clean, mutated] = await runBoth(call, make);
    expect(mutated).toBe(clean);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('changeInstanceMetadata (diff.set / diff.remove) and attachVolume (free-form connection data)', async () => {
    const states: string[] = [];
    for (const mutate of [false, true]) {
      const driver: any = new MemoryDriver({ hostname: 'mutation-host' });
      const uuid = randomUUID();
      await driver.spawn(
        {},
        { instance: { uuid, name: 'vm', flavor: FLAVOR, metadata: { a: '1', b: '2' } }, imageMeta: IMG },
      );
      const diff = { instance: { uuid, metadata: { a: 'x' } }, diff: { set: { a: 'x' }, remove: ['b'] } };
      const vol = {
        instance: { uuid },
        mountpoint: 'vdb',
        connectionInfo: {
          driverVolumeType: 'memory',
          data: { volumeId: 'vol-m', sizeBytes: 1024 ** 3, extra: { nested: ['a'] } },
        },
      };
      const a = driver.changeInstanceMetadata({}, diff);
      const b = driver.attachVolume({}, vol);
      if (mutate) {
        vandalise(diff);
        vandalise(vol);
      }
      await Promise.all([a, b]);
      states.push(JSON.stringify(driver.inspect()).replaceAll(uuid, 'UUID'));
    }
    expect(states[1]).toBe(states[0]);
  });
});
