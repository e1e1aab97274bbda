import { LifecycleEventHub } from './lifecycle-events.js';
import { PowerState } from '../model/power-state.js';
import { ValidationError } from '../errors/errors.js';

describe('the replay window (EventRing through LifecycleEventHub)', () => {
  it('keeps exactly the last N events across growth and wrap-around, built on read with the hub host', () => {
    const hub = new LifecycleEventHub({ replayWindow: 200, host: () => 'ring-host' });
    hub.report('a', PowerState.NOSTATE);
    for (let i = 0; i < 500; i++) hub.report('a', i % 2 === 0 ? PowerState.RUNNING : PowerState.SHUTDOWN);
    hub.migratedAway('a', PowerState.SHUTDOWN, 'peer-1');
    expect(hub.sequence).toBe(501);
    const late = hub.since(250);
    expect(late.complete).toBe(false);
    expect(late.events[0]!.sequence).toBe(302);
    const replay = hub.since(301);
    expect(replay.complete).toBe(true);
    expect(replay.events).toHaveLength(200);
    expect(replay.events.map((e) => e.sequence)).toEqual(Array.from({ length: 200 }, (_, i) => 302 + i));
    // sequence s (1..500) is STARTED when odd, STOPPED when even
    expect(replay.events.slice(0, 4).map((e) => [e.transition, e.state, e.previousState])).toEqual([
      ['STOPPED', PowerState.SHUTDOWN, PowerState.RUNNING],
      ['STARTED', PowerState.RUNNING, PowerState.SHUTDOWN],
      ['STOPPED', PowerState.SHUTDOWN, PowerState.RUNNING],
      ['STARTED', PowerState.RUNNING, PowerState.SHUTDOWN],
    ]);
    expect(replay.events.at(-1)).toEqual(
      expect.objectContaining({
        transition: 'MIGRATED_AWAY',
        host: 'ring-host',
        peerHost: 'peer-1',
        instanceUuid: 'a',
      }),
    );
    expect('peerHost' in replay.events[0]!).toBe(false);
    expect(hub.stateOf('a')).toBeUndefined();
  });

  it('refuses a window that is not an integer from 0 to 2^20', () => {
    for (const bad of [-1, 1.5, 2 ** 21, Number.NaN]) {
      expect(() => new LifecycleEventHub({ replayWindow: bad })).toThrow(ValidationError);
    }
  });
});
