/** The process's active handles (sockets, timers, child processes...), as Node lists them. */
function activeHandles(): unknown[] {
  const p = process as unknown as { _getActiveHandles?: () => unknown[] };
  return typeof p._getActiveHandles === 'function' ? p._getActiveHandles() : [];
}

/** A snapshot of the handles open now, to compare with after a driver was disposed. */
export function openHandles(): Set<unknown> {
  return new Set(activeHandles());
}

/**
 * Handles opened since `before` that are still open after a driver was
 * disposed, by constructor name. A handle that closes within `graceMs`
 * (a socket finishing its close, a timer firing) does not count, nor do the
 * kinds in `allowed`, nor stdio streams. Returns descriptions, empty when none.
 */
export async function handlesLeftOpen(before: Set<unknown>, allowed: readonly string[] = [], graceMs = 200): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  let left: unknown[] = [];
  for (;;) {
    left = activeHandles().filter((h) => !before.has(h) && !isStdio(h) && !allowed.includes(kind(h)) && !isUnrefTimer(h));
    if (left.length === 0 || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const counts = new Map<string, number>();
  for (const h of left) counts.set(kind(h), (counts.get(kind(h)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`);
}

function kind(handle: unknown): string {
  return (handle as { constructor?: { name?: string } })?.constructor?.name ?? typeof handle;
}

function isStdio(handle: unknown): boolean {
  const fd = (handle as { fd?: number; _handle?: { fd?: number } })?.fd ?? (handle as { _handle?: { fd?: number } })?._handle?.fd;
  return fd === 0 || fd === 1 || fd === 2;
}

/** An unref'd timer does not keep the process alive: not a leak. */
function isUnrefTimer(handle: unknown): boolean {
  const t = handle as { hasRef?: () => boolean };
  return kind(handle) === 'Timeout' && typeof t.hasRef === 'function' && !t.hasRef();
}
