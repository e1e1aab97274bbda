import { CAPABILITY_NAMES, type CapabilityName } from '../capabilities/capability-names.js';
import { CAPABILITY_DECLARATIONS } from '../capabilities/capability-declarations.js';
import { CORE_ENTRIES } from './entries/core.js';
import { MODULE_ENTRIES } from './entries/module.js';
import type { CapabilityCall } from '../capabilities/declare-capability.js';
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
 * (every public method, the constructor, every module-level function) and per
 * call virtkit adds beyond it (`origin: 'virtkit'`), saying where it lives in
 * virtkit and what a driver must do about it. Capability entries come from the
 * capability declarations (`calls`), core and module entries from `entries/`.
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
  ...CAPABILITY_DECLARATIONS.flatMap((d) => d.calls.map((call) => toEntry(d.name, call))),
  ...MODULE_ENTRIES,
]);

const BY_REFERENCE_NAME: ReadonlyMap<string, ManifestEntry> = new Map(
  contractManifest.map((e) => [e.referenceName, e]),
);

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

function toEntry(capability: CapabilityName, call: CapabilityCall): ManifestEntry {
  const { referenceName, method, kind, summary, note, origin } = call;
  return Object.freeze({
    referenceName,
    scope: 'method',
    capability,
    method,
    kind,
    summary,
    ...(note === undefined ? {} : { note }),
    ...(origin === 'virtkit' ? { origin } : {}),
  });
}
