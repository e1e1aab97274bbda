import type { TestResult } from '@virtkit/conformance';
import { FEATURE_FLAGS, type CapabilityMap, type FeatureFlag } from '@virtkit/core';
import { CHOICE_GROUPS, choiceGroupOf } from './capability-status.js';
import type { MatrixCapability, MatrixCell, MatrixDriverInput, MatrixRow } from './matrix-types.js';

const UNVERIFIED_NOTE = 'advertised (not verified: run with --verify)';
const NOT_ADVERTISED_NOTE = 'not advertised (its calls answer NOT_SUPPORTED)';
const COVERS_PREFIX = 'covers ';
const UNSUPPORTED_FEATURES_PREFIX = 'unsupported features: ';

/**
 * One driver's cell for one row. From the map alone: advertised is
 * `complete`, not advertised is `missing`. With a kit report: `complete` only
 * when no kit test of the capability failed and at least one passed, `partial`
 * when some failed (the note names them), `unknown` when all were skipped.
 */
export function matrixCell(
  row: Pick<MatrixRow, 'name' | 'status' | 'referenceCalls'>,
  driver: MatrixDriverInput,
): MatrixCell {
  const advertised = row.name === 'core' || driver.map.capabilities[row.name] === true;
  const results = driver.report?.results.filter((r) => r.capability === row.name);
  const cell = advertised ? advertisedCell(results) : missingCell(results);
  const extras = advertised
    ? [coverage(row.referenceCalls), ...featureNotes(row.name, driver.map)]
    : statusNote(row, driver.map);
  return { state: cell.state, note: [cell.note, ...extras].filter(Boolean).join('; ') };
}

/**
 * True for a `; `-separated part of a cell note that only restates what a
 * table shows anyway (the state, the row's reference calls) or lists what the
 * driver does not declare, so compact renderers can leave it out.
 */
export function isRoutineNote(part: string): boolean {
  return (
    part === UNVERIFIED_NOTE ||
    part === NOT_ADVERTISED_NOTE ||
    part.startsWith(COVERS_PREFIX) ||
    part.startsWith(UNSUPPORTED_FEATURES_PREFIX)
  );
}

function advertisedCell(results: readonly TestResult[] | undefined): MatrixCell {
  if (!results) return { state: 'complete', note: UNVERIFIED_NOTE };
  if (results.length === 0) return { state: 'unknown', note: 'advertised, but the kit ran none of its tests' };
  const failed = results.filter((r) => r.status === 'failed');
  const passed = results.filter((r) => r.status === 'passed').length;
  const skipped = results.filter((r) => r.status === 'skipped');
  if (failed.length > 0) {
    return {
      state: 'partial',
      note: `${failed.length} of ${results.length} kit tests failed: ${failed.map((r) => r.name).join('; ')}`,
    };
  }
  if (passed === 0)
    return {
      state: 'unknown',
      note: `advertised, but all ${results.length} kit tests were skipped (${reasons(skipped)})`,
    };
  const skipNote = skipped.length > 0 ? `, ${skipped.length} skipped (${reasons(skipped)})` : '';
  // Unverified tests neither passed nor failed (the driver's fixtures cannot drive them): named apart, never counted
  // as passed.
  const unverified = results.filter((r) => r.status === 'unverified');
  const unverifiedNote =
    unverified.length > 0 ? `, ${unverified.length} unverified (${unverified.map((r) => r.name).join('; ')})` : '';
  const ran = results.length - skipped.length - unverified.length;
  return { state: 'complete', note: `${passed} of ${ran} kit tests passed${unverifiedNote}${skipNote}` };
}

function missingCell(results: readonly TestResult[] | undefined): MatrixCell {
  const failed = results?.filter((r) => r.status === 'failed') ?? [];
  if (failed.length > 0) {
    return {
      state: 'missing',
      note:
        `not advertised, but its calls do not all answer NOT_SUPPORTED: ` +
        `${failed.map((r) => r.reason ?? r.name).join('; ')}`,
    };
  }
  return { state: 'missing', note: NOT_ADVERTISED_NOTE };
}

function statusNote(row: Pick<MatrixRow, 'name' | 'status'>, map: CapabilityMap): string[] {
  if (row.status === 'mandatory') return ['mandatory: every driver must offer it'];
  const group = choiceGroupOf(row.name);
  if (row.status === 'choice' && !(CHOICE_GROUPS.get(group ?? '') ?? []).some((c) => map.capabilities[c])) {
    return [`the driver offers no ${group} kind (a driver should offer at least one)`];
  }
  return [];
}

function coverage(referenceCalls: readonly string[]): string {
  return referenceCalls.length > 0 ? `${COVERS_PREFIX}${referenceCalls.join(', ')}` : '';
}

/**
 * The feature flags that refine the capability, with this driver's state:
 * declared ones (`supported`/`unknown`) first, then the unsupported ones in a
 * separate, routine part.
 */
function featureNotes(capability: MatrixCapability, map: CapabilityMap): string[] {
  const flags = (Object.entries(FEATURE_FLAGS) as [FeatureFlag, { requires?: string }][])
    .filter(([, def]) => def.requires === capability)
    .map(([flag]) => flag);
  const declared = flags.filter((f) => map.features[f] !== 'unsupported').map((f) => `${f}=${map.features[f]}`);
  const unsupported = flags.filter((f) => map.features[f] === 'unsupported');
  return [
    declared.length > 0 ? `features: ${declared.join(', ')}` : '',
    unsupported.length > 0 ? `${UNSUPPORTED_FEATURES_PREFIX}${unsupported.join(', ')}` : '',
  ];
}

function reasons(results: readonly TestResult[]): string {
  return [...new Set(results.map((r) => r.reason ?? 'no reason given'))].join('; ');
}
