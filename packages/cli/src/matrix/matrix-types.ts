import type { ConformanceReport } from '@virtkit/conformance';
import type { CapabilityMap, CapabilityName, Family } from '@virtkit/core';

/** How far a driver supports a capability. */
export type CellState = 'complete' | 'partial' | 'missing' | 'unknown';

/** Every {@link CellState}, from best to worst known. */
export const CELL_STATES: readonly CellState[] = ['complete', 'partial', 'missing', 'unknown'];

/**
 * What the contract asks of a capability: `mandatory` for every driver,
 * `optional`, or `choice` (a driver should offer at least one of its group).
 */
export type CapabilityStatus = 'mandatory' | 'optional' | 'choice';

/** A row of the matrix: a capability, or `core` for the calls every driver has. */
export type MatrixCapability = CapabilityName | 'core';

/** A group of rows: a capability family, or `core`. */
export type MatrixFamily = Family | 'core';

/** One driver's support of one capability. */
export interface MatrixCell {
  state: CellState;
  /** Why: reference calls covered, feature flags, failing kit tests, skip reasons. */
  note: string;
}

/** One capability across the drivers. */
export interface MatrixRow {
  name: MatrixCapability;
  status: CapabilityStatus;
  /** The reference calls the capability covers (from the contract manifest; dropped calls excluded). */
  referenceCalls: string[];
  /** By driver column key (the driver's name). */
  cells: Record<string, MatrixCell>;
}

/** The rows of one family. */
export interface MatrixFamilyGroup {
  family: MatrixFamily;
  capabilities: MatrixRow[];
}

/** The support matrix, as `virtkit matrix --format json` prints it. */
export interface SupportMatrix {
  /** ISO 8601 time of generation. */
  generatedAt: string;
  /** True when cells come from running the kit (`--verify`), false when only from capability maps. */
  verified: boolean;
  /** The columns, in order; `name` is the key of each row's `cells`. */
  drivers: { name: string; version: string }[];
  families: MatrixFamilyGroup[];
}

/** One column of the matrix: a driver's map, and its kit report when verified. */
export interface MatrixDriverInput {
  map: CapabilityMap;
  report?: ConformanceReport;
}
