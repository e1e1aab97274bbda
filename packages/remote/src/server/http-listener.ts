import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { ListenAddress } from './listen-address.js';

/** TLS material of a server: its certificate and key, and the CA(s) client certificates must chain to (mutual TLS). */
export interface ServerTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA certificates for client certificates; when given, clients must present one (mTLS). */
  ca?: string | Buffer | (string | Buffer)[];
}

type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/** A listening server speaking gRPC (HTTP/2) and Connect / gRPC-Web (HTTP/1.1 or 2) on one address. */
export interface HttpListener {
  /** `unix:<path>` or `host:port` with the real port. */
  readonly address: string;
  /** Stop accepting connections. */
  stopAccepting(): void;
  /**
   * Close every open connection (after in-flight calls were drained or cancelled): gracefully for `ms`, so responses
   * being written get out, then by force.
   */
  closeConnections(ms: number): Promise<void>;
  /** Resolves when the listening socket is closed. */
  closed(): Promise<void>;
}

/**
 * Listen on `address`. With TLS: HTTP/2 and HTTP/1.1 negotiated by ALPN. In
 * plaintext: each connection's first bytes tell HTTP/2 (prior knowledge, what
 * gRPC clients send) from HTTP/1.1 (curl, Python's urllib). A unix socket is
 * created 0600 (umask set around the bind) and removed on close.
 */
export async function listenHttp(
  address: ListenAddress,
  handler: Handler,
  tls?: ServerTlsOptions,
): Promise<HttpListener> {
  const sockets = new Set<net.Socket>();
  // Requests whose response is not finished: connections close only once these are done (a GOAWAY while a
  // response is still being written makes some clients drop it).
  let active = 0;
  let onIdle: (() => void) | undefined;
  const inner = handler;
  handler = (req, res) => {
    active++;
    res.once('close', () => {
      if (--active === 0) onIdle?.();
    });
    inner(req, res);
  };
  const sessions = new Set<http2.Http2Session>();
  let server: net.Server;
  if (tls) {
    const secure = http2.createSecureServer(
      {
        cert: tls.cert,
        key: tls.key,
        ca: tls.ca,
        requestCert: tls.ca !== undefined,
        rejectUnauthorized: tls.ca !== undefined,
        allowHTTP1: true,
        minVersion: 'TLSv1.2',
      },
      handler as never,
    );
    secure.on('session', (s) => trackSession(sessions, s));
    server = secure;
  } else {
    const h1 = http.createServer(handler as http.RequestListener);
    const h2 = http2.createServer(handler as never);
    h2.on('session', (s) => trackSession(sessions, s));
    server = net.createServer({ noDelay: true }, (socket) => {
      socket.once('data', (head: Buffer) => {
        socket.pause();
        // Put the sniffed bytes back either way. http2 takes over the socket's native handle and first feeds itself
        // what the socket holds already (Node does so for exactly this case), so every frame after that is read and
        // written natively: no stream wrapper in JavaScript in between, which cost event-loop turns on every call.
        socket.unshift(head);
        if (head.subarray(0, 4).toString('latin1') === 'PRI ') {
          h2.emit('connection', socket);
        } else {
          h1.emit('connection', socket);
          socket.resume();
        }
      });
    });
  }
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await bind(server, address);
  const actual = server.address();
  const shown =
    address.kind === 'unix'
      ? `unix:${address.path}`
      : `${address.host.includes(':') ? `[${address.host}]` : address.host}:${(actual as net.AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  return {
    address: shown,
    stopAccepting() {
      // Open connections stay up so in-flight calls can finish; new calls are refused by the services.
      closed ??= new Promise((resolve) => server.close(() => resolve()));
    },
    async closeConnections(ms) {
      if (active > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          timer.unref();
          onIdle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const open = [...sessions].filter((s) => !s.closed);
      for (const s of open) s.close();
      await Promise.race([
        Promise.all(
          open.map((s) => new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())))),
        ),
        new Promise<void>((resolve) => setTimeout(resolve, ms).unref()),
      ]);
      for (const s of sessions) s.destroy();
      // Let what was written reach the peer before the sockets go.
      await Promise.race([
        Promise.all(
          [...sockets].map(
            (s) =>
              new Promise<void>((resolve) => (s.destroyed ? resolve() : (s.once('close', () => resolve()), s.end()))),
          ),
        ),
        new Promise<void>((resolve) => setTimeout(resolve, 200).unref()),
      ]);
      for (const s of sockets) s.destroy();
    },
    closed() {
      closed ??= new Promise((resolve) => server.close(() => resolve()));
      return closed.then(() => {
        if (address.kind === 'unix' && existsSync(address.path)) unlinkSync(address.path);
      });
    },
  };
}

function trackSession(sessions: Set<http2.Http2Session>, s: http2.Http2Session): void {
  sessions.add(s);
  s.on('close', () => sessions.delete(s));
}

async function bind(server: net.Server, address: ListenAddress): Promise<void> {
  if (address.kind === 'unix') {
    // A stale socket file from a crashed server is replaced; anything else at that path is not ours.
    if (existsSync(address.path)) {
      if (!lstatSync(address.path).isSocket()) throw new Error(`${address.path} exists and is not a socket`);
      unlinkSync(address.path);
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (address.kind === 'unix') {
      const old = process.umask(0o177);
      try {
        server.listen(address.path, () => resolve());
      } finally {
        process.umask(old);
      }
    } else {
      server.listen(address.port, address.host, () => resolve());
    }
  });
  if (address.kind === 'unix') chmodSync(address.path, 0o600);
}
