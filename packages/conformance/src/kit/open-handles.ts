import { createHook } from 'node:async_hooks';

/** Count of each kind of resource (Timeout, TCPSocketWrap, ProcessWrap...). */
export type HandleCounts = Map<string, number>;

/** async_hooks resource types that keep a process alive, by the names `process.getActiveResourcesInfo()` uses. */
const KINDS: Readonly<Record<string, string>> = {
  Timeout: 'Timeout',
  Immediate: 'Immediate',
  TCPWRAP: 'TCPSocketWrap',
  TCPSERVERWRAP: 'TCPServerWrap',
  PIPEWRAP: 'PipeWrap',
  PIPESERVERWRAP: 'PipeServerWrap',
  PROCESSWRAP: 'ProcessWrap',
  TTYWRAP: 'TTYWrap',
  UDPWRAP: 'UDPWrap',
  SIGNALWRAP: 'SignalWrap',
  FSEVENTWRAP: 'FSEventWrap',
  STATWATCHER: 'StatWatcher',
  FSREQCALLBACK: 'FSReqCallback',
  FILEHANDLE: 'FileHandle',
};

/**
 * The resources created while a driver lived. Counting every resource of the process before and after (what this
 * did first) lets a resource that existed before and ended during the test hide one the driver leaked (a timer of an
 * earlier test firing meanwhile); watching the resources created in the window and their end does not.
 */
export interface HandleWatch {
  /** Resources created since the watch began that still keep the process alive (unref'd ones do not), by kind. */
  open(): HandleCounts;
  /** Stop watching (idempotent). */
  stop(): void;
}

interface Watched {
  readonly kind: string;
  /** `_destroyed`: a Timeout that fired or was cleared (its destroy hook comes a turn later). */
  readonly resource: { hasRef?: () => boolean; _destroyed?: boolean };
}

/** The watch's own polling timers (they are not the driver's). */
const own = new WeakSet<object>();

/** Watch the resources created from now on. */
export function watchHandles(): HandleWatch {
  const live = new Map<number, Watched>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      const kind = KINDS[type];
      if (kind) live.set(id, { kind, resource: resource as Watched['resource'] });
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  let stopped = false;
  return {
    open() {
      const counts: HandleCounts = new Map();
      for (const { kind, resource } of live.values()) {
        if (own.has(resource) || resource._destroyed === true) continue;
        if (typeof resource.hasRef === 'function' && !resource.hasRef()) continue;
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
      }
      return counts;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      hook.disable();
      live.clear();
    },
  };
}

/**
 * Resources the watch saw created that still keep the process alive after a driver was cleaned up and disposed, by
 * kind ("2 Timeout"). A resource that goes away within `graceMs` (a socket finishing its close, a timer firing, a
 * pending file operation) does not count, nor do the kinds in `allowed`. Stops the watch. Returns descriptions, empty
 * when none.
 */
export async function handlesLeftOpen(
  watch: HandleWatch,
  allowed: readonly string[] = [],
  graceMs = 200,
): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  let left: [string, number][] = [];
  try {
    for (;;) {
      left = [...watch.open()].filter(([kind, n]) => n > 0 && !allowed.includes(kind));
      if (left.length === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => own.add(setTimeout(resolve, 20)));
    }
  } finally {
    watch.stop();
  }
  return left.map(([kind, n]) => `${n} ${kind}`);
}
