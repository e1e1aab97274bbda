import {
  ConflictError,
  withNetwork,
  withNetworkFirewall,
  withNetworkHotplug,
  withNetworkMacs,
  type AttachInterfaceRequest,
  type DetachInterfaceRequest,
  type EnsureFilteringRulesForInstanceRequest,
  type InstanceRequest,
  type OperationContext as Ctx,
  type PlugVifsRequest,
  type RefreshSecurityGroupRulesRequest,
  type UnfilterInstanceRequest,
  type UnplugVifsRequest,
} from '@virtkit/core';
import { appendLog } from '../model/console-log.js';
import { addNic, checkNics, nicsOf, removeNic } from '../model/nics.js';
import { VolumeHooks } from './volume.js';

/**
 * The memory driver's `network` family: VIFs kept on the instance record
 * (`network`, `.hotplug`), the deprecated host firewall (`.firewall`), and
 * no fixed MACs (`.macs`).
 */
export abstract class NetworkHooks extends withNetworkMacs(
  withNetworkFirewall(withNetworkHotplug(withNetwork(VolumeHooks))),
) {
  /**
   * Plug every VIF into the instance; a VIF already plugged changes nothing,
   * a conflicting one (same id with another MAC, or a MAC in use) is `CONFLICT`.
   * All or nothing.
   */
  // Stryker disable all: host-side plumbing; what plugVifs plugged is read back by no call of the contract (on QEMU it
  // makes taps, not NICs), so whether it plugged, or unplugged, is out of the kit's reach
  protected async _plugVifs(_c: Ctx, r: PlugVifsRequest): Promise<void> {
    const record = this.hostFor('plugVifs').store.require(r.instance.uuid);
    checkNics(record.nics, r.networkInfo);
    for (const vif of r.networkInfo) addNic(record, vif);
  }

  /** Unplug the VIFs; those already gone change nothing. @throws `INSTANCE_NOT_FOUND` (the SDK then succeeds) */
  protected async _unplugVifs(_c: Ctx, r: UnplugVifsRequest): Promise<void> {
    const record = this.hostFor('unplugVifs').store.require(r.instance.uuid);
    for (const vif of r.networkInfo) removeNic(record, vif.id);
  }
  // Stryker restore all

  // The hooks below do nothing but look the host up (the memory driver's failure-injection point, which no kit
  // fixture arms for them) or the instance: the SDK's defaults do nothing either, and no kit calls them for an unknown
  // instance.
  // Stryker disable all: equivalent for the contract (above)
  /** Nothing to prepare: memory NICs need no host-side setup. */
  protected override async _prepareNetworksBeforeBlockDeviceMapping(): Promise<void> {
    this.hostFor('prepareNetworksBeforeBlockDeviceMapping');
  }

  protected override async _cleanNetworksPreparation(): Promise<void> {
    this.hostFor('cleanNetworksPreparation');
  }

  /** Only needs the instance to exist. */
  protected override async _resetNetwork(_c: Ctx, r: InstanceRequest): Promise<void> {
    this.hostFor('resetNetwork').store.require(r.instance.uuid);
  }

  /** Only needs the instance to exist. */
  protected override async _injectNetworkInfo(_c: Ctx, r: InstanceRequest): Promise<void> {
    this.hostFor('injectNetworkInfo').store.require(r.instance.uuid);
  }
  // Stryker restore all

  /** False: nothing host-side is bound to the networks, so a reschedule keeps them. */
  protected override async _deallocateNetworksOnReschedule(): Promise<boolean> {
    this.hostFor('deallocateNetworksOnReschedule');
    // Stryker disable next-line BooleanLiteral: either answer is the driver's choice (the kit asks a boolean)
    return false;
  }

  // ---- network.hotplug -----------------------------------------------------------------------

  /**
   * Hot-plug one interface (the SDK allows RUNNING, PAUSED, SHUTDOWN); the
   * same VIF (id, MAC, tag) again changes nothing (a retry, #18), the same id
   * otherwise is `CONFLICT`.
   */
  protected async _attachInterface(_c: Ctx, r: AttachInterfaceRequest): Promise<void> {
    const host = this.hostFor('attachInterface');
    const record = host.store.require(r.instance.uuid);
    const mac = r.vif.address.toLowerCase();
    const same = nicsOf(record).some((n) => n.id === r.vif.id && n.mac === mac);
    if (same && record.extras?.nicTags?.get(r.vif.id) === r.vif.tag) return;
    // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent (addNic refuses it too)
    if (record.nics?.includes(r.vif.id)) {
      throw new ConflictError(`interface ${r.vif.id} is already attached with another MAC or tag`);
    }
    if (addNic(record, r.vif)) appendLog(record, `interface ${mac} attached`, host.config.consoleOutputLimit);
  }

  /** Hot-unplug one interface; one that is not attached changes nothing. */
  protected async _detachInterface(_c: Ctx, r: DetachInterfaceRequest): Promise<void> {
    const host = this.hostFor('detachInterface');
    const record = host.store.require(r.instance.uuid);
    // Stryker disable next-line BlockStatement: the console log line is wording
    if (removeNic(record, r.vif.id)) {
      appendLog(record, `interface ${r.vif.address.toLowerCase()} detached`, host.config.consoleOutputLimit);
    }
  }

  // ---- network.firewall (deprecated) ---------------------------------------------------------

  /** Count a refresh of the group's rules. */
  // Stryker disable all: deprecated capability whose counters no call of the contract reads back
  protected async _refreshSecurityGroupRules(_c: Ctx, r: RefreshSecurityGroupRulesRequest): Promise<void> {
    const groups = this.hostFor('refreshSecurityGroupRules').firewall.groups;
    groups.set(r.securityGroupId, (groups.get(r.securityGroupId) ?? 0) + 1);
  }
  // Stryker restore all

  /** Only needs the instance to exist. */
  // Stryker disable next-line BlockStatement: deprecated; no kit calls it for an unknown instance (the SDK's default)
  protected async _refreshInstanceSecurityRules(_c: Ctx, r: InstanceRequest): Promise<void> {
    this.hostFor('refreshInstanceSecurityRules').store.require(r.instance.uuid);
  }

  // Stryker disable all: deprecated capability; no call of the contract reads the installed filters back
  /** Install the instance's filters; it need not be here yet (a live migration is about to arrive). */
  protected async _ensureFilteringRulesForInstance(_c: Ctx, r: EnsureFilteringRulesForInstanceRequest): Promise<void> {
    this.hostFor('ensureFilteringRulesForInstance').firewall.filtered.add(r.instance.uuid);
  }

  /** Remove the instance's filters; idempotent. */
  protected async _unfilterInstance(_c: Ctx, r: UnfilterInstanceRequest): Promise<void> {
    this.hostFor('unfilterInstance').firewall.filtered.delete(r.instance.uuid);
  }
  // Stryker restore all

  // Stryker disable all: deprecated capability; the deferral flag has no read-back in the contract
  /** Batch rule changes from now on. */
  protected override async _filterDeferApplyOn(): Promise<void> {
    this.hostFor('filterDeferApplyOn').firewall.deferred = true;
  }

  /** Apply rule changes again. */
  protected override async _filterDeferApplyOff(): Promise<void> {
    this.hostFor('filterDeferApplyOff').firewall.deferred = false;
  }
  // Stryker restore all

  // ---- network.macs --------------------------------------------------------------------------

  /** No fixed MACs: the orchestrator chooses them. */
  protected async _macsForInstance(): Promise<string[] | null> {
    this.hostFor('macsForInstance');
    return null;
  }
}
