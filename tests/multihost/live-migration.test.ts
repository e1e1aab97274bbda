import { liveMigrate, PowerState, type ImageMeta, type ProgressReport } from '@virtkit/core';
import { startAgentHosts, type Agent, type AgentHosts } from './agents.js';
import { consoleText, ticks, waitForConsole } from './guest-console.js';
import { bootNetworkedGuest, GUEST_IP, providerVif, startPinger, testGuestImage } from './host-drivers.js';
import type { Topology } from './topology.js';

// Two hosts (h1, h2) and a pinger (h3), each a network namespace. Each host runs its agent, `virtkit serve
// --driver @virtkit/qemu` inside its namespace, on its management address with mutual TLS; this test is the
// orchestrator (in the machine's namespace, one management link per host) and drives the contract's protocol
// through `connectDriver`. The data network (guests, migrations) is the switch; the link cut is on it.
// QEMU's migration stream and the NBD disk mirror go over TCP between the namespaces' addresses; no disk is
// shared (block migration). A machine without namespaces or QEMU FAILS these tests with the reason.

const ctx = {};

/** What the destination's console shows when the guest's kernel died (an oops, a panic, then a reboot). */
const TCG_STALE_MEMORY = /Kernel panic|BUG:|Oops|general protection|stack-protector/;

describe('live migration between two agents in network namespaces over TCP (block migration, real guest)', () => {
  let hosts: AgentHosts | undefined;
  let topo: Topology;
  let image: ImageMeta;
  let agents: Agent[] = [];

  beforeAll(async () => {
    // a source gives up a stalled transfer after 5 s (link down); h2's outgoing memory copy is capped so it lasts a
    // while
    hosts = await startAgentHosts(3, [
      { driverOptions: { migration: { progressTimeoutSec: 5 } } },
      { driverOptions: { migration: { progressTimeoutSec: 5, maxBandwidthBytesPerSec: 2 * 1024 * 1024 } } },
    ]);
    ({ topo, agents } = hosts);
    image = testGuestImage();
  }, 600_000);
  afterAll(async () => {
    if (hosts) expect(await hosts.teardown()).toEqual([]);
  });

  const title =
    'moves a running, pinged guest h1 -> h2; its counter continues; then a link cut mid-migration leaves it ' +
    'running at the source';
  it(
    title,
    async () => {
      const [d1, d2] = agents.map((a) => a.driver) as [Agent['driver'], Agent['driver']];
      const [h1, h2, h3] = topo.hosts as [(typeof topo.hosts)[0], (typeof topo.hosts)[0], (typeof topo.hosts)[0]];
      // One attempt: boot a pinged guest on h1, move it live to h2, check both sides; the destination's console
      // then shows either the counter going on or the guest's kernel dying.
      const attempt = async () => {
        const { instance, networkInfo } = await bootNetworkedGuest(
          d1,
          image,
          providerVif('52:54:00:bb:00:01', 'vkmig0'),
          {
            netns: h1.netns,
          },
        );
        const uuid = instance.uuid;
        expect(topo.exec(h3, 'ping', ['-c', '2', '-W', '2', GUEST_IP])).toMatch(/2 received/);

        // ---- live migration h1 -> h2, pinged from h3 throughout
        const before = ticks(await consoleText(d1, uuid));
        let lastSourceTick = before.at(-1) ?? 0;
        const watching = setInterval(
          () =>
            void consoleText(d1, uuid).then(
              (t) => {
                lastSourceTick = Math.max(lastSourceTick, ticks(t).at(-1) ?? 0);
              },
              () => undefined,
            ),
          100,
        );
        const pinger = startPinger(h3.netns, GUEST_IP, 100);
        await new Promise((r) => setTimeout(r, 1000));
        const started = Date.now();
        const progress: ProgressReport[] = [];
        await liveMigrate(
          d1,
          d2,
          { instance, blockMigration: true, networkInfo },
          { onProgress: (p) => progress.push(p) },
        );
        const totalMs = Date.now() - started;
        clearInterval(watching);
        // pings keep being answered after the switch-over
        await new Promise((r) => setTimeout(r, 2000));
        const pings = await pinger.stop();

        expect(await d1.listInstanceUuids(ctx)).toEqual([]);
        expect((await d2.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.RUNNING);
        // no tap of the instance is left at the source; the destination made its own on its bridge
        expect(topo.exec(h1, 'ip', ['-o', 'link'])).not.toContain('vkmig0');
        expect(topo.exec(h2, 'ip', ['-o', 'link'])).toContain('vkmig0');
        const after = await waitForConsole(
          d2,
          uuid,
          (t) => ticks(t).length >= 5 || TCG_STALE_MEMORY.test(t),
          30_000,
          'the counter on the destination',
        );
        return { instance, networkInfo, uuid, before, lastSourceTick, after, totalMs, progress, pings };
      };
      // QEMU 7.2's TCG sometimes delivers a live-migrated guest with stale memory and its kernel dies within a
      // second (docs/networking.md, "Live migration under TCG"); the guest reboots (panic=-1). Only that death,
      // seen on the destination's console, earns another attempt with a fresh guest, at most twice more: a
      // driver that breaks the guest every time still fails here.
      let outcome = await attempt();
      for (let retry = 1; retry <= 2 && TCG_STALE_MEMORY.test(outcome.after); retry++) {
        process.stdout.write(
          `[multihost] attempt ${retry}: the guest's kernel died on the destination after the switch-over ` +
            `(TCG stale memory, docs/networking.md); trying again with a fresh guest\n` +
            `${outcome.after.slice(-600)}\n`,
        );
        await d2.destroy(ctx, { instance: { uuid: outcome.uuid } });
        outcome = await attempt();
      }
      const { instance, networkInfo, uuid, before, lastSourceTick, after, totalMs, progress, pings } = outcome;
      // the guest kept running: the destination's console continues the counter, never from 1, no second boot
      expect(after).not.toMatch(TCG_STALE_MEMORY);
      const moved = ticks(after);
      expect(moved[0]).toBeGreaterThan(before.at(-1) ?? 0);
      expect(moved[0]).toBeLessThanOrEqual(lastSourceTick + 1);
      expect(moved.every((n, i) => i === 0 || n === moved[i - 1]! + 1)).toBe(true);
      expect(after).not.toContain('VIRTKIT-GUEST-READY');
      // the source agent's figures reach the orchestrator in its last progress report
      const figures = progress.find((p) => p.phase === 'switched-over')?.detail ?? {};
      expect(progress.at(-1)).toMatchObject({ percent: 100 });
      const lost = pings.sent - pings.received;
      // figures for the report (docs/networking.md)
      process.stdout.write(
        `[multihost] live migration h1->h2 through agents: total ${totalMs} ms ` +
          `(driver ${String(figures.totalMs)} ms, QEMU memory phase ${String(figures.memoryPhaseMs)} ms), ` +
          `downtime ${String(figures.downtimeMs)} ms; pings ${pings.sent} sent, ${lost} lost\n`,
      );
      expect(typeof figures.downtimeMs).toBe('number');
      expect(pings.received).toBeGreaterThan(0);
      // a handful of pings at most go unanswered around the switch-over (each waits 1 s; 100 ms apart)
      expect(lost).toBeLessThanOrEqual(Math.max(5, Math.ceil(pings.sent * 0.2)));
      expect(topo.exec(h3, 'ping', ['-c', '2', '-W', '2', GUEST_IP])).toMatch(/2 received/);

      // ---- the link to the destination (h1) goes down in the middle of a migration h2 -> h1
      let cut = false;
      const reports: ProgressReport[] = [];
      const onProgress = (p: ProgressReport): void => {
        reports.push(p);
        // the memory phase is under way (the disk is in sync): the link to the destination goes down
        if (!cut && p.phase === 'memory') {
          cut = true;
          topo.setLink(h1, 'down');
        }
      };
      const faultStarted = Date.now();
      const steps: string[] = [];
      const onStep = (step: string): void => void steps.push(`${step}@${Date.now() - faultStarted}ms`);
      const failed = await liveMigrate(
        d2,
        d1,
        { instance, blockMigration: true, networkInfo },
        { onProgress, onStep },
      ).catch((e: unknown) => e);
      const faultMs = Date.now() - faultStarted;
      topo.setLink(h1, 'up');
      process.stdout.write(
        `[multihost] link cut mid-migration: failed after ${faultMs} ms with ${String(failed)}; ` +
          `steps ${steps.join(', ')}\n`,
      );
      if (!cut || (failed as { code?: string } | undefined)?.code !== 'MIGRATION_FAILED') {
        throw new Error(
          `no cut mid-migration (cut=${cut}), outcome ${String(failed)}; ` +
            `progress ${JSON.stringify(reports.slice(-10))}`,
        );
      }
      expect(failed).toMatchObject({ code: 'MIGRATION_FAILED' });
      // the guest keeps running at the source, still answering; the destination has nothing left (no instance, no tap)
      expect((await d2.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.RUNNING);
      expect(await d1.listInstanceUuids(ctx)).toEqual([]);
      expect(topo.exec(h1, 'ip', ['-o', 'link'])).not.toContain('vkmig0');
      expect(topo.exec(h3, 'ping', ['-c', '2', '-W', '2', GUEST_IP])).toMatch(/2 received/);
      const count = ticks(await consoleText(d2, uuid)).at(-1) ?? 0;
      await waitForConsole(d2, uuid, (t) => (ticks(t).at(-1) ?? 0) > count + 2, 10_000, 'the counter still running');
      await d2.destroy(ctx, { instance: { uuid } });
      expect(topo.exec(h2, 'ip', ['-o', 'link'])).not.toContain('vkmig0');
    },
    600_000,
  );
});
