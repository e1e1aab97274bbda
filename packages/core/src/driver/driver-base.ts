import { CAPABILITY_METHODS } from '../capabilities/capability-methods.js';
import { CAPABILITY_NAMES, type CapabilityName } from '../capabilities/capability-names.js';
import type { CapabilityMap } from '../capabilities/capability-map.js';
import {
  FEATURE_FLAGS,
  toFeatureState,
  type FeatureDeclaration,
  type FeatureFlag,
  type FeatureState,
} from '../capabilities/feature-flags.js';
import { CONTRACT_VERSION } from '../contract-version.js';
import type { OperationContext } from '../context/operation-context.js';
import { DriverDefinitionError, NotSupportedError, ValidationError, type ValidationIssue } from '../errors/errors.js';
import type { ImageDiskFormat } from '../model/image-meta.js';
import type { InstanceInfo } from '../model/instance-info.js';
import type { LifecycleTransition } from '../model/lifecycle-event.js';
import { isPowerState, PowerState as PowerStates, type PowerState } from '../model/power-state.js';
import {
  GetAvailableNodesRequest,
  HostRequest,
  InstanceRequest,
  NodeRequest,
  type InstanceSummary,
} from './core-requests.js';
import { APPLIED_CAPABILITIES, REQUIRED_HOOKS, installMethods } from './define-capability.js';
import { createRuntime, runtimeOf, RUNTIME, type DriverRuntime } from './driver-runtime.js';
import { SILENT_LOGGER, type DriverLogger, type HostApi } from './host-api.js';
import { driverHostName, type DriverEventName, type DriverEvents } from './lifecycle-events.js';
import { observeInfo } from './state-rule.js';
import type { MethodSpecsOf } from './method-spec.js';
import type { PowerStateRead } from './power-state-read.js';
import { nameRequiredHook, registerGuardedCall, type Sealed } from './sealed-call.js';
import { takeForwardedMap } from './forwarded-map.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Marks objects made by a DriverBase subclass, across copies of core. */
export const DRIVER_BRAND = Symbol.for('virtkit.driver');

const CORE_HOOKS = ['_initHost', '_getInfo', '_listInstances', '_getAvailableNodes', '_getHostIp'] as const;

/**
 * The base every driver extends, directly or through capability mixins:
 * `class AcmeDriver extends withPause(withLifecycle(DriverBase)) { ... }`.
 *
 * It provides the calls every driver has (getInfo, listings, nodes, host ip),
 * the event hub, and the capability map derived from the composed mixins.
 * The `_`-prefixed members are hooks: the SDK calls them with validated
 * requests, one at a time per instance; drivers implement them.
 */
// The class merges with the interface below (the sealed core calls it declares): how the SDK types calls it installs.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see above
export abstract class DriverBase {
  /** Name shown in capability maps and reports. */
  static driverName = 'unnamed-driver';
  /** The driver's own version. */
  static driverVersion = '0.0.0';
  /** Contract version this driver was written against (semver range check in loadDriver). */
  static contractVersion: string = CONTRACT_VERSION;
  /** Feature flags; unlisted ones are `unsupported`. */
  static features: FeatureDeclaration = {};
  /** Image disk formats the driver boots. */
  static imageTypes: readonly ImageDiskFormat[] = [];

  /** What the orchestrator gave this driver. */
  readonly hostApi: HostApi;
  /** The driver's capability map; frozen, read-only and non-configurable: it never changes over the driver's life. */
  declare readonly capabilities: CapabilityMap;
  /** @internal The SDK's per-driver state (queue, event hub); not part of the API. */
  declare readonly [RUNTIME]: DriverRuntime;

  constructor(hostApi: HostApi = {}) {
    this.hostApi = hostApi;
    Object.defineProperty(this, RUNTIME, {
      value: createRuntime({ host: () => driverHostName(this), replayWindow: hostApi.eventReplayWindow }),
    });
    Object.defineProperty(this, DRIVER_BRAND, { value: true });
    // Non-writable and non-configurable: neither assignment nor defineProperty can swap the map (rule 4).
    Object.defineProperty(this, 'capabilities', {
      value: takeForwardedMap(this) ?? buildCapabilityMap(new.target as unknown as typeof DriverBase, this),
      enumerable: true,
      writable: false,
      configurable: false,
    });
  }

  /** The logger from the host API, or a silent one. */
  protected get logger(): DriverLogger {
    return this.hostApi.logger ?? SILENT_LOGGER;
  }

  /** Listen to driver events; a throwing listener never breaks the driver. */
  on<E extends DriverEventName>(event: E, listener: DriverEvents[E]): this {
    runtimeOf(this).events.on(event, listener);
    return this;
  }
  /** Listen to the next event only. */
  once<E extends DriverEventName>(event: E, listener: DriverEvents[E]): this {
    runtimeOf(this).events.on(event, listener, true);
    return this;
  }
  /** Stop listening. */
  off<E extends DriverEventName>(event: E, listener: DriverEvents[E]): this {
    runtimeOf(this).events.off(event, listener);
    return this;
  }

  /**
   * Tell the SDK an instance's power state changed outside a call (the guest
   * shut itself down, the process died), or forward the hypervisor's own
   * event. Validated like a request (docs/contract.md): a state that repeats
   * the one the SDK knows emits nothing (the driver caused it itself); an
   * instance the SDK does not know is recorded nowhere: the SDK asks the
   * driver's `_getInfo` instead, so an instance that exists (taken over,
   * moved in) gets its real state as the baseline and one that does not
   * (destroyed, a late event) leaves no trace.
   * @returns true when the state was recorded (one lifecycle event if it is a change)
   * @throws `VALIDATION_FAILED` for a malformed uuid or a state outside {@link PowerState}; nothing is recorded
   */
  protected reportPowerState(instanceUuid: string, state: PowerState): boolean {
    const issues: ValidationIssue[] = [];
    if (typeof instanceUuid !== 'string' || !UUID_PATTERN.test(instanceUuid))
      issues.push({ path: 'instanceUuid', messages: ['must be an instance uuid'] });
    if (!isPowerState(state))
      issues.push({
        path: 'state',
        messages: [`must be one of the power states (${Object.values(PowerStates).join(', ')})`],
      });
    if (issues.length > 0) throw new ValidationError('reportPowerState', issues);
    const events = runtimeOf(this).events;
    if (events.stateOf(instanceUuid) !== undefined) {
      events.report(instanceUuid, state);
      return true;
    }
    void observeInfo(this, {}, { uuid: instanceUuid }).catch((error: unknown) => {
      this.logger.debug('reportPowerState: an instance this driver does not know; nothing recorded', {
        instanceUuid,
        error: String(error),
      });
    });
    return false;
  }
  /**
   * Emit a transition that is not a power-state change (migration milestones).
   * @throws `VALIDATION_FAILED` when `transition` is not a {@link LifecycleTransition} (nothing is emitted)
   */
  protected announceTransition(instanceUuid: string, transition: LifecycleTransition, state: PowerState): void {
    runtimeOf(this).events.announce(instanceUuid, transition, state);
  }
  /** Forget an instance's last known state (destroyed or gone). */
  protected forgetInstance(instanceUuid: string): void {
    runtimeOf(this).events.forget(instanceUuid);
  }

  // ---- hooks every driver implements -------------------------------------------------------
  /** Prepare the host: take over running instances, check the hypervisor. */
  protected abstract _initHost(ctx: OperationContext, request: HostRequest): Promise<void>;
  /**
   * Report one instance; throw `InstanceNotFoundError` when it does not exist.
   * A driver that can answer without I/O (an in-memory driver) may return the
   * info itself instead of a promise, and throw instead of rejecting: the SDK
   * reads it before every call with a state rule, and a value costs it no
   * `await` (decision: docs/performance.md, "Third pass"). Callers of the hook
   * `await` it either way.
   */
  protected abstract _getInfo(ctx: OperationContext, request: InstanceRequest): InstanceInfo | Promise<InstanceInfo>;
  /** Every instance this driver knows on its host. */
  protected abstract _listInstances(ctx: OperationContext): Promise<InstanceSummary[]>;
  /** The nodes (hypervisors) this driver manages. */
  protected abstract _getAvailableNodes(ctx: OperationContext, request: GetAvailableNodesRequest): Promise<string[]>;
  /** The IP address of the host. */
  protected abstract _getHostIp(ctx: OperationContext): Promise<string>;

  // ---- hooks with defaults -----------------------------------------------------------------
  /** Release host resources at shutdown. Default: nothing. */
  protected async _cleanupHost(_ctx: OperationContext, _request: HostRequest): Promise<void> {}
  /**
   * The state a state rule needs before a call runs (power state, `rescued`,
   * `softDeleted`): the SDK calls this, not `_getInfo`, before every call with
   * a state rule. Default: `_getInfo` (whatever it returns, a promise or the
   * info itself). A driver that can read the state more cheaply than a whole
   * `InstanceInfo` overrides it, answering synchronously when it needs no I/O;
   * it must agree with `_getInfo` on all three (the kit checks calls, not this
   * hook, so a disagreement shows up as wrong rule decisions).
   * @throws `INSTANCE_NOT_FOUND` when the instance does not exist
   */
  protected _getPowerState(ctx: OperationContext, request: InstanceRequest): PowerStateRead | Promise<PowerStateRead> {
    // Only the instance is passed on: the guarded path hands this hook the call's whole validated request.
    return this._getInfo(ctx, { instance: request.instance });
  }
  /**
   * The names of every instance, for `listInstances`. Default: the names of
   * `_listInstances`. A driver that holds its instances in memory overrides
   * it to list the names alone: at 100,000 instances the summaries made only
   * to be dropped again were most of a listing's cost (docs/performance.md,
   * "Fifth pass"). Must name the same instances as `_listInstances`.
   */
  protected async _listInstanceNames(ctx: OperationContext): Promise<string[]> {
    return (await this._listInstances(ctx)).map((i) => i.name);
  }
  /** Default: `getInfo` succeeds. */
  protected async _instanceExists(ctx: OperationContext, request: InstanceRequest): Promise<boolean> {
    try {
      await this._getInfo(ctx, request);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'INSTANCE_NOT_FOUND') return false;
      throw error;
    }
  }
  /** Default: the node is among `getAvailableNodes`. */
  protected async _nodeIsAvailable(ctx: OperationContext, request: NodeRequest): Promise<boolean> {
    return (await this._getAvailableNodes(ctx, { refresh: false })).includes(request.nodename);
  }
  /** Default: the host name the orchestrator gave. */
  protected async _networkBindingHostId(_ctx: OperationContext, _request: InstanceRequest): Promise<string> {
    return this.hostApi.hostname ?? 'localhost';
  }
}

/**
 * Public calls every driver has, installed below through the guarded path.
 * {@link DriverBase} declares them sealed: a driver implements the hooks.
 */
export interface CoreCalls {
  /** Prepare the host for serving instances. */
  initHost(ctx: OperationContext, request: HostRequest): Promise<void>;
  /** Release host resources at shutdown. */
  cleanupHost(ctx: OperationContext, request: HostRequest): Promise<void>;
  /** @throws `INSTANCE_NOT_FOUND` */
  getInfo(ctx: OperationContext, request: InstanceRequest): Promise<InstanceInfo>;
  /** Names of every instance on the host. */
  listInstances(ctx: OperationContext, request?: Record<string, never>): Promise<string[]>;
  /** Uuids of every instance on the host. */
  listInstanceUuids(ctx: OperationContext, request?: Record<string, never>): Promise<string[]>;
  /** Number of instances on the host. */
  countInstances(ctx: OperationContext, request?: Record<string, never>): Promise<number>;
  /** True when the instance exists on the host. */
  instanceExists(ctx: OperationContext, request: InstanceRequest): Promise<boolean>;
  /** Nodes this driver manages. */
  getAvailableNodes(ctx: OperationContext, request?: GetAvailableNodesRequest): Promise<string[]>;
  /** True when the node is managed by this driver. */
  nodeIsAvailable(ctx: OperationContext, request: NodeRequest): Promise<boolean>;
  /** The host's IP address. */
  getHostIp(ctx: OperationContext, request?: Record<string, never>): Promise<string>;
  /** Host id to bind the instance's ports to. */
  networkBindingHostId(ctx: OperationContext, request: InstanceRequest): Promise<string>;
}

/** The core calls, sealed: a subclass that redefines one does not compile (see `SealedCall`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- installed by installMethods below
export interface DriverBase extends Sealed<CoreCalls> {}

/** How the SDK guards the core calls, each typed from its signature in {@link CoreCalls}. */
const CORE_CALLS: MethodSpecsOf<CoreCalls> = {
  initHost: { hook: '_initHost', request: HostRequest },
  cleanupHost: { hook: '_cleanupHost', request: HostRequest },
  getInfo: {
    hook: '_getInfo',
    request: InstanceRequest,
    // Reading a state is also observing it: a change the driver did not report still becomes one event.
    after(d, req, info: InstanceInfo, token) {
      if (info === null || typeof info !== 'object') throw new TypeError('_getInfo returned no InstanceInfo');
      runtimeOf(d).events.observe(req.instance.uuid, info.state, token);
      return info;
    },
  },
  listInstances: { hook: '_listInstanceNames' },
  listInstanceUuids: { hook: '_listInstances', after: (_d, _r, list: InstanceSummary[]) => list.map((i) => i.uuid) },
  countInstances: { hook: '_listInstances', after: (_d, _r, list: InstanceSummary[]) => list.length },
  instanceExists: { hook: '_instanceExists', request: InstanceRequest },
  getAvailableNodes: { hook: '_getAvailableNodes', request: GetAvailableNodesRequest },
  nodeIsAvailable: { hook: '_nodeIsAvailable', request: NodeRequest },
  getHostIp: { hook: '_getHostIp' },
  networkBindingHostId: { hook: '_networkBindingHostId', request: InstanceRequest },
};
installMethods(DriverBase.prototype, CORE_CALLS);
// A driver that redefines listInstances is told to implement the hook every driver has, not its optional shortcut.
nameRequiredHook('listInstances', '_listInstances');

// Unadvertised capabilities still answer at run time, with NOT_SUPPORTED; mixins override these.
for (const [capability, methods] of Object.entries(CAPABILITY_METHODS)) {
  for (const method of methods) {
    const stub = {
      async [method](): Promise<never> {
        throw new NotSupportedError(capability, method);
      },
    }[method]!;
    Object.defineProperty(DriverBase.prototype, method, { value: stub, writable: true, configurable: true });
    // Defining the call without the capability would also bypass the guard (and lie about the map).
    registerGuardedCall(method, `_${method}`);
  }
}

/** Derive the frozen capability map of a driver instance from its class. */
function buildCapabilityMap(cls: typeof DriverBase, instance: object): CapabilityMap {
  // The mixins record these as static symbol properties of the composed class (defineCapability).
  const statics = cls as unknown as {
    [APPLIED_CAPABILITIES]?: readonly string[];
    [REQUIRED_HOOKS]?: Readonly<Record<string, readonly string[]>>;
  };
  const applied = new Set<string>(statics[APPLIED_CAPABILITIES] ?? []);
  const hooks = statics[REQUIRED_HOOKS] ?? {};
  const members = instance as Readonly<Record<string, unknown>>;
  const missing = [...CORE_HOOKS, ...Object.values(hooks).flat()].filter((h) => typeof members[h] !== 'function');
  if (missing.length > 0) {
    throw new DriverDefinitionError(
      `driver '${cls.driverName}' does not implement required hook(s): ${missing.join(', ')}`,
    );
  }
  const capabilities = Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, applied.has(c)])) as Record<
    CapabilityName,
    boolean
  >;
  const declared = cls.features ?? {};
  for (const key of Object.keys(declared)) {
    if (!(key in FEATURE_FLAGS))
      throw new DriverDefinitionError(`driver '${cls.driverName}' declares unknown feature flag '${key}'`);
  }
  const features = {} as Record<FeatureFlag, FeatureState>;
  for (const [flag, def] of Object.entries(FEATURE_FLAGS) as [FeatureFlag, (typeof FEATURE_FLAGS)[FeatureFlag]][]) {
    const state = toFeatureState(declared[flag]);
    if (state !== 'unsupported' && !capabilities[def.requires]) {
      throw new DriverDefinitionError(
        `driver '${cls.driverName}' declares feature '${flag}' without capability '${def.requires}'`,
      );
    }
    features[flag] = state;
  }
  return Object.freeze({
    contractVersion: cls.contractVersion,
    driver: Object.freeze({ name: cls.driverName, version: cls.driverVersion }),
    capabilities: Object.freeze(capabilities),
    features: Object.freeze(features),
    imageTypes: Object.freeze([...(cls.imageTypes ?? [])]),
  });
}
