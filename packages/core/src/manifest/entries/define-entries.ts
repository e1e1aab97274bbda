import type { DriverBase } from '../../driver/driver-base.js';
import type * as DriverLoader from '../../loader/load-driver.js';
import type * as BlockDeviceHelpers from '../../model/block-device-helpers.js';
import type { ManifestEntry, ManifestKind } from '../manifest-entry.js';

/** Core calls: the public calls of `DriverBase`, its constructor, and the protected event reporter. */
type CoreMethod = Extract<keyof DriverBase, string> | 'constructor' | 'reportPowerState';

/** Module helpers: the block-device helpers of core, and the driver loader. */
type ModuleFunction = Extract<keyof typeof BlockDeviceHelpers | keyof typeof DriverLoader, string>;

/** One row of a family file; the capability and scope are given once per group. */
interface Row<M extends string> {
  readonly referenceName: string;
  readonly method: M | null;
  readonly kind: ManifestKind;
  readonly summary: string;
  readonly note?: string;
}

/** Entries of the calls every driver has (scope `method`, capability `'core'`). */
export function coreEntries(rows: readonly Row<CoreMethod>[]): ManifestEntry[] {
  return rows.map((row) => toEntry(row, 'method', 'core'));
}

/** Entries of the reference's module-level functions (scope `module`, capability `'module'`). */
export function moduleEntries(rows: readonly Row<ModuleFunction>[]): ManifestEntry[] {
  return rows.map((row) => toEntry(row, 'module', 'module'));
}

function toEntry(
  row: Row<string>,
  scope: ManifestEntry['scope'],
  capability: ManifestEntry['capability'],
): ManifestEntry {
  const { referenceName, method, kind, summary, note } = row;
  return Object.freeze({
    referenceName,
    scope,
    capability,
    method,
    kind,
    summary,
    ...(note === undefined ? {} : { note }),
  });
}
