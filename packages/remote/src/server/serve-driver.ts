import { connectNodeAdapter } from '@connectrpc/connect-node';
import { isDriverInstance, type DriverBase } from '@virtkit/core';
import { Health } from '../gen/grpc/health/v1/health_pb.js';
import { ServerReflection } from '../gen/grpc/reflection/v1/reflection_pb.js';
import { reflectionService } from './reflection-service.js';
import { DriverService } from '../gen/virtkit/v1/driver_pb.js';
import { HarnessService } from '../gen/virtkit/v1/harness_pb.js';
import { TokenAuthority, type TokenTable } from './auth.js';
import { CallTracker } from './call-tracker.js';
import { CallbackRegistry } from './callback-registry.js';
import { DEFAULT_HOST, driverService } from './driver-service.js';
import { harnessService, type HarnessOptions } from './harness-service.js';
import { healthService } from './health-service.js';
import { listenHttp, type ServerTlsOptions } from './http-listener.js';
import { isLoopback, parseListenAddress } from './listen-address.js';
import { ServedHost } from './served-host.js';

/** Options of {@link serveDriver}. */
export interface ServeDriverOptions {
  /** `unix:/path/to.sock` (created 0600) or `host:port` (port 0: any free port). */
  listen: string;
  /** Server certificate and key, and the CA client certificates must chain to (mutual TLS). Required off loopback. */
  tls?: ServerTlsOptions;
  /** Bearer tokens and their roles; when set, every call but health checks needs one. */
  tokens?: TokenTable;
  /** Allow plaintext or TLS without client certificates on a non-loopback address. Never in production. */
  insecure?: boolean;
  /** Events a live stream may hold for a slow consumer before it is cut (the client resumes). @defaultValue 1024 */
  subscriberBuffer?: number;
  /**
   * Serve the test harness (fresh hosts, kit fixtures) for `virtkit conformance --driver grpc://...`. Never in
   * production.
   */
  harness?: HarnessOptions;
  /** Dispose the served driver (its `close()`) when the server closes. @defaultValue true */
  disposeDriver?: boolean;
}

/** A running server; {@link RemoteServer.close} shuts it down gracefully. */
export interface RemoteServer {
  /** Where it listens: `unix:<path>` or `host:port` (the real port). */
  readonly address: string;
  /** The target a client passes to `connectDriver` / `loadDriver`: `grpc://...`. */
  readonly target: string;
  /**
   * Stop accepting calls, let in-flight calls finish for `graceMs`, then
   * cancel the rest (their driver `ctx.signal` aborts), end event streams,
   * close connections and dispose the driver.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Serve a driver over gRPC, gRPC-Web and Connect (JSON over HTTP/1.1) at
 * `options.listen`, with the standard gRPC health service.
 *
 * Security: a unix socket or a loopback address may be plaintext; any other
 * address needs `tls` with a client CA (mutual TLS) unless `insecure` is set.
 *
 * @throws TypeError for a bad listen address, or plaintext / no client CA off loopback without `insecure`
 */
export async function serveDriver(driver: DriverBase, options: ServeDriverOptions): Promise<RemoteServer> {
  if (!isDriverInstance(driver))
    throw new TypeError('serveDriver needs a virtkit driver instance (a DriverBase subclass)');
  const address = parseListenAddress(options.listen);
  if (address.kind === 'tcp' && !isLoopback(address.host) && !options.insecure) {
    if (!options.tls)
      throw new TypeError(
        `refusing plaintext on non-loopback address ${options.listen}: ` +
          `give tls (with a client CA for mutual TLS), or insecure: true`,
      );
    if (!options.tls.ca)
      throw new TypeError(
        `refusing TLS without client certificates on non-loopback address ` +
          `${options.listen}: give tls.ca (mutual TLS), or insecure: true`,
      );
  }
  const auth = new TokenAuthority(options.tokens);
  const hosts = new Map<string, ServedHost>();
  const disposeDriver = options.disposeDriver ?? true;
  hosts.set(
    DEFAULT_HOST,
    new ServedHost(DEFAULT_HOST, driver, async () => {
      if (!disposeDriver) return;
      const close = (driver as unknown as { close?: () => unknown }).close;
      if (typeof close === 'function') await close.call(driver);
    }),
  );
  const calls = new CallTracker();
  const shutdown = new AbortController();
  const state = {
    hosts,
    auth,
    calls,
    callbacks: new CallbackRegistry(),
    subscriberBuffer: options.subscriberBuffer ?? 1024,
    shutdown: shutdown.signal,
  };
  const harness = options.harness ? harnessService(state, options.harness) : undefined;
  // `shutdown` ends event and health streams only: in-flight calls are drained (then cancelled) by `calls`,
  // and their responses still get out before the connections close.
  const handler = connectNodeAdapter({
    routes(router) {
      router.service(DriverService, driverService(state));
      router.service(Health, healthService(shutdown.signal));
      if (harness) router.service(HarnessService, harness);
      const served = [DriverService, Health, ServerReflection, ...(harness ? [HarnessService] : [])];
      router.service(
        ServerReflection,
        reflectionService(
          served.map((s) => s.file),
          served.map((s) => s.typeName),
        ),
      );
    },
  });
  const listener = await listenHttp(address, handler, options.tls);
  const scheme = options.tls ? 'grpcs' : 'grpc';
  let closing: Promise<void> | undefined;
  return {
    address: listener.address,
    target: address.kind === 'unix' ? `${scheme}+unix://${address.path}` : `${scheme}://${listener.address}`,
    close({ graceMs = 5000 } = {}) {
      closing ??= (async () => {
        listener.stopAccepting();
        calls.closed = true;
        const drained = await calls.drain(graceMs);
        if (!drained) calls.cancelAll(new Error('the server is shutting down'));
        await calls.drain(1000);
        shutdown.abort(new Error('the server is shutting down'));
        await listener.closeConnections(1000);
        await listener.closed();
        await harness?.closeAll();
        for (const host of hosts.values()) {
          host.detach();
          await host.dispose();
        }
        hosts.clear();
      })();
      return closing;
    },
  };
}
