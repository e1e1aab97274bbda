import { randomBytes } from 'node:crypto';
import type { CapabilityMap, PowerState } from '@virtkit/core';
import type { FailureInjector } from '../failures/failure-injector.js';
import type { MemoryFabric } from '../fabric/memory-fabric.js';
import type { ResolvedMemoryConfig } from '../memory-config.js';
import { nowMs } from './clock.js';
import { InstanceStore } from './instance-store.js';
import type { LiveMigrationRun } from './live-migration-run.js';
import type { ResourceAmounts } from './resource-amounts.js';
import { ResourceTracker } from './resource-tracker.js';

/** What the host needs from the driver it belongs to. */
export interface HostPorts {
  /** Tell the SDK a power state changed outside the SDK's own rules (one event if it is a change). */
  report(uuid: string, state: PowerState): void;
  /** Tell the SDK the instance left this host. */
  forget(uuid: string): void;
  readonly capabilities: CapabilityMap;
  readonly failures: FailureInjector;
}

/** What `MemoryDriverCore.inspect()` shows of a host. */
export interface MemoryHostView {
  hostname: string;
  instances: number;
  used: { vcpus: number; memoryMb: number; diskGb: number };
  capacity: { vcpus: number; memoryMb: number; diskGb: number };
  enabled: boolean;
  maintenance: boolean;
  poweredOn: boolean;
  /** Cached base images and how many local instances use each. */
  cachedImages: Record<string, number>;
  liveMigrations: number;
  incoming: number;
  /** Aggregates and their hosts. */
  aggregates: Record<string, string[]>;
}

/** Host-side firewall state of the deprecated `network.firewall` family. */
export interface FirewallState {
  /** Instances with filters installed. */
  readonly filtered: Set<string>;
  /** How often each security group's rules were refreshed. */
  readonly groups: Map<string, number>;
  deferred: boolean;
}

/** Host CPU time accounting: nanoseconds per category, as of `at`. */
export interface HostCpuAccount {
  at: number;
  user: number;
  kernel: number;
  idle: number;
  iowait: number;
}

/**
 * One memory hypervisor host: its node's instances and resources plus
 * host-wide state. The capability modules are functions over it.
 */
export class MemoryHost {
  readonly config: ResolvedMemoryConfig;
  readonly store = new InstanceStore();
  readonly tracker: ResourceTracker;
  readonly ports: HostPorts;
  enabled = true;
  maintenance = false;
  poweredOn = true;
  /** When the host (last) booted. */
  bootedAt = nowMs();
  /** Host aggregates: aggregate id to the hosts in it. */
  readonly aggregates = new Map<string, Set<string>>();
  /** Cumulative host CPU times (ns) since boot, brought up to date when read. */
  readonly cpu: HostCpuAccount = { at: nowMs(), user: 0, kernel: 0, idle: 0, iowait: 0 };
  /** Cached base images: id to the number of local instances using it. */
  readonly imageCache = new Map<string, number>();
  readonly firewall: FirewallState = { filtered: new Set(), groups: new Map(), deferred: false };
  /** Live migrations leaving this host, by instance uuid. */
  readonly liveMigrations = new Map<string, LiveMigrationRun>();
  /** Resources held for live migrations arriving here, by instance uuid. */
  readonly incoming = new Map<string, ResourceAmounts>();
  /** Instances with a long-running call (one that awaits) in flight here: maintenance does not move them. */
  readonly busy = new BusyInstances();
  /** The console pool's password (deprecated `console.pool`). */
  readonly consolePoolPassword = randomBytes(12).toString('base64url');
  #seq = 0;

  constructor(config: ResolvedMemoryConfig, ports: HostPorts) {
    this.config = config;
    this.ports = ports;
    this.tracker = new ResourceTracker(config.host);
  }

  get hostname(): string {
    return this.config.hostname;
  }

  get fabric(): MemoryFabric {
    return this.config.fabric;
  }

  /** A new per-host sequence number. */
  nextSeq(): number {
    // Stryker disable next-line UpdateOperator: equivalent (numbers that only need to differ per instance; console
    // ports derived from them stay valid and distinct)
    return ++this.#seq;
  }
}

// Stryker disable all: which instances have a call in flight only keeps maintenance from moving them; no kit test puts
// a host into maintenance during a long call (a snapshot or migration), so the kit cannot see this bookkeeping

/** Instance uuids with calls in flight, counted (calls on one instance may nest). */
export class BusyInstances {
  readonly #count = new Map<string, number>();

  enter(uuid: string): void {
    this.#count.set(uuid, (this.#count.get(uuid) ?? 0) + 1);
  }

  leave(uuid: string): void {
    const left = (this.#count.get(uuid) ?? 1) - 1;
    if (left > 0) this.#count.set(uuid, left);
    else this.#count.delete(uuid);
  }

  has(uuid: string): boolean {
    return this.#count.has(uuid);
  }
}
