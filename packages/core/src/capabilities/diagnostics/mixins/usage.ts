import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { BandwidthCounters, BlockStats, VolumeUsage } from '../../../model/diagnostics.js';
import type { DiagnosticsUsageCapability } from '../interface.js';
import { BlockStatsRequest, GetAllBwCountersRequest, GetAllVolumeUsageRequest } from '../requests.js';

/** Public calls and hooks of `diagnostics.usage`. */
export declare abstract class DiagnosticsUsageShape {
  constructor(...args: any[]);
  /** One entry per interface of each listed instance that is running here; skip the others. */
  protected abstract _getAllBwCounters(ctx: OperationContext, request: GetAllBwCountersRequest): Promise<BandwidthCounters[]>;
  /** One entry per listed volume that has counters; skip the others. */
  protected abstract _getAllVolumeUsage(ctx: OperationContext, request: GetAllVolumeUsageRequest): Promise<VolumeUsage[]>;
  /** Counters of one disk; throw `NotFoundError('disk', diskId)` when the instance has no such disk. */
  protected abstract _blockStats(ctx: OperationContext, request: BlockStatsRequest): Promise<BlockStats>;
}
export interface DiagnosticsUsageShape extends Sealed<DiagnosticsUsageCapability> {}

/** Adds `diagnostics.usage` to a driver class (apply after `withLifecycle`). */
export const withDiagnosticsUsage = defineCapability<typeof DiagnosticsUsageShape>({
  name: 'diagnostics.usage',
  requires: ['lifecycle'],
  methods: {
    getAllBwCounters: { hook: '_getAllBwCounters', request: GetAllBwCountersRequest },
    getAllVolumeUsage: { hook: '_getAllVolumeUsage', request: GetAllVolumeUsageRequest },
    // A read: no instance lock, so it never waits behind a long call (issue #12).
    blockStats: { hook: '_blockStats', request: BlockStatsRequest },
  },
});
