import {
  DriverBase,
  InvalidStateError,
  PowerState,
  type GetAvailableNodesRequest,
  type HostApi,
  type HostRequest,
  type ImageDiskFormat,
  type InstanceInfo,
  type InstanceRequest,
  type InstanceSummary,
  type NodeRequest,
  type OperationContext,
  type PowerStateRead,
} from '@virtkit/core';
import type { MemoryFabric } from './fabric/memory-fabric.js';
import { FailureInjector, type FailurePoint } from './failures/failure-injector.js';
import { resolveMemoryConfig, type MemoryConfig } from './memory-config.js';
import { appendLog } from './model/console-log.js';
import { RecordFlag } from './model/instance-record.js';
import { MemoryHost, type MemoryHostView } from './model/memory-host.js';
import { MEMORY_DRIVER_VERSION } from './version.js';

/** Image formats the memory hypervisor boots (anything but the legacy kernel/ramdisk triple). */
export const MEMORY_IMAGE_TYPES: readonly ImageDiskFormat[] = Object.freeze([
  'raw',
  'qcow2',
  'vmdk',
  'vdi',
  'vhd',
  'vhdx',
  'iso',
  'ploop',
]);

/**
 * The base of every memory driver class: one in-memory host (its instances,
 * resources and fabric), the failure injector, and the hooks of the calls
 * every driver has. The families in `capabilities/` add their hooks on top
 * ({@link MemoryDriver} has them all); `createMemoryDriverClass` composes a
 * chosen subset.
 */
export abstract class MemoryDriverCore extends DriverBase {
  static override driverName = 'memory';
  static override driverVersion = MEMORY_DRIVER_VERSION;
  static override imageTypes: readonly ImageDiskFormat[] = MEMORY_IMAGE_TYPES;

  readonly #failures = new FailureInjector();
  readonly #host: MemoryHost;

  /**
   * @param hostApi - the orchestrator's host API; `hostApi.options` may carry {@link MemoryConfig} fields
   * @param config - memory options (win over `hostApi.options`)
   * @throws `VALIDATION_FAILED` (bad options), `CONFLICT` (the host name is taken on the fabric)
   */
  constructor(hostApi: HostApi = {}, config: MemoryConfig = {}) {
    super(hostApi);
    const resolved = resolveMemoryConfig(hostApi, config);
    this.#host = new MemoryHost(resolved, {
      report: (uuid, state) => this.reportPowerState(uuid, state),
      forget: (uuid) => this.forgetInstance(uuid),
      capabilities: this.capabilities,
      failures: this.#failures,
    });
    resolved.fabric.register(this.#host);
  }

  /** Plan failures of this driver's calls (tests of error paths). */
  get failures(): FailureInjector {
    return this.#failures;
  }

  /** The host's name: its node name and migration address. */
  get hostname(): string {
    return this.#host.hostname;
  }

  /** The fabric this host migrates over. */
  get fabric(): MemoryFabric {
    return this.#host.fabric;
  }

  /** A read-only summary of the host, for tests and debugging. */
  // Stryker disable all: a debugging view of this driver, no call of the contract: the kit cannot read it
  inspect(): MemoryHostView {
    const h = this.#host;
    return {
      hostname: h.hostname,
      instances: h.store.size,
      used: h.tracker.used,
      capacity: h.tracker.capacity,
      enabled: h.enabled,
      maintenance: h.maintenance,
      poweredOn: h.poweredOn,
      cachedImages: Object.fromEntries(h.imageCache),
      liveMigrations: h.liveMigrations.size,
      incoming: h.incoming.size,
      aggregates: Object.fromEntries([...h.aggregates].map(([id, hosts]) => [id, [...hosts]])),
    };
  }

  // Stryker restore all
  /**
   * Simulate what a guest does on its own, outside any call: crash (→ CRASHED)
   * or shut itself down (→ SHUTDOWN). Listeners get one lifecycle event.
   * @throws `INSTANCE_NOT_FOUND`, `INVALID_STATE` (the guest is not running, paused or suspended)
   */
  simulateGuest(instanceUuid: string, event: 'crash' | 'shutdown'): void {
    const host = this.#host;
    const record = host.store.require(instanceUuid);
    // Stryker disable all: the kit's fixture (this test hook, no call of the contract) simulates live guests only
    if (!record.live) {
      const detail = 'the guest is not running';
      throw new InvalidStateError({ instanceUuid, operation: `guest ${event}`, state: record.state, detail });
    }
    // Stryker restore all
    const next = event === 'crash' ? PowerState.CRASHED : PowerState.SHUTDOWN;
    record.setState(next);
    // Stryker disable next-line BooleanLiteral: memory-only state (the quiesce flag has no read-back in the contract)
    record.set(RecordFlag.QUIESCED, false);
    appendLog(record, event === 'crash' ? 'guest crashed' : 'guest shut itself down', host.config.consoleOutputLimit);
    host.ports.report(instanceUuid, next);
  }

  /**
   * This driver's host, for one hook's work. The failure injector is asked
   * first, so every hook can be made to fail from one place; `null` marks
   * cleanup work that must never be made to fail (undoing a failed spawn).
   * In an `async` hook a throw here is a rejection like any other; the
   * synchronous hooks (`_getInfo`, `_powerOff`, `_powerOn`) throw it, which the
   * SDK's guarded path turns into the call's rejection all the same.
   */
  protected hostFor(point: FailurePoint | null): MemoryHost {
    // Stryker disable next-line ConditionalExpression: equivalent (no failure is ever planned at null)
    if (point !== null) this.#failures.check(point);
    return this.#host;
  }

  // ---- hooks of the calls every driver has ---------------------------------------------------

  /** Start serving: the host rejoins its fabric (after a cleanupHost) and counts as booted. */
  // Stryker disable next-line BlockStatement: the kit inits a new driver, which its constructor registered and booted;
  // init after a cleanupHost (a driver used again after it stopped) is no orchestrator's flow
  protected async _initHost(_c: OperationContext, _r: HostRequest): Promise<void> {
    const host = this.hostFor('initHost');
    host.fabric.register(host);
    host.poweredOn = true;
  }

  /** Stop serving: the host leaves its fabric, so nothing migrates to it any more. */
  // Stryker disable next-line BlockStatement: only calls made after cleanupHost could see it, and an orchestrator makes
  // none (the service stops)
  protected override async _cleanupHost(_c: OperationContext, _r: HostRequest): Promise<void> {
    const host = this.hostFor('cleanupHost');
    host.fabric.unregister(host);
  }

  /**
   * What `getInfo` reports: the record, truthfully. Answered synchronously (no
   * I/O here): the SDK reads it before every call with a state rule and then
   * needs no `await` (DriverBase's `_getInfo`). @throws `INSTANCE_NOT_FOUND`
   */
  protected _getInfo(_c: OperationContext, r: InstanceRequest): InstanceInfo {
    const record = this.hostFor('getInfo').store.require(r.instance.uuid);
    const maxMemKb = record.memoryMb * 1024;
    const resident = record.state === PowerState.RUNNING || record.state === PowerState.PAUSED;
    return {
      state: record.state,
      rescued: record.has(RecordFlag.RESCUED),
      softDeleted: record.has(RecordFlag.SOFT_DELETED),
      numCpu: record.vcpus,
      maxMemKb,
      memKb: resident ? maxMemKb : 0,
      cpuTimeNs: record.cpuTimeNs(),
      internalId: record.internalId,
    };
  }

  /**
   * What a state rule reads before a call: the record itself (its `state`,
   * `rescued` and `softDeleted` are the same fields `_getInfo` reports from),
   * so the read makes no object, no internal id and no CPU-time clock read.
   * The SDK reads it at once and keeps nothing. The `getInfo` failure point
   * fails it, as it failed the `_getInfo` that served this read before.
   * @throws `INSTANCE_NOT_FOUND`
   */
  protected override _getPowerState(_c: OperationContext, r: InstanceRequest): PowerStateRead {
    return this.hostFor('getInfo').store.require(r.instance.uuid);
  }

  /** Every instance (a listing: the one place that walks the store). */
  protected async _listInstances(_c: OperationContext): Promise<InstanceSummary[]> {
    const out: InstanceSummary[] = [];
    for (const record of this.hostFor('listInstances').store.values()) {
      out.push({ uuid: record.uuid, name: record.displayName });
    }
    return out;
  }

  /**
   * The names alone (`listInstances`): no summary object per instance. A
   * subclass that changes `_listInstances` gets the names of its listing (the
   * default), so both calls keep agreeing.
   */
  protected override async _listInstanceNames(c: OperationContext): Promise<string[]> {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent for this class (the default reads
    // the same listing); only a subclass that changes _listInstances (none in the kit) tells them apart
    if (this._listInstances !== MemoryDriverCore.prototype._listInstances) return super._listInstanceNames(c);
    const store = this.hostFor('listInstances').store;
    // Stryker disable next-line ArrayDeclaration: equivalent (an array without a preset length grows the same)
    const names = new Array<string>(store.size);
    let i = 0;
    for (const record of store.values()) names[i++] = record.displayName;
    return names;
  }

  /** The one node of a memory host: its host name. */
  protected async _getAvailableNodes(_c: OperationContext, _r: GetAvailableNodesRequest): Promise<string[]> {
    return [this.hostFor('getAvailableNodes').hostname];
  }

  /** The configured host IP (loopback by default). */
  protected async _getHostIp(_c: OperationContext): Promise<string> {
    return this.hostFor('getHostIp').config.hostIp;
  }

  protected override async _instanceExists(_c: OperationContext, r: InstanceRequest): Promise<boolean> {
    return this.hostFor('instanceExists').store.has(r.instance.uuid);
  }

  protected override async _nodeIsAvailable(_c: OperationContext, r: NodeRequest): Promise<boolean> {
    return r.nodename === this.hostFor('nodeIsAvailable').hostname;
  }

  protected override async _networkBindingHostId(_c: OperationContext, _r: InstanceRequest): Promise<string> {
    return this.hostFor('networkBindingHostId').hostname;
  }
}
