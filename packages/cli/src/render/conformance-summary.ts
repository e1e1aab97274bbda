import {
  failureDetailLines,
  groupLines,
  modelLine,
  summaryLine,
  type ConformanceReport,
  type TestResult,
} from '@virtkit/conformance';
import { createColors, type Colors } from './colors.js';
import { formatTable } from './text-table.js';

/**
 * The end of a text conformance run: the failures again (so they are not lost
 * in the progress output), a table per capability, then the last line, exactly
 * `N passed, N failed, N skipped` (never coloured, so scripts can read it).
 */
export function formatConformanceSummary(report: ConformanceReport, colors: Colors = createColors(false)): string[] {
  const failed = report.results.filter((r) => r.status === 'failed');
  const lines: string[] = [''];
  if (failed.length > 0) {
    lines.push(colors.bold(colors.red(`Failures (${failed.length}):`)));
    for (const r of failed)
      lines.push(
        `  ${r.capability}: ${r.name}${r.reason ? ` -- ${r.reason}` : ''}`,
        ...failureDetailLines(r, '      '),
      );
    lines.push('');
    lines.push(...groupLines(report));
  }
  const unverified = report.results.filter((r) => r.status === 'unverified');
  if (unverified.length > 0) {
    lines.push(
      colors.bold(
        `Unverified (${unverified.length}): the driver's fixtures could not drive these checks, so nothing is ` +
          `claimed for them:`,
      ),
    );
    for (const r of unverified) lines.push(`  ${r.capability}: ${r.name}${r.reason ? ` -- ${r.reason}` : ''}`);
    lines.push('');
  }
  lines.push(...summaryTable(report.results, colors), '');
  if (report.modelBased) lines.push(...modelLine(report).split('\n'), '');
  lines.push(summaryLine(report));
  return lines;
}

function summaryTable(results: readonly TestResult[], colors: Colors): string[] {
  const groups = new Map<string, TestResult[]>();
  for (const r of results) groups.set(r.capability, [...(groups.get(r.capability) ?? []), r]);
  const rows = [...groups].map(([capability, rs]) => [
    capability,
    ...(['passed', 'failed', 'skipped'] as const).map((s) => String(rs.filter((r) => r.status === s).length)),
  ]);
  const paintColumn = [(t: string) => t, colors.green, colors.red, colors.yellow];
  return formatTable(rows, {
    header: ['capability', 'passed', 'failed', 'skipped'],
    align: ['left', 'right', 'right', 'right'],
    paint: (text, row, column) => (row >= 0 && column > 0 && text.trim() !== '0' ? paintColumn[column]!(text) : text),
  });
}
