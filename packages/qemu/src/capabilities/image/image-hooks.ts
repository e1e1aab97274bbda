import { randomUUID } from 'node:crypto';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConflictError,
  DriverError,
  NotFoundError,
  withImageSnapshot,
  type OperationContext,
  type PostInterruptedSnapshotCleanupRequest,
  type SnapshotRequest,
} from '@virtkit/core';
import { delay } from '../../runtime/proc-utils.js';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { invalid } from '../../runtime/safe-values.js';
import { VM_FILES } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { InventoryHooks } from '../inventory/inventory-hooks.js';

/** Image ids become file names: a strict alphabet. */
const IMAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const JOB = 'virtkit-snapshot';
const TARGET_NODE = 'virtkit-snapshot-target';

/**
 * The QEMU driver's `image` family: `image.snapshot`: an instance's disk copied into an image of this host's image
 * service (`imageDir`).
 */
export abstract class ImageHooks extends withImageSnapshot(InventoryHooks) {
  /**
   * Create an empty image in this host's image service (`imageDir`): `<imageDir>/<imageId>.qcow2`, as an
   * orchestrator does before `snapshot`, which then fills it.
   * @returns the id and the file of the image
   * @throws `VALIDATION_FAILED` (image id), `CONFLICT` (the image exists)
   */
  async createImage(imageId: string = randomUUID()): Promise<{ imageId: string; path: string }> {
    checkImageId(imageId);
    const path = join(await this.qemu.imageDir(), `${imageId}.qcow2`);
    try {
      await (await open(path, 'wx', 0o600)).close();
    } catch (error) {
      if ((error as { code?: string }).code === 'EEXIST') throw new ConflictError(`image ${imageId} already exists`);
      throw error;
    }
    return { imageId, path };
  }

  /**
   * Capture the root disk (with its backing image, flattened) into `<imageDir>/<imageId>.qcow2`, an image the
   * orchestrator created beforehand (an empty file, see `createImage`). A live process copies a point-in-time view
   * with QMP `blockdev-backup` (the guest keeps running); otherwise `qemu-img convert` reads the disk. Progress:
   * `pending_upload` while copying, `uploading` while the file is published. The instance keeps its state.
   * @throws `VALIDATION_FAILED` (image id), `NOT_FOUND` (no such image), `CONFLICT` (the image already holds data)
   */
  protected async _snapshot(ctx: OperationContext, req: SnapshotRequest): Promise<void> {
    const vm = this.vm(req);
    checkImageId(req.imageId);
    const report = ctx.onProgress ?? (() => undefined);
    const dir = await this.qemu.imageDir();
    const target = join(dir, `${req.imageId}.qcow2`);
    const partial = join(dir, `${req.imageId}.${vm.uuid}.partial`);
    const existing = await stat(target).catch(() => undefined);
    if (existing === undefined) throw new NotFoundError('image', req.imageId);
    if (!existing.isFile() || existing.size > 0) throw new ConflictError(`image ${req.imageId} already holds data`);
    report({ percent: 0, phase: 'pending_upload' });
    const onCopy = (percent: number): void => report({ percent: Math.floor(percent * 0.9), phase: 'pending_upload' });
    await vm.busy(async () => {
      if (vm.running) await backupLive(this.qemu, vm, partial, onCopy);
      else await this.qemu.img.convert(vm.file(VM_FILES.rootDisk), partial, onCopy);
    });
    report({ percent: 90, phase: 'uploading' });
    await rename(partial, target);
    report({ percent: 99, phase: 'uploading' });
  }

  /**
   * Stop a backup job still running and remove this instance's partial images (also when QEMU is gone or does not
   * answer: the files go whatever happened to the job).
   */
  protected override async _postInterruptedSnapshotCleanup(
    _ctx: OperationContext,
    req: PostInterruptedSnapshotCleanupRequest,
  ): Promise<void> {
    const { uuid } = req.instance;
    const vm = this.qemu.find(uuid);
    try {
      if (vm?.running) await stopBackup(vm);
    } finally {
      const dir = await this.qemu.imageDir();
      for (const file of await readdir(dir)) {
        if (file.endsWith(`.${uuid}.partial`)) await rm(join(dir, file), { force: true });
      }
    }
  }
}

/** @throws `VALIDATION_FAILED` for an image id that is not a safe file name */
function checkImageId(imageId: string): void {
  if (!IMAGE_ID_PATTERN.test(imageId))
    throw invalid('imageId', 'the QEMU driver stores images as files: letters, digits and ._- only');
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
