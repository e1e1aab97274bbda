import type { ConformanceReport, TestResult } from '../kit/types.js';

/** Options of {@link formatReport}. */
export interface FormatOptions {
  /** Colour with ANSI codes (only for a TTY). @defaultValue false */
  color?: boolean;
  /** List passed tests too, not only failures and skips. @defaultValue true */
  verbose?: boolean;
}

const MARK: Record<TestResult['status'], string> = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip' };
const COLOR: Record<TestResult['status'], string> = { passed: '\u001b[32m', failed: '\u001b[31m', skipped: '\u001b[33m' };

/** One line of progress for a finished test. */
export function formatResultLine(r: TestResult, color = false): string {
  const mark = color ? `${COLOR[r.status]}${MARK[r.status]}\u001b[0m` : MARK[r.status];
  const reason = r.reason ? ` -- ${r.reason}` : '';
  return `${mark} ${r.capability}: ${r.name} (${r.durationMs} ms)${reason}`;
}

/**
 * The report as text: per capability, its tests with status, duration and
 * reason, then a summary table, then the capabilities left unverified (all
 * their behaviour tests skipped), if any; the last line is exactly
 * `N passed, N failed, N skipped`.
 */
export function formatReport(report: ConformanceReport, options: FormatOptions = {}): string {
  const { color = false, verbose = true } = options;
  const lines: string[] = [`virtkit conformance: ${report.driver.name} ${report.driver.version} (contract ${report.contractVersion})`, ''];
  const groups = new Map<string, TestResult[]>();
  for (const r of report.results) groups.set(r.capability, [...(groups.get(r.capability) ?? []), r]);
  for (const [capability, results] of groups) {
    const shown = verbose ? results : results.filter((r) => r.status !== 'passed');
    if (shown.length === 0) continue;
    lines.push(`${capability}`);
    for (const r of shown) lines.push(`  ${formatResultLine(r, color).replace(`${r.capability}: `, '')}`);
  }
  lines.push('', ...summaryTable(groups), '');
  const unverified = report.unverified ?? [];
  if (unverified.length > 0) lines.push(`unverified (every behaviour test skipped): ${unverified.join(', ')}`, '');
  const { passed, failed, skipped } = report.summary;
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return lines.join('\n');
}

/** A fixed-width table: capability, passed, failed, skipped. */
function summaryTable(groups: Map<string, TestResult[]>): string[] {
  const width = Math.max(10, ...[...groups.keys()].map((k) => k.length));
  const row = (a: string, b: string, c: string, d: string): string => `${a.padEnd(width)}  ${b.padStart(6)}  ${c.padStart(6)}  ${d.padStart(7)}`;
  const out = [row('capability', 'passed', 'failed', 'skipped')];
  for (const [capability, results] of groups) {
    const n = (s: TestResult['status']): string => String(results.filter((r) => r.status === s).length);
    out.push(row(capability, n('passed'), n('failed'), n('skipped')));
  }
  return out;
}
