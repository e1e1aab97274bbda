import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { liveMigrate, PowerState, type ImageMeta, type ProgressReport } from '@virtkit/core';
import { NO_OS_IMAGE } from '@virtkit/qemu';
import { startAgentHosts, type Agent, type AgentHosts } from './agents.js';
import { consoleText, ticks, waitForConsole } from './guest-console.js';
import { bootNetworkedGuest, providerVif, testGuestImage } from './host-drivers.js';
import type { Topology, TopologyHost } from './topology.js';

// Faults of the agents themselves (each host's `virtkit serve --driver @virtkit/qemu` inside its namespace,
// reached over mutual TLS): the destination agent is killed (SIGKILL) in the middle of a live migration, and the
// source agent is killed and restarted after one. A machine without namespaces or QEMU FAILS with the reason.

const ctx = {};

/** PIDs of QEMU processes in a host's namespace whose command line names `uuid`. */
function qemuPids(topo: Topology, host: TopologyHost, uuid: string): number[] {
  return topo
    .exec(host, 'ip', ['netns', 'pids', host.netns])
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return args.includes('qemu-system') && args.includes(uuid);
      } catch {
        return false;
      }
    });
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('agent faults: a destination agent killed mid-migration, a source agent restarted after one', () => {
  let hosts: AgentHosts | undefined;
  let topo: Topology;
  let image: ImageMeta;
  let agents: Agent[] = [];

  beforeAll(async () => {
    // h1's outgoing memory copy is capped, so that a migration is still under way when h2's agent is killed
    hosts = await startAgentHosts(2, [
      { driverOptions: { migration: { progressTimeoutSec: 10, maxBandwidthBytesPerSec: 4 * 1024 * 1024 } } },
      {},
    ]);
    ({ topo, agents } = hosts);
    image = testGuestImage();
  }, 600_000);
  afterAll(async () => {
    if (hosts) expect(await hosts.teardown()).toEqual([]);
  });

  const title =
    'the destination agent dies mid-migration: typed failure, the guest runs on at the source, nothing left at the ' +
    'destination; the source agent restarted re-adopts only its own';
  it(
    title,
    async () => {
      const [a1, a2] = agents as [Agent, Agent];
      const [h1, h2] = topo.hosts as [TopologyHost, TopologyHost];
      const { instance, networkInfo } = await bootNetworkedGuest(
        a1.driver,
        image,
        providerVif('52:54:00:dd:00:01', 'vkflt0'),
        { netns: h1.netns },
      );
      const uuid = instance.uuid;
      // a second instance that stays on h1 throughout (no OS: only its QEMU matters)
      const stay = randomUUID();
      await a1.driver.spawn(ctx, {
        instance: {
          uuid: stay,
          name: `stay-${stay.slice(0, 8)}`,
          flavor: { name: 't', vcpus: 1, memoryMb: 64, rootGb: 1 },
        },
        imageMeta: NO_OS_IMAGE,
      });
      const stayPids = qemuPids(topo, h1, stay);
      expect(stayPids).toHaveLength(1);

      // ---- (b) h2's agent is killed once the memory phase is under way
      let killed = false;
      const onProgress = (p: ProgressReport): void => {
        if (!killed && p.phase === 'memory') {
          killed = true;
          process.kill(a2.pid, 'SIGKILL');
        }
      };
      const started = Date.now();
      const failed = await liveMigrate(
        a1.driver,
        a2.driver,
        { instance, blockMigration: true, networkInfo },
        { onProgress },
      ).catch((e: unknown) => e);
      const failedMs = Date.now() - started;
      process.stdout.write(
        `[multihost] destination agent killed mid-migration: failed after ${failedMs} ms with ${String(failed)}\n`,
      );
      expect(killed).toBe(true);
      expect(failed).toMatchObject({ code: 'MIGRATION_FAILED' });
      // the guest keeps running at the source: its counter goes on
      expect((await a1.driver.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.RUNNING);
      const count = ticks(await consoleText(a1.driver, uuid)).at(-1) ?? 0;
      await waitForConsole(a1.driver, uuid, (t) => (ticks(t).at(-1) ?? 0) > count + 2, 15_000, 'the counter going on');
      // the arriving QEMU did not survive its agent
      await until('no QEMU of the instance left at h2', () => qemuPids(topo, h2, uuid).length === 0);
      // a restarted destination agent removes what is left of the arrival (directory, taps): nothing is claimed there
      await a2.stop('SIGKILL');
      await a2.restart();
      await a2.driver.initHost(ctx, { host: h2.name });
      expect(await a2.driver.listInstanceUuids(ctx)).toEqual([]);
      expect(readdirSync(h2.stateDir)).not.toContain(uuid);
      expect(topo.exec(h2, 'ip', ['-o', 'link'])).not.toContain('vkflt0');

      // ---- (c) the migration done (h1's cap lifted by force-complete), then h1's agent is killed and restarted
      let forced = false;
      await liveMigrate(
        a1.driver,
        a2.driver,
        { instance, blockMigration: true, networkInfo },
        {
          onProgress: (p) => {
            if (forced || p.phase !== 'memory') return;
            forced = true;
            void a1.driver.liveMigrationForceComplete(ctx, { instance: { uuid } }).catch(() => undefined);
          },
        },
      );
      expect(await a2.driver.listInstanceUuids(ctx)).toEqual([uuid]);
      await a1.stop('SIGKILL');
      await a1.restart();
      await a1.driver.initHost(ctx, { host: h1.name });
      // it re-adopts its own running instance (the same QEMU process) and nothing else
      expect(await a1.driver.listInstanceUuids(ctx)).toEqual([stay]);
      expect((await a1.driver.getInfo(ctx, { instance: { uuid: stay } })).state).toBe(PowerState.RUNNING);
      expect(qemuPids(topo, h1, stay)).toEqual(stayPids);
      expect(qemuPids(topo, h1, uuid)).toEqual([]);
      // the other agent's instance is untouched: still there, still counting
      expect(await a2.driver.listInstanceUuids(ctx)).toEqual([uuid]);
      const moved = ticks(await consoleText(a2.driver, uuid)).at(-1) ?? 0;
      await waitForConsole(a2.driver, uuid, (t) => (ticks(t).at(-1) ?? 0) > moved + 2, 15_000, 'the moved counter');

      await a1.driver.destroy(ctx, { instance: { uuid: stay } });
      await a2.driver.destroy(ctx, { instance: { uuid }, networkInfo });
      expect(qemuPids(topo, h1, stay)).toEqual([]);
    },
    600_000,
  );
});
