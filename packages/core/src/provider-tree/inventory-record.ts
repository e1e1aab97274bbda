import { ValidationError, type ValidationIssue } from '../errors/errors.js';

/**
 * A placement resource class: a standard one (`VCPU`, `PCPU`, `MEMORY_MB`,
 * `DISK_GB`, ...) or a custom one (`CUSTOM_*`). Any name matching
 * {@link RESOURCE_CLASS_PATTERN} is accepted; the literals are for completion.
 */
export type ResourceClass = 'VCPU' | 'PCPU' | 'MEMORY_MB' | 'DISK_GB' | (string & {});

/** Resource class names: upper-case letters, digits and underscores (at most 255). */
export const RESOURCE_CLASS_PATTERN = /^[A-Z0-9_]+$/;

/** The largest amount placement stores for any inventory field (a signed 32-bit integer). */
export const MAX_INVENTORY_VALUE = 2_147_483_647;

/** How much of one resource class a provider has, and how it may be allocated. */
export interface InventoryRecord {
  /** Physical amount of the resource. */
  readonly total: number;
  /** Amount kept back for the host; never allocated. At most `total`. */
  readonly reserved: number;
  /** Smallest amount one allocation may take (at least 1). */
  readonly minUnit: number;
  /** Largest amount one allocation may take (at least `minUnit`). */
  readonly maxUnit: number;
  /** Allocations must be a multiple of this (at least 1). */
  readonly stepSize: number;
  /** Overcommit factor: capacity is `(total - reserved) * allocationRatio`. Greater than 0. */
  readonly allocationRatio: number;
}

/**
 * An inventory record as a driver writes it: `total` is required, the rest
 * default to `reserved` 0, `minUnit` 1, `maxUnit` `total` (at least `minUnit`),
 * `stepSize` 1 and `allocationRatio` 1.
 */
export type InventoryInput = { total: number } & { -readonly [K in Exclude<keyof InventoryRecord, 'total'>]?: number };

/** The normalised, frozen inventory of one provider, by resource class. */
export type ProviderInventory = Readonly<Partial<Record<ResourceClass, Readonly<InventoryRecord>>>>;

/** The inventory a driver writes for one provider, by resource class. A class left out is removed. */
export type ProviderInventoryInput = Readonly<Partial<Record<ResourceClass, InventoryInput>>>;

const FIELDS: ReadonlySet<string> = new Set(['total', 'reserved', 'minUnit', 'maxUnit', 'stepSize', 'allocationRatio']);

/**
 * Validate an inventory and return it normalised (defaults filled in) and
 * frozen. Used by the provider tree and by `getInventory`; drivers may call it
 * to check their own output.
 *
 * @throws `VALIDATION_FAILED` ({@link ValidationError}) listing every bad field.
 */
export function normalizeInventory(inventory: unknown, operation = 'normalizeInventory'): ProviderInventory {
  if (!isPlainObject(inventory)) throw new ValidationError(operation, [{ path: 'inventory', messages: ['inventory must be an object'] }]);
  const issues: ValidationIssue[] = [];
  const out: Record<string, InventoryRecord> = {};
  for (const [rc, input] of Object.entries(inventory)) {
    const path = `inventory.${rc}`;
    if (!RESOURCE_CLASS_PATTERN.test(rc) || rc.length > 255) {
      issues.push({ path, messages: [`resource class must match ${RESOURCE_CLASS_PATTERN} (at most 255 characters)`] });
    } else if (!isPlainObject(input)) {
      issues.push({ path, messages: ['inventory record must be an object'] });
    } else {
      const record = normalizeRecord(input, path, issues);
      if (record) out[rc] = record;
    }
  }
  if (issues.length > 0) throw new ValidationError(operation, issues);
  return Object.freeze(out);
}

/**
 * True when `input` describes exactly `current` (same classes, same fields once
 * defaults are applied). Never throws and allocates nothing: anything odd
 * (unknown field, wrong type) counts as a difference, left to
 * {@link normalizeInventory} to reject.
 */
export function isSameInventory(current: ProviderInventory, currentSize: number, input: unknown): boolean {
  if (input === null || typeof input !== 'object') return false;
  let size = 0;
  for (const rc in input) {
    const stored = Object.hasOwn(current, rc) ? current[rc] : undefined;
    if (stored === undefined || !isSameRecord((input as Record<string, unknown>)[rc], stored)) return false;
    size++;
  }
  return size === currentSize;
}

/** True when two normalised inventories hold the same classes and values. */
export function isEqualInventory(a: ProviderInventory, b: ProviderInventory): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((rc) => Object.hasOwn(b, rc) && isSameRecord(a[rc], b[rc]!));
}

function isSameRecord(input: unknown, stored: InventoryRecord): boolean {
  if (input === null || typeof input !== 'object') return false;
  const r = input as Partial<Record<keyof InventoryRecord, unknown>>;
  // every key must be a known, defined field; counting beats a set lookup per key on this hot path
  let keys = 0;
  for (const _ in input) keys++;
  let known = 0;
  let v: unknown;
  if ((v = r.total) !== stored.total) return false;
  known++;
  if ((v = r.reserved) === undefined ? stored.reserved !== 0 : (known++, v !== stored.reserved)) return false;
  const minUnit = r.minUnit;
  if (minUnit === undefined ? stored.minUnit !== 1 : (known++, minUnit !== stored.minUnit)) return false;
  if ((v = r.maxUnit) === undefined ? stored.maxUnit !== Math.max(stored.total, stored.minUnit) : (known++, v !== stored.maxUnit)) return false;
  if ((v = r.stepSize) === undefined ? stored.stepSize !== 1 : (known++, v !== stored.stepSize)) return false;
  if ((v = r.allocationRatio) === undefined ? stored.allocationRatio !== 1 : (known++, v !== stored.allocationRatio)) return false;
  return keys === known;
}

function normalizeRecord(input: Record<string, unknown>, path: string, issues: ValidationIssue[]): InventoryRecord | undefined {
  const before = issues.length;
  for (const key of Object.keys(input)) {
    if (!FIELDS.has(key)) issues.push({ path: `${path}.${key}`, messages: ['unknown inventory field'] });
  }
  const int = (key: string, fallback: number, min: number): number => {
    const value = input[key] === undefined ? fallback : input[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_INVENTORY_VALUE) {
      issues.push({ path: `${path}.${key}`, messages: [`${key} must be an integer from ${min} to ${MAX_INVENTORY_VALUE}`] });
      return NaN;
    }
    return value;
  };
  const total = int('total', NaN, 0);
  const reserved = int('reserved', 0, 0);
  const minUnit = int('minUnit', 1, 1);
  // NaN || x: a bad total or minUnit is already reported; do not report maxUnit for it too
  const maxUnit = int('maxUnit', Math.max(total || 0, minUnit || 1), 1);
  const stepSize = int('stepSize', 1, 1);
  const ratio = input['allocationRatio'] === undefined ? 1 : input['allocationRatio'];
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio <= 0) {
    issues.push({ path: `${path}.allocationRatio`, messages: ['allocationRatio must be a finite number greater than 0'] });
  }
  if (reserved > total) issues.push({ path: `${path}.reserved`, messages: ['reserved must not exceed total'] });
  if (maxUnit < minUnit) issues.push({ path: `${path}.maxUnit`, messages: ['maxUnit must be at least minUnit'] });
  if (issues.length > before) return undefined;
  return Object.freeze({ total, reserved, minUnit, maxUnit, stepSize, allocationRatio: ratio as number });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
