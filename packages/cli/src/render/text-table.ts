/** Options of {@link formatTable}. */
export interface TextTableOptions {
  /** Column headings, printed first and underlined with dashes. */
  header?: readonly string[];
  /** Per-column alignment. @defaultValue every column left-aligned */
  align?: readonly ('left' | 'right')[];
  /** Spaces before each line. @defaultValue 0 */
  indent?: number;
  /** Style a cell after padding (so colour codes do not break the alignment). */
  paint?: (text: string, row: number, column: number) => string;
}

/**
 * Plain cells as fixed-width lines: columns are as wide as their widest cell
 * and separated by two spaces; trailing blanks are trimmed. Row indexes given
 * to `paint` count body rows from 0 (the header is -1).
 */
export function formatTable(rows: readonly (readonly string[])[], options: TextTableOptions = {}): string[] {
  const { header, align = [], indent = 0, paint = (text) => text } = options;
  const all = header ? [header, ...rows] : rows;
  const columns = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(0, ...all.map((r) => (r[c] ?? '').length)));
  const pad = ' '.repeat(indent);
  const line = (cells: readonly string[], row: number): string =>
    pad +
    widths
      .map((w, c) => {
        const text = cells[c] ?? '';
        const padded = align[c] === 'right' ? text.padStart(w) : text.padEnd(w);
        return paint(padded, row, c);
      })
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (header) out.push(line(header, -1), pad + widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r, i) => out.push(line(r, i)));
  return out;
}
