import 'reflect-metadata';
import { InstanceNotFoundError } from '../errors/errors.js';
import type { InstanceInfo } from '../model/instance-info.js';
import type { LifecycleEvent } from '../model/lifecycle-event.js';
import { PowerState } from '../model/power-state.js';
import { MapTestDriver } from '../testing/map-test-driver.js';

// Issue 16, eighth pass: calls with a state rule on one instance (`runRuled`) and calls with no key and no rule
// (`runUnlocked`) have bodies of their own, which run the common case themselves and hand every other one to the
// general path from where they stand. Each hand-off must keep the rule, the events, the queue and the typed errors.
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const FLAVOR = { name: 'm1', vcpus: 1, memoryMb: 128, rootGb: 1 };
const REF = { instance: { uuid: UUID } };
const { RUNNING, SHUTDOWN } = PowerState;

type Mode = 'sync' | 'async';

/** A map-backed driver whose state read and power hooks answer synchronously or with a promise, as asked. */
class ModeDriver extends MapTestDriver {
  read: Mode = 'sync';
  hook: Mode = 'sync';
  hookCalls = 0;
  /** A synchronous throw from the next power hook, once. */
  failNext: Error | undefined;
  protected override _getPowerState(_c: unknown, r: { instance: { uuid: string } }) {
    const state = this.states.get(r.instance.uuid);
    if (state === undefined) throw new InstanceNotFoundError(r.instance.uuid);
    const info: InstanceInfo = { state };
    return this.read === 'sync' ? info : Promise.resolve(info);
  }
  power(uuid: string, to: PowerState): void | Promise<void> {
    this.hookCalls++;
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    if (this.hook === 'sync') return void this.states.set(uuid, to);
    return Promise.resolve().then(() => void this.states.set(uuid, to));
  }
}

async function running(read: Mode, hook: Mode): Promise<{ d: ModeDriver; events: LifecycleEvent[] }> {
  const d = new ModeDriver();
  // MapTestDriver's power hooks are async methods: these answer synchronously or with a promise (own properties).
  const hooks = d as unknown as Record<string, (c: unknown, r: { instance: { uuid: string } }) => unknown>;
  hooks._powerOff = (_c, r) => d.power(r.instance.uuid, SHUTDOWN);
  hooks._powerOn = (_c, r) => d.power(r.instance.uuid, RUNNING);
  d.read = read;
  d.hook = hook;
  await d.spawn({}, { instance: { uuid: UUID, flavor: FLAVOR }, imageMeta: {} });
  const events: LifecycleEvent[] = [];
  d.on('lifecycle', (e) => events.push(e));
  return { d, events };
}

const MODES: [Mode, Mode][] = [
  ['sync', 'sync'],
  ['async', 'sync'],
  ['sync', 'async'],
  ['async', 'async'],
];

describe('the body of calls with a state rule on one instance', () => {
  it.each(MODES)(
    'state read %s, hook %s: runs the rule, reports each change once, a held target is a no-op',
    async (read, hook) => {
      const { d, events } = await running(read, hook);
      await expect(d.powerOff({}, REF)).resolves.toBeUndefined();
      await expect(d.powerOff({}, REF)).resolves.toBeUndefined(); // SHUTDOWN already: the hook is not called
      expect(d.hookCalls).toBe(1);
      // A context with a field set goes through the general path: the same answer.
      await expect(d.powerOn({ requestId: 'r-1' }, REF)).resolves.toBeUndefined();
      expect(events.map((e) => [e.transition, e.previousState, e.state])).toEqual([
        ['STOPPED', RUNNING, SHUTDOWN],
        ['STARTED', SHUTDOWN, RUNNING],
      ]);
      await expect(d.powerOn({}, REF)).resolves.toBeUndefined();
      expect(d.hookCalls).toBe(2);
    },
  );

  it.each(MODES)(
    'state read %s, hook %s: a refused state and a throwing hook are typed rejections that give the key back',
    async (read, hook) => {
      const { d, events } = await running(read, hook);
      d.states.set(UUID, PowerState.PAUSED); // a change the driver did not report: powerOn may not run from it
      await expect(d.powerOn({}, REF)).rejects.toMatchObject({ code: 'INVALID_STATE' });
      expect(events.map((e) => e.transition)).toEqual(['PAUSED']); // the read recorded it
      d.failNext = new Error('hypervisor said no');
      await expect(d.powerOff({}, REF)).rejects.toMatchObject({ code: 'DRIVER_ERROR' });
      await expect(
        d.powerOff({}, { instance: { uuid: '0b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f' } }),
      ).rejects.toMatchObject({
        code: 'INSTANCE_NOT_FOUND',
      });
      // The key was given back every time: the next call runs.
      await expect(d.powerOff({}, REF)).resolves.toBeUndefined();
      expect(d.states.get(UUID)).toBe(SHUTDOWN);
    },
  );

  it('a call on a busy instance waits for the one in flight, then runs the rule on the state that call left', async () => {
    const { d, events } = await running('sync', 'async');
    const first = d.powerOff({}, REF); // holds the key until its hook settles
    d.hook = 'sync';
    const second = d.powerOff({}, REF); // the key is taken: it waits, then finds SHUTDOWN (a no-op)
    const third = d.powerOn({}, REF);
    await Promise.all([first, second, third]);
    expect(d.hookCalls).toBe(2);
    expect(events.map((e) => e.transition)).toEqual(['STOPPED', 'STARTED']);
    expect(d.states.get(UUID)).toBe(RUNNING);
  });

  it('bad input is VALIDATION_FAILED before anything runs, on either path', async () => {
    const { d } = await running('sync', 'sync');
    await expect(d.powerOff({}, { instance: { uuid: 'not-a-uuid' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(d.powerOff({ requestId: 'r-2' }, { instance: { uuid: UUID }, timeoutSec: -1 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(d.powerOff([] as never, REF)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(d.hookCalls).toBe(0);
  });
});

describe('the body of calls with no key and no rule', () => {
  it('answers a synchronous and a promised hook alike, observing the state getInfo read', async () => {
    const { d, events } = await running('sync', 'sync');
    d.states.set(UUID, PowerState.PAUSED); // not reported: getInfo's read makes it an event
    await expect(d.getInfo({}, REF)).resolves.toEqual({ state: PowerState.PAUSED }); // MapTestDriver: a promise
    const sync = d as unknown as { _getInfo: (c: unknown, r: typeof REF) => InstanceInfo };
    sync._getInfo = (_c, r) => ({ state: d.states.get(r.instance.uuid)! });
    d.states.set(UUID, SHUTDOWN);
    await expect(d.getInfo({}, REF)).resolves.toEqual({ state: SHUTDOWN });
    await expect(d.getInfo({ requestId: 'r-3' }, REF)).resolves.toEqual({ state: SHUTDOWN });
    expect(events.map((e) => e.transition)).toEqual(['PAUSED', 'STOPPED']);
    await expect(d.listInstances({})).resolves.toEqual([UUID]);
    await expect(d.listInstances({}, 'nope' as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
