import { PowerState, ValidationError, type LifecycleEvent } from '../index.js';
import { MapTestDriver } from '../testing/map-test-driver.js';
import { eventsSince } from '../caller/events-since.js';
import { LifecycleTransition } from '../model/lifecycle-event.js';

// The contract decision "hypervisor events fed to the SDK are validated" (docs/contract.md).

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const OTHER = '0f0e0d0c-0b0a-4909-8807-060504030201';
const ctx = {};
const spawnReq = { instance: { uuid: UUID, flavor: { name: 'm1', vcpus: 1, memoryMb: 64, rootGb: 1 } }, imageMeta: {} };

/** Forwards its hypervisor's own events, as QMP and libvirt send them, also for changes it made itself. */
class ForwardingDriver extends MapTestDriver {
  feed(uuid: string, state: unknown): boolean {
    return this.reportPowerState(uuid, state as PowerState);
  }
  announce(uuid: string, transition: unknown, state: PowerState): void {
    this.announceTransition(uuid, transition as LifecycleTransition, state);
  }
  protected override async _spawn(c: unknown, r: { instance: { uuid: string }; powerOn?: boolean }) {
    await super._spawn(c, r);
    // The hypervisor says the guest now runs (its RESUME event), before spawn returns.
    this.reportPowerState(r.instance.uuid, PowerState.RUNNING);
  }
  protected override async _powerOff(c: unknown, r: { instance: { uuid: string } }) {
    await super._powerOff(c, r);
    this.reportPowerState(r.instance.uuid, PowerState.SHUTDOWN);
  }
}

function recorded(): { d: ForwardingDriver; events: LifecycleEvent[]; seen: () => string[] } {
  const d = new ForwardingDriver();
  const events: LifecycleEvent[] = [];
  d.on('lifecycle', (e) => events.push(e));
  return {
    d,
    events,
    seen: () =>
      events.map((e) => `${e.instanceUuid === UUID ? 'A' : 'B'} ${e.transition} ${e.previousState}->${e.state}`),
  };
}

describe('hypervisor events fed to the SDK', () => {
  it('a driver forwarding its own RUNNING during spawn: one STARTED, no spurious STOPPED', async () => {
    const { d, seen } = recorded();
    await d.spawn(ctx, spawnReq);
    expect(seen()).toEqual([`A STARTED ${PowerState.NOSTATE}->${PowerState.RUNNING}`]);
  });

  it('an event repeating the state the SDK knows (one the driver caused) emits nothing', async () => {
    const { d, seen } = recorded();
    await d.spawn(ctx, spawnReq);
    await d.powerOff(ctx, { instance: { uuid: UUID } });
    expect(d.feed(UUID, PowerState.SHUTDOWN)).toBe(true);
    expect(seen()).toEqual([`A STARTED 0->1`, `A STOPPED 1->4`]);
  });

  it.each([
    ['a state outside the power-state table', UUID, 2],
    ['a state given as a name', UUID, 'RUNNING'],
    ['a negative state', UUID, -1],
    ['a malformed uuid', 'not-a-uuid', PowerState.PAUSED],
  ])(
    '%s is VALIDATION_FAILED and recorded nowhere: the next event names the right previous state',
    async (_what, uuid, state) => {
      const { d, seen } = recorded();
      await d.spawn(ctx, spawnReq);
      expect(() => d.feed(uuid, state)).toThrow(ValidationError);
      d.feed(UUID, PowerState.PAUSED);
      expect(seen()).toEqual([`A STARTED 0->1`, `A PAUSED 1->3`]);
    },
  );

  it('a transition outside LifecycleTransition (a plain-JS driver) is VALIDATION_FAILED, emitted and kept nowhere', async () => {
    const { d, seen } = recorded();
    await d.spawn(ctx, spawnReq);
    expect(() => d.announce(UUID, 'REBOOTED', PowerState.RUNNING)).toThrow(ValidationError);
    d.announce(UUID, LifecycleTransition.RESUMED, PowerState.RUNNING);
    expect(seen()).toEqual([`A STARTED 0->1`, `A RESUMED 1->1`]);
    // The replay window holds the same two events, states and all (an unknown name once corrupted its record).
    const replay = eventsSince(d, 0).events.map((e) => `${e.transition} ${e.previousState}->${e.state}`);
    expect(replay).toEqual(['STARTED 0->1', 'RESUMED 1->1']);
  });

  it('an unknown instance is recorded nowhere: a late event after destroy leaves no trace', async () => {
    const { d, seen, events } = recorded();
    await d.spawn(ctx, spawnReq);
    await d.destroy(ctx, { instance: { uuid: UUID } });
    expect(d.feed(UUID, PowerState.RUNNING)).toBe(false);
    await new Promise((r) => setTimeout(r, 5));
    // Spawned again later (same uuid), its first event is measured from NOSTATE, not from the late RUNNING.
    events.length = 0;
    await d.spawn(ctx, spawnReq);
    expect(seen()).toEqual([`A STARTED 0->1`]);
  });

  it('an instance the SDK has not seen but the driver has (taken over) gets its real state as baseline', async () => {
    const { d, seen } = recorded();
    d.states.set(OTHER, PowerState.RUNNING);
    expect(d.feed(OTHER, PowerState.PAUSED)).toBe(false);
    await new Promise((r) => setTimeout(r, 5));
    // The baseline is what the driver says (RUNNING), so the crash that follows is one STOPPED from RUNNING.
    d.states.set(OTHER, PowerState.CRASHED);
    d.feed(OTHER, PowerState.CRASHED);
    expect(seen()).toEqual([`B STOPPED 1->6`]);
  });
});
