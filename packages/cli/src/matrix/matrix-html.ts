/* eslint-disable max-len -- HTML templates: wrapping a line inside one changes the page's markup. */
import { escapeHtml as h } from '../render/escape-html.js';
import { CELL_LABELS, STATUS_LEGEND } from './cell-labels.js';
import { isRoutineNote } from './matrix-cell.js';
import { MATRIX_HTML_SCRIPT } from './matrix-html-script.js';
import { MATRIX_HTML_STYLE } from './matrix-html-style.js';
import { CELL_STATES, type MatrixRow, type SupportMatrix } from './matrix-types.js';

/**
 * The matrix as one self-contained HTML page (inline CSS and JS, no external
 * assets): sticky header row and capability column, a family filter, state
 * checkboxes, a legend, and each cell's note as its `title` tooltip.
 * Capability rows carry `data-family` and `data-capability`, cells
 * `data-state` and `data-driver`. All text is escaped.
 */
export function renderMatrixHtml(matrix: SupportMatrix): string {
  const source = matrix.verified
    ? 'verified by running the conformance kit'
    : 'from capability maps (not verified: add --verify to run the kit)';
  const columns = 2 + matrix.drivers.length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>virtkit support matrix</title>
<style>${MATRIX_HTML_STYLE}</style>
</head>
<body>
<header class="page-header">
  <div class="title-row">
    <h1>virtkit support matrix</h1>
    <p class="meta">Generated <time datetime="${h(matrix.generatedAt)}">${h(matrix.generatedAt)}</time>, ${h(source)}</p>
  </div>
  <div class="controls">
    <label>Family <select id="family-filter"><option value="">All families</option>${matrix.families.map((f) => `<option value="${h(f.family)}">${h(f.family)}</option>`).join('')}</select></label>
    <fieldset class="state-filter"><legend>Show rows with a cell that is</legend>${CELL_STATES.map((s) => `<label><input type="checkbox" value="${s}" checked>${badge(s)}</label>`).join('')}</fieldset>
    <span id="row-count" aria-live="polite"></span>
  </div>
  <ul class="legend" aria-label="Legend">${legendItems()}</ul>
</header>
<main class="table-wrap">
<table id="matrix">
<thead><tr><th class="cap-col" scope="col">Capability</th><th scope="col">Status</th>${matrix.drivers.map((d) => driverHeading(matrix, d)).join('')}</tr></thead>
${matrix.families
  .map(
    (group) => `<tbody data-family-group="${h(group.family)}">
<tr class="family-row" data-family-header="${h(group.family)}"><th colspan="${columns}" scope="rowgroup"><span>${h(group.family)}</span></th></tr>
${group.capabilities.map((row) => rowHtml(matrix, group.family, row)).join('\n')}
</tbody>`,
  )
  .join('\n')}
</table>
<p id="empty" hidden>No capability matches the filters.</p>
</main>
<script>${MATRIX_HTML_SCRIPT}</script>
</body>
</html>
`;
}

function rowHtml(matrix: SupportMatrix, family: string, row: MatrixRow): string {
  const calls = row.referenceCalls.join(', ');
  const callsTitle = calls ? `reference calls: ${calls}` : 'no reference calls';
  const cells = matrix.drivers.map((d) => {
    const cell = row.cells[d.name];
    if (!cell) return '<td class="cell"></td>';
    const detail =
      cell.state === 'partial' || cell.state === 'unknown'
        ? `<span class="detail">${h(verdict(cell.note))}</span>`
        : '';
    return `<td class="cell" data-state="${cell.state}" data-driver="${h(d.name)}" title="${h(cell.note)}">${badge(cell.state)}${detail}</td>`;
  });
  return (
    `<tr data-family="${h(family)}" data-capability="${h(row.name)}"><th class="cap-col" scope="row" title="${h(callsTitle)}"><code>${h(row.name)}</code>` +
    `<span class="calls">${h(calls || '-')}</span></th><td class="status status-${row.status}">${row.status}</td>${cells.join('')}</tr>`
  );
}

function driverHeading(matrix: SupportMatrix, driver: { name: string; version: string }): string {
  const rows = matrix.families.flatMap((f) => f.capabilities);
  const counts = CELL_STATES.map((s) => [s, rows.filter((r) => r.cells[driver.name]?.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${CELL_LABELS[s].symbol}`);
  return `<th scope="col" title="${h(`${driver.name} ${driver.version}`)}">${h(driver.name)}<small>${h(driver.version)} · ${h(counts.join(' '))}</small></th>`;
}

function badge(state: keyof typeof CELL_LABELS): string {
  return `<span class="badge ${state}">${CELL_LABELS[state].symbol} ${state}</span>`;
}

function legendItems(): string {
  const states = CELL_STATES.map((s) => `<li>${badge(s)} ${h(CELL_LABELS[s].description)}</li>`);
  const statuses = STATUS_LEGEND.map(([s, text]) => `<li><span class="status status-${s}">${s}</span> ${h(text)}</li>`);
  return [...states, ...statuses].join('');
}

/** The note without the parts every row shows anyway, for the cell's small print. */
function verdict(note: string): string {
  return note
    .split('; ')
    .filter((part) => !isRoutineNote(part) && !part.startsWith('features: '))
    .join('; ');
}
