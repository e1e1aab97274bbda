import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  ConflictError,
  NotFoundError,
  type VolumeSnapshotCreateRequest,
  type VolumeSnapshotDeleteRequest,
} from '@virtkit/core';
import { runBlockJob } from '../../runtime/block-jobs.js';
import { volumeTopNode } from '../../runtime/qemu-argv.js';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { invalid } from '../../runtime/safe-values.js';
import type { VolumeSpec } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { refuseWhileSuspended } from './volumes.js';

/**
 * `_volumeSnapshotCreate`: freeze the volume's current data as the snapshot
 * by putting a new qcow2 layer (`createInfo.newFile`, in the volume's
 * directory) on top of it: `blockdev-snapshot` while QEMU runs, the next
 * start opens the chain otherwise.
 * @throws `NOT_FOUND` (no attached volume `volumeId`), `CONFLICT` (snapshot id or file taken), `VALIDATION_FAILED`
 *   (type)
 */
export async function createVolumeSnapshot(host: QemuHost, vm: Vm, req: VolumeSnapshotCreateRequest): Promise<void> {
  const volume = byId(vm, req.volumeId);
  const { snapshotId, type } = req.createInfo;
  if (type !== 'qcow2') throw invalid('createInfo.type', 'the QEMU driver takes qcow2 snapshots');
  if (volume.layers.some((l) => l.snapshotId === snapshotId))
    throw new ConflictError(`volume ${req.volumeId} already has snapshot ${snapshotId}`);
  const file = join(dirname(volume.path), req.createInfo.newFile ?? `${snapshotId}.qcow2`);
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    throw new ConflictError(`${basename(file)} already exists`);
  refuseWhileSuspended(vm, 'volumeSnapshotCreate');
  const top = volume.layers.at(-1);
  const layer = { snapshotId, file, node: `s${randomBytes(3).toString('hex')}-${volume.device}` };
  await vm.busy(async () => {
    const current = top?.file ?? volume.path;
    // the current layer is locked by a running QEMU: give the size instead of opening it
    const sizeBytes = (await host.img.info(current, top ? 'qcow2' : volume.format)).virtualSize;
    await host.img.create(file, {
      sizeBytes,
      backing: { file: current, format: top ? 'qcow2' : volume.format },
      unsafe: true,
    });
    try {
      if (vm.running) {
        await vm.qmp('blockdev-add', {
          driver: 'qcow2',
          'node-name': layer.node,
          file: { driver: 'file', filename: file },
          backing: null,
        });
        await vm.qmp('blockdev-snapshot', { node: volumeTopNode(volume), overlay: layer.node });
      }
    } catch (error) {
      await vm.qmp('blockdev-del', { 'node-name': layer.node }).catch(() => undefined);
      await rm(file, { force: true });
      throw error;
    }
    volume.layers.push(layer);
    await vm.save();
  });
}

/**
 * `_volumeSnapshotDelete`: merge the layer created after the snapshot into
 * the layer below it (`block-commit`, completed and pivoted when it is the
 * active layer; `qemu-img commit` while stopped), so the volume's own file
 * holds the data again, then remove the layer's file.
 * @throws `NOT_FOUND` (no such volume or snapshot), `VALIDATION_FAILED` (a merge this layout cannot do)
 */
export async function deleteVolumeSnapshot(host: QemuHost, vm: Vm, req: VolumeSnapshotDeleteRequest): Promise<void> {
  const volume = byId(vm, req.volumeId);
  const index = volume.layers.findIndex((l) => l.snapshotId === req.snapshotId);
  if (index < 0) throw new NotFoundError('volume snapshot', req.snapshotId);
  const layer = volume.layers[index]!;
  const below =
    index === 0
      ? { file: volume.path, node: volume.node, format: volume.format }
      : { ...volume.layers[index - 1]!, format: 'qcow2' };
  const { fileToMerge, mergeTargetFile } = req.deleteInfo;
  if (fileToMerge !== undefined && fileToMerge !== basename(layer.file))
    throw invalid('deleteInfo.fileToMerge', `only ${basename(layer.file)} can be merged for this snapshot`);
  if (mergeTargetFile !== undefined && mergeTargetFile !== basename(below.file))
    throw invalid('deleteInfo.mergeTargetFile', `the layer merges into ${basename(below.file)}`);
  refuseWhileSuspended(vm, 'volumeSnapshotDelete');
  await vm.busy(async () => {
    const upper = volume.layers[index + 1];
    if (vm.running) {
      const proc = vm.requireProcess('volumeSnapshotDelete');
      const job = `commit-${volume.device}`;
      const active = upper === undefined;
      const args = active
        ? { 'job-id': job, device: layer.node }
        : { 'job-id': job, device: volumeTopNode(volume), 'top-node': layer.node, 'base-node': below.node };
      await runBlockJob(proc, job, () => proc.execute('block-commit', args), { complete: active });
      await proc.execute('blockdev-del', { 'node-name': layer.node });
    } else {
      await host.img.commit(layer.file);
      if (upper) await host.img.rebase(upper.file, { file: below.file, format: below.format });
    }
    volume.layers.splice(index, 1);
    await rm(layer.file, { force: true });
    await vm.save();
  });
}

function byId(vm: Vm, volumeId: string): VolumeSpec {
  const volume = vm.meta.volumes.find((v) => v.volumeId === volumeId);
  if (!volume) throw new NotFoundError('volume attachment', volumeId);
  return volume;
}
