import type * as http2 from 'node:http2';
import * as net from 'node:net';
import type { Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import type { RemoteTarget } from './target.js';

/** Client TLS: the CA the server certificate must chain to, and this client's certificate and key (mutual TLS). */
export interface ClientTlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Name to check the server certificate against. @defaultValue the target host */
  servername?: string;
}

/** Which protocol the client speaks: gRPC over HTTP/2 (default) or Connect JSON over HTTP/1.1. */
export type WireProtocol = 'grpc' | 'connect-json';

/** A transport and the way to close its connection. */
export interface ClientTransport {
  readonly transport: Transport;
  /** The protocol it speaks (which header carries a call's timeout). */
  readonly protocol: WireProtocol;
  close(): void;
}

/**
 * The request header that gives the server a call's timeout, set by the client itself rather than through
 * Connect's `timeoutMs` (which would also cancel the call on this side at the same instant; see `RemoteDriver`).
 * gRPC's `grpc-timeout` holds at most 8 digits: longer timeouts go in coarser units, rounded up.
 */
export function timeoutHeader(protocol: WireProtocol, ms: number): [name: string, value: string] {
  const whole = Math.max(1, Math.ceil(ms));
  if (protocol === 'connect-json') return ['connect-timeout-ms', String(Math.min(whole, 9_999_999_999))];
  if (whole <= 99_999_999) return ['grpc-timeout', `${whole}m`];
  if (whole <= 99_999_999_000) return ['grpc-timeout', `${Math.ceil(whole / 1000)}S`];
  return ['grpc-timeout', `${Math.min(99_999_999, Math.ceil(whole / 3_600_000))}H`];
}

/** A Connect transport to the target, over one HTTP/2 connection that reconnects by itself when lost. */
export function createTransport(target: RemoteTarget, protocol: WireProtocol, tls?: ClientTlsOptions): ClientTransport {
  const baseUrl =
    target.kind === 'unix'
      ? 'http://localhost'
      : `${target.tls ? 'https' : 'http'}://${hostPart(target.host)}:${target.port}`;
  const secure =
    target.kind === 'tcp' && target.tls
      ? { ca: tls?.ca, cert: tls?.cert, key: tls?.key, servername: tls?.servername }
      : {};
  const createConnection = target.kind === 'unix' ? () => net.connect(target.path) : undefined;
  if (protocol === 'connect-json') {
    const transport = createConnectTransport({
      baseUrl,
      httpVersion: '1.1',
      useBinaryFormat: false,
      nodeOptions: { ...secure, ...(target.kind === 'unix' ? { socketPath: target.path } : {}) },
    });
    return { transport, protocol, close() {} };
  }
  const sessionManager = new GuardedSessionManager(baseUrl, { pingIntervalMs: 15000, idleConnectionTimeoutMs: 60000 }, {
    ...secure,
    ...(createConnection ? { createConnection } : {}),
  } as never);
  const transport = createGrpcTransport({ baseUrl, sessionManager });
  return { transport, protocol, close: () => sessionManager.abort() };
}

/**
 * Connect's HTTP/2 session manager, with every session it opens kept from ending the process with an `error` event
 * nobody listens to. Connect destroys a session with an error when a GOAWAY finds no stream open (the server closing
 * an idle connection); Node emits that error only once the socket has ended, a few turns later. If the manager is
 * aborted in between (this client closes while its server closes), it has already removed its listeners and, the
 * session being destroyed, adds none: the error would be uncaught. The manager has seen the GOAWAY and changes state
 * on the session's `close` all the same, so the error carries nothing more for anyone here.
 */
class GuardedSessionManager extends Http2SessionManager {
  readonly #guarded = new WeakSet<http2.ClientHttp2Session>();

  override async request(
    method: string,
    path: string,
    headers: http2.OutgoingHttpHeaders,
    options: Omit<http2.ClientSessionRequestOptions, 'signal'>,
  ): Promise<http2.ClientHttp2Stream> {
    const stream = await super.request(method, path, headers, options);
    const session = stream.session as http2.ClientHttp2Session | undefined;
    if (session && !this.#guarded.has(session)) {
      this.#guarded.add(session);
      session.on('error', ignoreSessionError);
    }
    return stream;
  }
}

/** A session's error after Connect let go of the session; its calls got their own errors through their streams. */
function ignoreSessionError(): void {}

/** A host for a URL: an IPv6 address in brackets. */
function hostPart(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
