import 'reflect-metadata';
import { InstanceNotFoundError } from '../errors/errors.js';
import type { InstanceInfo } from '../model/instance-info.js';
import { PowerState } from '../model/power-state.js';
import type { LifecycleEvent } from '../model/lifecycle-event.js';
import { MapTestDriver } from '../testing/map-test-driver.js';

// DriverBase's `_getInfo` may answer with the info itself (no promise) and throw instead of rejecting: the guarded
// path then reads the state for a state rule without an `await`. Every guarantee holds as with a promise.
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const OTHER = '0b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const FLAVOR = { name: 'm1', vcpus: 1, memoryMb: 128, rootGb: 1 };

/** Power states in a map (`MapTestDriver`), with a synchronous `_getInfo` that counts its reads. */
class SyncInfoDriver extends MapTestDriver {
  reads = 0;
  protected override _getInfo(_c: unknown, r: { instance: { uuid: string } }): InstanceInfo {
    this.reads++;
    const state = this.states.get(r.instance.uuid);
    if (state === undefined) throw new InstanceNotFoundError(r.instance.uuid);
    return { state };
  }
}

async function withInstance(): Promise<SyncInfoDriver> {
  const d = new SyncInfoDriver();
  await d.spawn({}, { instance: { uuid: UUID, flavor: FLAVOR }, imageMeta: {} });
  return d;
}

describe('a synchronous state read (_getInfo answering without a promise)', () => {
  it('enforces the state rule, reports the transition once and treats a held target as done', async () => {
    const d = await withInstance();
    const events: LifecycleEvent[] = [];
    d.on('lifecycle', (e) => events.push(e));
    await d.powerOff({}, { instance: { uuid: UUID } });
    expect(d.states.get(UUID)).toBe(PowerState.SHUTDOWN);
    expect(events.map((e) => [e.previousState, e.state])).toEqual([[PowerState.RUNNING, PowerState.SHUTDOWN]]);
    const readsBefore = d.reads;
    await d.powerOff({}, { instance: { uuid: UUID } }); // already SHUTDOWN: succeeds, does nothing
    expect(d.reads).toBe(readsBefore + 1);
    expect(events).toHaveLength(1);
    await d.powerOn({}, { instance: { uuid: UUID } });
    expect(events.map((e) => e.state)).toEqual([PowerState.SHUTDOWN, PowerState.RUNNING]);
  });

  it('a synchronous throw is a typed rejection, never a synchronous throw of the public call', async () => {
    const d = await withInstance();
    let call!: Promise<unknown>;
    expect(() => (call = d.powerOff({}, { instance: { uuid: OTHER } }))).not.toThrow();
    await expect(call).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    await expect(d.getInfo({}, { instance: { uuid: OTHER } })).rejects.toBeInstanceOf(InstanceNotFoundError);
    await expect(d.destroy({}, { instance: { uuid: OTHER } })).resolves.toBeUndefined(); // missingOk
  });

  it('getInfo answers the value the hook gave, and observes its state', async () => {
    const d = await withInstance();
    d.states.set(UUID, PowerState.PAUSED); // a change the driver did not report
    const events: LifecycleEvent[] = [];
    d.on('lifecycle', (e) => events.push(e));
    await expect(d.getInfo({}, { instance: { uuid: UUID } })).resolves.toEqual({ state: PowerState.PAUSED });
    expect(events.map((e) => e.state)).toEqual([PowerState.PAUSED]);
  });

  it('keeps calls on one instance one at a time', async () => {
    const d = await withInstance();
    let inFlight = 0;
    let most = 0;
    const hooks = d as unknown as Record<string, unknown>;
    const slow = (next: PowerState) => async (_c: unknown, r: { instance: { uuid: string } }) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      d.states.set(r.instance.uuid, next);
      inFlight--;
    };
    hooks._powerOff = slow(PowerState.SHUTDOWN);
    hooks._powerOn = slow(PowerState.RUNNING);
    const ref = { instance: { uuid: UUID } };
    await Promise.all([d.powerOff({}, ref), d.powerOn({}, ref), d.powerOff({}, ref), d.powerOn({}, ref)]);
    expect(most).toBe(1);
    expect(d.states.get(UUID)).toBe(PowerState.RUNNING);
  });
});
