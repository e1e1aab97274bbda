import type { CapabilityStatus, CellState } from './matrix-types.js';
import { STATUS_DESCRIPTIONS } from './capability-status.js';

/** How each cell state is shown and explained, in every output format. */
export const CELL_LABELS: Readonly<Record<CellState, { symbol: string; emoji: string; description: string }>> = {
  complete: { symbol: '✓', emoji: '✅', description: 'advertised; with --verify, all its kit tests that ran passed' },
  partial: { symbol: '◐', emoji: '🟡', description: 'advertised, but some of its kit tests failed' },
  missing: { symbol: '✗', emoji: '❌', description: 'not advertised: its calls answer NOT_SUPPORTED' },
  unknown: { symbol: '?', emoji: '❔', description: 'advertised, but every kit test of it was skipped' },
};

/** The status legend, in display order. */
export const STATUS_LEGEND: readonly [CapabilityStatus, string][] = (['mandatory', 'choice', 'optional'] as const)
  .map((s) => [s, STATUS_DESCRIPTIONS[s]]);
