import { codeOf, ctx, driver, ref, spawn, vif, volume } from './helpers';

const BLOCK_KEYS = ['readRequests', 'readBytes', 'writeRequests', 'writeBytes', 'errors'];

describe('diagnostics', () => {
  it('counters never decrease, grow while RUNNING and stand still otherwise', async () => {
    const d = driver();
    const uuid = await spawn(d, { networkInfo: [vif()] });
    const a = await d.getInstanceDiagnostics(ctx, ref(uuid));
    const b = await d.getInstanceDiagnostics(ctx, ref(uuid));
    expect(a).toMatchObject({
      state: 1,
      driver: 'memory',
      numCpus: 2,
      numNics: 1,
      numDisks: 1,
      memoryDetails: { maximumMb: 2048, usedMb: 2048 },
    });
    expect(b.diskDetails[0]!.readBytes).toBeGreaterThan(a.diskDetails[0]!.readBytes);
    expect(b.nicDetails[0]!.rxOctets).toBeGreaterThan(a.nicDetails[0]!.rxOctets);
    expect(b.cpuDetails[0]!.timeNs).toBeGreaterThan(a.cpuDetails[0]!.timeNs);
    await d.powerOff(ctx, ref(uuid));
    const c = await d.getInstanceDiagnostics(ctx, ref(uuid));
    const e = await d.getInstanceDiagnostics(ctx, ref(uuid));
    expect(c.diskDetails[0]!.readBytes).toBeGreaterThanOrEqual(b.diskDetails[0]!.readBytes);
    expect(e).toEqual(c);
    expect(c.memoryDetails.usedMb).toBe(0);
  });

  it('legacy diagnostics are the flattened form', async () => {
    const d = driver();
    const uuid = await spawn(d);
    expect(await d.getDiagnostics(ctx, ref(uuid))).toMatchObject({
      state: 'RUNNING',
      driver: 'memory',
      cpu0_time: expect.any(Number),
      vda_read: expect.any(Number),
    });
  });

  it('block stats: five counters per disk, growing while running; unknown disk is NOT_FOUND', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.attachVolume(ctx, { instance: { uuid }, connectionInfo: volume(), mountpoint: '/dev/vdb' });
    const first = await d.blockStats(ctx, { ...ref(uuid), diskId: 'vda' });
    expect(Object.keys(first).sort()).toEqual([...BLOCK_KEYS].sort());
    const second = await d.blockStats(ctx, { ...ref(uuid), diskId: 'vda' });
    expect(second.readRequests).toBeGreaterThan(first.readRequests);
    await d.blockStats(ctx, { ...ref(uuid), diskId: '/dev/vdb' });
    expect(await codeOf(d.blockStats(ctx, { ...ref(uuid), diskId: 'vdz' }))).toBe('NOT_FOUND');
  });

  it('bandwidth of running instances only; usage of attached volumes only', async () => {
    const d = driver();
    const nic = vif();
    const running = await spawn(d, { networkInfo: [nic] });
    const stopped = await spawn(d, { networkInfo: [vif()], powerOn: false });
    const bw = await d.getAllBwCounters(ctx, {
      instances: [{ uuid: running }, { uuid: stopped }, { uuid: '7c0c9b5e-0000-4000-8000-000000000004' }],
    });
    expect(bw).toEqual([
      { instanceUuid: running, macAddress: nic.address, bwIn: expect.any(Number), bwOut: expect.any(Number) },
    ]);
    const vol = volume();
    await d.attachVolume(ctx, { instance: { uuid: running }, connectionInfo: vol, mountpoint: 'vdb' });
    const usage = await d.getAllVolumeUsage(ctx, {
      instances: [
        {
          instance: { uuid: running },
          volumes: [
            { mountDevice: 'vdb', connectionInfo: vol },
            { mountDevice: 'vdc', connectionInfo: volume() },
          ],
        },
      ],
    });
    expect(usage).toEqual([expect.objectContaining({ volumeId: vol.data.volumeId, instanceUuid: running })]);
  });
});
