import { eventsSince, liveMigrate, PowerState, supports, type LifecycleEvent } from '@virtkit/core';
import { createMemoryFixtures } from '@virtkit/memory';
import { connectDriver, serveDriver, type RemoteDriver, type RemoteServer } from '@virtkit/remote';
import { spawnRequest, tempDir } from './helpers';

/**
 * Core's lifecycle events over the wire, field for field: `host` on every
 * event, `peerHost` on the moves, and the transitions that follow instances
 * (MIGRATED_AWAY, MIGRATED_IN, DELETED), on a pair of served hosts sharing
 * one memory fabric, each behind its own socket.
 */
describe('lifecycle events over the wire (a pair of served hosts)', () => {
  const tmpA = tempDir();
  const tmpB = tempDir();
  let servers: RemoteServer[] = [];
  let clients: RemoteDriver[] = [];
  let release: (() => Promise<void>) | undefined;

  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const s of servers) await s.close();
    await release?.();
    tmpA.remove();
    tmpB.remove();
  });

  it('a live migration and a destroy arrive as in process: host, peerHost, MIGRATED_AWAY/IN, DELETED', async () => {
    const pair = await createMemoryFixtures().createMigrationPair();
    release = () => pair.release();
    servers = [
      await serveDriver(pair.source, { listen: `unix:${tmpA.socket}` }),
      await serveDriver(pair.destination, { listen: `unix:${tmpB.socket}` }),
    ];
    // The caller names each host (as an orchestrator does); liveMigrate tells the source where the destination is.
    const [src, dst] = (clients = [
      await connectDriver(servers[0]!.target, { hostApi: { hostname: pair.sourceHost } }),
      await connectDriver(servers[1]!.target, { hostApi: { hostname: pair.destinationHost } }),
    ]);
    const seen: { src: LifecycleEvent[]; dst: LifecycleEvent[] } = { src: [], dst: [] };
    src!.on('lifecycle', (e) => void seen.src.push(e));
    dst!.on('lifecycle', (e) => void seen.dst.push(e));
    if (!supports(src!, 'lifecycle') || !supports(dst!, 'lifecycle')) throw new Error('unexpected map');
    const req = spawnRequest();
    await src!.spawn({}, req);
    await liveMigrate(src! as never, dst! as never, { instance: req.instance });
    expect((await dst!.getInfo({}, { instance: { uuid: req.instance.uuid } })).state).toBe(PowerState.RUNNING);
    await dst!.destroy({}, { instance: req.instance });

    expect(seen.src.map((e) => [e.transition, e.host, e.peerHost])).toEqual([
      ['STARTED', pair.sourceHost, undefined],
      ['MIGRATION_COMPLETED', pair.sourceHost, undefined],
      ['MIGRATED_AWAY', pair.sourceHost, pair.destinationHost],
    ]);
    expect(seen.dst.map((e) => [e.transition, e.host, e.peerHost])).toEqual([
      ['MIGRATED_IN', pair.destinationHost, pair.sourceHost],
      ['STOPPED', pair.destinationHost, undefined],
      ['DELETED', pair.destinationHost, undefined],
    ]);
    // Field for field what core's own replay holds on the serving side (sequence, states, time, host, peer).
    expect(seen.src).toEqual(eventsSince(pair.source, 0).events);
    expect(seen.dst).toEqual(eventsSince(pair.destination, 0).events);
  });
});
