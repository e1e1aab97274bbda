import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { InstanceDiagnostics } from '../../../model/diagnostics.js';
import { powerStateName } from '../../../model/power-state.js';
import type { DiagnosticsCapability } from '../interface.js';
import { GetDiagnosticsRequest, GetInstanceDiagnosticsRequest, type LegacyDiagnostics } from '../requests.js';
import type { MixinArgs, MixinSelf } from '../../mixin-self.js';

/** Public calls and hooks of `diagnostics`. */
export declare abstract class DiagnosticsShape {
  constructor(...args: MixinArgs);
  /** Describe the instance in any power state; throw `InstanceNotFoundError` when it does not exist. */
  protected abstract _getInstanceDiagnostics(
    ctx: OperationContext,
    request: GetInstanceDiagnosticsRequest,
  ): Promise<InstanceDiagnostics>;
  /**
   * @deprecated Override only to keep an older driver's own keys.
   * Default: `_getInstanceDiagnostics`, flattened into the old keys.
   */
  protected _getDiagnostics(ctx: OperationContext, request: GetDiagnosticsRequest): Promise<LegacyDiagnostics>;
}
export interface DiagnosticsShape extends Sealed<DiagnosticsCapability> {}

/** The declaration of `diagnostics`: its calls, hooks, rules and place in the contract. */
export const DIAGNOSTICS_CAPABILITY = declareCapability<DiagnosticsCapability>()({
  name: 'diagnostics',
  family: 'diagnostics',
  description: 'what an instance is doing, for operators. Any power state.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    // Reads take no instance lock: they must not wait behind a long call (a live migration, a hung callback; issue
    // #12).
    getInstanceDiagnostics: { hook: '_getInstanceDiagnostics', request: GetInstanceDiagnosticsRequest },
    getDiagnostics: { hook: '_getDiagnostics', request: GetDiagnosticsRequest },
  },
  defaults: {
    async _getDiagnostics(
      this: MixinSelf,
      ctx: OperationContext,
      request: GetDiagnosticsRequest,
    ): Promise<LegacyDiagnostics> {
      return toLegacyDiagnostics(await this._getInstanceDiagnostics(ctx, request));
    },
  },
  calls: [
    {
      referenceName: 'get_instance_diagnostics',
      method: 'getInstanceDiagnostics',
      kind: 'required',
      summary: "Report the guest's diagnostics in a fixed model: state, CPUs, NICs, disks, memory, uptime.",
    },
    {
      referenceName: 'get_diagnostics',
      method: 'getDiagnostics',
      kind: 'deprecated',
      summary: "Report the guest's diagnostics as a free-form record.",
      note: 'Superseded by getInstanceDiagnostics, whose model is the same for every driver.',
    },
  ],
});

/** Adds `diagnostics` to a driver class (apply after `withLifecycle`). */
export const withDiagnostics = defineCapability<typeof DiagnosticsShape>(DIAGNOSTICS_CAPABILITY);

/** Flatten driver-neutral diagnostics into the old free-form keys (memory in KiB, times in ns). */
function toLegacyDiagnostics(d: InstanceDiagnostics): LegacyDiagnostics {
  const out: LegacyDiagnostics = {
    state: powerStateName(d.state),
    driver: d.driver,
    uptime: d.uptimeSec,
    config_drive: d.configDrive,
    memory: d.memoryDetails.maximumMb * 1024,
    'memory-actual': d.memoryDetails.usedMb * 1024,
  };
  for (const cpu of d.cpuDetails) out[`cpu${cpu.id}_time`] = cpu.timeNs;
  for (const disk of d.diskDetails) {
    Object.assign(out, {
      [`${disk.id}_read`]: disk.readBytes,
      [`${disk.id}_read_req`]: disk.readRequests,
      [`${disk.id}_write`]: disk.writeBytes,
      [`${disk.id}_write_req`]: disk.writeRequests,
      [`${disk.id}_errors`]: disk.errorsCount,
    });
  }
  d.nicDetails.forEach((nic, i) => {
    Object.assign(out, {
      [`nic${i}_mac`]: nic.macAddress,
      [`nic${i}_rx`]: nic.rxOctets,
      [`nic${i}_rx_packets`]: nic.rxPackets,
      [`nic${i}_rx_errors`]: nic.rxErrors,
      [`nic${i}_rx_drop`]: nic.rxDrop,
      [`nic${i}_tx`]: nic.txOctets,
      [`nic${i}_tx_packets`]: nic.txPackets,
      [`nic${i}_tx_errors`]: nic.txErrors,
      [`nic${i}_tx_drop`]: nic.txDrop,
    });
  });
  return out;
}
