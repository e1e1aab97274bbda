// Issue #18: creates are idempotent: the same spawn / attach again succeeds and changes nothing; anything else is
// refused.
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PowerState, type Vif } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../src/index.js';
import { processesMentioning } from '../src/runtime/proc-utils.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

const qemuIt = itUnless(
  findExecutable('qemu-system-x86_64') ? undefined : 'qemu-system-x86_64 is not installed',
  'QEMU idempotent creates',
);
const ctx = {};
const flavor = { name: 'tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };

describe('QEMU: idempotent creates', () => {
  let stateDir: string;
  let driver: QemuDriver | undefined;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-idem-'));
  });
  afterEach(async () => {
    await driver?.close().catch(() => undefined);
    driver = undefined;
    for (const pid of processesMentioning(stateDir)) process.kill(pid, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });

  qemuIt(
    'spawn, attachVolume and attachInterface again as asked change nothing; otherwise INSTANCE_EXISTS / CONFLICT',
    async () => {
      const d = (driver = new QemuDriver({ hostname: 'idem-host', options: { stateDir } }));
      await d.initHost(ctx, { host: 'idem-host' });
      const uuid = randomUUID();
      const vif: Vif = {
        id: randomUUID(),
        address: '52:54:00:aa:bb:01',
        type: 'user',
        network: { id: 'n', label: 'n' },
      };
      const request = {
        instance: { uuid, name: `i-${uuid.slice(0, 8)}`, flavor },
        imageMeta: NO_OS_IMAGE,
        networkInfo: [vif],
        powerOn: false,
      };
      await d.spawn(ctx, request);
      await d.spawn(ctx, request);
      expect(await d.countInstances(ctx)).toBe(1);
      await expect(
        d.spawn(ctx, { ...request, instance: { ...request.instance, flavor: { ...flavor, vcpus: 2 } } }),
      ).rejects.toMatchObject({ code: 'INSTANCE_EXISTS' });
      await expect(d.spawn(ctx, { ...request, networkInfo: [] })).rejects.toMatchObject({ code: 'INSTANCE_EXISTS' });
      expect((await d.getInfo(ctx, { instance: { uuid } })).state).toBe(PowerState.SHUTDOWN);

      const path = join(stateDir, 'vol-a.raw');
      execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path, '16M']);
      const other = join(stateDir, 'vol-b.raw');
      execFileSync('qemu-img', ['create', '-q', '-f', 'raw', other, '16M']);
      const attach = {
        instance: { uuid },
        connectionInfo: { driverVolumeType: 'file', data: { path }, volumeId: 'a' },
        mountpoint: 'vdb',
      };
      await d.attachVolume(ctx, attach);
      await d.attachVolume(ctx, attach);
      expect((await d.getInstanceDiagnostics(ctx, { instance: { uuid } })).numDisks).toBe(2);
      await expect(
        d.attachVolume(ctx, {
          ...attach,
          connectionInfo: { driverVolumeType: 'file', data: { path: other }, volumeId: 'b' },
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });

      await d.attachInterface(ctx, { instance: { uuid }, vif, imageMeta: NO_OS_IMAGE });
      await expect(
        d.attachInterface(ctx, {
          instance: { uuid },
          vif: { ...vif, address: '52:54:00:aa:bb:02' },
          imageMeta: NO_OS_IMAGE,
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await d.getInstanceDiagnostics(ctx, { instance: { uuid } })).nicDetails).toHaveLength(1);
    },
    60_000,
  );
});
