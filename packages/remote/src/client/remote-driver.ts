import { createClient, type CallOptions, type Client } from '@connectrpc/connect';
import {
  AbortedError,
  TimeoutError,
  capabilityOfMethod,
  DriverBase,
  NotSupportedError,
  type CapabilityMap,
  type DriverEventName,
  type DriverEvents,
  type GetAvailableNodesRequest,
  type HostRequest,
  type InstanceInfo,
  type InstanceRequest,
  type NodeRequest,
  type OperationContext,
  type PowerState,
  type HostApi,
} from '@virtkit/core';
import { DriverService, type CallResponse } from '../gen/virtkit/v1/driver_pb.js';
import { READ_ONLY_CALLS } from '../server/auth.js';
import { CONTRACT_CALLS } from '../server/driver-service.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { applyInOut, encodeInOut, IN_OUT_METHODS } from '../wire/provider-tree-transfer.js';
import { errorDetailOf, fromCallError, virtkitCodeOf } from '../wire/error-codec.js';
import { EVENT_SEQUENCE_HEADER, HOST_HEADER, OPERATION_HEADER, REQUEST_ID_HEADER } from '../wire/headers.js';
import { fromJsonText, fromValue, toJsonText, toValue } from '../wire/json-value.js';
import { RemoteEventStream, type RemoteDriverEvents } from './event-stream.js';
import type { RequestValidator } from './request-validator.js';
import { timeoutHeader, type ClientTransport } from './transport.js';

/**
 * Calls the contract makes idempotent (a repeat finds its target already holding): safe to retry after a transport
 * failure.
 */
const IDEMPOTENT_CALLS: ReadonlySet<string> = new Set([
  ...READ_ONLY_CALLS,
  'initHost',
  'destroy',
  'powerOn',
  'powerOff',
  'pause',
  'unpause',
  'suspend',
  'resume',
  'cleanupHost',
]);

/** The served call whose callback is running here: the server (its target) and the invocation's operation id. */
interface RunningOperation {
  readonly target: string;
  readonly operation: string;
}

/**
 * The callback invocations running in this process, one storage for all remote drivers. It is on only while one runs:
 * an AsyncLocalStorage that is on slows every promise of the process (as core's instance queue does, it is turned
 * off when the last one ends; an async task a callback left running then sees none, as it should: the invocation is
 * complete).
 */
const RUNNING = new AsyncLocalStorage<RunningOperation>();
let running = 0;

/** What a {@link RemoteDriver} is made of; built by `connectDriver`. */
export interface RemoteDriverParts {
  readonly target: string;
  readonly map: CapabilityMap;
  readonly transport: ClientTransport;
  readonly validator: RequestValidator;
  /** Headers sent with every call (authorization, host). */
  readonly headers: Record<string, string>;
  readonly lastEventSequence: number;
  /** The server's event epoch at connect time. */
  readonly eventEpoch: string;
  /** What this client says of the host it drives (its name), as `driver.hostApi`. */
  readonly hostApi?: HostApi;
  /** The served host's name, as the server described it (empty from an older server). */
  readonly hostName: string;
  /** Whether the server reads capability payloads as JSON text (Describe's wire feature "json-text"). */
  readonly jsonText: boolean;
  /** The role the server gave these credentials. */
  readonly role: string;
}

/**
 * A served driver, called over the wire: a DriverBase whose `capabilities`
 * is the served driver's map, narrowed with `supports()` like any driver.
 * Requests are validated here with the same guarded path as in process, then
 * again by the server; errors come back as the same classes with the same
 * `code` and fields. `ctx.signal` cancels the RPC (the served driver's signal
 * aborts), `ctx.deadline` becomes the RPC deadline, `ctx.onProgress` gets the
 * progress stream, and lifecycle listeners get the served driver's events,
 * each delivered before the call that caused it returns.
 *
 * Failures of the connection are `RemoteUnavailableError` (never a hang);
 * the client never retries a call by itself.
 */
export class RemoteDriver extends DriverBase {
  static override driverName = 'remote';
  readonly #parts: RemoteDriverParts;
  readonly #client: Client<typeof DriverService>;
  readonly #events: RemoteEventStream;
  #closed = false;

  constructor(parts: RemoteDriverParts) {
    // The served host's name is this driver's host name unless the caller said otherwise (core's callers, e.g. the
    // migration helpers, name hosts by it).
    super(
      parts.hostApi?.hostname === undefined && parts.hostName
        ? { ...parts.hostApi, hostname: parts.hostName }
        : (parts.hostApi ?? {}),
    );
    this.#parts = parts;
    this.#client = createClient(DriverService, parts.transport.transport);
    this.#events = new RemoteEventStream(
      this.#client,
      () => this.#parts.headers,
      parts.lastEventSequence,
      parts.eventEpoch,
      parts.hostApi?.hostname ?? (parts.hostName || parts.target),
    );
    // Every capability call of the contract: advertised ones go over the wire, the others answer NOT_SUPPORTED here.
    for (const method of CONTRACT_CALLS) {
      if (method in CORE_CALLS) continue;
      const capability = capabilityOfMethod(method);
      const advertised = capability !== undefined && parts.map.capabilities[capability] === true;
      const fn = advertised
        ? (ctx?: OperationContext, request?: unknown) => this.call(method, ctx, request)
        : async () => {
            throw new NotSupportedError(capability ?? 'unknown', method);
          };
      Object.defineProperty(this, method, { value: fn, writable: true, configurable: true });
    }
    for (const [method, impl] of Object.entries(CORE_CALLS)) {
      Object.defineProperty(this, method, {
        value: (ctx?: OperationContext, request?: unknown) => impl(this, ctx, request as never),
        writable: true,
        configurable: true,
      });
    }
  }

  /** The target this driver is served at. */
  get target(): string {
    return this.#parts.target;
  }

  /** The server's id of the host (driver instance) this client calls: `default` for the served driver. */
  get hostId(): string {
    return this.#parts.headers[HOST_HEADER] ?? 'default';
  }

  /**
   * The name of the host the served driver serves, as its server describes it (its host API's hostname): the `host`
   * of its lifecycle events. Empty when the server predates `host_name`.
   */
  get hostName(): string {
    return this.#parts.hostName;
  }

  /** The role the server gave this client's credentials (`admin` or `read-only`). */
  get role(): string {
    return this.#parts.role;
  }

  /** The last lifecycle event sequence delivered to listeners (resume point after a reconnect). */
  get lastEventSequence(): number {
    return this.#events.lastSequence;
  }

  /**
   * Listen to the served driver's events (the stream is open while lifecycle listeners exist); `eventsLost` when the
   * replay window was exceeded.
   */
  override on<E extends DriverEventName>(event: E, listener: DriverEvents[E]): this;
  override on(event: 'eventsLost', listener: RemoteDriverEvents['eventsLost']): this;
  override on(event: string, listener: (...a: never[]) => void): this {
    this.#events.on(event, listener);
    return this;
  }
  /** Listen to the next event only. */
  override once<E extends DriverEventName>(event: E, listener: DriverEvents[E]): this;
  override once(event: 'eventsLost', listener: RemoteDriverEvents['eventsLost']): this;
  override once(event: string, listener: (...a: never[]) => void): this {
    this.#events.on(event, listener, true);
    return this;
  }
  /** Stop listening. */
  override off<E extends DriverEventName>(event: E, listener: DriverEvents[E]): this;
  override off(event: 'eventsLost', listener: RemoteDriverEvents['eventsLost']): this;
  override off(event: string, listener: (...a: never[]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Close the event stream and the connection. Calls after this fail with `RemoteUnavailableError`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.close();
    this.#parts.transport.close();
  }

  /**
   * Make any contract call by its TypeScript name, validated here first. What
   * the typed methods use; useful for calls a newer server has.
   * @throws the served driver's error, rebuilt; `RemoteUnavailableError` when the server cannot be reached
   */
  async call(method: string, ctx: OperationContext = {}, request?: unknown): Promise<unknown> {
    await this.#parts.validator.check(method, ctx, request);
    const callbacks = new Map<string, (...args: unknown[]) => unknown>();
    const inOut = IN_OUT_METHODS.has(method) && request !== null && typeof request === 'object';
    const plain = withoutFunctions(inOut ? encodeInOut(request as Record<string, unknown>) : request, callbacks);
    // JSON text where the server reads it (Describe's "json-text"), else a google.protobuf.Value (an older server).
    const encoded = this.#parts.jsonText ? { requestJson: toJsonText(plain) } : { request: toValue(plain) };
    return this.#rpc(method, ctx, async (options) => {
      const settle = (wire: unknown): unknown => (inOut ? applyInOut(request as Record<string, unknown>, wire) : wire);
      if (!ctx.onProgress && callbacks.size === 0)
        return settle(resultOf(await this.#client.call({ method, ...encoded }, options), method));
      const callId = callbacks.size > 0 ? randomUUID() : '';
      let result: unknown;
      for await (const update of this.#client.callWithProgress({ method, ...encoded, callId }, options)) {
        if (update.kind.case === 'callback') {
          const { callbackId, invocation, args, operationId } = update.kind.value;
          void this.#runCallback(
            callId,
            invocation,
            operationId,
            callbacks.get(callbackId),
            args.map((a) => fromValue(a)),
            options.headers as Record<string, string>,
          );
          continue;
        }
        if (update.kind.case === 'result') result = resultOf(update.kind.value, method);
        else if ((update.kind.case === 'progress' || update.kind.case === 'progressJson') && ctx.onProgress) {
          const progress =
            update.kind.case === 'progress'
              ? fromValue(update.kind.value)
              : fromJsonText(update.kind.value, method, 'progressJson');
          // As in process, a throwing progress listener never fails the call.
          try {
            ctx.onProgress(progress as never);
          } catch {
            /* the listener's own failure */
          }
        }
      }
      return settle(result);
    });
  }

  /**
   * Run a callback of a request the server asked for, and send back its outcome. Calls the callback makes to the
   * same server carry the invocation's operation id (a server that predates it sends none).
   */
  async #runCallback(
    callId: string,
    invocation: bigint,
    operation: string,
    fn: ((...args: unknown[]) => unknown) | undefined,
    args: unknown[],
    headers: Record<string, string>,
  ): Promise<void> {
    let outcome: { result?: ReturnType<typeof toValue>; error?: ReturnType<typeof errorDetailOf> };
    try {
      if (!fn) throw new TypeError('the server asked for a callback this request does not have');
      outcome = { result: toValue(await this.#insideOperation(operation, () => fn(...args))) };
    } catch (error) {
      outcome = { error: errorDetailOf(error) };
    }
    // A lost answer fails the served call (its callback rejects when the call ends); nothing else to do here.
    await this.#client.completeCallback({ callId, invocation, ...outcome }, { headers }).catch(() => {});
  }

  /** Run `fn` (a callback) as part of the server's `operation`, if it named one. */
  async #insideOperation(operation: string, fn: () => unknown): Promise<unknown> {
    if (!operation) return fn();
    running++;
    try {
      return await RUNNING.run({ target: this.#parts.target, operation }, fn);
    } finally {
      if (--running === 0) RUNNING.disable();
    }
  }

  /**
   * @internal Run one RPC with the context's signal, deadline and request id; map its errors; order its events.
   *
   * A deadline travels as the RPC's timeout header, and the server enforces it: at that instant the served
   * driver's own race answers `TIMEOUT` and the served call's `ctx.signal` aborts. Here the call rejects with
   * `TimeoutError` at the deadline, as in process, but the RPC is left for the server to end: cancelling it now
   * would reach the server a little before its own deadline (the timeout is relative, counted from arrival) and
   * read there as the caller's abort. Only if the server has not ended it {@link DEADLINE_BACKSTOP_MS} later (it
   * cannot answer) is it cancelled from here.
   */
  async #rpc<T>(op: string, ctx: OperationContext, body: (options: CallOptions) => Promise<T>): Promise<T> {
    if (this.#closed) throw fromCallError(new Error('the remote driver was closed'), op, this.#parts.target, false);
    let seq: number | undefined;
    const headers: Record<string, string> = { ...this.#parts.headers };
    if (ctx.requestId !== undefined) headers[REQUEST_ID_HEADER] = String(ctx.requestId);
    // Made from inside a callback of a call this server is running: part of that call there, as in process.
    const inside = running === 0 ? undefined : RUNNING.getStore();
    if (inside !== undefined && inside.target === this.#parts.target) headers[OPERATION_HEADER] = inside.operation;
    const options: CallOptions = {
      headers,
      onHeader: (h) => {
        const v = h.get(EVENT_SEQUENCE_HEADER);
        if (v !== null) seq = Number(v);
      },
    };
    const deadline = ctx.deadline !== undefined && Number.isFinite(ctx.deadline) ? ctx.deadline : undefined;
    let result: T;
    try {
      if (deadline === undefined) {
        if (ctx.signal) options.signal = ctx.signal;
        result = await body(options);
      } else {
        const [name, value] = timeoutHeader(this.#parts.transport.protocol, deadline - Date.now());
        headers[name] = value;
        result = await withLocalDeadline(op, deadline, ctx.signal, (signal) => body({ ...options, signal }));
      }
    } catch (error) {
      // The caller's own abort or deadline reads as in process, whatever the transport made of it.
      if (ctx.signal?.aborted) throw new AbortedError(op, { cause: ctx.signal.reason });
      if (error instanceof TimeoutError) throw error;
      // Past the caller's deadline, a cancellation (the RPC's own deadline, or the served call's abort at it) is
      // the deadline's; any other served error (the driver failed on its own) is kept.
      if (deadline !== undefined && Date.now() >= deadline && isCancellation(error))
        throw new TimeoutError(op, { cause: error });
      throw fromCallError(error, op, this.#parts.target, IDEMPOTENT_CALLS.has(op));
    }
    if (seq !== undefined) await this.#events.catchUp(seq);
    return result;
  }

  /** @internal Typed core calls. */
  async coreCall<T>(
    op: string,
    ctx: OperationContext | undefined,
    request: unknown,
    body: (client: Client<typeof DriverService>, options: CallOptions) => Promise<T>,
  ): Promise<T> {
    const c = ctx ?? {};
    await this.#parts.validator.check(op, c, request);
    return this.#rpc(op, c, (options) => body(this.#client, options));
  }

  // The hooks of DriverBase: a remote driver's public calls never reach them; they answer through the wire all the
  // same.
  protected async _initHost(ctx: OperationContext, request: HostRequest): Promise<void> {
    await this.initHost(ctx, request);
  }
  protected _getInfo(ctx: OperationContext, request: InstanceRequest): Promise<InstanceInfo> {
    return this.getInfo(ctx, request);
  }
  protected async _listInstances(ctx: OperationContext): Promise<{ uuid: string; name: string }[]> {
    const [names, uuids] = await Promise.all([this.listInstances(ctx), this.listInstanceUuids(ctx)]);
    return uuids.map((uuid, i) => ({ uuid, name: names[i] ?? uuid }));
  }
  protected _getAvailableNodes(ctx: OperationContext, request: GetAvailableNodesRequest): Promise<string[]> {
    return this.getAvailableNodes(ctx, request);
  }
  protected _getHostIp(ctx: OperationContext): Promise<string> {
    return this.getHostIp(ctx);
  }
}

/** How long after the caller's deadline a call the server has not ended yet is cancelled from the client. */
const DEADLINE_BACKSTOP_MS = 2_000;
/** setTimeout's longest delay: a deadline further away is left to the server alone. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Run `rpc` with a signal of its own (the caller's abort cancels it at once) and reject with `TimeoutError` at
 * `deadline`; the RPC itself is cancelled only {@link DEADLINE_BACKSTOP_MS} later if it is still running.
 */
function withLocalDeadline<T>(
  op: string,
  deadline: number,
  callerSignal: AbortSignal | undefined,
  rpc: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const local = new AbortController();
  const onAbort = (): void => local.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onAbort();
  else callerSignal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let backstop: NodeJS.Timeout | undefined;
  const pending = rpc(local.signal).finally(() => {
    clearTimeout(timer);
    clearTimeout(backstop);
    callerSignal?.removeEventListener('abort', onAbort);
  });
  const left = deadline - Date.now();
  if (left > MAX_TIMER_MS) return pending;
  return new Promise<T>((resolve, reject) => {
    pending.then(resolve, reject);
    timer = setTimeout(
      () => {
        reject(new TimeoutError(op));
        backstop = setTimeout(() => local.abort(new TimeoutError(op)), DEADLINE_BACKSTOP_MS);
        backstop.unref();
      },
      Math.max(0, left),
    );
    timer.unref();
  });
}

/** A call error that only says the call was cut: no served error, or the served call's own `ABORTED` / `TIMEOUT`. */
function isCancellation(error: unknown): boolean {
  const code = virtkitCodeOf(error);
  return code === undefined || code === 'ABORTED' || code === 'TIMEOUT';
}

type CoreImpl = (d: RemoteDriver, ctx: OperationContext | undefined, request: never) => Promise<unknown>;

const ref = (r: InstanceRequest | undefined) => ({
  instance:
    r?.instance === undefined ? undefined : { uuid: r.instance.uuid, name: (r.instance as { name?: string }).name },
});

/** The core calls, over their typed RPCs. */
const CORE_CALLS: Record<string, CoreImpl> = {
  initHost: (d, ctx, r: HostRequest) =>
    d.coreCall('initHost', ctx, r, async (c, o) => void (await c.initHost({ host: r.host }, o))),
  cleanupHost: (d, ctx, r: HostRequest) =>
    d.coreCall('cleanupHost', ctx, r, async (c, o) => void (await c.cleanupHost({ host: r.host }, o))),
  getInfo: (d, ctx, r: InstanceRequest) =>
    d.coreCall('getInfo', ctx, r, async (c, o) =>
      toInfo((await c.getInfo(ref(r), o)) as unknown as Record<string, unknown>),
    ),
  listInstances: (d, ctx, r) =>
    d.coreCall('listInstances', ctx, r, async (c, o) => (await c.listInstances({}, o)).values),
  listInstanceUuids: (d, ctx, r) =>
    d.coreCall('listInstanceUuids', ctx, r, async (c, o) => (await c.listInstanceUuids({}, o)).values),
  countInstances: (d, ctx, r) =>
    d.coreCall('countInstances', ctx, r, async (c, o) => Number((await c.countInstances({}, o)).value)),
  instanceExists: (d, ctx, r: InstanceRequest) =>
    d.coreCall('instanceExists', ctx, r, async (c, o) => (await c.instanceExists(ref(r), o)).value),
  getAvailableNodes: (d, ctx, r: GetAvailableNodesRequest | undefined) =>
    d.coreCall(
      'getAvailableNodes',
      ctx,
      r,
      async (c, o) => (await c.getAvailableNodes(r?.refresh === undefined ? {} : { refresh: r.refresh }, o)).values,
    ),
  nodeIsAvailable: (d, ctx, r: NodeRequest) =>
    d.coreCall('nodeIsAvailable', ctx, r, async (c, o) => (await c.nodeIsAvailable({ nodename: r.nodename }, o)).value),
  getHostIp: (d, ctx, r) => d.coreCall('getHostIp', ctx, r, async (c, o) => (await c.getHostIp({}, o)).value),
  networkBindingHostId: (d, ctx, r: InstanceRequest) =>
    d.coreCall('networkBindingHostId', ctx, r, async (c, o) => (await c.networkBindingHostId(ref(r), o)).value),
};

function toInfo(wire: Record<string, unknown>): InstanceInfo {
  const info: Record<string, unknown> = { state: wire.state as PowerState };
  for (const key of ['internalId', 'rescued', 'softDeleted', 'maxMemKb', 'memKb', 'numCpu', 'cpuTimeNs']) {
    const v = wire[key];
    if (v !== undefined) info[key] = typeof v === 'bigint' ? Number(v) : v;
  }
  return info as unknown as InstanceInfo;
}

/** The request with each function replaced by `{"$callback": id}` (recorded in `callbacks`); depth-bounded. */
function withoutFunctions(value: unknown, callbacks: Map<string, (...args: unknown[]) => unknown>, depth = 0): unknown {
  if (typeof value === 'function') {
    const id = `cb${callbacks.size + 1}`;
    callbacks.set(id, value as (...args: unknown[]) => unknown);
    return { $callback: id };
  }
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutFunctions(v, callbacks, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withoutFunctions(v, callbacks, depth + 1);
  return out;
}

/** A call's result: its JSON text when the server answered so, else its `google.protobuf.Value`. */
function resultOf(response: CallResponse, method: string): unknown {
  return response.resultJson === undefined
    ? fromValue(response.result)
    : fromJsonText(response.resultJson, method, 'resultJson');
}
