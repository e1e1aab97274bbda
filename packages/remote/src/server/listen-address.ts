import { isIP } from 'node:net';

/** Where a server listens: a unix socket path or a TCP host and port. */
export type ListenAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/**
 * Parse `unix:/path`, `host:port` or `[v6]:port`.
 * @throws TypeError for anything else
 */
export function parseListenAddress(listen: string): ListenAddress {
  if (typeof listen !== 'string' || listen.length === 0)
    throw new TypeError('listen must be unix:<path> or <host>:<port>');
  if (listen.startsWith('unix:')) {
    const path = listen.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path.startsWith('/')) throw new TypeError(`unix socket path must be absolute: ${listen}`);
    return { kind: 'unix', path };
  }
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  if (!m) throw new TypeError(`listen address '${listen}' is neither unix:<path> nor <host>:<port>`);
  const port = Number(m[3]);
  if (port > 65535) throw new TypeError(`port out of range: ${listen}`);
  return { kind: 'tcp', host: m[1] ?? m[2]!, port };
}

/** True for addresses only this machine can reach: loopback IPs and `localhost`. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
