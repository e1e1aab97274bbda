import { CAPABILITY_NAMES, isCapabilityName, type CapabilityName } from '@virtkit/core';
import { CliError } from '../errors/cli-error.js';

/**
 * Parse a comma-separated list of capability names (`--only lifecycle,volume.extend`):
 * trims blanks, drops duplicates, keeps the given order.
 *
 * @throws `USAGE` when the list is empty or a name is not in `CAPABILITY_NAMES`;
 *         the message suggests the closest name.
 */
export function parseCapabilityList(value: string, optionName: string): CapabilityName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) {
    throw new CliError('USAGE', `${optionName} needs at least one capability name`, {
      hint: `e.g. ${optionName} lifecycle,lifecycle.pause (run \`virtkit contract\` to see every capability)`,
    });
  }
  const unknown = names.filter((n) => !isCapabilityName(n));
  if (unknown.length > 0) {
    const described = unknown.map((n) => {
      const guess = closestCapability(n);
      return guess ? `'${n}' (did you mean '${guess}'?)` : `'${n}'`;
    });
    throw new CliError('USAGE', `unknown capability ${described.join(', ')} in ${optionName}`, {
      hint: `capability names are: ${CAPABILITY_NAMES.join(', ')}`,
    });
  }
  return [...new Set(names)] as CapabilityName[];
}

/** The capability name nearest to `input` (case-insensitive edit distance), if close enough to be a typo. */
export function closestCapability(input: string): CapabilityName | undefined {
  const lower = input.toLowerCase();
  let best: CapabilityName | undefined;
  let bestDistance = Infinity;
  for (const name of CAPABILITY_NAMES) {
    const d = editDistance(lower, name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= Math.max(2, Math.floor(lower.length / 3)) ? best : undefined;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
