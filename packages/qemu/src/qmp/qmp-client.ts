import EventEmitter from 'eventemitter3';
import type { Socket } from 'node:net';
import { connectUnixSocket } from './connect-unix-socket.js';
import { LineSplitter } from './line-splitter.js';
import { QmpClosedError, QmpCommandError } from './qmp-errors.js';
import type { QmpClientEvents, QmpConnectOptions, QmpEvent, QmpExecuteOptions, QmpGreeting } from './qmp-types.js';
import { createWaiter, type Waiter } from './waiter.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_INTERVAL_MS = 20;
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

interface PendingCommand {
  command: string;
  waiter: Waiter<unknown>;
}

/**
 * A client for the QEMU Machine Protocol over a unix socket
 * (`-qmp unix:PATH,server=on,wait=off`).
 *
 * Every command carries an `id`, and answers are matched by it, so answers may
 * arrive in any order. Events are emitted as `event`; the connection's end as
 * `close` (once). Listeners must not throw: they run inside the socket's data handler.
 *
 * @example
 * ```ts
 * const qmp = await QmpClient.connect('/run/vm1/qmp.sock');
 * const { status } = await qmp.execute<{ status: string }>('query-status');
 * const shutdown = qmp.waitForEvent('SHUTDOWN', undefined, 20_000);
 * await qmp.execute('system_powerdown');
 * await shutdown;
 * await qmp.close();
 * ```
 */
export class QmpClient extends EventEmitter<QmpClientEvents> {
  #socket: Socket;
  #splitter = new LineSplitter();
  #pending = new Map<number, PendingCommand>();
  #eventWaiters = new Set<Waiter<never>>();
  #greetingWaiter: Waiter<QmpGreeting> | undefined;
  #greeting: QmpGreeting | undefined;
  #nextId = 1;
  #commandTimeoutMs: number;
  #closeReason: QmpClosedError | undefined;
  #socketError: Error | undefined;
  #socketClosed: Promise<void>;

  private constructor(socket: Socket, commandTimeoutMs: number) {
    super();
    this.#socket = socket;
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => (this.#socketError ??= error));
    socket.on('close', () =>
      this.#teardown(new QmpClosedError('QMP connection closed by peer', { cause: this.#socketError })),
    );
  }

  /**
   * Connects, reads the greeting and negotiates capabilities (`qmp_capabilities`).
   * Retries while the socket is missing or refuses, until `timeoutMs`.
   * @throws `TIMEOUT` when the socket does not answer and negotiate in time.
   * @throws `QMP_CLOSED` when the peer closes during the handshake or the socket cannot be used.
   * @throws `ABORTED` when `options.signal` fires.
   */
  static async connect(path: string, options: QmpConnectOptions = {}): Promise<QmpClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const socket = await connectUnixSocket(path, {
      timeoutMs,
      retryIntervalMs: options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS,
      signal: options.signal,
    });
    const client = new QmpClient(socket, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    try {
      await client.#handshake(deadline, options.signal);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** QEMU's greeting: version and offered capabilities. */
  get greeting(): QmpGreeting {
    return this.#greeting as QmpGreeting;
  }

  /** True once the connection closed or `close()` was called. */
  get closed(): boolean {
    return this.#closeReason !== undefined;
  }

  /** Commands sent and not yet answered, timed out or aborted. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Runs a QMP command and resolves with its `return` value.
   * A timeout or abort only stops the wait: QEMU may still run the command.
   * @throws `QMP_ERROR` ({@link QmpCommandError}, with `class` and `desc`) when QEMU rejects it.
   * @throws `TIMEOUT` when no answer arrives within `timeoutMs`.
   * @throws `ABORTED` when `signal` fires first (nothing is sent if it already fired).
   * @throws `QMP_CLOSED` when the connection is or becomes closed before the answer.
   */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, options: QmpExecuteOptions = {}): Promise<T> {
    if (this.#closeReason) return Promise.reject(this.#closedError(command));
    const id = this.#nextId++;
    const waiter = createWaiter<unknown>({
      operation: command,
      timeoutMs: options.timeoutMs ?? this.#commandTimeoutMs,
      signal: options.signal,
      onSettle: () => this.#pending.delete(id),
    });
    if (!waiter.settled) {
      this.#pending.set(id, { command, waiter });
      const message = args === undefined ? { execute: command, id } : { execute: command, arguments: args, id };
      this.#socket.write(JSON.stringify(message) + '\n');
    }
    return waiter.promise as Promise<T>;
  }

  /**
   * Resolves with the next event named `name` that satisfies `predicate`.
   * Only events arriving after the call count: call it before the command that triggers the event.
   * @param options - a timeout in ms, or `{ timeoutMs, signal }`. @defaultValue the client's `commandTimeoutMs`
   * @throws `TIMEOUT`, `ABORTED`, `QMP_CLOSED`; or whatever `predicate` throws.
   */
  waitForEvent<TData = Record<string, unknown>>(
    name: string,
    predicate?: (event: QmpEvent<TData>) => boolean,
    options: number | QmpExecuteOptions = {},
  ): Promise<QmpEvent<TData>> {
    const operation = `event:${name}`;
    if (this.#closeReason) return Promise.reject(this.#closedError(operation));
    const { timeoutMs = this.#commandTimeoutMs, signal } =
      typeof options === 'number' ? { timeoutMs: options } : options;
    const listener = (event: QmpEvent): void => {
      if (event.event !== name) return;
      try {
        if (!predicate || predicate(event as QmpEvent<TData>)) waiter.resolve(event as QmpEvent<TData>);
      } catch (error) {
        waiter.reject(error as Error);
      }
    };
    const waiter: Waiter<QmpEvent<TData>> = createWaiter({
      operation,
      timeoutMs,
      signal,
      onSettle: () => {
        this.off('event', listener);
        this.#eventWaiters.delete(waiter as Waiter<never>);
      },
    });
    if (!waiter.settled) {
      this.on('event', listener);
      this.#eventWaiters.add(waiter as Waiter<never>);
    }
    return waiter.promise;
  }

  /**
   * Closes the connection. Pending commands and event waits reject with `QMP_CLOSED`.
   * Idempotent: every call resolves once the socket has closed.
   */
  close(): Promise<void> {
    this.#teardown(new QmpClosedError('QMP connection closed by client'));
    if (!this.#socket.destroyed) {
      this.#socket.end();
      // a peer that never answers the FIN must not keep us open
      setTimeout(() => this.#socket.destroy(), 1000).unref();
    }
    return this.#socketClosed;
  }

  async #handshake(deadline: number, signal: AbortSignal | undefined): Promise<void> {
    if (!this.#greeting) {
      this.#greetingWaiter = createWaiter<QmpGreeting>({
        operation: 'greeting',
        timeoutMs: Math.max(1, deadline - Date.now()),
        signal,
        onSettle: () => (this.#greetingWaiter = undefined),
      });
      await this.#greetingWaiter.promise;
    }
    await this.execute('qmp_capabilities', undefined, { timeoutMs: Math.max(1, deadline - Date.now()), signal });
  }

  #onData(chunk: Buffer): void {
    for (const line of this.#splitter.push(chunk)) {
      // a listener may have closed the client mid-chunk; the rest has no one to go to
      if (this.#closeReason) return;
      this.#onLine(line);
    }
  }

  #onLine(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
      if (typeof message !== 'object' || message === null || Array.isArray(message))
        throw new TypeError('not a JSON object');
    } catch (error) {
      this.emit('protocol-error', error as Error, line);
      return;
    }
    if ('QMP' in message) {
      this.#greeting = message.QMP as QmpGreeting;
      this.#greetingWaiter?.resolve(this.#greeting);
    } else if (typeof message.event === 'string') {
      const data = (message.data ?? {}) as Record<string, unknown>;
      this.emit('event', { event: message.event, data, timestamp: message.timestamp as QmpEvent['timestamp'] });
    } else if ('return' in message || 'error' in message) {
      this.#onResponse(message, line);
    } else {
      this.emit('protocol-error', new TypeError('unknown QMP message'), line);
    }
  }

  #onResponse(message: Record<string, unknown>, line: string): void {
    const pending = typeof message.id === 'number' ? this.#pending.get(message.id) : undefined;
    if (!pending) {
      // late answer of a command that timed out or was aborted, or an answer without id
      this.emit('protocol-error', new TypeError('QMP response matches no pending command'), line);
      return;
    }
    if ('error' in message) {
      const error = (message.error ?? {}) as { class?: string; desc?: string };
      pending.waiter.reject(new QmpCommandError(pending.command, error.class ?? 'GenericError', error.desc ?? ''));
    } else {
      pending.waiter.resolve(message.return);
    }
  }

  #teardown(reason: QmpClosedError): void {
    if (this.#closeReason) return;
    this.#closeReason = reason;
    this.#greetingWaiter?.reject(this.#closedError('greeting'));
    for (const { command, waiter } of [...this.#pending.values()]) waiter.reject(this.#closedError(command));
    for (const waiter of [...this.#eventWaiters]) waiter.reject(reason);
    this.emit('close', reason);
  }

  #closedError(operation: string): QmpClosedError {
    return new QmpClosedError(`QMP connection closed before '${operation}' completed`, { cause: this.#closeReason });
  }
}
