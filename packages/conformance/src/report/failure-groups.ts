import type { FailureGroup, TestResult } from '../kit/types.js';

/**
 * The root cause of a failure, as a key: its code and reason with what
 * differs between follow-ons of one bug (uuids, numbers, instance names,
 * durations) taken out.
 */
export function rootCause(r: TestResult): string {
  const reason = (r.reason ?? '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/kit-[0-9a-f]{8}/g, '<name>')
    .replace(/\bvm\d+\b/g, '<vm>')
    .replace(/\d+/g, '<n>');
  return `${r.code ?? ''}|${reason.split(';')[0]!.replace(/^after [^:]*: /, '')}`;
}

/**
 * Mark follow-on failures (`sameCauseAs`, the first failed test with the same
 * root cause) and return the groups that have follow-ons.
 */
export function groupFailures(results: TestResult[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const r of results) {
    if (r.status !== 'failed') continue;
    const key = rootCause(r);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, {
        cause: r.reason ?? r.code ?? 'failed',
        first: { capability: r.capability, name: r.name },
        followOns: [],
      });
    } else {
      group.followOns.push({ capability: r.capability, name: r.name });
      r.sameCauseAs = `${group.first.capability}: ${group.first.name}`;
    }
  }
  return [...groups.values()].filter((g) => g.followOns.length > 0);
}
