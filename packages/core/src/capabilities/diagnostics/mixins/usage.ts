import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { BandwidthCounters, BlockStats, VolumeUsage } from '../../../model/diagnostics.js';
import type { DiagnosticsUsageCapability } from '../interface.js';
import { BlockStatsRequest, GetAllBwCountersRequest, GetAllVolumeUsageRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `diagnostics.usage`. */
export declare abstract class DiagnosticsUsageShape {
  constructor(...args: MixinArgs);
  /** One entry per interface of each listed instance that is running here; skip the others. */
  protected abstract _getAllBwCounters(
    ctx: OperationContext,
    request: GetAllBwCountersRequest,
  ): Promise<BandwidthCounters[]>;
  /** One entry per listed volume that has counters; skip the others. */
  protected abstract _getAllVolumeUsage(
    ctx: OperationContext,
    request: GetAllVolumeUsageRequest,
  ): Promise<VolumeUsage[]>;
  /** Counters of one disk; throw `NotFoundError('disk', diskId)` when the instance has no such disk. */
  protected abstract _blockStats(ctx: OperationContext, request: BlockStatsRequest): Promise<BlockStats>;
}
export interface DiagnosticsUsageShape extends Sealed<DiagnosticsUsageCapability> {}

/** The declaration of `diagnostics.usage`: its calls, hooks, rules and place in the contract. */
export const DIAGNOSTICS_USAGE_CAPABILITY = declareCapability<DiagnosticsUsageCapability>()({
  name: 'diagnostics.usage',
  family: 'diagnostics',
  description: 'usage counters for metering. Counters are cumulative and never reset by the SDK.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    getAllBwCounters: { hook: '_getAllBwCounters', request: GetAllBwCountersRequest },
    getAllVolumeUsage: { hook: '_getAllVolumeUsage', request: GetAllVolumeUsageRequest },
    // A read: no instance lock, so it never waits behind a long call (issue #12).
    blockStats: { hook: '_blockStats', request: BlockStatsRequest },
  },
  calls: [
    {
      referenceName: 'get_all_bw_counters',
      method: 'getAllBwCounters',
      kind: 'required',
      summary: "Report the network traffic counters of the guests' interfaces.",
    },
    {
      referenceName: 'get_all_volume_usage',
      method: 'getAllVolumeUsage',
      kind: 'required',
      summary: "Report read and write counters of the volumes attached to the host's guests.",
    },
    {
      referenceName: 'block_stats',
      method: 'blockStats',
      kind: 'required',
      summary: 'Report the I/O counters of one disk of a guest.',
    },
  ],
});

/** Adds `diagnostics.usage` to a driver class (apply after `withLifecycle`). */
export const withDiagnosticsUsage = defineCapability<typeof DiagnosticsUsageShape>(DIAGNOSTICS_USAGE_CAPABILITY);
