import { randomUUID } from 'node:crypto';
import { formatReport, runConformance } from '@virtkit/conformance';
import type { DriverBase, ImageMeta, Vif } from '@virtkit/core';
import qemuDefinition, { QemuTapDriver, qemuLeakCheck } from '@virtkit/qemu';
import { TEST_ALLOWED_DIRS, testGuestUnavailableReason } from '../../packages/qemu/tests/helpers/test-guest.js';
import { bootNetworkedGuest, GUEST_IP, providerVif, recordingLogger, testGuestImage } from './host-drivers.js';
import { createTopology, HOST_BRIDGE, listNetns, topologyUnavailableReason, type Topology } from './topology.js';

// diagnostics.usage of the QEMU driver from the kernel's counters of its taps, inside a namespace host the test
// makes: traffic through the bridge shows in the counters, and the conformance kit's diagnostics.usage tests
// pass with bridge VIFs. A machine without namespaces or QEMU FAILS these tests with the reason.

const ctx = {};
const aNumber: unknown = expect.any(Number);
/** ICMP echo of `ping` (56 bytes of data) on Ethernet: 14 + 20 + 8 + 56. */
const ECHO_FRAME_BYTES = 98;

describe('QemuTapDriver: diagnostics.usage from the taps of a namespace host', () => {
  let topo: Topology;
  let image: ImageMeta;
  const drivers: DriverBase[] = [];
  const tapDriver = (name: string): QemuTapDriver => {
    const host = topo.hosts[0]!;
    const driver = new QemuTapDriver({
      hostname: name,
      logger: recordingLogger([]),
      options: { netns: host.netns, hostIp: host.ip, allowedDirs: TEST_ALLOWED_DIRS },
    });
    drivers.push(driver);
    return driver;
  };

  beforeAll(() => {
    const reason = topologyUnavailableReason() ?? testGuestUnavailableReason();
    if (reason) throw new Error(`the multi-host tests cannot run here: ${reason}`);
    image = testGuestImage();
    topo = createTopology(1);
  }, 600_000);
  afterAll(async () => {
    for (const d of drivers.splice(0)) await (d as QemuTapDriver).close();
    const prefix = topo?.prefix;
    topo?.destroy();
    if (prefix) expect(listNetns().filter((n) => n.startsWith(prefix))).toEqual([]);
  });

  it('counts a ping through the bridge in both directions, in bandwidth and in diagnostics', async () => {
    const driver = tapDriver('usage-host');
    expect(driver.capabilities.capabilities['diagnostics.usage']).toBe(true);
    await driver.initHost(ctx, { host: 'usage-host' });
    const vif = providerVif('52:54:00:cc:00:01', 'vkuse0');
    const { instance } = await bootNetworkedGuest(driver, image, vif);
    const ref = { instances: [{ uuid: instance.uuid }] };
    const before = await driver.getAllBwCounters(ctx, ref);
    expect(before).toEqual([{ instanceUuid: instance.uuid, macAddress: vif.address, bwIn: aNumber, bwOut: aNumber }]);
    const nicBefore = (await driver.getInstanceDiagnostics(ctx, { instance: { uuid: instance.uuid } })).nicDetails[0]!;

    // 20 echo requests from the host's side of the bridge (h1 itself), 20 replies from the guest
    const output = topo.exec(topo.hosts[0]!, 'ping', ['-c', '20', '-i', '0.05', '-W', '2', GUEST_IP]);
    expect(output).toMatch(/20 received/);

    const after = await driver.getAllBwCounters(ctx, ref);
    const nicAfter = (await driver.getInstanceDiagnostics(ctx, { instance: { uuid: instance.uuid } })).nicDetails[0]!;
    // the guest received the requests and sent the replies (ARP and the guest's own chatter may add more)
    expect(after[0]!.bwIn - before[0]!.bwIn).toBeGreaterThanOrEqual(20 * ECHO_FRAME_BYTES);
    expect(after[0]!.bwOut - before[0]!.bwOut).toBeGreaterThanOrEqual(20 * ECHO_FRAME_BYTES);
    expect(nicAfter.rxPackets - nicBefore.rxPackets).toBeGreaterThanOrEqual(20);
    expect(nicAfter.txPackets - nicBefore.txPackets).toBeGreaterThanOrEqual(20);
    expect(nicAfter.rxOctets).toBeGreaterThanOrEqual(after[0]!.bwIn);
    // the very counters the kernel shows for the tap (its transmit is the guest's receive)
    const kernel = Number(topo.exec(topo.hosts[0]!, 'cat', ['/sys/class/net/vkuse0/statistics/tx_bytes']).trim());
    expect(kernel).toBeGreaterThanOrEqual(after[0]!.bwIn);

    // block stats of the root disk come from QEMU; a stopped instance keeps none
    const disk = await driver.blockStats(ctx, { instance: { uuid: instance.uuid }, diskId: 'vda' });
    expect(disk.readRequests).toBeGreaterThanOrEqual(0);
    await expect(driver.blockStats(ctx, { instance: { uuid: instance.uuid }, diskId: 'vdq' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await driver.powerOff(ctx, { instance: { uuid: instance.uuid } });
    expect(await driver.getAllBwCounters(ctx, ref)).toEqual([]);
    await expect(driver.blockStats(ctx, { instance: { uuid: instance.uuid }, diskId: 'vda' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await driver.destroy(ctx, { instance: { uuid: instance.uuid } });
    expect(topo.exec(topo.hosts[0]!, 'ip', ['-o', 'link'])).not.toContain('vkuse0');
  }, 300_000);

  it("passes the conformance kit's diagnostics.usage tests with bridge VIFs", async () => {
    const fixtures = await (qemuDefinition.conformance as unknown as () => Promise<Record<string, unknown>>)();
    let n = 0;
    const createVif = (): Vif => {
      const hex = randomUUID().replace(/-/g, '');
      return {
        id: randomUUID(),
        address: `52:54:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`,
        type: 'bridge',
        devname: `vkkit${n++}`,
        network: { id: 'provider', bridge: HOST_BRIDGE },
      };
    };
    const made: QemuTapDriver[] = [];
    const report = await runConformance({
      factory: () => {
        const d = tapDriver(`kit-${made.length}`);
        made.push(d);
        return d;
      },
      dispose: async (d) => void (await (d as QemuTapDriver).close()),
      fixtures: { ...fixtures, createVif },
      only: ['diagnostics.usage'],
    });
    console.log(formatReport(report));
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    expect(report.results.filter((r) => r.capability === 'diagnostics.usage' && r.status === 'passed').length).toBe(4);
    for (const d of made) expect(await qemuLeakCheck(d)).toEqual([]);
    // every tap the kit's instances had is gone with them
    expect(topo.exec(topo.hosts[0]!, 'ip', ['-o', 'link'])).not.toContain('vkkit');
  }, 600_000);
});
