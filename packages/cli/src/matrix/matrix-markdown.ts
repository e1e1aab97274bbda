import { CELL_LABELS, STATUS_LEGEND } from './cell-labels.js';
import { isRoutineNote } from './matrix-cell.js';
import type { MatrixCell, SupportMatrix } from './matrix-types.js';

/**
 * The matrix as Markdown: a legend, then one table per family with the
 * capability, its status, the reference calls it covers and one column per
 * driver. Cell notes that say more than the state (failing tests, skip
 * reasons, feature flags) follow the state in small print.
 */
export function renderMatrixMarkdown(matrix: SupportMatrix): string {
  const drivers = matrix.drivers.map((d) => d.name);
  const source = matrix.verified
    ? 'verified by running the conformance kit'
    : 'from the capability maps (run `virtkit matrix --verify` to run the conformance kit)';
  const lines = [
    '# virtkit support matrix',
    '',
    `Generated ${matrix.generatedAt}, ${source}.`,
    '',
    `Drivers: ${matrix.drivers.map((d) => `${md(d.name)} ${md(d.version)}`).join(', ')}.`,
    '',
    `Cells: ${Object.entries(CELL_LABELS)
      .map(([state, l]) => `${l.emoji} **${state}** (${l.description})`)
      .join(' · ')}.`,
    '',
    `Status: ${STATUS_LEGEND.map(([status, text]) => `**${status}** (${md(text)})`).join(' · ')}.`,
  ];
  for (const group of matrix.families) {
    lines.push('', `## ${group.family}`, '');
    lines.push(`| capability | status | reference calls | ${drivers.map(md).join(' | ')} |`);
    lines.push(`|---|---|---|${drivers.map(() => '---').join('|')}|`);
    for (const row of group.capabilities) {
      const calls = row.referenceCalls.map((c) => `\`${c}\``).join(', ') || '-';
      const cells = drivers.map((d) => markdownCell(row.cells[d]));
      lines.push(`| \`${row.name}\` | ${row.status} | ${calls} | ${cells.join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function markdownCell(cell: MatrixCell | undefined): string {
  if (!cell) return '';
  const label = `${CELL_LABELS[cell.state].emoji} ${cell.state}`;
  const detail = cell.note
    .split('; ')
    .filter((part) => !isRoutineNote(part))
    .join('; ');
  return detail ? `${label}<br><sub>${md(detail)}</sub>` : label;
}

/** Escape text for a Markdown table cell: HTML specials, pipes, newlines. */
function md(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}
