import type { CapabilityName } from '../capabilities/capability-names.js';

/**
 * Where a reference call lives: a method of the reference driver class, or a
 * function of the reference module.
 */
export type ManifestScope = 'method' | 'module';

/**
 * The home of a reference call: a capability, `'core'` for calls every driver
 * has (they are not a capability and never appear in a capability map), or
 * `'module'` for the pure helper functions core exports.
 */
export type ManifestCapability = CapabilityName | 'core' | 'module';

/**
 * What virtkit asks of a driver for one reference call.
 *
 * - `required`: a driver advertising the capability implements it (for
 *   `'core'`, every driver does). For `'module'` entries: a function core exports.
 * - `hook`: optional; the SDK runs it at a fixed point of another call and
 *   supplies a documented default.
 * - `default`: the SDK supplies a working implementation a driver may override.
 * - `deprecated`: deprecated in the reference; kept, marked `@deprecated`, and
 *   `note` names what replaces it.
 * - `dropped`: virtkit has no counterpart; `method` is `null` and `note` says why.
 */
export type ManifestKind = 'required' | 'hook' | 'default' | 'deprecated' | 'dropped';

/**
 * One public call of the contract (the reference's, or one virtkit adds) and its virtkit counterpart.
 * The docs, the support matrix, the CLI and the conformance kit are generated
 * from, or checked against, the list of these entries ({@link contractManifest}).
 */
export interface ManifestEntry {
  /** The reference's name, exactly as written there, e.g. `'get_vnc_console'` (`'__init__'` for the constructor). */
  readonly referenceName: string;
  /** A method of the reference driver class, or a module-level function. */
  readonly scope: ManifestScope;
  /** The capability (or `'core'` / `'module'`) the call belongs to. */
  readonly capability: ManifestCapability;
  /**
   * The TypeScript name: a public driver method (`'getVncConsole'`), a hook the
   * SDK calls itself (`'_prepareForSpawn'`), an exported function of core
   * (`'getBlockDeviceInfo'`, `'loadDriver'`), `'constructor'` for the
   * constructor, or `null` when the call is dropped.
   */
  readonly method: string | null;
  /** What a driver must do about the call; see {@link ManifestKind}. */
  readonly kind: ManifestKind;
  /** Why the call is dropped or deprecated, and what replaces it. Present for those kinds. */
  readonly note?: string;
  /** One line saying what the call does. */
  readonly summary: string;
  /**
   * `'virtkit'` for a call the reference does not have (the contract grows past
   * it; `referenceName` is then the name the call is published under). Absent
   * for the reference's own calls.
   */
  readonly origin?: 'virtkit';
}
