import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors/errors.js';
import type { ProviderInventoryInput } from './inventory-record.js';
import { buildInventory } from './normalize-inventory.js';
import { populate } from './populate.js';
import { checkAggregates, checkGeneration, checkName, checkTraits, checkUuid } from './provider-checks.js';
import type { ProviderData, ProviderInput } from './provider-data.js';
import { ProviderIndex, ProviderNode } from './provider-index.js';

/** Marks provider trees across copies of core (a driver may bundle its own). */
const PROVIDER_TREE_BRAND = Symbol.for('virtkit.providerTree');

type SetKind = 'traits' | 'aggregates';
type SetMode = 'update' | 'add' | 'remove';

/**
 * The placement resource providers of a compute host, as `updateProviderTree`
 * sees and edits them: root providers (compute nodes) with nested children
 * (NUMA cells, GPUs, NICs ...), each with inventory per resource class,
 * traits, aggregates and a generation.
 *
 * Providers are named by uuid or by name (both unique). Every call on an
 * unknown provider throws `NOT_FOUND`; invalid input throws
 * `VALIDATION_FAILED` and changes nothing. Mutators return whether anything
 * changed; each effective change bumps the provider's generation by one, and
 * a mutator given a `generation` that is not the current one throws
 * `CONFLICT` (optimistic concurrency). Reads return frozen copies.
 *
 * @example
 * ```ts
 * const tree = new ProviderTree();
 * tree.newRoot('node1', '6f1c0b3e-3a4f-4e5b-9c1d-2e3f4a5b6c7d');
 * tree.updateInventory('node1', { VCPU: { total: 8, allocationRatio: 4 }, MEMORY_MB: { total: 16384, reserved: 512 }
 * });
 * tree.addTraits('node1', ['HW_CPU_X86_AVX2']);
 * const gpu = tree.newChild('node1_gpu0', 'node1');
 * tree.updateInventory(gpu, { VGPU: { total: 4 } });
 * ```
 */
export class ProviderTree {
  #index = new ProviderIndex();

  constructor() {
    Object.defineProperty(this, PROVIDER_TREE_BRAND, { value: true });
  }

  /** True for a provider tree, including one made by another copy of `@virtkit/core`. */
  static isProviderTree(value: unknown): value is ProviderTree {
    return (
      value instanceof ProviderTree ||
      (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PROVIDER_TREE_BRAND] === true)
    );
  }

  /** Number of providers in the tree. */
  get size(): number {
    return this.#index.byUuid.size;
  }

  /** Frozen copies of the root providers, in insertion order. */
  get roots(): readonly ProviderData[] {
    return Object.freeze([...this.#index.roots.values()].map((n) => n.toData()));
  }

  /** True when a provider with this name or uuid is in the tree. */
  exists(nameOrUuid: string): boolean {
    return this.#index.find(nameOrUuid) !== undefined;
  }

  /** A frozen point-in-time copy of one provider. @throws `NOT_FOUND` */
  get(nameOrUuid: string): ProviderData {
    return this.#node(nameOrUuid).toData();
  }

  /** Same as {@link ProviderTree.get} (the reference's name). @throws `NOT_FOUND` */
  data(nameOrUuid: string): ProviderData {
    return this.#node(nameOrUuid).toData();
  }

  /**
   * Add a root provider (a compute node). Returns its uuid, lower-cased.
   * @param generation - starting generation. @defaultValue 0
   * @throws `VALIDATION_FAILED` (bad name, uuid or generation), `CONFLICT` (name or uuid taken)
   */
  newRoot(name: string, uuid: string, generation?: number): string {
    return this.#add('newRoot', name, uuid, generation, null);
  }

  /**
   * Add a child under an existing provider. Returns its uuid.
   * @param uuid - @defaultValue a new random uuid
   * @throws `NOT_FOUND` (parent), `VALIDATION_FAILED`, `CONFLICT` (name or uuid taken)
   */
  newChild(name: string, parentNameOrUuid: string, uuid?: string): string {
    const parent = this.#node(parentNameOrUuid);
    return this.#add('newChild', name, uuid ?? randomUUID(), undefined, parent);
  }

  /** Remove a provider and all its descendants. @throws `NOT_FOUND` */
  remove(nameOrUuid: string): void {
    this.#index.remove(this.#node(nameOrUuid));
  }

  /**
   * Uuids of a provider and its descendants, parents before children; of
   * every provider when called without argument. @throws `NOT_FOUND`
   */
  getProviderUuids(nameOrUuid?: string): string[] {
    const nodes = nameOrUuid === undefined ? this.#index.all() : this.#index.subtree(this.#node(nameOrUuid));
    return nodes.map((n) => n.uuid);
  }

  /** Uuids of the whole tree the provider is in, from its root down. @throws `NOT_FOUND` */
  getProviderUuidsInTree(nameOrUuid: string): string[] {
    return this.#index.subtree(this.#node(nameOrUuid).root()).map((n) => n.uuid);
  }

  /**
   * Add or replace many providers at once, in any order. A provider already
   * in the tree is replaced (descendants the batch does not list again are
   * removed); providers not in the batch are kept. All or nothing.
   * @throws `NOT_FOUND` when a provider's parent is neither in the tree nor in
   * the batch (an orphan); `VALIDATION_FAILED` (bad entry, duplicate uuid,
   * parent cycle); `CONFLICT` (name taken). The tree is then unchanged.
   */
  populateFromIterable(providers: Iterable<ProviderInput>): void {
    this.#index = populate(this.#index, providers);
  }

  /** True when `inventory` differs from the provider's (after defaults). @throws `NOT_FOUND`, `VALIDATION_FAILED` */
  hasInventoryChanged(nameOrUuid: string, inventory: ProviderInventoryInput): boolean {
    const node = this.#node(nameOrUuid);
    return buildInventory(node.inventory, inventory, 'hasInventoryChanged') !== undefined;
  }

  /**
   * Replace the provider's inventory (a class left out is removed). Returns
   * true when it changed, bumping the generation. Unchanged input costs no
   * allocation. @throws `NOT_FOUND`, `CONFLICT` (stale generation), `VALIDATION_FAILED`
   */
  updateInventory(nameOrUuid: string, inventory: ProviderInventoryInput, generation?: number): boolean {
    const node = this.#node(nameOrUuid);
    // `void 0`, not `undefined`: no global lookup on this hot path (see normalize-inventory.ts)
    if (generation !== void 0) this.#checkGeneration(node, generation, 'updateInventory');
    const next = buildInventory(node.inventory, inventory, 'updateInventory');
    if (!next) return false;
    node.inventory = next;
    node.generation++;
    return true;
  }

  /** True when the provider has every one of `traits`. @throws `NOT_FOUND`, `VALIDATION_FAILED` */
  hasTraits(nameOrUuid: string, traits: Iterable<string>): boolean {
    const node = this.#node(nameOrUuid);
    return [...checkTraits(traits, 'hasTraits')].every((t) => node.traits.has(t));
  }

  /** True when `traits` is not exactly the provider's trait set. @throws `NOT_FOUND`, `VALIDATION_FAILED` */
  haveTraitsChanged(nameOrUuid: string, traits: Iterable<string>): boolean {
    return !sameSet(this.#node(nameOrUuid).traits, checkTraits(traits, 'haveTraitsChanged'));
  }

  /**
   * Replace the provider's traits. @returns whether they changed. @throws `NOT_FOUND`, `VALIDATION_FAILED`, `CONFLICT`
   */
  updateTraits(nameOrUuid: string, traits: Iterable<string>, generation?: number): boolean {
    return this.#changeSet('updateTraits', 'traits', 'update', nameOrUuid, traits, generation);
  }

  /**
   * Add traits; present ones are ignored. @returns whether any was added. @throws `NOT_FOUND`, `VALIDATION_FAILED`,
   * `CONFLICT`
   */
  addTraits(nameOrUuid: string, traits: Iterable<string>, generation?: number): boolean {
    return this.#changeSet('addTraits', 'traits', 'add', nameOrUuid, traits, generation);
  }

  /**
   * Remove traits; absent ones are ignored. @returns whether any was removed. @throws `NOT_FOUND`, `VALIDATION_FAILED`,
   * `CONFLICT`
   */
  removeTraits(nameOrUuid: string, traits: Iterable<string>, generation?: number): boolean {
    return this.#changeSet('removeTraits', 'traits', 'remove', nameOrUuid, traits, generation);
  }

  /** True when the provider is in every one of `aggregates` (uuids). @throws `NOT_FOUND`, `VALIDATION_FAILED` */
  inAggregates(nameOrUuid: string, aggregates: Iterable<string>): boolean {
    const node = this.#node(nameOrUuid);
    return [...checkAggregates(aggregates, 'inAggregates')].every((a) => node.aggregates.has(a));
  }

  /** True when `aggregates` is not exactly the provider's aggregate set. @throws `NOT_FOUND`, `VALIDATION_FAILED` */
  haveAggregatesChanged(nameOrUuid: string, aggregates: Iterable<string>): boolean {
    return !sameSet(this.#node(nameOrUuid).aggregates, checkAggregates(aggregates, 'haveAggregatesChanged'));
  }

  /**
   * Replace the provider's aggregates. @returns whether they changed. @throws `NOT_FOUND`, `VALIDATION_FAILED`,
   * `CONFLICT`
   */
  updateAggregates(nameOrUuid: string, aggregates: Iterable<string>, generation?: number): boolean {
    return this.#changeSet('updateAggregates', 'aggregates', 'update', nameOrUuid, aggregates, generation);
  }

  /**
   * Add aggregates; present ones are ignored. @returns whether any was added. @throws `NOT_FOUND`, `VALIDATION_FAILED`,
   * `CONFLICT`
   */
  addAggregates(nameOrUuid: string, aggregates: Iterable<string>, generation?: number): boolean {
    return this.#changeSet('addAggregates', 'aggregates', 'add', nameOrUuid, aggregates, generation);
  }

  /**
   * Remove aggregates; absent ones are ignored. @returns whether any was removed. @throws `NOT_FOUND`,
   * `VALIDATION_FAILED`, `CONFLICT`
   */
  removeAggregates(nameOrUuid: string, aggregates: Iterable<string>, generation?: number): boolean {
    return this.#changeSet('removeAggregates', 'aggregates', 'remove', nameOrUuid, aggregates, generation);
  }

  /** An independent deep copy: changes to either tree never show in the other. */
  copy(): ProviderTree {
    const twin = new ProviderTree();
    twin.#index = this.#index.clone();
    return twin;
  }

  /** A point-in-time copy to diff against or roll back to; same as {@link ProviderTree.copy}. */
  snapshot(): ProviderTree {
    return this.copy();
  }

  #node(nameOrUuid: string): ProviderNode {
    const node = this.#index.find(nameOrUuid);
    if (!node) throw new NotFoundError('resource provider', String(nameOrUuid));
    return node;
  }

  #add(op: string, name: string, uuid: string, generation: number | undefined, parent: ProviderNode | null): string {
    const node = new ProviderNode(
      checkUuid(uuid, op, 'uuid'),
      checkName(name, op, 'name'),
      generation === undefined ? 0 : checkGeneration(generation, op, 'generation'),
      parent,
    );
    this.#index.add(node, op);
    return node.uuid;
  }

  #checkGeneration(node: ProviderNode, generation: number, op: string): void {
    checkGeneration(generation, op, 'generation');
    if (generation !== node.generation) {
      throw new ConflictError(
        `${op}: resource provider ${node.uuid} is at generation ${node.generation}, not ${generation}`,
      );
    }
  }

  #changeSet(
    op: string,
    kind: SetKind,
    mode: SetMode,
    nameOrUuid: string,
    values: Iterable<string>,
    generation?: number,
  ): boolean {
    const node = this.#node(nameOrUuid);
    if (generation !== undefined) this.#checkGeneration(node, generation, op);
    const given = kind === 'traits' ? checkTraits(values, op) : checkAggregates(values, op);
    const current = node[kind];
    let next: ReadonlySet<string>;
    if (mode === 'update') next = given;
    else if (mode === 'add') next = new Set([...current, ...given]);
    else next = new Set([...current].filter((v) => !given.has(v)));
    if (sameSet(current, next)) return false;
    node[kind] = next;
    node.generation++;
    return true;
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}
