import type { ConformanceReport, TestResult } from '../kit/types.js';

/** Options of {@link formatReport}. */
export interface FormatOptions {
  /** Colour with ANSI codes (only for a TTY). @defaultValue false */
  color?: boolean;
  /** List passed tests too, not only failures and skips. @defaultValue true */
  verbose?: boolean;
}

const MARK: Record<TestResult['status'], string> = {
  passed: 'ok  ',
  failed: 'FAIL',
  skipped: 'skip',
  unverified: 'UNVERIFIED',
};
const COLOR: Record<TestResult['status'], string> = {
  passed: '\u001b[32m',
  failed: '\u001b[31m',
  skipped: '\u001b[33m',
  unverified: '\u001b[35m',
};

/** One line of progress for a finished test; a failure adds its step, expected and actual, and its leaks. */
export function formatResultLine(r: TestResult, color = false): string {
  const mark = color ? `${COLOR[r.status]}${MARK[r.status]}\u001b[0m` : MARK[r.status];
  const reason = r.reason ? ` -- ${r.reason}` : '';
  const lines = [`${mark} ${r.capability}: ${r.name} (${r.durationMs} ms)${reason}`];
  if (r.status === 'failed') lines.push(...failureDetailLines(r));
  return lines.join('\n');
}

/** The indented detail lines of a failure: same cause as, step, expected/actual, leaks. */
export function failureDetailLines(r: TestResult, indent = '       '): string[] {
  const out: string[] = [];
  if (r.sameCauseAs) out.push(`${indent}same root cause as: ${r.sameCauseAs}`);
  if (r.step) out.push(`${indent}failed at step: ${r.step}`);
  if (r.expected !== undefined || r.actual !== undefined)
    out.push(`${indent}expected: ${r.expected ?? '?'}`, `${indent}actual:   ${r.actual ?? '?'}`);
  for (const leak of r.leaks ?? []) out.push(`${indent}leak: ${leak}`);
  return out;
}

/**
 * The report as text: per capability, its tests with status, duration and
 * reason, then a summary table, then the capabilities left unverified (all
 * their behaviour tests skipped), if any; the last line is exactly
 * `N passed, N failed, N skipped`.
 */
export function formatReport(report: ConformanceReport, options: FormatOptions = {}): string {
  const { color = false, verbose = true } = options;
  const lines: string[] = [
    `virtkit conformance: ${report.driver.name} ${report.driver.version} (contract ${report.contractVersion})`,
    '',
  ];
  const groups = new Map<string, TestResult[]>();
  for (const r of report.results) groups.set(r.capability, [...(groups.get(r.capability) ?? []), r]);
  for (const [capability, results] of groups) {
    const shown = verbose ? results : results.filter((r) => r.status !== 'passed');
    if (shown.length === 0) continue;
    lines.push(`${capability}`);
    for (const r of shown) lines.push(`  ${formatResultLine(r, color).replace(`${r.capability}: `, '')}`);
  }
  lines.push('', ...summaryTable(groups), '');
  lines.push(...groupLines(report));
  const unverified = report.unverified ?? [];
  if (unverified.length > 0)
    lines.push(`unverified (every behaviour test skipped or unverified): ${unverified.join(', ')}`, '');
  if (report.modelBased) lines.push(modelLine(report), '');
  lines.push(summaryLine(report));
  return lines.join('\n');
}

/** The last line: exactly `N passed, N failed, N skipped`, plus `, N unverified` when there are any. */
export function summaryLine(report: ConformanceReport): string {
  const { passed, failed, skipped, unverified } = report.summary;
  return `${passed} passed, ${failed} failed, ${skipped} skipped${unverified ? `, ${unverified} unverified` : ''}`;
}

/** Failures grouped by root cause: each group's first test, then its follow-ons. */
export function groupLines(report: ConformanceReport): string[] {
  const groups = report.failureGroups ?? [];
  if (groups.length === 0) return [];
  const out = ['failures with one root cause (fix the first; the others follow from it):'];
  for (const g of groups) {
    out.push(`  ${g.first.capability}: ${g.first.name}`);
    for (const f of g.followOns) out.push(`    follow-on: ${f.capability}: ${f.name}`);
  }
  return [...out, ''];
}

/** What the model-based part did: sequences run (of how many), seed, and the shrunk counterexample of a failure. */
export function modelLine(report: ConformanceReport): string {
  const m = report.modelBased!;
  if (m.skipped) return `model-based: not run (${m.skipped})`;
  const head =
    `model-based: ${m.sequences} of ${m.requested} sequences, ${m.commands} calls, ${m.hosts} host(s), ` +
    `seed ${m.seed} (${m.durationMs} ms): ${m.passed ? 'agrees with the contract model' : 'DIVERGES'}`;
  if (m.passed) return head;
  return (
    `${head}\n  counterexample (shrunk): ${m.counterexample ?? '?'}\n  ${m.error ?? ''}\n  replay: virtkit ` +
    `conformance --seed ${m.seed}`
  );
}

/** A fixed-width table: capability, passed, failed, skipped. */
function summaryTable(groups: Map<string, TestResult[]>): string[] {
  const width = Math.max(10, ...[...groups.keys()].map((k) => k.length));
  const row = (a: string, b: string, c: string, d: string): string =>
    `${a.padEnd(width)}  ${b.padStart(6)}  ${c.padStart(6)}  ${d.padStart(7)}`;
  const out = [row('capability', 'passed', 'failed', 'skipped')];
  for (const [capability, results] of groups) {
    const n = (s: TestResult['status']): string => String(results.filter((r) => r.status === s).length);
    const u = results.filter((r) => r.status === 'unverified').length;
    out.push(`${row(capability, n('passed'), n('failed'), n('skipped'))}${u > 0 ? `  (${u} unverified)` : ''}`);
  }
  return out;
}
