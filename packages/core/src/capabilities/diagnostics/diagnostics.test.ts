import 'reflect-metadata';
import { NotFoundError } from '../../errors/errors.js';
import type { BlockStats, InstanceDiagnostics } from '../../model/diagnostics.js';
import { PowerState } from '../../model/power-state.js';
import { withDiagnostics, withDiagnosticsUsage } from './index.js';
import type { BlockStatsRequest, GetAllVolumeUsageRequest } from './index.js';
import { MapTestDriver } from '../../testing/map-test-driver.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};
const instance = { uuid: UUID };
type Req = { instance: { uuid: string } };

class TinyBase extends MapTestDriver {
  override states = new Map<string, PowerState>([[UUID, PowerState.RUNNING]]);
}

const DIAG: InstanceDiagnostics = {
  state: PowerState.RUNNING,
  driver: 'tiny',
  uptimeSec: 42,
  configDrive: false,
  numCpus: 1,
  numNics: 1,
  numDisks: 1,
  cpuDetails: [{ id: 0, timeNs: 1000 }],
  nicDetails: [
    {
      macAddress: 'fa:16:3e:00:00:01',
      rxOctets: 1,
      rxPackets: 2,
      rxErrors: 0,
      rxDrop: 0,
      txOctets: 3,
      txPackets: 4,
      txErrors: 0,
      txDrop: 0,
    },
  ],
  diskDetails: [{ id: 'vda', readBytes: 10, readRequests: 1, writeBytes: 20, writeRequests: 2, errorsCount: 0 }],
  memoryDetails: { maximumMb: 512, usedMb: 256 },
};

class DiagDriver extends withDiagnosticsUsage(withDiagnostics(TinyBase)) {
  static override driverName = 'diag';
  protected async _getInstanceDiagnostics(_c: unknown, r: Req): Promise<InstanceDiagnostics> {
    await this._getInfo(_c, r);
    return DIAG;
  }
  protected async _getAllBwCounters(_c: unknown, r: { instances: { uuid: string }[] }) {
    return r.instances.map((i) => ({ instanceUuid: i.uuid, macAddress: 'fa:16:3e:00:00:01', bwIn: 5, bwOut: 6 }));
  }
  protected async _getAllVolumeUsage(_c: unknown, r: GetAllVolumeUsageRequest) {
    return r.instances.flatMap((row) =>
      row.volumes.map((v) => ({
        volumeId: v.volumeId ?? '',
        instanceUuid: row.instance.uuid,
        readRequests: 1,
        readBytes: 2,
        writeRequests: 3,
        writeBytes: 4,
      })),
    );
  }
  protected async _blockStats(_c: unknown, r: BlockStatsRequest): Promise<BlockStats> {
    if (r.diskId !== 'vda') throw new NotFoundError('disk', r.diskId);
    return { readRequests: 1, readBytes: 10, writeRequests: 2, writeBytes: 20, errors: 0 };
  }
}

class DiagOnly extends withDiagnostics(TinyBase) {
  protected async _getInstanceDiagnostics() {
    return DIAG;
  }
}

const volume = {
  mountDevice: 'vdb',
  volumeId: 'vol-1',
  connectionInfo: { driverVolumeType: 'file', data: { path: '/x' } },
};

describe('diagnostics family', () => {
  it('advertises each applied capability and refuses the other', async () => {
    expect(new DiagDriver().capabilities.capabilities).toMatchObject({ diagnostics: true, 'diagnostics.usage': true });
    const d = new DiagOnly() as any;
    expect(d.capabilities.capabilities['diagnostics.usage']).toBe(false);
    await expect(d.blockStats(ctx, { instance, diskId: 'vda' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'diagnostics.usage',
    });
  });

  it('returns typed diagnostics and derives the deprecated record by default', async () => {
    const d = new DiagDriver();
    await expect(d.getInstanceDiagnostics(ctx, { instance })).resolves.toEqual(DIAG);
    const legacy = await d.getDiagnostics(ctx, { instance });
    expect(legacy).toMatchObject({
      state: 'RUNNING',
      memory: 512 * 1024,
      cpu0_time: 1000,
      vda_read: 10,
      vda_errors: 0,
      nic0_tx: 3,
    });
    d.states.clear();
    await expect(d.getDiagnostics(ctx, { instance })).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
  });

  it('returns usage counters and block stats', async () => {
    const d = new DiagDriver();
    await expect(d.getAllBwCounters(ctx, { instances: [instance] })).resolves.toEqual([
      { instanceUuid: UUID, macAddress: 'fa:16:3e:00:00:01', bwIn: 5, bwOut: 6 },
    ]);
    const usage = await d.getAllVolumeUsage(ctx, { instances: [{ instance, volumes: [volume] }] });
    expect(usage).toEqual([expect.objectContaining({ volumeId: 'vol-1', instanceUuid: UUID })]);
    await expect(d.blockStats(ctx, { instance, diskId: 'vda' })).resolves.toMatchObject({ readBytes: 10, errors: 0 });
    await expect(d.blockStats(ctx, { instance, diskId: 'vdz' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('validates usage requests with field paths', async () => {
    const d = new DiagDriver() as any;
    const disk = await d.blockStats(ctx, { instance, diskId: 'vda; rm -rf /' }).catch((e: any) => e);
    expect(disk.code).toBe('VALIDATION_FAILED');
    expect(disk.paths).toEqual(['diskId']);
    const bw = await d.getAllBwCounters(ctx, { instances: [{ uuid: 'nope' }] }).catch((e: any) => e);
    expect(bw.paths).toEqual(['instances.0.uuid']);
    const vol = await d
      .getAllVolumeUsage(ctx, { instances: [{ volumes: [{ ...volume, mountDevice: '../x' }] }] })
      .catch((e: any) => e);
    expect(vol.paths).toEqual(expect.arrayContaining(['instances.0.instance', 'instances.0.volumes.0.mountDevice']));
  });
});
