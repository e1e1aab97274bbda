import { createCipheriv } from 'node:crypto';
import { connect, type Socket } from 'node:net';

// A minimal RFB (VNC) client: enough to see which security types a server
// offers and whether a password opens it (VNC authentication, RFB 3.8).

/** A socket read as a stream of exact-length chunks. */
class Reader {
  #buffer = Buffer.alloc(0);
  #waiting: (() => void) | undefined;
  #ended = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#waiting?.();
    });
    const end = (): void => {
      this.#ended = true;
      this.#waiting?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  async read(n: number): Promise<Buffer> {
    while (this.#buffer.length < n) {
      if (this.#ended)
        throw new Error(`the VNC server closed the connection (wanted ${n} bytes, had ${this.#buffer.length})`);
      await new Promise<void>((resolve) => (this.#waiting = resolve));
      this.#waiting = undefined;
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('VNC handshake timed out')));
  });
}

/** The DES key of a VNC password: 8 bytes, zero padded, each byte's bits reversed. */
function vncKey(password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let b = key[i]!;
    let r = 0;
    for (let bit = 0; bit < 8; bit++) {
      r = (r << 1) | (b & 1);
      b >>= 1;
    }
    key[i] = r;
  }
  return key;
}

/** Single DES (ECB) through DES-EDE with K1 = K2, which OpenSSL 3 still offers without the legacy provider. */
function des(key: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv('des-ede-ecb', Buffer.concat([key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** What a VNC server said to one connection. */
export interface VncProbe {
  version: string;
  /** Security types offered (1 None, 2 VNC authentication...). */
  securityTypes: number[];
  /** With a password: true when the server accepted it. */
  authenticated?: boolean;
}

/** Connect, read the offered security types and, with `password`, try VNC authentication. */
export async function probeVnc(host: string, port: number, password?: string): Promise<VncProbe> {
  const socket = await open(host, port);
  const reader = new Reader(socket);
  try {
    const version = (await reader.read(12)).toString('latin1');
    socket.write('RFB 003.008\n');
    const count = (await reader.read(1))[0]!;
    if (count === 0) throw new Error('the VNC server refused the connection');
    const securityTypes = [...(await reader.read(count))];
    const probe: VncProbe = { version: version.trim(), securityTypes };
    if (password === undefined || !securityTypes.includes(2)) return probe;
    socket.write(Buffer.from([2]));
    const challenge = await reader.read(16);
    socket.write(des(vncKey(password), challenge));
    probe.authenticated = (await reader.read(4)).readUInt32BE(0) === 0;
    return probe;
  } finally {
    socket.destroy();
  }
}

/** Local addresses (as `a.b.c.d`, or `[v6]`) of the TCP sockets listening on `port`, from /proc/net/tcp{,6}. */
export function listenAddresses(port: number, read: (path: string) => string): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = read(file);
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || fields[3] !== '0A') continue; // 0A: LISTEN
      const [addr, portHex] = fields[1]!.split(':');
      if (Number.parseInt(portHex!, 16) !== port) continue;
      if (addr!.length === 8) {
        const bytes = Buffer.from(addr!, 'hex');
        found.push([bytes[3], bytes[2], bytes[1], bytes[0]].join('.'));
      } else {
        found.push(`[${addr}]`);
      }
    }
  }
  return found;
}
