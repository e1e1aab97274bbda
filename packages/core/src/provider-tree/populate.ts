import { NotFoundError, ValidationError } from '../errors/errors.js';
import { buildInventory, EMPTY_INVENTORY, type InventoryMap } from './normalize-inventory.js';
import { checkAggregates, checkGeneration, checkName, checkTraits, checkUuid } from './provider-checks.js';
import type { ProviderInput } from './provider-data.js';
import { ProviderIndex, ProviderNode } from './provider-index.js';

const OP = 'populateFromIterable';

/** A checked batch entry. */
interface Entry {
  uuid: string;
  name: string;
  generation: number;
  parentUuid: string | null;
  inventory: InventoryMap | undefined;
  traits: ReadonlySet<string> | undefined;
  aggregates: ReadonlySet<string> | undefined;
}

/**
 * Apply a batch of providers to a copy of `index` and return the copy; the
 * caller swaps it in, so a failure anywhere leaves the original untouched.
 * A provider already in the tree is replaced, with every descendant the
 * batch does not list again.
 */
export function populate(index: ProviderIndex, providers: Iterable<ProviderInput>): ProviderIndex {
  if (providers === null || typeof providers !== 'object' || typeof providers[Symbol.iterator] !== 'function') {
    throw new ValidationError(OP, [{ path: '', messages: ['providers must be an iterable'] }]);
  }
  const batch = [...providers].map((p, i) => withPrefix(i, () => parseEntry(p)));
  const byUuid = new Map<string, Entry>();
  batch.forEach((e, i) => {
    if (byUuid.has(e.uuid))
      throw new ValidationError(OP, [{ path: `[${i}].uuid`, messages: ['uuid listed twice in the batch'] }]);
    byUuid.set(e.uuid, e);
  });
  for (const e of batch) {
    if (e.parentUuid !== null && !byUuid.has(e.parentUuid) && !index.byUuid.has(e.parentUuid)) {
      throw new NotFoundError('parent resource provider', e.parentUuid);
    }
  }
  if (batch.length === 0) return index;
  const next = index.clone();
  for (const e of parentsFirst(batch, byUuid)) insert(next, e);
  return next;
}

function insert(index: ProviderIndex, e: Entry): void {
  const existing = index.byUuid.get(e.uuid);
  if (existing) index.remove(existing);
  const parent = e.parentUuid === null ? null : index.byUuid.get(e.parentUuid);
  // the parent was in the tree but went away with an ancestor the batch replaced
  if (parent === undefined) throw new NotFoundError('parent resource provider', e.parentUuid!);
  const node = new ProviderNode(e.uuid, e.name, e.generation, parent);
  if (e.inventory) node.inventory = e.inventory;
  if (e.traits) node.traits = e.traits;
  if (e.aggregates) node.aggregates = e.aggregates;
  index.add(node, OP);
}

/** Batch order, except that a parent listed in the batch comes before its children. */
function parentsFirst(batch: Entry[], byUuid: ReadonlyMap<string, Entry>): Entry[] {
  const kids = new Map<string, Entry[]>();
  const starts: Entry[] = [];
  for (const e of batch) {
    if (e.parentUuid !== null && byUuid.has(e.parentUuid)) {
      const list = kids.get(e.parentUuid);
      if (list) list.push(e);
      else kids.set(e.parentUuid, [e]);
    } else {
      starts.push(e);
    }
  }
  const out: Entry[] = [];
  const stack = starts.reverse();
  while (stack.length > 0) {
    const e = stack.pop()!;
    out.push(e);
    const children = kids.get(e.uuid) ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  if (out.length !== batch.length) {
    const stuck = batch.filter((e) => !out.includes(e)).map((e) => e.uuid);
    throw new ValidationError(OP, [{ path: '', messages: [`parent cycle among ${stuck.join(', ')}`] }]);
  }
  return out;
}

function parseEntry(p: ProviderInput): Entry {
  if (p === null || typeof p !== 'object')
    throw new ValidationError(OP, [{ path: '', messages: ['provider must be an object'] }]);
  return {
    uuid: checkUuid(p.uuid, OP, 'uuid'),
    name: checkName(p.name, OP, 'name'),
    generation: p.generation === undefined ? 0 : checkGeneration(p.generation, OP, 'generation'),
    parentUuid: p.parentUuid === undefined || p.parentUuid === null ? null : checkUuid(p.parentUuid, OP, 'parentUuid'),
    inventory: p.inventory === undefined ? undefined : buildInventory(EMPTY_INVENTORY, p.inventory, OP),
    traits: p.traits === undefined ? undefined : checkTraits(p.traits, OP),
    aggregates: p.aggregates === undefined ? undefined : checkAggregates(p.aggregates, OP),
  };
}

/** Report a bad entry's fields under its batch index (`[3].inventory.VCPU.total`). */
function withPrefix<T>(i: number, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      OP,
      error.issues.map((issue) => ({
        path: issue.path ? `[${i}].${issue.path}` : `[${i}]`,
        messages: [...issue.messages],
      })),
    );
  }
}
