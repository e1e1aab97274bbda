import type { OperationContext } from '../context/operation-context.js';
import type { DriverBase } from '../driver/driver-base.js';
import { AbortedError, InstanceNotFoundError, TimeoutError, ValidationError } from '../errors/errors.js';
import { LifecycleTransition, type LifecycleEvent } from '../model/lifecycle-event.js';
import type { PowerState } from '../model/power-state.js';

/** Options of {@link waitForState}. */
export interface WaitForStateOptions {
  /** Give up with `ABORTED` when aborted. */
  signal?: AbortSignal;
  /** Give up with `TIMEOUT` after this many milliseconds. @defaultValue no limit */
  timeout?: number;
  /** Context of the one `getInfo` read (its deadline, signal). @defaultValue `{}` */
  ctx?: OperationContext;
}

/**
 * Resolve once instance `uuid` is in `state` (or one of several), with the
 * state reached. Built on lifecycle events, not polling: it subscribes, reads
 * the current state once with `getInfo`, then waits for the event. Every
 * listener and timer is removed on every path.
 * @throws `INSTANCE_NOT_FOUND` (unknown, destroyed or migrated away while waiting),
 *   `TIMEOUT`, `ABORTED`, `VALIDATION_FAILED` (bad timeout), what `getInfo` throws
 * @example
 * ```ts
 * await driver.powerOff(ctx, { instance });
 * await waitForState(driver, instance.uuid, PowerState.SHUTDOWN, { timeout: 30_000 });
 * ```
 */
export function waitForState(
  driver: DriverBase,
  uuid: string,
  state: PowerState | readonly PowerState[],
  options: WaitForStateOptions = {},
): Promise<PowerState> {
  const wanted = new Set<number>(typeof state === 'number' ? [state] : state);
  const { signal, timeout } = options;
  if (timeout !== undefined && (!Number.isFinite(timeout) || timeout < 0)) {
    return Promise.reject(
      new ValidationError('waitForState', [{ path: 'timeout', messages: ['must be a number of milliseconds ≥ 0'] }]),
    );
  }
  if (signal?.aborted) return Promise.reject(new AbortedError('waitForState', { cause: signal.reason }));
  return new Promise<PowerState>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const finish = (error: Error | undefined, reached?: PowerState): void => {
      if (done) return;
      done = true;
      driver.off('lifecycle', onEvent);
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
      if (error) reject(error);
      else resolve(reached!);
    };
    const onEvent = (event: LifecycleEvent): void => {
      if (event.instanceUuid !== uuid) return;
      if (event.transition === LifecycleTransition.DELETED || event.transition === LifecycleTransition.MIGRATED_AWAY) {
        finish(new InstanceNotFoundError(uuid));
      } else if (wanted.has(event.state)) {
        finish(undefined, event.state);
      }
    };
    const onAbort = (): void => finish(new AbortedError('waitForState', { cause: signal?.reason }));
    // Subscribe before reading: a change during the read is an event we will see.
    driver.on('lifecycle', onEvent);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== undefined) timer = setTimeout(() => finish(new TimeoutError('waitForState')), timeout);
    driver.getInfo(options.ctx ?? {}, { instance: { uuid } }).then(
      (info) => {
        if (wanted.has(info.state)) finish(undefined, info.state);
      },
      (error: Error) => finish(error),
    );
  });
}
