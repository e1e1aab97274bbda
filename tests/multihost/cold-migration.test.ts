import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { coldMigrate, PowerState, type ImageMeta } from '@virtkit/core';
import { GUEST_READY_MARKER } from '../../packages/qemu/tests/helpers/test-guest.js';
import { startAgentHosts, type Agent, type AgentHosts } from './agents.js';
import { typeOnConsole, waitForConsole } from './guest-console.js';
import { bootNetworkedGuest, providerVif, testGuestImage } from './host-drivers.js';
import type { Topology } from './topology.js';

// Cold migration between two hosts' agents (`virtkit serve` inside each namespace, reached by this test, the
// orchestrator, with `connectDriver` over mutual TLS) with no shared disk path in use: the source serves the
// powered-off root disk over NBD (TCP, read-only) and the destination copies it. A machine without
// namespaces or QEMU FAILS these tests with the reason: they never skip silently.

const ctx = {};
const MARKER = 'virtkit-disk-marker-42';

describe('cold migration between two agents in network namespaces, the disk over the network', () => {
  let hosts: AgentHosts | undefined;
  let topo: Topology;
  let image: ImageMeta;
  let agents: Agent[] = [];

  beforeAll(async () => {
    hosts = await startAgentHosts(2, [{}, {}]);
    ({ topo, agents } = hosts);
    image = testGuestImage();
  }, 600_000);
  afterAll(async () => {
    if (hosts) expect(await hosts.teardown()).toEqual([]);
  });

  const nbdServers = (): string[] => {
    try {
      return execFileSync('pgrep', ['-f', `qemu-nbd.*${topo.prefix}`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    } catch {
      return [];
    }
  };

  const title =
    'moves the disk h1 -> h2 (revert brings it back with its disk), then again with confirm: ' +
    'nothing left at the source';
  it(
    title,
    async () => {
      const [d1, d2] = agents.map((a) => a.driver) as [Agent['driver'], Agent['driver']];
      const [h1, h2] = topo.hosts as [(typeof topo.hosts)[0], (typeof topo.hosts)[0]];
      const { instance, networkInfo } = await bootNetworkedGuest(
        d1,
        image,
        providerVif('52:54:00:cc:00:01', 'vkcold0'),
        {
          netns: h1.netns,
        },
      );
      const uuid = instance.uuid;
      // something only this disk holds: written raw at its start by the guest
      await typeOnConsole(d1, uuid, `echo ${MARKER} > /dev/vda; sync; echo written-$((40+2))\n`, h1.netns);
      await waitForConsole(d1, uuid, (t) => t.includes('written-42'), 20_000, 'the marker written');
      const request = { instance, imageMeta: image, networkInfo, timeoutSec: 0, migrationId: randomUUID() };

      // ---- move, then revert: the instance is back at h1, with its disk
      const started = Date.now();
      const moved = await coldMigrate(d1, d2, { ...request, confirm: false });
      const coldMs = Date.now() - started;
      expect(moved.diskInfo[0]!.path).toMatch(new RegExp(`^nbd://${h1.ip.replace(/\./g, '\\.')}:\\d+/${uuid}$`));
      expect((await d2.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.RUNNING);
      await waitForConsole(d2, uuid, (t) => t.includes(GUEST_READY_MARKER), 90_000, 'the moved guest booted');
      await typeOnConsole(d2, uuid, 'head -c 22 /dev/vda; echo\n', h2.netns);
      await waitForConsole(d2, uuid, (t) => t.split(MARKER).length > 1, 20_000, 'the marker read at the destination');
      expect(topo.exec(h2, 'ip', ['-o', 'link'])).toContain('vkcold0');
      process.stdout.write(
        `[multihost] cold migration h1->h2 through agents (disk over NBD/TCP, guest powered off at once): ` +
          `${coldMs} ms\n`,
      );

      await d2.destroy(ctx, { instance: { uuid }, networkInfo });
      await d1.finishRevertMigration(ctx, { instance: { uuid }, networkInfo, powerOn: true });
      expect(nbdServers()).toEqual([]);
      expect(topo.exec(h2, 'ip', ['-o', 'link'])).not.toContain('vkcold0');
      expect((await d1.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.RUNNING);
      await waitForConsole(
        d1,
        uuid,
        (t) => t.split(GUEST_READY_MARKER).length > 2,
        90_000,
        'the reverted guest booted',
      );
      await typeOnConsole(d1, uuid, 'head -c 22 /dev/vda; echo\n', h1.netns);
      await waitForConsole(d1, uuid, (t) => t.split(MARKER).length > 2, 20_000, 'the marker read after the revert');

      // ---- move and confirm: nothing of the instance is left at h1 (no QEMU, no tap, no disk export, no directory)
      await coldMigrate(d1, d2, { ...request, migrationId: randomUUID() });
      expect(await d1.listInstanceUuids(ctx)).toEqual([]);
      expect(topo.exec(h1, 'ip', ['-o', 'link'])).not.toContain('vkcold0');
      expect(nbdServers()).toEqual([]);
      expect(execFileSync('ls', [h1.stateDir], { encoding: 'utf8' })).not.toContain(uuid);
      expect((await d2.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.RUNNING);
      await d2.destroy(ctx, { instance: { uuid }, networkInfo });
      expect(topo.exec(h2, 'ip', ['-o', 'link'])).not.toContain('vkcold0');
    },
    400_000,
  );
});
