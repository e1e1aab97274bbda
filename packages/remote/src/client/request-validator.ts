import * as core from '@virtkit/core';
import {
  CAPABILITY_NAMES,
  constructForwardingDriver,
  DriverBase,
  type CapabilityMap,
  type OperationContext,
} from '@virtkit/core';

// The mixin pattern: core's capability mixins take and return constructors of `any[]` arguments.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern forces it
type AnyConstructor = abstract new (...args: any[]) => object;

let composed: AnyConstructor | undefined;

type Mixin = ((base: AnyConstructor) => AnyConstructor) & {
  capability?: string;
};

/**
 * Validates requests on the client with the very same guarded path an
 * in-process driver runs (request classes, shape checks, cancellation
 * checks), before anything goes on the wire.
 *
 * How: a driver composed of every capability whose hooks never run: reaching
 * any hook means the guarded path accepted the request. A call that fails
 * before a hook (VALIDATION_FAILED, ABORTED, TIMEOUT) fails the same way as
 * in process, and nothing is sent.
 */
export class RequestValidator {
  readonly #driver: Record<string, (ctx: OperationContext, request: unknown) => Promise<unknown>>;
  /**
   * Request ids of probes that reached a hook (the guarded path hands hooks a checked copy of ctx, with its request
   * id).
   */
  readonly #accepted = new Set<string>();
  #probes = 0;

  /**
   * @param map the served capability map: feature-gated checks (multiattach, tags...) answer as the served driver would
   */
  constructor(map?: CapabilityMap) {
    const accepted = this.#accepted;
    const Composed = (composed ??= composeAll());
    // Every hook (`_spawn`, `_getInfo`, ...) is this one function.
    const hook = (ctx: OperationContext | undefined): Promise<never> => {
      if (typeof ctx?.requestId === 'string') accepted.add(ctx.requestId);
      return Promise.reject(HOOK_REACHED);
    };
    const Validator = class extends (Composed as unknown as new (h: object) => object) {};
    Object.setPrototypeOf(
      Validator.prototype,
      new Proxy(Composed.prototype as object, {
        get(target, prop, receiver) {
          if (typeof prop === 'string' && prop.startsWith('_')) return hook;
          return Reflect.get(target, prop, receiver) as unknown;
        },
      }),
    );
    const create = (): DriverBase => new (Validator as unknown as new (h: object) => DriverBase)({});
    this.#driver = (map ? constructForwardingDriver(map, create) : create()) as never;
  }

  /**
   * Resolve when the request is acceptable for `method`; reject with the
   * error the in-process guarded path would throw before reaching the driver.
   */
  async check(method: string, ctx: OperationContext, request: unknown): Promise<void> {
    const probe: { requestId: string; signal?: AbortSignal; deadline?: number } = {
      requestId: `virtkit-client-check-${++this.#probes}`,
    };
    if (ctx.signal) probe.signal = ctx.signal;
    if (ctx.deadline !== undefined) probe.deadline = ctx.deadline;
    const fn = this.#driver[method];
    if (typeof fn !== 'function')
      throw new core.ValidationError(method, [
        { path: '(method)', messages: [`'${method}' is not a call of the virtkit contract`] },
      ]);
    try {
      await fn.call(this.#driver, probe, request);
    } catch (error) {
      if (this.#accepted.delete(probe.requestId)) return;
      throw error;
    }
  }
}

/**
 * What every trapped hook rejects with: one error made once. A virtkit error, so the guarded path passes it on as
 * it is (a new error per probe, wrapped in a new DriverError, cost two stack traces on every remote call).
 * Acceptance is told by the probe's request id, never by this error.
 */
const HOOK_REACHED = new core.DriverError('client-side validation', 'the guarded path reached a hook');

/** DriverBase with every capability mixin core exports, applied in contract order. */
function composeAll(): AnyConstructor {
  const mixins = new Map<string, Mixin>();
  for (const value of Object.values(core)) {
    if (typeof value === 'function' && typeof (value as Mixin).capability === 'string')
      mixins.set((value as Mixin).capability!, value as Mixin);
  }
  let cls: AnyConstructor = DriverBase;
  for (const name of CAPABILITY_NAMES) {
    const mixin = mixins.get(name);
    if (mixin) cls = mixin(cls);
  }
  return cls;
}
