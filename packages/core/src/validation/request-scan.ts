import type { ValidationIssue } from '../errors/errors.js';

/**
 * No request nests deeper than this. Deeper input is refused rather than left
 * unscanned: a prototype-pollution key could hide below the scan's reach, and
 * hostile depth (10,000 levels) must stay cheap (issue "Hardening").
 */
export const MAX_REQUEST_DEPTH = 32;

/** Keys that would reach Object.prototype through naive merges downstream. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called as hasOwn.call(object, key)
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Depth-first search of a value no validator declares (an extra field) for
 * prototype-pollution keys and excessive depth. Reads each own property once;
 * no allocation on the clean path.
 */
export function findBadKey(value: object, path: string, depth: number): ValidationIssue | undefined {
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return { path: at, messages: ['forbidden key'] };
    const child = (value as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object') continue;
    if (depth + 1 > MAX_REQUEST_DEPTH)
      return { path: at, messages: [`nested deeper than ${MAX_REQUEST_DEPTH} levels`] };
    const found = findBadKey(child, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
