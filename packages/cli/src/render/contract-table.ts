import type { ManifestEntry } from '@virtkit/core/manifest';
import { createColors, type Colors } from './colors.js';
import { formatTable } from './text-table.js';

/**
 * The contract manifest as a text table: reference name, capability, the
 * TypeScript method (`-` when dropped) and kind, then a count by kind.
 */
export function formatContractTable(entries: readonly ManifestEntry[], colors: Colors = createColors(false)): string[] {
  const rows = entries.map((e) => [e.referenceName, e.capability, e.method ?? '-', e.kind]);
  const paintKind: Record<string, (t: string) => string> = {
    deprecated: colors.yellow,
    dropped: colors.dim,
    hook: colors.cyan,
  };
  const table = formatTable(rows, {
    header: ['reference', 'capability', 'TypeScript method', 'kind'],
    paint: (t, row, c) => (row === -1 ? colors.bold(t) : c === 3 ? (paintKind[t.trim()] ?? String)(t) : t),
  });
  const kinds = new Map<string, number>();
  for (const e of entries) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  const counts = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
  return [...table, '', `${entries.length} reference calls: ${counts}`];
}
