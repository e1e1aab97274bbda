import { ConflictError } from '../errors/errors.js';
import type { ProviderInventory } from './inventory-record.js';
import { EMPTY_INVENTORY, freezeInventory, type InventoryMap } from './normalize-inventory.js';
import type { ProviderData } from './provider-data.js';

const EMPTY_SET: ReadonlySet<string> = new Set();

/**
 * One provider inside a tree. Internal: never handed out, only copied into
 * frozen {@link ProviderData}.
 *
 * `inventory`, `traits` and `aggregates` are replaced on change, never
 * mutated in place, so copies of the tree can share them safely.
 */
export class ProviderNode {
  readonly children = new Map<string, ProviderNode>();
  #inventory: InventoryMap = EMPTY_INVENTORY;
  #view: ProviderInventory | undefined;
  traits: ReadonlySet<string> = EMPTY_SET;
  aggregates: ReadonlySet<string> = EMPTY_SET;

  constructor(
    readonly uuid: string,
    readonly name: string,
    public generation: number,
    public parent: ProviderNode | null,
  ) {}

  get inventory(): InventoryMap {
    return this.#inventory;
  }
  set inventory(next: InventoryMap) {
    this.#inventory = next;
    this.#view = void 0; // not `undefined`: on the hot path, see normalize-inventory.ts
  }

  /** The frozen plain-object view of the inventory, built on first read after a change. */
  inventoryView(): ProviderInventory {
    return (this.#view ??= freezeInventory(this.#inventory));
  }

  /** The root of this provider's tree. */
  root(): ProviderNode {
    return this.parent ? this.parent.root() : this;
  }

  /** A frozen point-in-time copy; the frozen inventory view is shared, as it is never mutated. */
  toData(): ProviderData {
    return Object.freeze({
      uuid: this.uuid,
      name: this.name,
      generation: this.generation,
      parentUuid: this.parent ? this.parent.uuid : null,
      rootUuid: this.root().uuid,
      childUuids: Object.freeze([...this.children.keys()]),
      inventory: this.inventoryView(),
      traits: Object.freeze([...this.traits].sort()),
      aggregates: Object.freeze([...this.aggregates].sort()),
    });
  }
}

/** The providers of a tree, indexed by uuid and by name. Internal to the provider tree. */
export class ProviderIndex {
  readonly byUuid = new Map<string, ProviderNode>();
  readonly byName = new Map<string, ProviderNode>();
  readonly roots = new Map<string, ProviderNode>();

  /** Look a provider up by uuid (any case) or by name. */
  find(nameOrUuid: string): ProviderNode | undefined {
    const hit = this.byUuid.get(nameOrUuid) ?? this.byName.get(nameOrUuid);
    // only on a miss: uuids are stored lower-case, callers may pass them upper-case
    return hit ?? (typeof nameOrUuid === 'string' ? this.byUuid.get(nameOrUuid.toLowerCase()) : undefined);
  }

  /** Insert a new provider under its parent. @throws `CONFLICT` when its uuid or name is taken. */
  add(node: ProviderNode, operation: string): void {
    const clash = this.byUuid.has(node.uuid)
      ? `uuid ${node.uuid} is taken`
      : this.byName.has(node.name)
        ? `name '${node.name}' is taken`
        : this.byName.has(node.uuid)
          ? `uuid ${node.uuid} is another provider's name`
          : node.name !== node.uuid && this.byUuid.has(node.name)
            ? `name '${node.name}' is another provider's uuid`
            : undefined;
    if (clash) throw new ConflictError(`${operation}: resource provider ${clash}`);
    (node.parent ? node.parent.children : this.roots).set(node.uuid, node);
    this.byUuid.set(node.uuid, node);
    this.byName.set(node.name, node);
  }

  /** Detach a provider and forget it and all its descendants. */
  remove(node: ProviderNode): void {
    (node.parent ? node.parent.children : this.roots).delete(node.uuid);
    for (const n of this.subtree(node)) {
      this.byUuid.delete(n.uuid);
      this.byName.delete(n.name);
    }
  }

  /** The provider and its descendants, parents before children (pre-order). */
  subtree(top: ProviderNode): ProviderNode[] {
    const out: ProviderNode[] = [];
    const stack = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      out.push(node);
      const kids = [...node.children.values()];
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
    return out;
  }

  /** Every provider, tree by tree, parents before children. */
  all(): ProviderNode[] {
    return [...this.roots.values()].flatMap((root) => this.subtree(root));
  }

  /** An independent copy: new nodes and maps; immutable inventories and sets are shared. */
  clone(): ProviderIndex {
    const copy = new ProviderIndex();
    for (const node of this.all()) {
      const parent = node.parent ? copy.byUuid.get(node.parent.uuid)! : null;
      const twin = new ProviderNode(node.uuid, node.name, node.generation, parent);
      twin.inventory = node.inventory;
      twin.traits = node.traits;
      twin.aggregates = node.aggregates;
      (parent ? parent.children : copy.roots).set(twin.uuid, twin);
      copy.byUuid.set(twin.uuid, twin);
      copy.byName.set(twin.name, twin);
    }
    return copy;
  }
}
