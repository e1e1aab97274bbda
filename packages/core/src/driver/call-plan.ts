import type { ClassConstructor } from 'class-transformer';
import { InvalidStateError } from '../errors/errors.js';
import type { PowerState } from '../model/power-state.js';
import { compiledRequest, type Compiled } from '../validation/compiled-validator.js';
import type { MethodSpec, StateRule } from './method-spec.js';
import type { PowerStateRead } from './power-state-read.js';
import type { InstanceScoped } from './state-rule.js';

/**
 * One guarded call's {@link MethodSpec}, as the guarded path reads it on every
 * call: every field present, in one order, whatever the spec declared. Specs
 * are object literals of many shapes (`{ hook, request, after }` for getInfo,
 * `{ hook, request, instance, state }` for the power calls, ...), and the one
 * guarded path reading them all saw more shapes than V8 keeps per access
 * site: each field read was a megamorphic lookup. Plans share one shape, and
 * so do their state rules. Made once per call by `installMethods`; the spec
 * stays the call's public description (`guardedCallsOf`), and its functions
 * (`after`, `around`, the rule's) are still called with the spec (or rule) as
 * `this`. Also caches the request class's compiled check (looked up on the
 * first call: one `WeakMap` read fewer per call).
 */
export class CallPlan<Req extends object = object, Res = unknown> {
  readonly spec: MethodSpec<Req, Res>;
  readonly hook: string;
  readonly request: ClassConstructor<Req> | undefined;
  readonly instance: boolean;
  readonly missingOk: boolean;
  readonly rule: PlannedRule<Req> | undefined;
  /** The spec's `after` and `around` (called with the spec as `this`), or undefined. */
  readonly after: MethodSpec<Req, Res>['after'];
  readonly around: MethodSpec<Req, Res>['around'];
  #compiled: Compiled | undefined = undefined;
  #looked = false;

  constructor(spec: MethodSpec<Req, Res>) {
    this.spec = spec;
    this.hook = spec.hook;
    this.request = spec.request;
    this.instance = spec.instance === true;
    this.missingOk = spec.missingOk === true;
    this.rule = spec.state === undefined ? undefined : new PlannedRule(spec.state);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the spec as `this` (guarded-call.ts)
    this.after = spec.after;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- as above
    this.around = spec.around;
  }

  /** The request class's compiled check (undefined: no request class, or one the compiler does not understand). */
  compiled(): Compiled | undefined {
    if (!this.#looked) {
      this.#compiled = this.request === undefined ? undefined : compiledRequest(this.request);
      this.#looked = true;
    }
    return this.#compiled;
  }
}

/**
 * A {@link StateRule} with every field present (see {@link CallPlan}); its functions are called with the rule as
 * `this`, but read from here (one shape) rather than from the rule (many). `ruleSaysNoop` (the rules of `around`
 * bodies) answers through one of these too: one implementation of the decision.
 */
export class PlannedRule<Req extends object = object> {
  readonly rule: StateRule<Req>;
  /** `from` when it is a list, else undefined (then {@link fromOf} is the rule's function of the request). */
  readonly fromList: readonly PowerState[] | undefined;
  readonly fromOf: ((request: Req) => readonly PowerState[]) | undefined;
  /** `to` when it is a state (or absent); {@link toOf} when it is a function of the request. */
  readonly toState: PowerState | undefined;
  readonly toOf: ((request: Req) => PowerState | undefined) | undefined;
  readonly noop: ((info: PowerStateRead, request: Req) => boolean) | undefined;
  readonly refuse: ((info: PowerStateRead, request: Req) => string | undefined) | undefined;

  constructor(rule: StateRule<Req>) {
    this.rule = rule;
    const { from, to } = rule;
    this.fromList = typeof from === 'function' ? undefined : from;
    this.fromOf = typeof from === 'function' ? from : undefined;
    this.toState = typeof to === 'function' ? undefined : to;
    this.toOf = typeof to === 'function' ? to : undefined;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the rule as `this` (below)
    this.noop = rule.noop;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the rule as `this` (below)
    this.refuse = rule.refuse;
  }

  /** The state after success, if the rule names one. */
  to(req: Req): PowerState | undefined {
    return this.toOf === undefined ? this.toState : this.toOf.call(this.rule, req);
  }

  /**
   * True when the call's target already holds (succeed doing nothing), false when the call must run.
   * @throws `INVALID_STATE`
   */
  saysNoop(op: string, info: PowerStateRead, req: Req & InstanceScoped): boolean {
    if (this.noop !== undefined && this.noop.call(this.rule, info, req)) return true;
    const refused = this.refuse === undefined ? undefined : this.refuse.call(this.rule, info, req);
    const instanceUuid = req.instance.uuid;
    if (refused !== undefined) {
      throw new InvalidStateError({ instanceUuid, operation: op, state: info.state, detail: refused });
    }
    const from = this.fromList ?? this.fromOf!.call(this.rule, req);
    if (!from.includes(info.state)) {
      throw new InvalidStateError({ instanceUuid, operation: op, state: info.state });
    }
    return false;
  }
}
