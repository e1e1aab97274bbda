import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import * as core from '@virtkit/core';
import {
  CAPABILITY_METHODS,
  ContractMismatchError,
  ValidationError,
  type DriverBase,
  type OperationContext,
} from '@virtkit/core';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { InstanceInfo } from '@virtkit/core';
import {
  InstanceInfoSchema,
  LifecycleEventSchema,
  WatchEventsResponseSchema,
  DriverService,
  FeatureState,
  PowerState as WirePowerState,
  Transition,
  type CallRequest,
} from '../gen/virtkit/v1/driver_pb.js';
import {
  EVENT_SEQUENCE_HEADER,
  HOST_HEADER,
  OPERATION_HEADER,
  REMOTE_VERSION,
  REQUEST_ID_HEADER,
} from '../wire/headers.js';
import { CORE_CALL_NAMES } from '../wire/core-calls.js';
import { rebuild, toConnectError } from '../wire/error-codec.js';
import { decodeInOut, resultWithInOut } from '../wire/provider-tree-transfer.js';
import { CallbackRegistry, withCallbacks } from './callback-registry.js';
import { fromJsonText, fromValue, JSON_TEXT_FEATURE, toJsonText, toValue } from '../wire/json-value.js';
import { redactJson, secretsOf } from '../wire/secrets.js';
import { CONSOLE_CALLS, READ_ONLY_CALLS, requireRole, type Role, type TokenAuthority } from './auth.js';
import { isDeadline, type CallTracker } from './call-tracker.js';
import type { ServedHost } from './served-host.js';
import type { JsonValue } from '@bufbuild/protobuf';
import type { Value } from '@bufbuild/protobuf/wkt';

/** What the service handlers need from the server. */
export interface ServiceState {
  readonly hosts: ReadonlyMap<string, ServedHost>;
  readonly auth: TokenAuthority;
  readonly calls: CallTracker;
  /** Events a live stream may hold for a slow consumer before it is cut (it then resumes from the replay window). */
  readonly subscriberBuffer: number;
  /** Callbacks of calls in flight, run by their clients. */
  readonly callbacks: CallbackRegistry;
  /** Aborts when the server shuts down: streams end. */
  readonly shutdown: AbortSignal;
}

/** The host id of the driver `serveDriver` was given. */
export const DEFAULT_HOST = 'default';

/** Every public call of the contract, by TypeScript name. */
export const CONTRACT_CALLS: ReadonlySet<string> = new Set([
  ...CORE_CALL_NAMES,
  ...Object.values(CAPABILITY_METHODS).flat(),
]);

const FEATURE_STATES: Record<string, FeatureState> = {
  supported: FeatureState.SUPPORTED,
  unsupported: FeatureState.UNSUPPORTED,
  unknown: FeatureState.UNKNOWN,
};

/** The DriverService implementation over the server's hosts. */
export function driverService(state: ServiceState): ServiceImpl<typeof DriverService> {
  /** Authorize, find the host, run the call with a tracked signal, map errors; record the event sequence reached. */
  async function serve<T>(
    context: HandlerContext,
    op: string,
    needed: Role,
    request: unknown,
    body: (driver: DriverBase, ctx: OperationContext, role: Role) => Promise<T>,
  ): Promise<T> {
    let host: ServedHost | undefined;
    try {
      const role = state.auth.roleOf(context.requestHeader);
      requireRole(role, needed, op);
      host = hostOf(state, context);
      const h = host;
      // A call made from inside a callback of a served call runs as part of it, as in process (see OPERATION_HEADER).
      const operation = state.callbacks.inOperation ? context.requestHeader.get(OPERATION_HEADER) : null;
      return await state.callbacks.runInOperation(operation, () =>
        state.calls.run(context.signal, (signal) => body(h.driver, contextFor(context, signal), role), op),
      );
    } catch (error) {
      if (error instanceof ConnectError) throw error;
      // A call the shutdown cancelled did not fail on its own: the server became unavailable.
      if (state.shutdown.aborted || state.calls.cancelled)
        throw new ConnectError('the server is shutting down', Code.Unavailable);
      throw toConnectError(error, secretsOf(request));
    } finally {
      if (host) context.responseHeader.set(EVENT_SEQUENCE_HEADER, String(host.replay.lastSequence));
    }
  }

  const read = (op: string) => (READ_ONLY_CALLS.has(op) ? 'read-only' : 'admin') as Role;

  return {
    async describe(req, context) {
      return serve(context, 'describe', 'read-only', req, async (driver, _ctx, role) => {
        const map = driver.capabilities;
        const client = req.clientContractVersion;
        if (client && major(client) !== major(map.contractVersion)) {
          throw new ContractMismatchError(client, map.contractVersion);
        }
        const host = hostOf(state, context);
        return {
          driverName: map.driver.name,
          driverVersion: map.driver.version,
          contractVersion: map.contractVersion,
          capabilities: { ...map.capabilities },
          features: Object.fromEntries(
            Object.entries(map.features).map(([k, v]) => [k, FEATURE_STATES[v] ?? FeatureState.UNSPECIFIED]),
          ),
          imageTypes: [...map.imageTypes],
          serverVersion: REMOTE_VERSION,
          lastEventSequence: BigInt(host.replay.lastSequence),
          eventReplayWindow: BigInt(host.replay.capacity),
          role,
          eventEpoch: host.replay.epoch,
          hostName: core.driverHostName(driver),
          wireFeatures: [JSON_TEXT_FEATURE],
        };
      });
    },
    async initHost(req, context) {
      return serve(
        context,
        'initHost',
        'admin',
        req,
        async (d, ctx) => (await d.initHost(ctx, { host: req.host }), {}),
      );
    },
    async cleanupHost(req, context) {
      return serve(
        context,
        'cleanupHost',
        'admin',
        req,
        async (d, ctx) => (await d.cleanupHost(ctx, { host: req.host }), {}),
      );
    },
    async getInfo(req, context) {
      return serve(context, 'getInfo', 'read-only', req, async (d, ctx) => {
        const info = await d.getInfo(ctx, { instance: instanceOf(req.instance) } as never);
        return toWireInfo(info);
      });
    },
    async listInstances(req, context) {
      return serve(context, 'listInstances', 'read-only', req, async (d, ctx) => ({
        values: await d.listInstances(ctx),
      }));
    },
    async listInstanceUuids(req, context) {
      return serve(context, 'listInstanceUuids', 'read-only', req, async (d, ctx) => ({
        values: await d.listInstanceUuids(ctx),
      }));
    },
    async countInstances(req, context) {
      return serve(context, 'countInstances', 'read-only', req, async (d, ctx) => ({
        value: BigInt(await d.countInstances(ctx)),
      }));
    },
    async instanceExists(req, context) {
      return serve(context, 'instanceExists', 'read-only', req, async (d, ctx) => ({
        value: await d.instanceExists(ctx, { instance: instanceOf(req.instance) } as never),
      }));
    },
    async getAvailableNodes(req, context) {
      return serve(context, 'getAvailableNodes', 'read-only', req, async (d, ctx) => ({
        values: await d.getAvailableNodes(ctx, req.refresh === undefined ? {} : { refresh: req.refresh }),
      }));
    },
    async nodeIsAvailable(req, context) {
      return serve(context, 'nodeIsAvailable', 'read-only', req, async (d, ctx) => ({
        value: await d.nodeIsAvailable(ctx, { nodename: req.nodename }),
      }));
    },
    async getHostIp(req, context) {
      return serve(context, 'getHostIp', 'read-only', req, async (d, ctx) => ({ value: await d.getHostIp(ctx) }));
    },
    async networkBindingHostId(req, context) {
      return serve(context, 'networkBindingHostId', 'read-only', req, async (d, ctx) => ({
        value: await d.networkBindingHostId(ctx, { instance: instanceOf(req.instance) } as never),
      }));
    },
    async call(req, context) {
      const request = requestOf(req);
      return serve(context, req.method, read(req.method), request, async (d, ctx, role) => {
        const result = resultWithInOut(
          request,
          filterResult(req.method, role, await invoke(d, req.method, ctx, request)),
        );
        return responseOf(result, req.requestJson !== undefined);
      });
    },
    async *callWithProgress(req, context) {
      type Update =
        { progress: JsonValue } | { callback: { id: string; invocation: number; args: unknown[]; operation: string } };
      const updates = new AsyncQueue<Update>(Number.POSITIVE_INFINITY);
      let invocations = 0;
      // A client that sent the request as JSON text reads the progress and the result as JSON text too.
      const text = req.requestJson !== undefined;
      const tracked = req.callId ? state.callbacks.open(req.callId) : undefined;
      const request = withCallbacks(requestOf(req), (id) => async (...args: unknown[]) => {
        if (!tracked)
          throw new ValidationError(req.method, [
            { path: 'callId', messages: ['a request with callbacks needs a call id'] },
          ]);
        const invocation = ++invocations;
        const answer = tracked.wait(invocation);
        // Here, the served driver is calling the callback: the operation keeps this async context for the calls the
        // client makes while it runs the callback.
        const operation = state.callbacks.enterOperation();
        updates.push({ callback: { id, invocation, args, operation: operation.id } });
        return answer.finally(() => operation.leave());
      });
      const pending = serve(context, req.method, read(req.method), request, async (d, ctx, role) => {
        const withProgress: OperationContext = {
          ...ctx,
          onProgress: (p) => updates.push({ progress: JSON.parse(JSON.stringify(p)) as JsonValue }),
        };
        return resultWithInOut(
          request,
          filterResult(req.method, role, await invoke(d, req.method, withProgress, request)),
        );
      }).finally(() => tracked?.end());
      let settled = false;
      const done = pending.finally(() => {
        settled = true;
        updates.wake();
      });
      done.catch(() => {});
      // The caller went away (cancelled, or its connection closed): its stream is gone, so nothing more is written to
      // it. A message yielded now would be written to a destroyed HTTP/2 stream (ERR_HTTP2_INVALID_STREAM, which
      // Connect logs as a failed handler). The served call itself was told through its signal (the call tracker). At
      // the RPC deadline the stream is still there: the served driver's own TIMEOUT is still sent.
      const callerGone = (): boolean => context.signal.aborted && !isDeadline(context.signal.reason);
      const gone = (): void => updates.wake();
      context.signal.addEventListener('abort', gone, { once: true });
      try {
        while ((!settled || updates.length > 0) && !callerGone()) {
          const next = await updates.take();
          if (next === undefined || callerGone()) continue;
          const u = next.value;
          if ('progress' in u)
            yield text
              ? { kind: { case: 'progressJson', value: toJsonText(u.progress) } }
              : { kind: { case: 'progress', value: toValue(u.progress)! } };
          else
            yield {
              kind: {
                case: 'callback',
                value: {
                  callbackId: u.callback.id,
                  invocation: BigInt(u.callback.invocation),
                  args: u.callback.args.map((a) => toValue(a ?? null)!),
                  operationId: u.callback.operation,
                },
              },
            };
        }
      } finally {
        context.signal.removeEventListener('abort', gone);
      }
      if (callerGone()) throw new ConnectError('the caller cancelled the call', Code.Canceled);
      const result = await pending;
      yield { kind: { case: 'result', value: responseOf(result, text) } };
    },
    async completeCallback(req, context) {
      try {
        state.auth.roleOf(context.requestHeader);
        const error = req.error?.code
          ? rebuild(
              req.error.code,
              req.error.name,
              req.error.message,
              (req.error.data ?? {}) as Record<string, unknown>,
            )
          : undefined;
        const done = state.callbacks.complete(
          req.callId,
          Number(req.invocation),
          error ? { error } : { value: fromValue(req.result) },
        );
        if (!done) throw new core.NotFoundError('callback invocation', `${req.callId}#${req.invocation}`);
        return {};
      } catch (error) {
        throw toConnectError(error);
      }
    },
    async *watchEvents(req, context) {
      let host: ServedHost;
      try {
        requireRole(state.auth.roleOf(context.requestHeader), 'read-only', 'watchEvents');
        host = hostOf(state, context);
      } catch (error) {
        throw toConnectError(error);
      }
      const live = new AsyncQueue<core.LifecycleEvent>(state.subscriberBuffer);
      const unsubscribe = host.subscribe({ push: (e) => live.push(e) });
      const stop = (): void => live.wake();
      context.signal.addEventListener('abort', stop);
      state.shutdown.addEventListener('abort', stop);
      try {
        let lastSent = 0;
        if (req.fromSequence !== undefined) {
          let from = Number(req.fromSequence);
          if (req.epoch && req.epoch !== host.replay.epoch) {
            // Another history: the caller's sequence means nothing here; say so and replay all that is kept.
            yield {
              kind: {
                case: 'gap',
                value: { requestedFrom: BigInt(from), oldestAvailable: 0n, epoch: host.replay.epoch },
              },
            };
            from = 1;
          }
          const replay = host.replay.since(from);
          if (replay.gapUntil !== undefined) {
            yield gap(from, replay.gapUntil);
          }
          for (const e of replay.events) {
            // The caller went away mid-replay: its stream is gone (see the progress stream's note).
            if (context.signal.aborted) return;
            yield { kind: { case: 'event', value: toWireEvent(e) } };
            lastSent = e.sequence;
          }
        }
        yield {
          kind: {
            case: 'subscribed',
            value: { lastSequence: BigInt(host.replay.lastSequence), epoch: host.replay.epoch },
          },
        };
        while (!context.signal.aborted && !state.shutdown.aborted) {
          const next = await live.take();
          // Woken because the caller went away: an event queued meanwhile is not written to its destroyed stream.
          if (context.signal.aborted) break;
          if (live.overflowed) {
            // Slow consumer: cut the stream instead of buffering without bound or blocking the driver;
            // the client resumes from its last sequence through the replay window.
            throw new ConnectError(
              `event stream consumer too slow (more than ${state.subscriberBuffer} ` +
                `events pending); resume from the last sequence seen`,
              Code.ResourceExhausted,
            );
          }
          if (next === undefined) continue;
          if (next.value.sequence <= lastSent) continue;
          lastSent = next.value.sequence;
          yield { kind: { case: 'event', value: toWireEvent(next.value) } };
        }
      } finally {
        unsubscribe();
        context.signal.removeEventListener('abort', stop);
        state.shutdown.removeEventListener('abort', stop);
      }
    },
  };
}

function gap(from: number, until: number): MessageInitShape<typeof WatchEventsResponseSchema> {
  return { kind: { case: 'gap', value: { requestedFrom: BigInt(from), oldestAvailable: BigInt(until) } } };
}

/** The host a request is for (`virtkit-host` header), or NOT_FOUND. */
export function hostOf(state: ServiceState, context: HandlerContext): ServedHost {
  const id = context.requestHeader.get(HOST_HEADER) ?? DEFAULT_HOST;
  const host = state.hosts.get(id);
  if (!host) throw new core.NotFoundError('host', id);
  return host;
}

function contextFor(context: HandlerContext, signal: AbortSignal): OperationContext {
  const timeout = context.timeoutMs();
  const requestId = context.requestHeader.get(REQUEST_ID_HEADER) ?? undefined;
  const ctx: { signal: AbortSignal; deadline?: number; requestId?: string } = { signal };
  if (timeout !== undefined) ctx.deadline = Date.now() + timeout;
  if (requestId !== undefined) ctx.requestId = requestId;
  return ctx;
}

function instanceOf(ref: { uuid: string; name?: string } | undefined): Record<string, unknown> | undefined {
  if (!ref) return undefined;
  return ref.name === undefined ? { uuid: ref.uuid } : { uuid: ref.uuid, name: ref.name };
}

/** Run a contract call by name; anything that is not one is refused before the driver is touched. */
async function invoke(driver: DriverBase, method: string, ctx: OperationContext, request: unknown): Promise<unknown> {
  if (!CONTRACT_CALLS.has(method)) {
    throw new ValidationError('call', [
      { path: 'method', messages: [`'${method}' is not a call of the virtkit contract`] },
    ]);
  }
  return (driver as unknown as Record<string, (c: OperationContext, r: unknown) => Promise<unknown>>)[method]!(
    ctx,
    request,
  );
}

/** Read-only callers get console metadata without its secrets (passwords, tokens). */
function filterResult(method: string, role: Role, result: unknown): unknown {
  if (role === 'admin' || !CONSOLE_CALLS.has(method) || result === undefined) return result;
  return redactJson(JSON.parse(JSON.stringify(result)) as JsonValue, []);
}

const TRANSITIONS: Record<string, Transition> = {
  STARTED: Transition.STARTED,
  STOPPED: Transition.STOPPED,
  PAUSED: Transition.PAUSED,
  RESUMED: Transition.RESUMED,
  SUSPENDED: Transition.SUSPENDED,
  POSTCOPY_STARTED: Transition.POSTCOPY_STARTED,
  MIGRATION_COMPLETED: Transition.MIGRATION_COMPLETED,
  MIGRATED_AWAY: Transition.MIGRATED_AWAY,
  MIGRATED_IN: Transition.MIGRATED_IN,
  DELETED: Transition.DELETED,
};

/** A core lifecycle event on the wire: `host` always (core requires it), `peerHost` when the event has one. */
export function toWireEvent(e: core.LifecycleEvent): MessageInitShape<typeof LifecycleEventSchema> {
  const out: Record<string, unknown> = {
    sequence: BigInt(e.sequence),
    instanceUuid: e.instanceUuid,
    transition: TRANSITIONS[e.transition] ?? Transition.UNSPECIFIED,
    transitionName: e.transition,
    state: e.state,
    timestampMs: BigInt(e.timestamp),
  };
  if (e.previousState !== undefined) out.previous = { case: 'previousState', value: e.previousState };
  out.host = e.host;
  if (typeof e.peerHost === 'string') out.peerHost = e.peerHost;
  return out as MessageInitShape<typeof LifecycleEventSchema>;
}

function toWireInfo(info: InstanceInfo): MessageInitShape<typeof InstanceInfoSchema> {
  const out: MessageInitShape<typeof InstanceInfoSchema> = { state: info.state as unknown as WirePowerState };
  if (info.internalId !== undefined) out.internalId = info.internalId;
  if (info.rescued !== undefined) out.rescued = info.rescued;
  if (info.softDeleted !== undefined) out.softDeleted = info.softDeleted;
  if (info.maxMemKb !== undefined) out.maxMemKb = BigInt(Math.trunc(info.maxMemKb));
  if (info.memKb !== undefined) out.memKb = BigInt(Math.trunc(info.memKb));
  if (info.numCpu !== undefined) out.numCpu = BigInt(Math.trunc(info.numCpu));
  if (info.cpuTimeNs !== undefined) out.cpuTimeNs = BigInt(Math.trunc(info.cpuTimeNs));
  return out;
}

function major(version: string): string {
  return /^\D*(\d+)/.exec(version)?.[1] ?? version;
}

/**
 * A queue between a synchronous producer (the driver's event emit, progress
 * callbacks) and an async consumer. Pushing never blocks: past `limit` items
 * the queue is marked overflowed and stops taking items.
 */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  #waiter: (() => void) | undefined;
  overflowed = false;
  constructor(readonly limit: number) {}
  get length(): number {
    return this.#items.length;
  }
  push(item: T): void {
    if (this.overflowed) return;
    if (this.#items.length >= this.limit) {
      this.overflowed = true;
    } else {
      this.#items.push(item);
    }
    this.wake();
  }
  /** Wake a waiting consumer without an item (it re-checks its stop conditions). */
  wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }
  /** The next item, or undefined when woken without one. */
  async take(): Promise<{ value: T } | undefined> {
    if (this.#items.length > 0 || this.overflowed)
      return this.#items.length > 0 && !this.overflowed ? { value: this.#items.shift()! } : undefined;
    await new Promise<void>((resolve) => (this.#waiter = resolve));
    return this.#items.length > 0 && !this.overflowed ? { value: this.#items.shift()! } : undefined;
  }
}

/** A call's result in the form its request came in: JSON text (`result_json`) or a `google.protobuf.Value`. */
function responseOf(result: unknown, text: boolean): { result: Value | undefined } | { resultJson: string } {
  return text ? { resultJson: toJsonText(result) } : { result: toValue(result) };
}

/**
 * The request of a `Call` / `CallWithProgress`, from its JSON text when the client sent it so (a client that read
 * "json-text" in Describe), else from its `google.protobuf.Value`.
 * @throws `VALIDATION_FAILED` (as a ConnectError) when `request_json` is not JSON
 */
function requestOf(req: CallRequest): unknown {
  try {
    return decodeInOut(
      req.requestJson === undefined ? fromValue(req.request) : fromJsonText(req.requestJson, req.method, 'requestJson'),
    );
  } catch (error) {
    throw toConnectError(error);
  }
}
