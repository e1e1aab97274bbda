import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { PowerState, type ImageMeta, type Vif } from '@virtkit/core';
import { QemuDriver } from '@virtkit/qemu';
import {
  buildTestGuest,
  TEST_ALLOWED_DIRS,
  testGuestUnavailableReason,
  GUEST_READY_MARKER,
} from '../../packages/qemu/tests/helpers/test-guest.js';
import { guestSetup, typeOnConsole, waitForConsole } from './guest-console.js';
import {
  createTopology,
  HOST_BRIDGE,
  listNetns,
  topologyUnavailableReason,
  TOPOLOGY_SUBNET,
  type Topology,
} from './topology.js';

// A test that cannot make namespaces or boot the guest FAILS with the reason: it never skips silently.
const flavor = { name: 'net', vcpus: 1, memoryMb: 256, rootGb: 1 };
const ctx = {};
const BOOT_MS = 90_000;

const bridgeVif = (mac: string, devname?: string): Vif => ({
  id: randomUUID(),
  address: mac,
  type: 'bridge',
  network: { id: 'provider', bridge: HOST_BRIDGE },
  ...(devname ? { devname } : {}),
});

describe('QEMU driver: bridge/tap interfaces in a network namespace of their own', () => {
  let topo: Topology | undefined;
  let guestImage: ImageMeta;
  const drivers: QemuDriver[] = [];

  beforeAll(() => {
    const reason = topologyUnavailableReason() ?? testGuestUnavailableReason();
    if (reason) throw new Error(`the multi-host tests cannot run here: ${reason}`);
    const guest = buildTestGuest();
    guestImage = {
      name: 'test-guest',
      properties: {
        virtkit_kernel: guest.kernel,
        virtkit_initrd: guest.initrd,
        virtkit_kernel_args: 'console=ttyS0 panic=-1 quiet',
      },
    };
    topo = createTopology(1);
  }, 600_000);
  afterAll(async () => {
    for (const d of drivers.splice(0)) await d.close();
    const prefix = topo?.prefix;
    topo?.destroy();
    if (prefix) expect(listNetns().filter((n) => n.startsWith(prefix))).toEqual([]);
  });

  /** The interface names of a host's namespace. */
  const links = (netns: string): string[] => {
    const host = topo!.hosts.find((h) => h.netns === netns)!;
    return topo!
      .exec(host, 'ip', ['-o', 'link', 'show'])
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(': ')[1]!.split('@')[0]!);
  };

  const bridgeTitle =
    'a bridge VIF is a tap on the VIF bridge; the guest answers pings from the host side; hot-plug, counters, ' +
    'teardown on every path';
  it(
    bridgeTitle,
    async () => {
      const host = topo!.hosts[0]!;
      const driver = new QemuDriver({
        hostname: host.name,
        options: {
          stateDir: host.stateDir,
          netns: host.netns,
          hostIp: host.ip,
          allowedDirs: TEST_ALLOWED_DIRS,
          detachTimeoutSec: 20,
        },
      });
      drivers.push(driver);
      await driver.initHost(ctx, { host: host.name });
      const uuid = randomUUID();
      const first = bridgeVif('52:54:00:aa:00:01', 'vktapfirst');
      await driver.spawn(ctx, {
        instance: { uuid, name: 'net-guest', flavor },
        imageMeta: guestImage,
        networkInfo: [first],
      });

      // the tap lives in the driver's namespace, enslaved to the bridge the VIF names; the machine's own namespace has
      // none
      const tap = JSON.parse(topo!.exec(host, 'ip', ['-j', '-d', 'link', 'show', 'dev', 'vktapfirst'])) as {
        master?: string;
        address?: string;
      }[];
      expect(tap[0]?.master).toBe(HOST_BRIDGE);
      expect(() => execFileSync('ip', ['link', 'show', 'dev', 'vktapfirst'], { stdio: 'ignore' })).toThrow();
      await waitForConsole(driver, uuid, (t) => t.includes(GUEST_READY_MARKER), BOOT_MS, 'guest ready');
      const guestIp = `${TOPOLOGY_SUBNET}.100`;
      await typeOnConsole(driver, uuid, guestSetup(guestIp));
      await waitForConsole(driver, uuid, (t) => t.includes('virtkit-net-42'), 30_000, 'address set');
      // the MAC the guest has is the VIF's
      await typeOnConsole(driver, uuid, 'cat /sys/class/net/eth0/address\n');
      await waitForConsole(driver, uuid, (t) => t.includes('52:54:00:aa:00:01'), 10_000, 'the VIF MAC');

      const ping = topo!.exec(host, 'ping', ['-c', '3', '-i', '0.2', '-W', '2', guestIp], 30_000);
      expect(ping).toMatch(/3 packets transmitted, 3 received/);
      const diag = await driver.getInstanceDiagnostics(ctx, { instance: { uuid } });
      expect(diag.nicDetails[0]).toMatchObject({ macAddress: '52:54:00:aa:00:01' });
      expect(diag.nicDetails[0]!.rxPackets).toBeGreaterThanOrEqual(3);
      expect(diag.nicDetails[0]!.txPackets).toBeGreaterThanOrEqual(3);

      // hot-plug a tap VIF (derived name) while running: the guest sees a second NIC; detach removes the tap
      const second: Vif = {
        id: 'b7c1e2d4-0000-4000-8000-000000000002',
        address: '52:54:00:aa:00:02',
        type: 'tap',
        network: { id: 'provider', bridge: HOST_BRIDGE },
      };
      await driver.attachInterface(ctx, { instance: { uuid }, imageMeta: guestImage, vif: second });
      expect(links(host.netns)).toContain('tapb7c1e2d40000');
      await typeOnConsole(driver, uuid, 'sleep 1; cat /sys/class/net/eth1/address\n');
      await waitForConsole(driver, uuid, (t) => t.includes('52:54:00:aa:00:02'), 20_000, 'the hot-plugged NIC');
      await driver.detachInterface(ctx, { instance: { uuid }, vif: second });
      expect(links(host.netns)).not.toContain('tapb7c1e2d40000');

      // a killed QEMU: the instance is CRASHED, its tap stays for the next start; power on plugs it again
      const pid = Number((await driver.getInfo(ctx, { instance: { uuid } })).internalId?.slice(4));
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100 && (await driver.getInfo(ctx, { instance: { uuid } })).state !== PowerState.CRASHED; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect((await driver.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.CRASHED);
      await driver.powerOn(ctx, { instance: { uuid } });
      expect((await driver.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.RUNNING);
      process.kill(Number((await driver.getInfo(ctx, { instance: { uuid } })).internalId?.slice(4)), 'SIGKILL');
      // destroy after a killed QEMU: nothing of the instance is left on the host
      await driver.destroy(ctx, { instance: { uuid } });
      expect(links(host.netns)).not.toContain('vktapfirst');

      // plugVifs / unplugVifs own the tap on their own (what an orchestrator calls around host reboots)
      await driver.plugVifs(ctx, { instance: { uuid }, networkInfo: [first] });
      expect(links(host.netns)).toContain('vktapfirst');
      await driver.unplugVifs(ctx, { instance: { uuid }, networkInfo: [first] });
      expect(links(host.netns)).not.toContain('vktapfirst');

      // a device of that name that is not the instance's is refused and left alone
      topo!.exec(host, 'ip', ['link', 'add', 'vktapfirst', 'type', 'bridge']);
      await expect(driver.plugVifs(ctx, { instance: { uuid }, networkInfo: [first] })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await driver.unplugVifs(ctx, { instance: { uuid }, networkInfo: [first] });
      expect(links(host.netns)).toContain('vktapfirst');
      // a bridge VIF without a bridge, or a type the driver cannot plug: VALIDATION_FAILED, nothing made
      await expect(
        driver.plugVifs(ctx, { instance: { uuid }, networkInfo: [{ ...first, network: { id: 'n' } }] }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(
        driver.plugVifs(ctx, { instance: { uuid }, networkInfo: [{ ...first, type: 'ovs' }] }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    },
    300_000,
  );
});
