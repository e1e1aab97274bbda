import { CAPABILITY_NAMES, FAMILIES, familyOf } from '@virtkit/core';
import { manifestByCapability } from '@virtkit/core/manifest';
import { capabilityStatus } from './capability-status.js';
import { matrixCell } from './matrix-cell.js';
import type {
  MatrixCapability,
  MatrixDriverInput,
  MatrixFamily,
  MatrixFamilyGroup,
  MatrixRow,
  SupportMatrix,
} from './matrix-types.js';

/** Options of {@link buildMatrix}. */
export interface BuildMatrixOptions {
  /** The generation time to record. @defaultValue now */
  generatedAt?: Date;
}

/**
 * The support matrix of some drivers: one row per capability (plus `core`),
 * grouped by family in contract order, one column per driver. The matrix is
 * `verified` when every driver comes with a kit report.
 */
export function buildMatrix(drivers: readonly MatrixDriverInput[], options: BuildMatrixOptions = {}): SupportMatrix {
  const keys = columnKeys(drivers);
  const manifest = manifestByCapability();
  const row = (name: MatrixCapability): MatrixRow => {
    const base = {
      name,
      status: capabilityStatus(name),
      referenceCalls: (manifest.get(name) ?? []).filter((e) => e.kind !== 'dropped').map((e) => e.referenceName),
    };
    return { ...base, cells: Object.fromEntries(drivers.map((d, i) => [keys[i]!, matrixCell(base, d)])) };
  };
  const families: MatrixFamilyGroup[] = (['core', ...FAMILIES] as MatrixFamily[]).map((family) => ({
    family,
    capabilities: (family === 'core' ? ['core' as const] : CAPABILITY_NAMES.filter((c) => familyOf(c) === family)).map(
      row,
    ),
  }));
  return {
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    verified: drivers.length > 0 && drivers.every((d) => d.report !== undefined),
    drivers: drivers.map((d, i) => ({ name: keys[i]!, version: d.map.driver.version })),
    families,
  };
}

/**
 * Column keys: the driver names, made unique (`qemu`, `qemu (2)`) when two drivers share one.
 * A suffix is bumped until the key is neither another driver's name nor a key already taken,
 * so drivers named `a`, `a`, `a (2)` get `a`, `a (3)`, `a (2)`.
 */
function columnKeys(drivers: readonly MatrixDriverInput[]): string[] {
  const names = drivers.map((d) => d.map.driver.name);
  const taken = new Set<string>();
  const nextSuffix = new Map<string, number>();
  const firstIndex = new Map<string, number>();
  names.forEach((name, i) => {
    if (!firstIndex.has(name)) firstIndex.set(name, i);
  });
  return names.map((name, i) => {
    // the first driver of a name keeps it: suffixed keys never equal a driver's name, so it is free
    if (firstIndex.get(name) === i) {
      taken.add(name);
      return name;
    }
    let n = nextSuffix.get(name) ?? 2;
    while (taken.has(`${name} (${n})`) || names.includes(`${name} (${n})`)) n += 1;
    nextSuffix.set(name, n + 1);
    const key = `${name} (${n})`;
    taken.add(key);
    return key;
  });
}
