import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, type SwapVolumeRequest } from '@virtkit/core';
import { runBlockJob } from '../../runtime/block-jobs.js';
import { volumeTopNode } from '../../runtime/qemu-argv.js';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { checkVolumeFile } from '../../runtime/tenant-files.js';
import type { Vm } from '../../runtime/vm.js';
import { bareDevice, isVolume, refuseWhileSuspended, volumeSource } from './volumes.js';

const GIB = 1024 ** 3;

/**
 * `_swapVolume`: copy the volume at `mountpoint` into the new one and switch
 * the guest device over. While QEMU runs: `blockdev-mirror` (sync full) to
 * the new file, `job-complete` to pivot, then the old nodes are deleted; the
 * guest keeps its device. Otherwise `qemu-img convert -n` copies the data.
 * Snapshot layers of the old volume are flattened into the new one.
 * @throws `NOT_FOUND` (nothing at the mountpoint, or not the old volume), `CONFLICT` (the new volume is attached),
 *   `INVALID_STATE` (SUSPENDED)
 */
export async function swapVolume(host: QemuHost, vm: Vm, req: SwapVolumeRequest): Promise<void> {
  const volume = vm.meta.volumes.find((v) => v.device === bareDevice(req.mountpoint));
  if (!volume) throw new NotFoundError('volume attachment', req.mountpoint);
  const target = volumeSource(req.newConnectionInfo, 'newConnectionInfo');
  // docs/contract.md "Swapping a volume": the new one already there (a retry, a swap for itself) changes nothing;
  // an old volume that is not the one at the mountpoint is NOT_FOUND
  if (isVolume(volume, req.newConnectionInfo)) return;
  if (!isVolume(volume, req.oldConnectionInfo)) throw new NotFoundError('volume attachment', req.mountpoint);
  await checkVolumeFile(host, target, 'newConnectionInfo.data.path');
  const holder = host.list().find((other) => other.meta.volumes.some((v) => v.path === target.path));
  if (holder)
    throw new ConflictError(`volume ${target.volumeId ?? target.path} is already attached to instance ${holder.uuid}`);
  refuseWhileSuspended(vm, 'swapVolume');
  const newNode = `v${randomBytes(3).toString('hex')}-${volume.device}`;
  const top = volume.layers.at(-1);
  await vm.busy(async () => {
    if (vm.running) {
      const proc = vm.requireProcess('swapVolume');
      await proc.execute('blockdev-add', {
        driver: target.format,
        'node-name': newNode,
        file: { driver: 'file', filename: target.path },
        ...(target.format === 'qcow2' ? { backing: null } : {}),
      });
      const job = `swap-${volume.device}`;
      await runBlockJob(
        proc,
        job,
        () =>
          proc.execute('blockdev-mirror', {
            'job-id': job,
            device: volumeTopNode(volume),
            target: newNode,
            sync: 'full',
          }),
        { complete: true },
      );
      for (const node of [...volume.layers.map((l) => l.node).reverse(), volume.node])
        await proc.execute('blockdev-del', { 'node-name': node });
      if ((req.resizeToGb ?? 0) > 0) await growTo(proc, newNode, (req.resizeToGb ?? 0) * GIB);
    } else {
      await host.img.copyInto(top?.file ?? volume.path, target.path, target.format);
      const size = (req.resizeToGb ?? 0) * GIB;
      if (size > (await host.img.info(target.path, target.format)).virtualSize)
        await host.img.resize(target.path, target.format, size);
    }
    Object.assign(volume, {
      path: target.path,
      format: target.format,
      volumeId: target.volumeId,
      node: newNode,
      layers: [],
    });
    await vm.save();
  });
}

async function growTo(proc: NonNullable<Vm['proc']>, node: string, size: number): Promise<void> {
  const nodes = await proc.execute<{ 'node-name': string; image: { 'virtual-size': number } }[]>(
    'query-named-block-nodes',
    { flat: true },
  );
  const current = nodes.find((n) => n['node-name'] === node)?.image['virtual-size'] ?? 0;
  if (size > current) await proc.execute('block_resize', { 'node-name': node, size });
}
