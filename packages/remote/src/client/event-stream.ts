import type { Client } from '@connectrpc/connect';
import type { LifecycleEvent, LifecycleTransition, PowerState } from '@virtkit/core';
import type { DriverService, LifecycleEvent as WireEvent } from '../gen/virtkit/v1/driver_pb.js';
import { EventsLostError } from '../wire/remote-errors.js';

/** A lifecycle event received from a served driver: core's event, `host` and (for moves) `peerHost` included. */
export type RemoteLifecycleEvent = LifecycleEvent;

/** Listeners of a remote driver's events. */
export interface RemoteDriverEvents {
  lifecycle: (event: RemoteLifecycleEvent) => void;
  listenerError: (error: unknown, event: string) => void;
  /** Events were lost: the client was away longer than the server's replay window. */
  eventsLost: (error: EventsLostError) => void;
}

/** Any listener; each event's arguments are its own (see {@link RemoteDriverEvents}). */
type Listener = (...args: never[]) => void;

/**
 * The client side of WatchEvents: opened while there are lifecycle listeners,
 * delivering events in sequence order, reconnecting after a broken stream
 * and resuming from the last sequence seen (no event lost within the
 * server's replay window, none delivered twice).
 */
export class RemoteEventStream {
  readonly #listeners = new Map<string, Map<Listener, { once: boolean }>>();
  #lastSeen = 0;
  /** Highest sequence the server reported (Describe, response headers): where a new subscription starts. */
  #serverSeen = 0;
  #abort: AbortController | undefined;
  #closed = false;
  #waiters: { seq: number; resolve: () => void }[] = [];
  #epoch: string;

  constructor(
    readonly client: Client<typeof DriverService>,
    readonly headers: () => Record<string, string>,
    initialSequence: number,
    epoch: string,
    /**
     * The host an event names when the server's core predates `host` (the served host's name as this client knows it).
     */
    readonly fallbackHost: string = 'unknown',
  ) {
    this.#serverSeen = initialSequence;
    this.#epoch = epoch;
  }

  /** The last sequence delivered to listeners. */
  get lastSequence(): number {
    return this.#lastSeen;
  }

  on(event: string, listener: Listener, once = false): void {
    let byEvent = this.#listeners.get(event);
    if (!byEvent) this.#listeners.set(event, (byEvent = new Map<Listener, { once: boolean }>()));
    if (byEvent.has(listener)) return;
    byEvent.set(listener, { once });
    if (event === 'lifecycle' && !this.#abort && !this.#closed) this.#start();
  }

  off(event: string, listener: Listener): void {
    this.#listeners.get(event)?.delete(listener);
    if (event === 'lifecycle' && this.#count('lifecycle') === 0) this.#stop();
  }

  /** A call finished at server sequence `seq`: note it, and when listening wait (bounded) until its events arrived. */
  async catchUp(seq: number): Promise<void> {
    if (seq > this.#serverSeen) this.#serverSeen = seq;
    if (!this.#abort || this.#lastSeen >= seq) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 2000);
      timer.unref?.();
      const waiter = { seq, resolve: done };
      this.#waiters.push(waiter);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  close(): void {
    this.#closed = true;
    this.#stop();
    this.#listeners.clear();
  }

  #count(event: string): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  #stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  #start(): void {
    const abort = new AbortController();
    this.#abort = abort;
    if (this.#lastSeen < this.#serverSeen) this.#lastSeen = this.#serverSeen;
    void this.#run(abort.signal);
  }

  async #run(signal: AbortSignal): Promise<void> {
    let backoff = 50;
    while (!signal.aborted) {
      try {
        const stream = this.client.watchEvents(
          { fromSequence: BigInt(this.#lastSeen + 1), epoch: this.#epoch },
          { signal, headers: this.headers() },
        );
        for await (const message of stream) {
          backoff = 50;
          if (message.kind.case === 'event') this.#deliver(message.kind.value);
          else if (message.kind.case === 'gap') {
            const { requestedFrom, oldestAvailable, epoch } = message.kind.value;
            if (epoch && epoch !== this.#epoch) {
              // The server's history started anew (a restarted process): sequences restart from what it kept.
              this.#epoch = epoch;
              this.#lastSeen = 0;
              this.#serverSeen = 0;
            }
            this.#emit('eventsLost', new EventsLostError(Number(requestedFrom), Number(oldestAvailable)));
          } else if (message.kind.case === 'subscribed' && message.kind.value.epoch) {
            this.#epoch = message.kind.value.epoch;
          }
        }
      } catch {
        // A broken stream (server restart, slow-consumer cut): resume from the last sequence seen.
      }
      if (signal.aborted) return;
      await new Promise((r) => setTimeout(r, backoff).unref?.());
      backoff = Math.min(backoff * 2, 2000);
    }
  }

  #deliver(wire: WireEvent): void {
    const sequence = Number(wire.sequence);
    if (sequence <= this.#lastSeen) return;
    this.#lastSeen = sequence;
    if (sequence > this.#serverSeen) this.#serverSeen = sequence;
    // The same shape as core's events: every field, `peerHost` only when the server sent one.
    const event: Record<string, unknown> = {
      sequence,
      instanceUuid: wire.instanceUuid,
      transition: wire.transitionName as LifecycleTransition,
      state: wire.state as unknown as PowerState,
      previousState: (wire.previous.case === 'previousState' ? wire.previous.value : undefined) as unknown as
        PowerState | undefined,
      timestamp: Number(wire.timestampMs),
      host: wire.host ?? this.fallbackHost,
    };
    if (wire.peerHost !== undefined) event.peerHost = wire.peerHost;
    this.#emit('lifecycle', Object.freeze(event));
    this.#waiters = this.#waiters.filter((w) => (w.seq <= this.#lastSeen ? (w.resolve(), false) : true));
  }

  #emit(event: string, ...args: unknown[]): void {
    const byEvent = this.#listeners.get(event);
    if (!byEvent) return;
    for (const [listener, { once }] of [...byEvent]) {
      if (once) byEvent.delete(listener);
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        if (event !== 'listenerError') this.#emit('listenerError', error, event);
      }
    }
    if (event === 'lifecycle' && this.#count('lifecycle') === 0) this.#stop();
  }
}
