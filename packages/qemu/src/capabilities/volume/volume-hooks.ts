import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  ConflictError,
  NotFoundError,
  withDeviceNames,
  withFsFormat,
  withVolumeExtend,
  withVolumes,
  withVolumeSnapshot,
  withVolumeSwap,
  type AttachVolumeRequest,
  type BlockDeviceMapping,
  type DefaultDeviceNamesForInstanceRequest,
  type DefaultDeviceNamesForInstanceResult,
  type DefaultRootDeviceNameRequest,
  type DetachVolumeRequest,
  type ExtendVolumeRequest,
  type GetDeviceNameForInstanceRequest,
  type GetVolumeConnectorRequest,
  type OperationContext,
  type SwapVolumeRequest,
  type VolumeConnector,
  type VolumeSnapshotCreateRequest,
  type VolumeSnapshotDeleteRequest,
} from '@virtkit/core';
import { runBlockJob } from '../../runtime/block-jobs.js';
import { volumeTopNode } from '../../runtime/qemu-argv.js';
import { invalid } from '../../runtime/safe-values.js';
import { checkVolumeFile } from '../../runtime/tenant-files.js';
import type { VolumeSpec } from '../../runtime/vm-meta.js';
import type { Vm } from '../../runtime/vm.js';
import { ImageHooks } from '../image/image-hooks.js';
import { IMAGE_PROPERTIES } from '../lifecycle/boot-source.js';
import {
  bareDevice,
  busOf,
  findVolume,
  isVolume,
  newVolume,
  plugVolume,
  refuseAttachedElsewhere,
  refuseWhileSuspended,
  unplugVolume,
  volumeSource,
} from './volumes.js';

const GIB = 1024 ** 3;

/**
 * The QEMU driver's `volume` family: `volume` and `.extend`, `.swap`, `.snapshot`, `.deviceNames`, `.fsFormat`: volumes
 * are files or block devices plugged over QMP. Guest device names follow the bus, as Linux names them: virtio disks
 * vda, vdb, ...; SCSI disks sda, sdb, ...
 */
export abstract class VolumeHooks extends withFsFormat(
  withDeviceNames(withVolumeSnapshot(withVolumeSwap(withVolumeExtend(withVolumes(ImageHooks))))),
) {
  /**
   * `blockdev-add` + `device_add` while the process runs (virtio: a free pcie-root-port; scsi: the virtio-scsi bus),
   * recorded for the next start otherwise. The volume's file already at that mountpoint is a retry (#18): success, no
   * change.
   * @throws `CONFLICT` (mountpoint taken, or the volume attached here or to another instance),
   *   `INVALID_STATE` (SUSPENDED: the saved state fixes the devices), `VALIDATION_FAILED`
   */
  protected async _attachVolume(_ctx: OperationContext, req: AttachVolumeRequest): Promise<void> {
    const vm = this.vm(req);
    const device = bareDevice(req.mountpoint);
    const existing = vm.meta.volumes.find((v) => v.device === device);
    if (existing !== undefined && existing.path === volumeSource(req.connectionInfo).path) return;
    if (existing) throw new ConflictError(`instance ${vm.uuid} already has a volume at ${device}`);
    const source = volumeSource(req.connectionInfo);
    await checkVolumeFile(this.qemu, source, 'connectionInfo.data.path');
    refuseAttachedElsewhere(this.qemu, source);
    if (req.deviceType !== undefined && req.deviceType !== 'disk')
      throw invalid('deviceType', 'the QEMU driver attaches volumes as disks only');
    refuseWhileSuspended(vm, 'attachVolume');
    await vm.busy(async () => {
      const volume = newVolume(vm.meta, device, source, busOf(req.diskBus, vm.meta.diskBus), vm.running);
      if (vm.running) await plugVolume(vm, volume);
      vm.meta.volumes.push(volume);
      await vm.save();
    });
  }

  /**
   * Unplug the device (waiting for DEVICE_DELETED), then delete its block nodes.
   * @throws `NOT_FOUND` (nothing, or another volume, at the mountpoint; the SDK then succeeds), `TIMEOUT` (the guest
   *   keeps a virtio disk), `INVALID_STATE` (SUSPENDED)
   */
  protected async _detachVolume(_ctx: OperationContext, req: DetachVolumeRequest): Promise<void> {
    const vm = this.vm(req);
    const volume = vm.meta.volumes.find((v) => v.device === bareDevice(req.mountpoint));
    // another volume at that mountpoint is not this one's attachment: it stays
    if (!volume || !isVolume(volume, req.connectionInfo)) throw new NotFoundError('volume attachment', req.mountpoint);
    refuseWhileSuspended(vm, 'detachVolume');
    await vm.busy(async () => {
      if (vm.running) await unplugVolume(vm, volume);
      vm.meta.volumes = vm.meta.volumes.filter((v) => v !== volume);
      await vm.save();
    });
  }

  /** This host at its block-storage address, for local file volumes. */
  protected async _getVolumeConnector(
    _ctx: OperationContext,
    _req: GetVolumeConnectorRequest,
  ): Promise<VolumeConnector> {
    return {
      ip: this.config.blockStorageIp,
      host: this.hostApi.hostname ?? this.config.nodeName,
      multipath: false,
      platform: 'x86_64',
      osType: 'linux',
    };
  }

  /**
   * Make the guest see the grown volume. While the process runs, `block_resize` of the volume's top node (QEMU grows
   * a raw file itself and tells the guest); otherwise the file (or top qcow2 layer) is grown with `qemu-img resize`.
   * A size at or below the current one changes nothing.
   * @throws `NOT_FOUND` when the volume is not attached to the instance
   */
  protected async _extendVolume(_ctx: OperationContext, req: ExtendVolumeRequest): Promise<void> {
    const vm = this.vm(req);
    const volume = findVolume(vm, req.connectionInfo);
    const size = Math.ceil(req.newSizeBytes / 512) * 512;
    const top = volume.layers.at(-1);
    const file = top?.file ?? volume.path;
    const format = top ? 'qcow2' : volume.format;
    await vm.busy(async () => {
      const current = (await this.qemu.img.info(file, format)).virtualSize;
      if (size <= current) return;
      if (vm.running) await vm.qmp('block_resize', { 'node-name': volumeTopNode(volume), size });
      else await this.qemu.img.resize(file, format, size);
    });
  }

  /**
   * Copy the volume at `mountpoint` into the new one and switch the guest device over. While QEMU runs:
   * `blockdev-mirror` (sync full) to the new file, `job-complete` to pivot, then the old nodes are deleted; the guest
   * keeps its device. Otherwise `qemu-img convert -n` copies the data. Snapshot layers of the old volume are
   * flattened into the new one.
   * @throws `NOT_FOUND` (nothing at the mountpoint, or not the old volume), `CONFLICT` (the new volume is attached),
   *   `INVALID_STATE` (SUSPENDED)
   */
  protected async _swapVolume(_ctx: OperationContext, req: SwapVolumeRequest): Promise<void> {
    const host = this.qemu;
    const vm = this.vm(req);
    const volume = vm.meta.volumes.find((v) => v.device === bareDevice(req.mountpoint));
    if (!volume) throw new NotFoundError('volume attachment', req.mountpoint);
    const target = volumeSource(req.newConnectionInfo, 'newConnectionInfo');
    // docs/contract.md "Swapping a volume": the new one already there (a retry, a swap for itself) changes nothing;
    // an old volume that is not the one at the mountpoint is NOT_FOUND
    if (isVolume(volume, req.newConnectionInfo)) return;
    if (!isVolume(volume, req.oldConnectionInfo)) throw new NotFoundError('volume attachment', req.mountpoint);
    await checkVolumeFile(host, target, 'newConnectionInfo.data.path');
    refuseAttachedElsewhere(host, target);
    refuseWhileSuspended(vm, 'swapVolume');
    const newNode = `v${randomBytes(3).toString('hex')}-${volume.device}`;
    const top = volume.layers.at(-1);
    const size = (req.resizeToGb ?? 0) * GIB;
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
        const mirror = { 'job-id': job, device: volumeTopNode(volume), target: newNode, sync: 'full' };
        await runBlockJob(proc, job, () => proc.execute('blockdev-mirror', mirror), { complete: true });
        for (const node of [...volume.layers.map((l) => l.node).reverse(), volume.node])
          await proc.execute('blockdev-del', { 'node-name': node });
        if (size > 0) await growTo(proc, newNode, size);
      } else {
        await host.img.copyInto(top?.file ?? volume.path, target.path, target.format);
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

  /**
   * Freeze the volume's current data as the snapshot by putting a new qcow2 layer (`createInfo.newFile`, in the
   * volume's directory) on top of it: `blockdev-snapshot` while QEMU runs, the next start opens the chain otherwise.
   * @throws `NOT_FOUND` (no attached volume `volumeId`), `CONFLICT` (snapshot id or file taken), `VALIDATION_FAILED`
   *   (type)
   */
  protected async _volumeSnapshotCreate(_ctx: OperationContext, req: VolumeSnapshotCreateRequest): Promise<void> {
    const host = this.qemu;
    const vm = this.vm(req);
    const volume = volumeById(vm, req.volumeId);
    const { snapshotId, type } = req.createInfo;
    if (type !== 'qcow2') throw invalid('createInfo.type', 'the QEMU driver takes qcow2 snapshots');
    if (volume.layers.some((l) => l.snapshotId === snapshotId))
      throw new ConflictError(`volume ${req.volumeId} already has snapshot ${snapshotId}`);
    const file = join(dirname(volume.path), req.createInfo.newFile ?? `${snapshotId}.qcow2`);
    const taken = await stat(file).then(
      () => true,
      () => false,
    );
    if (taken) throw new ConflictError(`${basename(file)} already exists`);
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
   * Merge the layer created after the snapshot into the layer below it (`block-commit`, completed and pivoted when
   * it is the active layer; `qemu-img commit` while stopped), so the volume's own file holds the data again, then
   * remove the layer's file.
   * @throws `NOT_FOUND` (no such volume or snapshot), `VALIDATION_FAILED` (a merge this layout cannot do)
   */
  protected async _volumeSnapshotDelete(_ctx: OperationContext, req: VolumeSnapshotDeleteRequest): Promise<void> {
    const host = this.qemu;
    const vm = this.vm(req);
    const volume = volumeById(vm, req.volumeId);
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

  /** `/dev/vda`, or `/dev/sda` for an image on the SCSI bus. */
  protected async _defaultRootDeviceName(_ctx: OperationContext, req: DefaultRootDeviceNameRequest): Promise<string> {
    const bus = req.rootBdm?.diskBus ?? req.imageMeta.properties?.[IMAGE_PROPERTIES.diskBus];
    return `/dev/${prefixOf(bus)}a`;
  }

  /** Copies of the rows, each unnamed one given the next free name of its bus. */
  protected async _defaultDeviceNamesForInstance(
    _ctx: OperationContext,
    req: DefaultDeviceNamesForInstanceRequest,
  ): Promise<DefaultDeviceNamesForInstanceResult> {
    const taken = new Set([bareDevice(req.rootDeviceName)]);
    const all = [...(req.ephemerals ?? []), ...(req.swap ?? []), ...(req.blockDeviceMapping ?? [])];
    for (const row of all) if (row.deviceName) taken.add(bareDevice(row.deviceName));
    const name = (row: BlockDeviceMapping): BlockDeviceMapping => ({
      ...row,
      deviceName: row.deviceName ?? nextFree(taken, prefixOf(row.diskBus)),
    });
    return {
      ephemerals: (req.ephemerals ?? []).map(name),
      swap: (req.swap ?? []).map(name),
      blockDeviceMapping: (req.blockDeviceMapping ?? []).map(name),
    };
  }

  /**
   * The requested name when free, else the next free one of the row's bus. Never the root disk's own device: the
   * request's root name, the boot row's, the instance's actual root (when it is on this host), else the default root
   * of the bus (`vda`) are taken.
   */
  protected async _getDeviceNameForInstance(
    _ctx: OperationContext,
    req: GetDeviceNameForInstanceRequest,
  ): Promise<string> {
    const meta = this.qemu.find(req.instance.uuid)?.meta;
    const taken = new Set(req.bdms.filter((b) => b.deviceName).map((b) => bareDevice(b.deviceName!)));
    const bootRow = req.bdms.find((b) => b.bootIndex === 0 && b.deviceName);
    const root = req.instance.rootDeviceName ?? bootRow?.deviceName;
    taken.add(root !== undefined ? bareDevice(root) : `${prefixOf(meta?.diskBus ?? req.blockDevice.diskBus)}a`);
    if (meta) {
      taken.add(`${prefixOf(meta.diskBus)}a`);
      for (const volume of meta.volumes) taken.add(bareDevice(volume.device));
    }
    const wanted = req.blockDevice.deviceName;
    if (wanted && !taken.has(bareDevice(wanted))) return `/dev/${bareDevice(wanted)}`;
    return nextFree(taken, prefixOf(req.blockDevice.diskBus));
  }
}

/** The attached volume with this id. @throws `NOT_FOUND` */
function volumeById(vm: Vm, volumeId: string): VolumeSpec {
  const volume = vm.meta.volumes.find((v) => v.volumeId === volumeId);
  if (!volume) throw new NotFoundError('volume attachment', volumeId);
  return volume;
}

/** Grow a block node of the running process to `size` bytes (never shrink it). */
async function growTo(proc: NonNullable<Vm['proc']>, node: string, size: number): Promise<void> {
  const nodes = await proc.execute<{ 'node-name': string; image: { 'virtual-size': number } }[]>(
    'query-named-block-nodes',
    { flat: true },
  );
  const current = nodes.find((n) => n['node-name'] === node)?.image['virtual-size'] ?? 0;
  if (size > current) await proc.execute('block_resize', { 'node-name': node, size });
}

/** The device-name prefix of a bus. @throws `VALIDATION_FAILED` for an unknown bus */
function prefixOf(bus: string | undefined): 'vd' | 'sd' {
  if (bus === undefined || bus === 'virtio') return 'vd';
  if (bus === 'scsi' || bus === 'sata' || bus === 'usb') return 'sd';
  throw invalid('diskBus', `unknown disk bus '${bus}'`);
}

/** The next free `<prefix><letters>` (vda..vdz, vdaa..), recorded as taken. */
function nextFree(taken: Set<string>, prefix: string): string {
  const letter = (i: number): string => String.fromCharCode(97 + i);
  for (let i = 0; i < 26 * 27; i++) {
    const suffix = i < 26 ? letter(i) : letter(Math.floor(i / 26) - 1) + letter(i % 26);
    const candidate = `${prefix}${suffix}`;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return `/dev/${candidate}`;
    }
  }
  throw invalid('blockDeviceMapping', 'no free device name left');
}
