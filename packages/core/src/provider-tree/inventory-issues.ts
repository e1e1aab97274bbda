import type { ValidationIssue } from '../errors/errors.js';
import { INVENTORY_FIELDS, MAX_INVENTORY_VALUE, RESOURCE_CLASS_PATTERN } from './inventory-record.js';

const FIELDS: ReadonlySet<string> = new Set(INVENTORY_FIELDS);

/**
 * Every problem of an inventory input, with its path (`inventory.VCPU.total`).
 * The slow path: only run once the fast check found the input is not valid,
 * to say precisely why.
 */
export function inventoryIssues(inventory: unknown): ValidationIssue[] {
  if (!isPlainObject(inventory)) return [{ path: 'inventory', messages: ['inventory must be an object'] }];
  const issues: ValidationIssue[] = [];
  for (const [rc, input] of Object.entries(inventory)) {
    const path = `inventory.${rc}`;
    if (!isResourceClass(rc)) {
      issues.push({ path, messages: [`resource class must match ${RESOURCE_CLASS_PATTERN} (at most 255 characters)`] });
    } else if (!isPlainObject(input)) {
      issues.push({ path, messages: ['inventory record must be an object'] });
    } else {
      recordIssues(input, path, issues);
    }
  }
  return issues;
}

/** A well-formed resource class name. */
export function isResourceClass(rc: string): boolean {
  return rc.length <= 255 && RESOURCE_CLASS_PATTERN.test(rc);
}

function recordIssues(input: Record<string, unknown>, path: string, issues: ValidationIssue[]): void {
  for (const key of Object.keys(input)) {
    if (!FIELDS.has(key)) issues.push({ path: `${path}.${key}`, messages: ['unknown inventory field'] });
  }
  const int = (key: string, fallback: number, min: number): number => {
    const value = input[key] === undefined ? fallback : input[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_INVENTORY_VALUE)
      return value;
    issues.push({
      path: `${path}.${key}`,
      messages: [`${key} must be an integer from ${min} to ${MAX_INVENTORY_VALUE}`],
    });
    return NaN;
  };
  const total = int('total', NaN, 0);
  const reserved = int('reserved', 0, 0);
  const minUnit = int('minUnit', 1, 1);
  // NaN || x: a bad total or minUnit is reported already; do not report the default maxUnit too
  const maxUnit = int('maxUnit', Math.max(total || 0, minUnit || 1), 1);
  int('stepSize', 1, 1);
  const ratio = input['allocationRatio'];
  if (ratio !== undefined && !(typeof ratio === 'number' && Number.isFinite(ratio) && ratio > 0)) {
    issues.push({
      path: `${path}.allocationRatio`,
      messages: ['allocationRatio must be a finite number greater than 0'],
    });
  }
  if (reserved > total) issues.push({ path: `${path}.reserved`, messages: ['reserved must not exceed total'] });
  if (maxUnit < minUnit) issues.push({ path: `${path}.maxUnit`, messages: ['maxUnit must be at least minUnit'] });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
