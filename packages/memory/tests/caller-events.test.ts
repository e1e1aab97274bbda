// Issue #18: events that follow instances (host, peer host, DELETED), replay from a sequence, list-then-watch.
import {
  PowerState,
  eventsSince,
  listInstanceStates,
  liveMigrate,
  watchEvents,
  type LifecycleEvent,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { ctx, driver, pair, ref, spawn } from './helpers';

describe('lifecycle events that follow instances', () => {
  it('carry the driver host; destroy emits DELETED after STOPPED', async () => {
    const d = driver({}, 'ev-host');
    const seen: LifecycleEvent[] = [];
    d.on('lifecycle', (e) => seen.push(e));
    const uuid = await spawn(d);
    await d.destroy(ctx, ref(uuid));
    expect(seen.map((e) => [e.transition, e.host, e.sequence])).toEqual([
      ['STARTED', 'ev-host', 1],
      ['STOPPED', 'ev-host', 2],
      ['DELETED', 'ev-host', 3],
    ]);
    await d.destroy(ctx, ref(uuid)); // unknown now: succeeds, tells nothing
    expect(seen).toHaveLength(3);
  });

  it('replays what a late listener missed, numbered without gaps, built only when read', async () => {
    const d = driver();
    const a = await spawn(d);
    await d.powerOff(ctx, ref(a));
    await d.powerOn(ctx, ref(a));
    const all = eventsSince(d, 0);
    expect(all.complete).toBe(true);
    expect(all.sequence).toBe(3);
    expect(all.events.map((e) => [e.sequence, e.transition, e.instanceUuid, e.previousState])).toEqual([
      [1, 'STARTED', a, PowerState.NOSTATE],
      [2, 'STOPPED', a, PowerState.RUNNING],
      [3, 'STARTED', a, PowerState.SHUTDOWN],
    ]);
    expect(Object.isFrozen(all.events[0])).toBe(true);
    expect(eventsSince(d, 2).events.map((e) => e.sequence)).toEqual([3]);
    expect(eventsSince(d, 3)).toEqual({ events: [], complete: true, sequence: 3 });
    // A sequence from the future (another driver, a restart) is not a replay the caller can trust.
    expect(eventsSince(d, 9).complete).toBe(false);
    expect(() => eventsSince(d, -1)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('says explicitly when the asked sequence fell out of the replay window', async () => {
    const d = new MemoryDriver({ hostname: 'small-window', eventReplayWindow: 4 });
    const uuid = await spawn(d);
    for (let i = 0; i < 3; i++) {
      await d.powerOff(ctx, ref(uuid));
      await d.powerOn(ctx, ref(uuid));
    }
    const late = eventsSince(d, 1);
    expect(late.sequence).toBe(7);
    expect(late.complete).toBe(false);
    expect(late.events.map((e) => e.sequence)).toEqual([4, 5, 6, 7]);
    const inWindow = eventsSince(d, 3);
    expect(inWindow.complete).toBe(true);
    expect(inWindow.events.map((e) => [e.sequence, e.transition])).toEqual([
      [4, 'STOPPED'],
      [5, 'STARTED'],
      [6, 'STOPPED'],
      [7, 'STARTED'],
    ]);
    const off = new MemoryDriver({ hostname: 'no-window', eventReplayWindow: 0 });
    await spawn(off);
    expect(eventsSince(off, 0)).toEqual({ events: [], complete: false, sequence: 1 });
    expect(() => new MemoryDriver({ eventReplayWindow: -1 })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('a live migration tells both ends, each naming the other host', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const before = { a: eventsSince(a, 0).sequence, b: eventsSince(b, 0).sequence };
    await liveMigrate(a, b, { instance: { uuid, flavor: { name: 'm1.small', vcpus: 2, memoryMb: 2048, rootGb: 20 } } });
    expect(eventsSince(a, before.a).events.map((e) => [e.transition, e.host, e.peerHost])).toEqual([
      ['MIGRATION_COMPLETED', 'host-a', undefined],
      ['MIGRATED_AWAY', 'host-a', 'host-b'],
    ]);
    expect(eventsSince(b, before.b).events.map((e) => [e.transition, e.host, e.peerHost, e.state])).toEqual([
      ['MIGRATED_IN', 'host-b', 'host-a', PowerState.RUNNING],
    ]);
  });

  it('list then watch: the listing and the watch meet at one sequence, nothing missed or doubled', async () => {
    const d = driver();
    const first = await spawn(d);
    const second = await spawn(d, { powerOn: false });
    const listing = await listInstanceStates(d, ctx);
    expect(listing.sequence).toBe(eventsSince(d, 0).sequence);
    expect(new Map(listing.instances.map((i) => [i.uuid, i.state]))).toEqual(
      new Map([
        [first, PowerState.RUNNING],
        [second, PowerState.SHUTDOWN],
      ]),
    );
    expect(listing.instances.every((i) => i.host === d.hostname)).toBe(true);
    await d.powerOn(ctx, ref(second)); // after the listing, before the watch starts
    const seen: LifecycleEvent[] = [];
    const watch = watchEvents(d, listing.sequence, (e) => seen.push(e));
    expect(watch.complete).toBe(true);
    expect(seen.map((e) => [e.instanceUuid, e.transition])).toEqual([[second, 'STARTED']]);
    await d.destroy(ctx, ref(first));
    expect(seen.map((e) => e.transition)).toEqual(['STARTED', 'STOPPED', 'DELETED']);
    expect(seen.map((e) => e.sequence)).toEqual([listing.sequence + 1, listing.sequence + 2, listing.sequence + 3]);
    watch.close();
    await d.powerOff(ctx, ref(second));
    expect(seen).toHaveLength(3);
  });

  it('lists per host, and a watch stops on abort', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const listing = await listInstanceStates(a);
    expect(listing.instances.map((i) => i.uuid)).toEqual([uuid]);
    expect((await listInstanceStates(b)).instances).toEqual([]);
    const controller = new AbortController();
    const seen: LifecycleEvent[] = [];
    watchEvents(a, listing.sequence, (e) => seen.push(e), { signal: controller.signal });
    controller.abort();
    await a.powerOff(ctx, ref(uuid));
    expect(seen).toEqual([]);
  });
});
