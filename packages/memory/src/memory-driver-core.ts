import {
  DriverBase, type GetAvailableNodesRequest, type HostApi, type HostRequest, type ImageDiskFormat, type InstanceInfo,
  type InstanceRequest, type InstanceSummary, type NodeRequest, type OperationContext,
} from '@virtkit/core';
import * as core from './capabilities/core.js';
import { guestStops } from './capabilities/power-states.js';
import type { MemoryFabric } from './fabric/memory-fabric.js';
import { FailureInjector, type FailurePoint } from './failures/failure-injector.js';
import { resolveMemoryConfig, type MemoryConfig } from './memory-config.js';
import { MemoryHost, type MemoryHostView } from './model/memory-host.js';
import { MEMORY_DRIVER_VERSION } from './version.js';

/** Image formats the memory hypervisor boots (anything but the legacy kernel/ramdisk triple). */
export const MEMORY_IMAGE_TYPES: readonly ImageDiskFormat[] = Object.freeze(['raw', 'qcow2', 'vmdk', 'vdi', 'vhd', 'vhdx', 'iso', 'ploop']);

/**
 * The base of every memory driver class: one in-memory host (its instances,
 * resources and fabric), the failure injector, and the calls every driver
 * has. {@link MemoryDriver} adds every capability on top; `createMemoryDriverClass`
 * adds a chosen subset.
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
  inspect(): MemoryHostView {
    const h = this.#host;
    return {
      hostname: h.hostname, instances: h.store.size, used: h.tracker.used, capacity: h.tracker.capacity,
      enabled: h.enabled, maintenance: h.maintenance, poweredOn: h.poweredOn,
      cachedImages: Object.fromEntries(h.imageCache), liveMigrations: h.liveMigrations.size, incoming: h.incoming.size,
      aggregates: Object.fromEntries([...h.aggregates].map(([id, hosts]) => [id, [...hosts]])),
    };
  }

  /**
   * Simulate what a guest does on its own, outside any call: crash (→ CRASHED)
   * or shut itself down (→ SHUTDOWN). Listeners get one lifecycle event.
   * @throws `INSTANCE_NOT_FOUND`, `INVALID_STATE` (the guest is not running, paused or suspended)
   */
  simulateGuest(instanceUuid: string, event: 'crash' | 'shutdown'): void {
    guestStops(this.#host, instanceUuid, event);
  }

  /**
   * Run one hook's work on the host: the failure injector is asked first,
   * so every call can be made to fail from one place. `null` marks cleanup
   * work that must never be made to fail (undoing a failed spawn).
   */
  protected perform<T>(point: FailurePoint | null, work: (host: MemoryHost) => T | Promise<T>): Promise<T> {
    // Not `async`: one promise per hook call instead of an async frame around it; a throw still becomes a rejection.
    try {
      if (point !== null) this.#failures.check(point);
      return Promise.resolve(work(this.#host));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  protected _initHost(_c: OperationContext, _r: HostRequest): Promise<void> {
    return this.perform('initHost', core.initHost);
  }
  protected override _cleanupHost(_c: OperationContext, _r: HostRequest): Promise<void> {
    return this.perform('cleanupHost', core.cleanupHost);
  }
  protected _getInfo(_c: OperationContext, r: InstanceRequest): Promise<InstanceInfo> {
    return this.perform('getInfo', (h) => core.getInfo(h, r));
  }
  protected _listInstances(_c: OperationContext): Promise<InstanceSummary[]> {
    return this.perform('listInstances', core.listInstances);
  }
  protected _getAvailableNodes(_c: OperationContext, _r: GetAvailableNodesRequest): Promise<string[]> {
    return this.perform('getAvailableNodes', core.getAvailableNodes);
  }
  protected _getHostIp(_c: OperationContext): Promise<string> {
    return this.perform('getHostIp', core.getHostIp);
  }
  protected override _instanceExists(_c: OperationContext, r: InstanceRequest): Promise<boolean> {
    return this.perform('instanceExists', (h) => h.store.has(r.instance.uuid));
  }
  protected override _nodeIsAvailable(_c: OperationContext, r: NodeRequest): Promise<boolean> {
    return this.perform('nodeIsAvailable', (h) => r.nodename === h.hostname);
  }
  protected override _networkBindingHostId(_c: OperationContext, _r: InstanceRequest): Promise<string> {
    return this.perform('networkBindingHostId', (h) => h.hostname);
  }
}
