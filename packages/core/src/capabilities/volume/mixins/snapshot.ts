import type { OperationContext } from '../../../context/operation-context.js';
import { ANY_STATE_RULE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { VolumeSnapshotCapability } from '../interface.js';
import { VolumeSnapshotCreateRequest, VolumeSnapshotDeleteRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `volume.snapshot`. */
export declare abstract class VolumeSnapshotShape {
  constructor(...args: MixinArgs);
  /** Snapshot the attached volume so that `createInfo.newFile` becomes its active layer; any power state. */
  protected abstract _volumeSnapshotCreate(ctx: OperationContext, request: VolumeSnapshotCreateRequest): Promise<void>;
  /** Merge the snapshot's layer away as `deleteInfo` says; any power state. */
  protected abstract _volumeSnapshotDelete(ctx: OperationContext, request: VolumeSnapshotDeleteRequest): Promise<void>;
}
export interface VolumeSnapshotShape extends Sealed<VolumeSnapshotCapability> {}

/** The declaration of `volume.snapshot`: its calls, hooks, rules and place in the contract. */
export const VOLUME_SNAPSHOT_CAPABILITY = declareCapability<VolumeSnapshotCapability>()({
  name: 'volume.snapshot',
  family: 'volume',
  description: 'snapshots of attached file-based volumes, taken and merged by the hypervisor.',
  status: 'optional',
  requires: ['lifecycle', 'volume'],
  methods: {
    volumeSnapshotCreate: {
      hook: '_volumeSnapshotCreate',
      request: VolumeSnapshotCreateRequest,
      instance: true,
      state: ANY_STATE_RULE,
    },
    volumeSnapshotDelete: {
      hook: '_volumeSnapshotDelete',
      request: VolumeSnapshotDeleteRequest,
      instance: true,
      state: ANY_STATE_RULE,
    },
  },
  calls: [
    {
      referenceName: 'volume_snapshot_create',
      method: 'volumeSnapshotCreate',
      kind: 'required',
      summary: "Take a snapshot of an attached volume with the hypervisor's help, for storage that cannot do it alone.",
    },
    {
      referenceName: 'volume_snapshot_delete',
      method: 'volumeSnapshotDelete',
      kind: 'required',
      summary: 'Delete such a snapshot, merging its data back as needed.',
    },
  ],
});

/** Adds `volume.snapshot` to a driver class (apply after `withVolumes`). */
export const withVolumeSnapshot = defineCapability<typeof VolumeSnapshotShape>(VOLUME_SNAPSHOT_CAPABILITY);
