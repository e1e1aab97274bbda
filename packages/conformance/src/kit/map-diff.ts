/**
 * The keys (dotted paths) whose values differ between two capability maps
 * (or any JSON-able values), each as `path: before -> after`.
 */
export function diffMaps(before: unknown, after: unknown, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(before) || !isObj(after))
    return [`${path || '(the map)'}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => diffMaps(before[k], after[k], path ? `${path}.${k}` : k));
}
