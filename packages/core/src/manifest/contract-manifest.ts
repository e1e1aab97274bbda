import { CAPABILITY_NAMES, type CapabilityName } from '../capabilities/capability-names.js';
import { CONSOLE_ENTRIES } from './entries/console.js';
import { CORE_ENTRIES } from './entries/core.js';
import { DIAGNOSTICS_ENTRIES } from './entries/diagnostics.js';
import { GUEST_ENTRIES } from './entries/guest.js';
import { HOST_ENTRIES } from './entries/host.js';
import { IMAGE_ENTRIES } from './entries/image.js';
import { INVENTORY_ENTRIES } from './entries/inventory.js';
import { LIFECYCLE_ENTRIES } from './entries/lifecycle.js';
import { MIGRATION_ENTRIES } from './entries/migration.js';
import { MODULE_ENTRIES } from './entries/module.js';
import { NETWORK_ENTRIES } from './entries/network.js';
import { VOLUME_ENTRIES } from './entries/volume.js';
import type { ManifestCapability, ManifestEntry } from './manifest-entry.js';

/**
 * Number of public methods of the reference driver class (names without a
 * leading `_`). The constructor is not counted; the manifest has one more
 * method entry for it (`'__init__'`).
 */
export const REFERENCE_METHOD_COUNT = 117;

/** Number of module-level functions of the reference. */
export const REFERENCE_MODULE_FUNCTION_COUNT = 8;

/**
 * The contract manifest: one entry per public call of the reference contract
 * (every public method, the constructor, every module-level function), saying
 * where it lives in virtkit and what a driver must do about it.
 *
 * This is the single source the docs, the support matrix, the CLI and the
 * conformance kit are generated from or checked against. Order: core calls,
 * then the capability families in documentation order, then module functions.
 * The array and every entry are frozen.
 *
 * @example
 * ```ts
 * const required = contractManifest.filter((e) => e.capability === 'volume' && e.kind === 'required');
 * ```
 */
export const contractManifest: readonly ManifestEntry[] = Object.freeze([
  ...CORE_ENTRIES,
  ...LIFECYCLE_ENTRIES,
  ...CONSOLE_ENTRIES,
  ...MIGRATION_ENTRIES,
  ...VOLUME_ENTRIES,
  ...NETWORK_ENTRIES,
  ...INVENTORY_ENTRIES,
  ...HOST_ENTRIES,
  ...GUEST_ENTRIES,
  ...IMAGE_ENTRIES,
  ...DIAGNOSTICS_ENTRIES,
  ...MODULE_ENTRIES,
]);

const BY_REFERENCE_NAME: ReadonlyMap<string, ManifestEntry> = new Map(contractManifest.map((e) => [e.referenceName, e]));

/**
 * The manifest entry of a reference call, by its reference name
 * (`'get_vnc_console'`, `'__init__'`, `'load_compute_driver'`).
 *
 * @returns the entry, or `undefined` when the reference has no such public call.
 */
export function manifestEntry(referenceName: string): ManifestEntry | undefined {
  return BY_REFERENCE_NAME.get(referenceName);
}

/**
 * The manifest grouped by home: `'core'` first, then every capability in
 * {@link CAPABILITY_NAMES} order, then `'module'`. Every key is present, and
 * entries keep manifest order. Returns a fresh map and fresh arrays on each
 * call; the entries themselves are the frozen manifest entries.
 */
export function manifestByCapability(): Map<CapabilityName | 'core' | 'module', ManifestEntry[]> {
  const keys: readonly ManifestCapability[] = ['core', ...CAPABILITY_NAMES, 'module'];
  const groups = new Map<ManifestCapability, ManifestEntry[]>(keys.map((k) => [k, []]));
  for (const entry of contractManifest) groups.get(entry.capability)!.push(entry);
  return groups;
}
