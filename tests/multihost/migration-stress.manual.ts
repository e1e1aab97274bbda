import { liveMigrate, type ImageMeta } from '@virtkit/core';
import type { QemuDriver } from '@virtkit/qemu';
import { consoleText, ticks, typeOnConsole } from './guest-console.js';
import { bootNetworkedGuest, GUEST_IP, hostDriver, providerVif, startPinger, testGuestImage } from './host-drivers.js';
import { createTopology, topologyUnavailableReason, type Topology } from './topology.js';

// Manual reproducer of the guest corruption seen after some live migrations under TCG (docs/networking.md,
// "Live migration under TCG: guest memory arriving stale"). Not part of `npm test` (its name does not end in
// .test.ts). Run as root:
//   npx jest --testMatch '**/migration-stress.manual.ts' tests/multihost
// It boots the networked test guest, makes the guest's kernel busy (a loop of `cat /proc/...`, many short-lived
// processes), pings it every 10 ms, then migrates it h1 <-> h2 VIRTKIT_STRESS_MIGRATIONS times (default 20) and
// fails at the first destination whose console shows an oops, a panic or a reboot, printing that console.

const MIGRATIONS = Number(process.env.VIRTKIT_STRESS_MIGRATIONS) || 20;
const CORRUPTION = /VIRTKIT-GUEST-READY|Kernel panic|BUG:|Oops|general protection|stack-protector/;

describe('live migration stress (manual)', () => {
  let topo: Topology | undefined;
  let image: ImageMeta;
  let drivers: QemuDriver[] = [];

  beforeAll(async () => {
    const reason = topologyUnavailableReason();
    if (reason) throw new Error(`the stress run cannot run here: ${reason}`);
    image = testGuestImage();
    topo = createTopology(3);
    drivers = [hostDriver(topo.hosts[0]!), hostDriver(topo.hosts[1]!)];
    for (const [i, d] of drivers.entries()) await d.initHost({}, { host: topo.hosts[i]!.name });
  }, 600_000);
  afterAll(async () => {
    for (const d of drivers) await d.close();
    topo?.destroy();
  });

  it('migrates a busy guest back and forth without corrupting it', async () => {
    const [d1, d2] = drivers as [QemuDriver, QemuDriver];
    const { instance, networkInfo } = await bootNetworkedGuest(
      d1,
      image,
      providerVif('52:54:00:bb:00:02', 'vkstress0'),
    );
    const uuid = instance.uuid;
    await typeOnConsole(
      d1,
      uuid,
      '(while true; do cat /proc/kallsyms /proc/slabinfo /proc/meminfo >/dev/null; done) &\n',
    );
    const pinger = startPinger(topo!.hosts[2]!.netns, GUEST_IP, 10);
    let [source, destination] = [d1, d2];
    try {
      for (let i = 0; i < MIGRATIONS; i++) {
        const before = ticks(await consoleText(source, uuid)).at(-1) ?? 0;
        await liveMigrate(source, destination, { instance, blockMigration: true, networkInfo });
        await new Promise((r) => setTimeout(r, 2500));
        const text = await consoleText(destination, uuid);
        const moved = ticks(text);
        if (CORRUPTION.test(text) || moved.length < 3 || (moved[0] ?? 0) <= before) {
          throw new Error(
            `migration ${i + 1} of ${MIGRATIONS}: the guest did not arrive intact; console:\n${text.slice(-6000)}`,
          );
        }
        [source, destination] = [destination, source];
      }
    } finally {
      const pings = await pinger.stop();
      process.stdout.write(`[stress] pings ${pings.sent} sent, ${pings.sent - pings.received} lost\n`);
      for (const d of drivers) await d.destroy({}, { instance: { uuid } }).catch(() => undefined);
    }
  }, 1_800_000);
});
