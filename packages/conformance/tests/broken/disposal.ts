import type { HostRequest, OperationContext as Ctx, SpawnRequest } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import type { BrokenDriver } from './broken-driver';

/** Every timer these drivers leak, so the corpus test can stop them afterwards. */
export const LEAKED_TIMERS: ReturnType<typeof setInterval>[] = [];
const leak = (): ReturnType<typeof setInterval> => {
  const t = setInterval(() => undefined, 60_000);
  LEAKED_TIMERS.push(t);
  return t;
};

/** initHost starts a housekeeping timer that nothing ever stops. */
class TimerNeverStopped extends MemoryDriver {
  protected override async _initHost(c: Ctx, r: HostRequest): Promise<void> {
    await super._initHost(c, r);
    leak();
  }
}

/**
 * The timer is stopped by cleanupHost of the first host only (a module-level handle overwritten by the next driver).
 */
let shared: ReturnType<typeof setInterval> | undefined;
class OverwrittenTimerHandle extends MemoryDriver {
  protected override async _initHost(c: Ctx, r: HostRequest): Promise<void> {
    await super._initHost(c, r);
    shared = leak();
  }
  protected override async _cleanupHost(c: Ctx, r: HostRequest): Promise<void> {
    await super._cleanupHost(c, r);
    if (shared) clearInterval(shared);
  }
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    await super._spawn(c, r);
    // re-arms on every spawn, leaking the previous timer
    shared = leak();
  }
}

export const DISPOSAL: readonly BrokenDriver[] = [
  {
    bug: 'initHost starts a timer nothing stops',
    kind: 'disposal',
    Driver: TimerNeverStopped,
    only: [],
    caughtBy: { capability: 'core', test: 'a fresh driver lists no instances and counts agree' },
    // the count is not asserted: a timer another test file left running may end or start in the same window
    reason: /left handles open after cleanupHost and dispose: \d+ Timeout/,
  },
  {
    bug: 'spawn re-arms a timer, leaking the previous one',
    kind: 'disposal',
    Driver: OverwrittenTimerHandle,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: 'spawn with powerOn false leaves the instance SHUTDOWN' },
    reason: /left handles open/,
  },
];
