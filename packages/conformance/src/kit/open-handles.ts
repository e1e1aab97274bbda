import { createHook, executionAsyncId, executionAsyncResource } from 'node:async_hooks';

/**
 * What keeps the process alive right now: the count of each kind of resource (Timeout, TCPSocketWrap, ProcessWrap...).
 * {@link openHandles} returns a {@link HandleSnapshot}, which also follows the resources created after it.
 */
export type HandleCounts = Map<string, number>;

/**
 * Async resource types that can keep the process alive and whose own state says when they ended (a timer cleared or
 * fired, a handle closed), with the name `process.getActiveResourcesInfo()` gives them. Other types (file handles,
 * whose end Node reports only when they are garbage-collected, requests) are left to the per-kind counts.
 */
const FOLLOWED: Readonly<Record<string, string>> = {
  Timeout: 'Timeout',
  Immediate: 'Immediate',
  TCPWRAP: 'TCPSocketWrap',
  TCPSERVERWRAP: 'TCPServerWrap',
  PIPEWRAP: 'PipeWrap',
  PIPESERVERWRAP: 'PipeWrap',
  PROCESSWRAP: 'ProcessWrap',
  UDPWRAP: 'UDPWrap',
  TTYWRAP: 'TTYWrap',
  SIGNALWRAP: 'SignalWrap',
  FSEVENTWRAP: 'FSEventWrap',
  STATWATCHER: 'StatWatcher',
};

/**
 * A followed resource: its kind, when it was created (a sequence number), the resource itself, and whether it comes
 * from outside the window: made by the callback of a timer or handle that existed before (a timer that re-arms
 * itself, e.g. the test framework's), or by one of its descendants.
 */
interface Followed {
  readonly kind: string;
  readonly seq: number;
  readonly resource: WeakRef<object>;
  readonly outside: boolean;
}

/** Resources created while a snapshot is open (those collected since are dropped when seen), by async id. */
const alive = new Map<number, Followed>();
let created = 0;
let openSnapshots = 0;
/** Set while this module creates its own timers, so they are not taken for the driver's. */
let ownTimer = false;
// No destroy hook: with one, Node tracks the end of every promise too, which slows a kit run a lot. A resource's own
// state says whether it ended instead (see isOpen).
const hook = createHook({
  init(asyncId, type, _trigger, resource) {
    const kind = FOLLOWED[type];
    if (kind === undefined || ownTimer) return;
    const parent = alive.get(executionAsyncId());
    const outside = parent?.outside ?? typeof (executionAsyncResource() as { hasRef?: unknown }).hasRef === 'function';
    alive.set(asyncId, { kind, seq: ++created, resource: new WeakRef(resource as object), outside });
  },
});

/**
 * Whether a followed resource still keeps the process alive: referenced (`hasRef()`, false once a handle is closed)
 * and, for timers and immediates, not yet fired or cleared (Node marks those `_destroyed`).
 */
function isOpen(resource: { hasRef?: () => boolean; _destroyed?: boolean } | undefined): boolean {
  return resource !== undefined && resource._destroyed !== true && resource.hasRef?.() === true;
}
/** A snapshot nobody checked (a test that ended early) stops following once it is garbage-collected. */
const unchecked = new FinalizationRegistry<{ closed: boolean }>((state) => closeSnapshot(state));

function closeSnapshot(state: { closed: boolean }): void {
  if (state.closed) return;
  state.closed = true;
  openSnapshots--;
  if (openSnapshots === 0) {
    hook.disable();
    alive.clear();
  }
}

/**
 * The counts of {@link openHandles}, plus what was created after them: while a snapshot is open the kit follows
 * every timer and handle created, so a leak is found even when a resource of the same kind that existed before ended
 * meanwhile (the counts alone would balance out).
 */
export class HandleSnapshot extends Map<string, number> {
  /** Resources created after this sequence number are the window's. */
  readonly since: number;
  readonly #state = { closed: false };

  constructor(counts: Iterable<[string, number]>) {
    super(counts);
    if (openSnapshots++ === 0) hook.enable();
    this.since = created;
    unchecked.register(this, this.#state, this);
  }

  /**
   * Resources created since the snapshot that have not ended and keep the process alive, by kind; never more of a
   * kind than `process.getActiveResourcesInfo()` lists now (an end Node has not reported yet is not a leak).
   */
  createdAndOpen(now: HandleCounts): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [asyncId, followed] of alive) {
      if (followed.seq <= this.since || followed.outside) continue;
      const resource = followed.resource.deref() as Parameters<typeof isOpen>[0];
      if (isOpen(resource)) counts.set(followed.kind, (counts.get(followed.kind) ?? 0) + 1);
      else if (resource === undefined) alive.delete(asyncId);
    }
    for (const [kind, n] of counts) counts.set(kind, Math.min(n, now.get(kind) ?? 0));
    return counts;
  }

  /** Stop following (the check is done). */
  close(): void {
    unchecked.unregister(this);
    closeSnapshot(this.#state);
  }
}

function activeResources(): string[] {
  const p = process as unknown as { getActiveResourcesInfo?: () => string[] };
  return typeof p.getActiveResourcesInfo === 'function' ? p.getActiveResourcesInfo() : [];
}

function countActive(): HandleCounts {
  const counts: HandleCounts = new Map();
  for (const kind of activeResources()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * Count the resources keeping the process alive (unref'd timers and handles do not), and follow the timers and
 * handles created from now on until {@link handlesLeftOpen} checks the snapshot.
 */
export function openHandles(): HandleSnapshot {
  return new HandleSnapshot(countActive());
}

/**
 * Resources opened since `before` that still keep the process alive after a
 * driver was cleaned up and disposed, by kind ("2 Timeout"). A resource that
 * goes away within `graceMs` (a socket finishing its close, a timer firing, a
 * pending file operation) does not count, nor do the kinds in `allowed`.
 * For each kind, the larger of: how many more are open than at `before`, and
 * (when `before` is a {@link HandleSnapshot}) how many created since are still
 * open. Returns descriptions, empty when none.
 */
export async function handlesLeftOpen(
  before: HandleCounts,
  allowed: readonly string[] = [],
  graceMs = 200,
): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  let left: [string, number][] = [];
  try {
    for (;;) {
      const now = countActive();
      const followed = before instanceof HandleSnapshot ? before.createdAndOpen(now) : new Map<string, number>();
      left = [...new Set([...now.keys(), ...followed.keys()])]
        .map((kind): [string, number] => [
          kind,
          Math.max((now.get(kind) ?? 0) - (before.get(kind) ?? 0), followed.get(kind) ?? 0),
        ])
        .filter(([kind, n]) => n > 0 && !allowed.includes(kind));
      if (left.length === 0 || Date.now() >= deadline) break;
      await pauseOwn(20);
    }
  } finally {
    if (before instanceof HandleSnapshot) before.close();
  }
  return left.map(([kind, n]) => `${n} ${kind}`);
}

/** Wait `ms` with a timer that is not taken for one of the driver's. */
function pauseOwn(ms: number): Promise<void> {
  return new Promise((resolve) => {
    ownTimer = true;
    try {
      setTimeout(resolve, ms);
    } finally {
      ownTimer = false;
    }
  });
}
