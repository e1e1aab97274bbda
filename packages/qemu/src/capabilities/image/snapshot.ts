import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, DriverError, NotFoundError, type OperationContext, type SnapshotRequest } from '@virtkit/core';
import { delay } from '../../runtime/proc-utils.js';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { invalid } from '../../runtime/safe-values.js';
import { VM_FILES } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';

/** Image ids become file names: a strict alphabet. */
const IMAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const JOB = 'virtkit-snapshot';
const TARGET_NODE = 'virtkit-snapshot-target';

/**
 * The image service's create call, for the QEMU driver's image service
 * (`imageDir`): an empty `<imageDir>/<imageId>.qcow2` that `snapshot` fills.
 * @throws `VALIDATION_FAILED` (image id), `CONFLICT` (the image exists)
 */
export async function createEmptyImage(host: QemuHost, imageId: string): Promise<string> {
  if (!IMAGE_ID_PATTERN.test(imageId))
    throw invalid('imageId', 'the QEMU driver stores images as files: letters, digits and ._- only');
  const path = join(await host.imageDir(), `${imageId}.qcow2`);
  try {
    await (await open(path, 'wx', 0o600)).close();
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') throw new ConflictError(`image ${imageId} already exists`);
    throw error;
  }
  return path;
}

/**
 * `_snapshot`: capture the root disk (with its backing image, flattened)
 * into `<imageDir>/<imageId>.qcow2`, an image the orchestrator created
 * beforehand (an empty file, see `createEmptyImage`). A live process copies a point-in-time
 * view with QMP `blockdev-backup` (the guest keeps running); otherwise
 * `qemu-img convert` reads the disk. Progress: `pending_upload` while copying,
 * `uploading` while the file is published. The instance keeps its state.
 * @throws `VALIDATION_FAILED` (image id), `NOT_FOUND` (no such image), `CONFLICT` (the image already holds data)
 */
export async function snapshotImage(
  host: QemuHost,
  vm: Vm,
  ctx: OperationContext,
  req: SnapshotRequest,
): Promise<void> {
  if (!IMAGE_ID_PATTERN.test(req.imageId))
    throw invalid('imageId', 'the QEMU driver stores images as files: letters, digits and ._- only');
  const report = ctx.onProgress ?? (() => undefined);
  const dir = await host.imageDir();
  const target = join(dir, `${req.imageId}.qcow2`);
  const partial = join(dir, `${req.imageId}.${vm.uuid}.partial`);
  const existing = await stat(target).catch(() => undefined);
  if (existing === undefined) throw new NotFoundError('image', req.imageId);
  if (!existing.isFile() || existing.size > 0) throw new ConflictError(`image ${req.imageId} already holds data`);
  report({ percent: 0, phase: 'pending_upload' });
  const onCopy = (percent: number): void => report({ percent: Math.floor(percent * 0.9), phase: 'pending_upload' });
  await vm.busy(async () => {
    if (vm.running) await backupLive(host, vm, partial, onCopy);
    else await host.img.convert(vm.file(VM_FILES.rootDisk), partial, onCopy);
  });
  report({ percent: 90, phase: 'uploading' });
  await rename(partial, target);
  report({ percent: 99, phase: 'uploading' });
}

/**
 * `_postInterruptedSnapshotCleanup`: stop a backup job still running and remove this instance's
 * partial images (also when QEMU is gone or does not answer: the files go whatever happened to the job).
 */
export async function cleanupSnapshot(host: QemuHost, vm: Vm | undefined, uuid: string): Promise<void> {
  try {
    if (vm?.running) await stopBackup(vm);
  } finally {
    const dir = await host.imageDir();
    for (const file of await readdir(dir)) {
      if (file.endsWith(`.${uuid}.partial`)) await rm(join(dir, file), { force: true });
    }
  }
}

async function backupLive(host: QemuHost, vm: Vm, partial: string, onCopy: (percent: number) => void): Promise<void> {
  const { virtualSize } = await host.img.info(vm.file(VM_FILES.rootDisk));
  await host.img.create(partial, { sizeBytes: virtualSize });
  await vm.qmp('blockdev-add', {
    driver: 'qcow2',
    'node-name': TARGET_NODE,
    file: { driver: 'file', filename: partial },
  });
  try {
    const proc = vm.requireProcess('snapshot');
    const done = proc.qmp.waitForEvent<{ device?: string; error?: string }>(
      'BLOCK_JOB_COMPLETED',
      (e) => e.data.device === JOB,
      0,
    );
    done.catch(() => undefined);
    await proc.execute('blockdev-backup', { 'job-id': JOB, device: 'root', target: TARGET_NODE, sync: 'full' });
    let finished: { data: { error?: string } } | undefined;
    void done.then(
      (e) => (finished = e),
      () => undefined,
    );
    while (!finished) {
      const jobs = await proc.execute<{ device: string; offset: number; len: number }[]>('query-block-jobs');
      const job = jobs.find((j) => j.device === JOB);
      if (job && job.len > 0) onCopy((100 * job.offset) / job.len);
      await Promise.race([
        done.then(
          () => undefined,
          () => undefined,
        ),
        delay(50),
      ]);
    }
    if (finished.data.error) throw new DriverError('snapshot', `the backup job failed: ${finished.data.error}`);
  } finally {
    await vm.qmp('blockdev-del', { 'node-name': TARGET_NODE }).catch(() => undefined);
  }
}

async function stopBackup(vm: Vm): Promise<void> {
  await vm.qmp('block-job-cancel', { device: JOB, force: true }).catch(() => undefined);
  for (let i = 0; i < 50; i++) {
    // best effort: a QEMU that died or hangs has no job worth waiting for
    const jobs = await vm.qmp<{ device: string }[]>('query-block-jobs').catch(() => []);
    if (!jobs.some((j) => j.device === JOB)) break;
    await delay(20);
  }
  await vm.qmp('blockdev-del', { 'node-name': TARGET_NODE }).catch(() => undefined);
}
