import 'reflect-metadata';
import { MapTestDriver } from '../testing/map-test-driver.js';
import { PowerState } from '../model/power-state.js';

// Issue #12 item 3: ctx is input too. A malformed ctx is VALIDATION_FAILED (a rejection, never a synchronous
// throw), nothing runs, nothing changes, and no rejection is left unhandled.
/** The driver's members as a test patches them (hooks are protected in its type). */
const patch = (d: MapTestDriver): Record<string, unknown> => d as unknown as Record<string, unknown>;
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const FLAVOR = { name: 'm1', vcpus: 1, memoryMb: 128, rootGb: 1 };

async function driverWithInstance(): Promise<MapTestDriver> {
  const d = new MapTestDriver();
  await d.spawn({}, { instance: { uuid: UUID, flavor: FLAVOR }, imageMeta: {} });
  d.calls.length = 0;
  return d;
}

const throwing = {};
Object.defineProperty(throwing, 'signal', {
  enumerable: true,
  get: () => {
    throw new Error('getter');
  },
});

const BAD_CONTEXTS: [string, unknown, string][] = [
  ['signal without the AbortSignal API', { signal: { aborted: false } }, 'ctx.signal'],
  ['signal that claims to be aborted', { signal: { aborted: true } }, 'ctx.signal'],
  ['signal as a string', { signal: 'abort' }, 'ctx.signal'],
  ['deadline as a string', { deadline: '2030-01-01' }, 'ctx.deadline'],
  ['deadline NaN', { deadline: NaN }, 'ctx.deadline'],
  ['deadline as a Date', { deadline: new Date() }, 'ctx.deadline'],
  ['requestId as an object', { requestId: { toString: () => 'x' } }, 'ctx.requestId'],
  ['requestId with a newline', { requestId: 'a\nFORGED' }, 'ctx.requestId'],
  ['requestId of 1 MiB', { requestId: 'x'.repeat(1 << 20) }, 'ctx.requestId'],
  ['onProgress not a function', { onProgress: 42 }, 'ctx.onProgress'],
  ['ctx as a string', 'ctx', 'ctx'],
  ['ctx as a number', 42, 'ctx'],
  ['ctx as an array', [], 'ctx'],
  ['ctx as a function', () => undefined, 'ctx'],
  ['ctx with a throwing getter', throwing, 'ctx'],
  [
    'ctx as a revoked proxy',
    (() => {
      const p = Proxy.revocable({}, {});
      p.revoke();
      return p.proxy;
    })(),
    'ctx',
  ],
];

describe('ctx is validated input', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));

  it.each(BAD_CONTEXTS)('%s: VALIDATION_FAILED at its path, nothing runs', async (_what, ctx, path) => {
    const d = await driverWithInstance();
    let call!: Promise<unknown>;
    expect(() => (call = d.powerOff(ctx as never, { instance: { uuid: UUID } }))).not.toThrow();
    const error = (await call.catch((e: unknown) => e)) as { paths: string[] };
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(error.paths).toContain(path);
    expect(d.calls).toEqual([]);
    expect(d.states.get(UUID)).toBe(PowerState.RUNNING);
    // a plain read too
    await expect(d.getInfo(ctx as never, { instance: { uuid: UUID } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  });

  it('a real signal, a number deadline, a string requestId and a progress callback pass', async () => {
    const d = await driverWithInstance();
    const ctx = {
      signal: new AbortController().signal,
      deadline: Date.now() + 60_000,
      requestId: 'req-1',
      onProgress: () => undefined,
    };
    await expect(d.powerOff(ctx, { instance: { uuid: UUID } })).resolves.toBeUndefined();
    await expect(d.getInfo({ deadline: Infinity }, { instance: { uuid: UUID } })).resolves.toMatchObject({
      state: PowerState.SHUTDOWN,
    });
    await expect(d.getInfo(undefined as never, { instance: { uuid: UUID } })).resolves.toBeDefined();
  });

  it('the hook gets an owned copy of the ctx: a getter cannot answer differently later', async () => {
    const d = await driverWithInstance();
    const seen: unknown[] = [];
    patch(d)._powerOff = async (ctx: { signal?: unknown }) => void seen.push(ctx.signal, ctx.signal);
    let reads = 0;
    const real = new AbortController().signal;
    const ctx = {};
    Object.defineProperty(ctx, 'signal', { enumerable: true, get: () => (reads++ === 0 ? real : { aborted: false }) });
    await d.powerOff(ctx as never, { instance: { uuid: UUID } });
    expect(seen).toEqual([real, real]);
    expect(reads).toBe(1);
  });
});

describe('no call ever throws synchronously', () => {
  it('hostile requests, hostile errors from the hook, non-promise hooks: all typed rejections', async () => {
    const d = await driverWithInstance();
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    const getter = {};
    Object.defineProperty(getter, 'instance', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    for (const request of [hostile, getter]) {
      let call!: Promise<unknown>;
      expect(() => (call = d.powerOff({}, request as never))).not.toThrow();
      await expect(call).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(() => (call = d.getInfo({}, request as never))).not.toThrow();
      await expect(call).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    // A hook that throws an object whose every read throws.
    const evil = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
      },
    );
    patch(d)._powerOff = async () => {
      throw evil;
    };
    await expect(d.powerOff({}, { instance: { uuid: UUID } })).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
    patch(d)._getInfo = () => {
      throw evil;
    };
    await expect(d.getInfo({}, { instance: { uuid: UUID } })).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
    patch(d)._getInfo = () => 'not a promise';
    await expect(d.getInfo({}, { instance: { uuid: UUID } })).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
  });
});
