import type { CapabilityStatus, CellState } from './matrix-types.js';

/** How each cell state is shown and explained, in every output format. */
export const CELL_LABELS: Readonly<Record<CellState, { symbol: string; emoji: string; description: string }>> = {
  complete: { symbol: '✓', emoji: '✅', description: 'advertised (and with --verify: its kit tests pass)' },
  partial: { symbol: '◐', emoji: '🟡', description: 'advertised, some kit tests fail' },
  missing: { symbol: '✗', emoji: '❌', description: 'not advertised' },
  unknown: { symbol: '?', emoji: '❔', description: 'advertised, all kit tests skipped' },
};

/** The status legend, in display order, in short words. */
export const STATUS_LEGEND: readonly [CapabilityStatus, string][] = [
  ['mandatory', 'every driver'],
  ['choice', 'at least one console kind (vnc, spice, rdp, serial, mks)'],
  ['optional', 'may be offered'],
];
