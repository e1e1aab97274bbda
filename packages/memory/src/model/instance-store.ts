import { ConflictError, InstanceNotFoundError } from '@virtkit/core';
import type { InstanceRecord } from './instance-record.js';

/**
 * The instances of one host, indexed by uuid and by given name: every lookup
 * is O(1); only listings walk the whole store.
 */
export class InstanceStore {
  readonly #byUuid = new Map<string, InstanceRecord>();
  readonly #byName = new Map<string, InstanceRecord>();

  /** Number of instances. */
  get size(): number {
    return this.#byUuid.size;
  }

  get(uuid: string): InstanceRecord | undefined {
    return this.#byUuid.get(uuid);
  }

  has(uuid: string): boolean {
    return this.#byUuid.has(uuid);
  }

  /** The record, or `INSTANCE_NOT_FOUND`. */
  require(uuid: string): InstanceRecord {
    const record = this.#byUuid.get(uuid);
    if (record === undefined) throw new InstanceNotFoundError(uuid);
    return record;
  }

  /** The instance spawned with this name, if any. */
  byName(name: string): InstanceRecord | undefined {
    return this.#byName.get(name);
  }

  /** `CONFLICT` when the uuid or the name is taken; checked before any change. */
  checkFree(uuid: string, name: string | undefined): void {
    if (this.#byUuid.has(uuid)) throw new ConflictError(`instance ${uuid} already exists on this host`);
    if (name !== undefined && this.#byName.has(name))
      throw new ConflictError(`an instance named '${name}' already exists on this host`);
  }

  /**
   * Add a record whose uuid and name are free (see {@link InstanceStore.checkFree}).
   * `checked`: the caller has just called `checkFree` with nothing in between (skip the second lookups).
   */
  add(record: InstanceRecord, checked = false): void {
    if (!checked) this.checkFree(record.uuid, record.name);
    this.#byUuid.set(record.uuid, record);
    if (record.name !== undefined) this.#byName.set(record.name, record);
  }

  /** Remove and return the record, if present. */
  remove(uuid: string): InstanceRecord | undefined {
    const record = this.#byUuid.get(uuid);
    if (record === undefined) return undefined;
    this.#byUuid.delete(uuid);
    if (record.name !== undefined && this.#byName.get(record.name) === record) this.#byName.delete(record.name);
    return record;
  }

  /** Every record, in spawn order (listings only). */
  values(): IterableIterator<InstanceRecord> {
    return this.#byUuid.values();
  }
}
