import { randomUUID } from 'node:crypto';
import { isVirtkitError } from '@virtkit/core';
import { MemoryDriver, type FailurePoint } from '@virtkit/memory';
import { recordReliability } from './reliability-summary';

// Issue "Hardening": faults injected into the in-memory driver (its FailureInjector) at every mutating
// call: the call fails with the injected code, changes nothing, and the driver keeps working. (Faults of
// the QEMU driver are covered by the QEMU work.)

const ctx = {};
const FLAVOR = { name: 'm1.fault', vcpus: 1, memoryMb: 64, rootGb: 1 };
const IMG = { diskFormat: 'raw' as const };
const VOL = { driverVolumeType: 'memory', data: { volumeId: 'vol-fault' } };
const VIF = { id: 'vif-fault', address: '52:54:00:fa:17:01', type: 'user', network: { id: 'net' } };
const CODES = ['DRIVER_ERROR', 'INSUFFICIENT_RESOURCES', 'TIMEOUT', 'CONFLICT'] as const;

type Call = [point: FailurePoint, run: (d: any, uuid: string) => Promise<unknown>];
const ref = (uuid: string): any => ({ instance: { uuid } });
const CALLS: Call[] = [
  ['spawn', (d) => d.spawn(ctx, { instance: { uuid: randomUUID(), flavor: FLAVOR }, imageMeta: IMG })],
  [
    'spawn.boot',
    (d) =>
      d.spawn(ctx, {
        instance: { uuid: randomUUID(), flavor: FLAVOR },
        imageMeta: IMG,
        networkInfo: [{ ...VIF, id: 'vif-2', address: '52:54:00:fa:17:02' }],
      }),
  ],
  ['destroy', (d, u) => d.destroy(ctx, ref(u))],
  ['powerOff', (d, u) => d.powerOff(ctx, ref(u))],
  ['reboot', (d, u) => d.reboot(ctx, { ...ref(u), rebootType: 'HARD' })],
  ['pause', (d, u) => d.pause(ctx, ref(u))],
  ['suspend', (d, u) => d.suspend(ctx, ref(u))],
  ['rescue', (d, u) => d.rescue(ctx, { ...ref(u), imageMeta: IMG })],
  ['softDelete', (d, u) => d.softDelete(ctx, ref(u))],
  ['attachVolume', (d, u) => d.attachVolume(ctx, { ...ref(u), connectionInfo: VOL, mountpoint: 'vdc' })],
  [
    'detachVolume',
    (d, u) =>
      d.detachVolume(ctx, {
        ...ref(u),
        connectionInfo: { driverVolumeType: 'memory', data: { volumeId: 'vol-held' } },
        mountpoint: 'vdb',
      }),
  ],
  [
    'attachInterface',
    (d, u) =>
      d.attachInterface(ctx, { ...ref(u), imageMeta: IMG, vif: { ...VIF, id: 'vif-3', address: '52:54:00:fa:17:03' } }),
  ],
  ['detachInterface', (d, u) => d.detachInterface(ctx, { ...ref(u), vif: VIF })],
  // Snapshot fills an image the caller created beforehand (the contract); an empty one holds no data.
  [
    'snapshot',
    (d, u) =>
      d.snapshot(ctx, {
        ...ref(u),
        imageId: d.fabric.images.has(`img-${u}`) ? `img-${u}` : d.fabric.createImage(`img-${u}`),
      }),
  ],
  ['setAdminPassword', (d, u) => d.setAdminPassword(ctx, { ...ref(u), newPassword: 'pw' })],
  ['injectFile', (d, u) => d.injectFile(ctx, { ...ref(u), path: '/etc/motd', contents: 'aGk=' })],
  [
    'migrateDiskAndPowerOff',
    (d, u) =>
      d.migrateDiskAndPowerOff(ctx, { instance: { uuid: u, flavor: FLAVOR }, dest: 'fault-host-1', flavor: FLAVOR }),
  ],
];

async function stateOf(d: any): Promise<string> {
  const uuids: string[] = await d.listInstanceUuids(ctx);
  const infos = await Promise.all(
    uuids.map(async (uuid) => {
      const { cpuTimeNs: _moves, ...info } = await d.getInfo(ctx, ref(uuid));
      const diag = await d.getInstanceDiagnostics(ctx, ref(uuid));
      return { uuid, info, disks: diag.numDisks, nics: diag.nicDetails.map((n: any) => n.macAddress) };
    }),
  );
  const images = [...d.fabric.images.values()].filter((i: any) => i.status !== 'queued').map((i: any) => i.id);
  return JSON.stringify({ inspect: d.inspect(), infos, images });
}

describe('faults injected into the memory driver', () => {
  let injected = 0;
  let survived = 0;
  afterAll(() =>
    recordReliability('faults-memory', {
      driver: 'memory',
      injected,
      survived,
      points: CALLS.length,
      codes: CODES.length,
    }),
  );

  it.each(CALLS)(
    "%s: an injected failure is the call's error, changes nothing, and the next call works",
    async (point, run) => {
      for (const code of CODES) {
        const d: any = new MemoryDriver({ hostname: 'fault-host-1' }, { snapshot: { steps: 1, stepDelayMs: 0 } });
        const uuid = randomUUID();
        await d.spawn(ctx, {
          instance: { uuid, flavor: FLAVOR },
          imageMeta: IMG,
          networkInfo: [VIF],
          blockDeviceInfo: {
            blockDeviceMapping: [
              { mountDevice: 'vdb', connectionInfo: { driverVolumeType: 'memory', data: { volumeId: 'vol-held' } } },
            ],
          },
        });
        const before = await stateOf(d);
        d.failures.failNext(point, code);
        injected++;
        const got = await run(d, uuid).then(
          () => 'ok',
          (e: unknown) => (isVirtkitError(e) ? e.code : String(e)),
        );
        expect(got).toBe(code);
        expect(await stateOf(d)).toBe(before);
        await run(d, uuid); // the fault is gone: the same call now works
        survived++;
      }
    },
  );
});
