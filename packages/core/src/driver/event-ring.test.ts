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

  it('answers from the last entry it read only while that entry is current (forget, migratedIn, other keys)', () => {
    const hub = new LifecycleEventHub({ replayWindow: 64 });
    const seen: string[] = [];
    hub.on('lifecycle', (e) => seen.push(`${e.instanceUuid}:${e.transition}`));
    hub.report('a', PowerState.NOSTATE);
    hub.report('a', PowerState.RUNNING); // STARTED
    hub.observe('a', PowerState.RUNNING, hub.token()); // reads a's entry: the cached one from here
    hub.forget('a');
    hub.report('a', PowerState.SHUTDOWN); // unknown again: recorded, no event (a stale entry would say STOPPED)
    expect(hub.stateOf('a')).toBe(PowerState.SHUTDOWN);
    hub.report('b', PowerState.NOSTATE);
    hub.report('b', PowerState.RUNNING); // STARTED
    hub.report('a', PowerState.RUNNING); // STARTED (a's entry read again, not b's)
    hub.migratedIn('c', PowerState.RUNNING, 'peer'); // MIGRATED_IN, recorded without a power event
    hub.report('c', PowerState.RUNNING); // no change
    hub.report('c', PowerState.SHUTDOWN); // STOPPED
    expect(seen).toEqual(['a:STARTED', 'b:STARTED', 'a:STARTED', 'c:MIGRATED_IN', 'c:STOPPED']);
  });

  it('tells listeners registered once, and stops when the last listener is gone', () => {
    const hub = new LifecycleEventHub({ replayWindow: 0 });
    const once: string[] = [];
    const always: string[] = [];
    const listener = (e: { transition: string }): void => void always.push(e.transition);
    hub.on('lifecycle', (e) => once.push(e.transition), true);
    hub.report('a', PowerState.NOSTATE);
    hub.report('a', PowerState.RUNNING);
    hub.report('a', PowerState.SHUTDOWN);
    hub.on('lifecycle', listener);
    hub.report('a', PowerState.RUNNING);
    hub.off('lifecycle', listener);
    hub.report('a', PowerState.SHUTDOWN);
    expect(once).toEqual(['STARTED']);
    expect(always).toEqual(['STARTED']);
    // Nobody listens and nothing is kept: the events are still numbered.
    expect(hub.sequence).toBe(4);
  });
});
