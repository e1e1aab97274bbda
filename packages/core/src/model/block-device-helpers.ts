import type {
  BlockDeviceInfo,
  BlockDeviceMapping,
  EphemeralDisk,
  SwapDisk,
  VolumeBlockDevice,
} from './block-device.js';

/** The swap a driver sees when an instance has none: no device, size 0. */
export const NO_SWAP: Readonly<SwapDisk> = Object.freeze({ deviceName: undefined, swapSizeMb: 0 });

/**
 * Convert the orchestrator's block-device mapping into the one driver format.
 * Local blank disks become ephemerals (or swap when `guestFormat` is `swap`);
 * volumes with connection info become the mapping. Equivalent of the
 * reference's `get_block_device_info`.
 */
export function getBlockDeviceInfo(
  instance: { rootDeviceName?: string },
  mappings: readonly BlockDeviceMapping[],
): BlockDeviceInfo {
  const ephemerals: EphemeralDisk[] = [];
  const volumes: VolumeBlockDevice[] = [];
  let swap: SwapDisk | undefined;
  for (const m of mappings) {
    if (m.destinationType === 'local' && m.sourceType === 'blank') {
      if (m.guestFormat === 'swap') {
        // The last swap wins, as only one swap device is usable.
        swap = { deviceName: m.deviceName, swapSizeMb: (m.volumeSizeGb ?? 0) * 1024, diskBus: m.diskBus };
      } else {
        ephemerals.push({
          deviceName: m.deviceName,
          sizeGb: m.volumeSizeGb ?? 0,
          guestFormat: m.guestFormat,
          deviceType: m.deviceType,
          diskBus: m.diskBus,
        });
      }
    } else if (m.destinationType === 'volume' && m.connectionInfo && m.deviceName) {
      volumes.push({
        mountDevice: m.deviceName,
        connectionInfo: m.connectionInfo,
        deleteOnTermination: m.deleteOnTermination,
        bootIndex: m.bootIndex,
        diskBus: m.diskBus,
        deviceType: m.deviceType,
        tag: m.tag,
        volumeId: m.volumeId,
      });
    }
  }
  return { rootDeviceName: instance.rootDeviceName, ephemerals, blockDeviceMapping: volumes, swap };
}

/** The root device name, if any. */
export function blockDeviceInfoGetRootDevice(info: BlockDeviceInfo | null | undefined): string | undefined {
  return info?.rootDeviceName;
}

/** The swap disk, or {@link NO_SWAP} when there is none. */
export function blockDeviceInfoGetSwap(info: BlockDeviceInfo | null | undefined): SwapDisk {
  return info?.swap ?? NO_SWAP;
}

/** True when the swap has a device name and a positive size. */
export function swapIsUsable(swap: SwapDisk | null | undefined): boolean {
  return !!swap && !!swap.deviceName && swap.swapSizeMb > 0;
}

/** The ephemeral disks (possibly none). */
export function blockDeviceInfoGetEphemerals(info: BlockDeviceInfo | null | undefined): EphemeralDisk[] {
  return info?.ephemerals ?? [];
}

/** The attached volumes (possibly none). */
export function blockDeviceInfoGetMapping(info: BlockDeviceInfo | null | undefined): VolumeBlockDevice[] {
  return info?.blockDeviceMapping ?? [];
}
