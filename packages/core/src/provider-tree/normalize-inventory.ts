import { ValidationError } from '../errors/errors.js';
import { inventoryIssues, isResourceClass } from './inventory-issues.js';
import {
  INVENTORY_FIELDS,
  MAX_INVENTORY_VALUE,
  type InventoryRecord,
  type ProviderInventory,
} from './inventory-record.js';

/**
 * Validate an inventory and return it normalised (defaults filled in) and
 * frozen. The provider tree and `getInventory` use the same rules; drivers
 * may call it to check their own output.
 *
 * @throws `VALIDATION_FAILED` ({@link ValidationError}) listing every bad field
 * (`inventory.VCPU.total`, ...).
 */
export function normalizeInventory(inventory: unknown, operation = 'normalizeInventory'): ProviderInventory {
  return freezeInventory(buildInventory(EMPTY_INVENTORY, inventory, operation) ?? EMPTY_INVENTORY);
}

// ---- internal: the hot path of ProviderTree.updateInventory ---------------------------------
// A periodic update touches every provider, so: no allocation when nothing changed, and no global
// lookups (`undefined`, `Math`, `Number`, `Array`). Under a vm sandbox such as jest's, each global
// lookup is an interceptor call costing more than a whole comparison; hence `void 0` and the
// helpers cached below.
const isArray = Array.isArray;
const isInteger = Number.isInteger;
const isFiniteNumber = Number.isFinite;
const max = Math.max;
const RecordMap = Map;

/** A provider's inventory inside the tree. Records are never mutated once stored, so they are shared freely. */
export type InventoryMap = ReadonlyMap<string, InventoryRecord>;

/** The inventory of a provider that has none. */
export const EMPTY_INVENTORY: InventoryMap = new Map();

/**
 * The validated, normalised inventory `input` describes, reusing `current`'s
 * records where they are unchanged; `undefined` when nothing changed (then
 * nothing is allocated, so this is also the change check).
 * @throws `VALIDATION_FAILED` with every problem of the input.
 */
export function buildInventory(current: InventoryMap, input: unknown, operation: string): InventoryMap | undefined {
  if (input === null || typeof input !== 'object' || isArray(input)) throw invalid(input, operation);
  const fields = input as Record<string, unknown>;
  let next: Map<string, InventoryRecord> | null = null;
  let size = 0;
  for (const rc in fields) {
    const raw = fields[rc];
    const stored = current.get(rc);
    size++;
    if (stored !== void 0 && isSameRecord(raw, stored)) {
      if (next !== null) next.set(rc, stored);
      continue;
    }
    const record = stored !== void 0 || isKnownClass(rc) ? readRecord(raw) : null;
    if (record === null) throw invalid(input, operation);
    // first difference: the classes before this one were all unchanged
    next ??= unchangedPrefix(current, fields, rc);
    next.set(rc, record);
  }
  if (next !== null) return next;
  // every class given is unchanged: a change only when some were left out
  return size === current.size ? void 0 : unchangedPrefix(current, fields, null);
}

/** The stored records of the classes of `input` up to (not including) `stop`. */
function unchangedPrefix(
  current: InventoryMap,
  input: Record<string, unknown>,
  stop: string | null,
): Map<string, InventoryRecord> {
  const out = new RecordMap<string, InventoryRecord>();
  for (const rc in input) {
    if (rc === stop) break;
    out.set(rc, current.get(rc)!);
  }
  return out;
}

/** The frozen, plain-object view of an inventory, as handed out in provider data. */
export function freezeInventory(inventory: InventoryMap): ProviderInventory {
  const out: Record<string, InventoryRecord> = {};
  // freezing stored records in place is safe: nothing mutates them after they are stored
  for (const [rc, record] of inventory) out[rc] = Object.isFrozen(record) ? record : Object.freeze(record);
  return Object.freeze(out);
}

/** Compare an input record with a stored one, field by field, applying defaults; unknown keys differ. */
function isSameRecord(input: unknown, stored: InventoryRecord): boolean {
  if (input === null || typeof input !== 'object') return false;
  const r = input as Record<string, unknown>;
  // every key must be a known field: counting keys is cheaper than a set lookup per key
  let keys = 0;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- counts keys without the array Object.keys makes
  for (const _key in r) keys++;
  if (r['total'] !== stored.total) return false;
  let known = 1;
  let v = r['reserved'];
  if (v === void 0 ? stored.reserved !== 0 : (known++, v !== stored.reserved)) return false;
  if ((v = r['minUnit']) === void 0 ? stored.minUnit !== 1 : (known++, v !== stored.minUnit)) return false;
  v = r['maxUnit'];
  if (v === void 0 ? stored.maxUnit !== max(stored.total, stored.minUnit) : (known++, v !== stored.maxUnit))
    return false;
  if ((v = r['stepSize']) === void 0 ? stored.stepSize !== 1 : (known++, v !== stored.stepSize)) return false;
  if ((v = r['allocationRatio']) === void 0 ? stored.allocationRatio !== 1 : (known++, v !== stored.allocationRatio))
    return false;
  return keys === known || onlyKnownKeys(r);
}

/** A valid input record normalised, or `null` when it is not valid (the slow path then says why). */
function readRecord(raw: unknown): InventoryRecord | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  let keys = 0;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- counts keys without the array Object.keys makes
  for (const _key in r) keys++;
  const total = r['total'];
  if (!isCount(total, 0)) return null;
  // each optional field: absent -> its default; present -> counted, and -1 when bad (fails a test below)
  let known = 1;
  let v = r['reserved'];
  const reserved = v === void 0 ? 0 : (known++, isCount(v, 0) ? v : -1);
  v = r['minUnit'];
  const minUnit = v === void 0 ? 1 : (known++, isCount(v, 1) ? v : -1);
  v = r['maxUnit'];
  const maxUnit = v === void 0 ? max(total, minUnit) : (known++, isCount(v, 1) ? v : -1);
  v = r['stepSize'];
  const stepSize = v === void 0 ? 1 : (known++, isCount(v, 1) ? v : -1);
  v = r['allocationRatio'];
  const allocationRatio = v === void 0 ? 1 : (known++, typeof v === 'number' && isFiniteNumber(v) ? v : -1);
  const valid =
    reserved >= 0 && reserved <= total && minUnit >= 1 && maxUnit >= minUnit && stepSize >= 1 && allocationRatio > 0;
  if (!valid || (keys !== known && !onlyKnownKeys(r))) return null;
  return { total, reserved, minUnit, maxUnit, stepSize, allocationRatio };
}

/** The rare case of a key count mismatch: fine when it only comes from fields set to `undefined`. */
function onlyKnownKeys(r: object): boolean {
  for (const key in r) if (!FIELDS.has(key)) return false;
  return true;
}

function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && isInteger(v) && v >= min && v <= MAX_INVENTORY_VALUE;
}

const FIELDS: ReadonlySet<string> = new Set(INVENTORY_FIELDS);

// Resource class names seen valid, so the pattern runs once per name; bounded against hostile input.
const KNOWN_CLASSES = new Set<string>(['VCPU', 'PCPU', 'MEMORY_MB', 'DISK_GB']);
const MAX_KNOWN_CLASSES = 4096;

function isKnownClass(rc: string): boolean {
  if (KNOWN_CLASSES.has(rc)) return true;
  if (!isResourceClass(rc)) return false;
  if (KNOWN_CLASSES.size < MAX_KNOWN_CLASSES) KNOWN_CLASSES.add(rc);
  return true;
}

function invalid(input: unknown, operation: string): ValidationError {
  const issues = inventoryIssues(input);
  // inherited enumerable keys can fail the fast path without an own-key issue to report
  return new ValidationError(
    operation,
    issues.length > 0 ? issues : [{ path: 'inventory', messages: ['inventory must be a plain object of records'] }],
  );
}
