import {
  withDeviceNames,
  withFsFormat,
  withVolumeExtend,
  withVolumes,
  withVolumeSnapshot,
  withVolumeSwap,
  type AttachVolumeRequest,
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
import { ImageHooks } from '../image/image-hooks.js';
import { volumeAttachedAsAsked } from '../lifecycle/idempotent-creates.js';
import { defaultDeviceNames, defaultRootDeviceName, deviceNameForInstance } from './device-names.js';
import { extendVolume } from './extend.js';
import { createVolumeSnapshot, deleteVolumeSnapshot } from './snapshot.js';
import { swapVolume } from './swap.js';
import { attachVolume, detachVolume, volumeConnector } from './volumes.js';

/**
 * The QEMU driver's `volume` family: `volume` and `.extend`, `.swap`, `.snapshot`, `.deviceNames`, `.fsFormat`: volumes
 * are files or block devices plugged over QMP.
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class VolumeHooks extends withFsFormat(
  withDeviceNames(withVolumeSnapshot(withVolumeSwap(withVolumeExtend(withVolumes(ImageHooks))))),
) {
  protected async _attachVolume(_ctx: OperationContext, req: AttachVolumeRequest): Promise<void> {
    const vm = this.vm(req);
    if (volumeAttachedAsAsked(vm.meta, req)) return; // a retry (#18): success, no change
    return attachVolume(this.qemu, vm, req);
  }

  protected _detachVolume(_ctx: OperationContext, req: DetachVolumeRequest): Promise<void> {
    return detachVolume(this.vm(req), req);
  }

  protected async _getVolumeConnector(
    _ctx: OperationContext,
    _req: GetVolumeConnectorRequest,
  ): Promise<VolumeConnector> {
    return volumeConnector(this.qemu, this.hostApi.hostname);
  }

  protected _extendVolume(_ctx: OperationContext, req: ExtendVolumeRequest): Promise<void> {
    return extendVolume(this.qemu, this.vm(req), req);
  }

  protected _swapVolume(_ctx: OperationContext, req: SwapVolumeRequest): Promise<void> {
    return swapVolume(this.qemu, this.vm(req), req);
  }

  protected _volumeSnapshotCreate(_ctx: OperationContext, req: VolumeSnapshotCreateRequest): Promise<void> {
    return createVolumeSnapshot(this.qemu, this.vm(req), req);
  }

  protected _volumeSnapshotDelete(_ctx: OperationContext, req: VolumeSnapshotDeleteRequest): Promise<void> {
    return deleteVolumeSnapshot(this.qemu, this.vm(req), req);
  }

  protected async _defaultRootDeviceName(_ctx: OperationContext, req: DefaultRootDeviceNameRequest): Promise<string> {
    return defaultRootDeviceName(req);
  }

  protected async _defaultDeviceNamesForInstance(
    _ctx: OperationContext,
    req: DefaultDeviceNamesForInstanceRequest,
  ): Promise<DefaultDeviceNamesForInstanceResult> {
    return defaultDeviceNames(req);
  }

  protected async _getDeviceNameForInstance(
    _ctx: OperationContext,
    req: GetDeviceNameForInstanceRequest,
  ): Promise<string> {
    return deviceNameForInstance(req, this.qemu.find(req.instance.uuid)?.meta);
  }
}
