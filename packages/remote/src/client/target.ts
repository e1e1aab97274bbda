/** Where a served driver is: a unix socket, or a TCP address with or without TLS. */
export type RemoteTarget =
  { kind: 'unix'; path: string; tls: false } | { kind: 'tcp'; host: string; port: number; tls: boolean };

/** True for specifiers `connectDriver` / `loadDriver` treat as remote: `grpc://`, `grpcs://`, `grpc+unix://`. */
export function isRemoteSpecifier(specifier: string): boolean {
  return /^grpc(s|\+unix)?:/.test(specifier);
}

/**
 * Parse `grpc://host:port`, `grpcs://host:port` (TLS), `grpc+unix:///path` or `unix:/path`.
 * @throws TypeError for anything else
 */
export function parseTarget(target: string): RemoteTarget {
  if (typeof target !== 'string')
    throw new TypeError('a remote target is a string such as grpc://host:port or grpc+unix:///path');
  const unix = /^(?:grpc\+unix:\/\/|unix:)(\/.*)$/.exec(target);
  if (unix) return { kind: 'unix', path: unix[1]!, tls: false };
  const tcp = /^(grpcs?):\/\/(?:\[([^\]]+)\]|([^:/]+)):(\d{1,5})\/?$/.exec(target);
  if (!tcp)
    throw new TypeError(`'${target}' is not a remote target (grpc://host:port, grpcs://host:port, grpc+unix:///path)`);
  return { kind: 'tcp', host: tcp[2] ?? tcp[3]!, port: Number(tcp[4]), tls: tcp[1] === 'grpcs' };
}
