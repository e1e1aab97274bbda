import type { OperationContext } from '../../../context/operation-context.js';
import { ANY_STATE_RULE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { VolumeSnapshotCapability } from '../interface.js';
import { VolumeSnapshotCreateRequest, VolumeSnapshotDeleteRequest } from '../requests.js';

/** Public calls and hooks of `volume.snapshot`. */
export declare abstract class VolumeSnapshotShape {
  constructor(...args: any[]);
  /** Snapshot the attached volume so that `createInfo.newFile` becomes its active layer; any power state. */
  protected abstract _volumeSnapshotCreate(ctx: OperationContext, request: VolumeSnapshotCreateRequest): Promise<void>;
  /** Merge the snapshot's layer away as `deleteInfo` says; any power state. */
  protected abstract _volumeSnapshotDelete(ctx: OperationContext, request: VolumeSnapshotDeleteRequest): Promise<void>;
}
export interface VolumeSnapshotShape extends Sealed<VolumeSnapshotCapability> {}

/** Adds `volume.snapshot` to a driver class (apply after `withVolumes`). */
export const withVolumeSnapshot = defineCapability<typeof VolumeSnapshotShape>({
  name: 'volume.snapshot',
  requires: ['lifecycle', 'volume'],
  methods: {
    volumeSnapshotCreate: { hook: '_volumeSnapshotCreate', request: VolumeSnapshotCreateRequest, instance: true, state: ANY_STATE_RULE },
    volumeSnapshotDelete: { hook: '_volumeSnapshotDelete', request: VolumeSnapshotDeleteRequest, instance: true, state: ANY_STATE_RULE },
  },
});
