/**
 * What keeps the process alive right now: the count of each kind of resource (Timeout, TCPSocketWrap, ProcessWrap...).
 */
export type HandleCounts = Map<string, number>;

function activeResources(): string[] {
  const p = process as unknown as { getActiveResourcesInfo?: () => string[] };
  return typeof p.getActiveResourcesInfo === 'function' ? p.getActiveResourcesInfo() : [];
}

/** Count the resources keeping the process alive (unref'd timers and handles do not). */
export function openHandles(): HandleCounts {
  const counts: HandleCounts = new Map();
  for (const kind of activeResources()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * Resources opened since `before` that still keep the process alive after a
 * driver was cleaned up and disposed, by kind ("2 Timeout"). A resource that
 * goes away within `graceMs` (a socket finishing its close, a timer firing, a
 * pending file operation) does not count, nor do the kinds in `allowed`.
 * Returns descriptions, empty when none.
 */
export async function handlesLeftOpen(
  before: HandleCounts,
  allowed: readonly string[] = [],
  graceMs = 200,
): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  let left: [string, number][] = [];
  for (;;) {
    const now = openHandles();
    left = [...now]
      .map(([kind, n]): [string, number] => [kind, n - (before.get(kind) ?? 0)])
      .filter(([kind, n]) => n > 0 && !allowed.includes(kind));
    if (left.length === 0 || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return left.map(([kind, n]) => `${n} ${kind}`);
}
