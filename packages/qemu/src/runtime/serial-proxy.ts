import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** How long a client has to send its token line. */
const AUTH_TIMEOUT_MS = 10_000;
/** How long a token opens the console after the call that issued it (Nova's console tokens last as long). */
export const SERIAL_TOKEN_TTL_MS = 10 * 60_000;
/** Longest first line a client may send (a token is 32 hex characters). */
const MAX_AUTH_LINE = 128;

/**
 * The authenticating front of an instance's serial console. QEMU's serial
 * chardev is a unix socket in the instance directory (0700, the driver's
 * user only); this proxy listens on 127.0.0.1 and pipes a client to it only
 * once the client's first line is the current token.
 *
 * Protocol: connect to `host:port`, send the `secret` of the latest
 * `getSerialConsole` call followed by `\n` (within 10 s); from then on the
 * connection is the raw serial port (bytes after the newline go to the guest).
 * A wrong, late, stale (a newer call replaced it, or 10 minutes passed) or
 * missing token closes the connection without a byte from QEMU. A token may
 * reconnect until it is replaced or expires; QEMU's chardev serves one client at a time.
 */
export class SerialProxy {
  readonly #target: string;
  readonly #authTimeoutMs: number;
  readonly #ttlMs: number;
  readonly #server: Server;
  readonly #clients = new Set<Socket>();
  #token: { value: Buffer; expires: number } | undefined;
  #listening: Promise<number> | undefined;
  #closed = false;

  /**
   * @param target the unix socket of QEMU's serial chardev
   * @param options shorter limits (tests): how long a client has for its token line, how long a token lasts
   */
  constructor(target: string, options: { authTimeoutMs?: number; ttlMs?: number } = {}) {
    this.#target = target;
    this.#authTimeoutMs = options.authTimeoutMs ?? AUTH_TIMEOUT_MS;
    this.#ttlMs = options.ttlMs ?? SERIAL_TOKEN_TTL_MS;
    this.#server = createServer((client) => this.#accept(client));
    // a console nobody uses must not keep the driver's process alive
    this.#server.unref();
  }

  /** A new token (the previous one stops working) and the port to present it on. */
  async issue(): Promise<{ port: number; secret: string }> {
    const port = await this.#listen();
    if (this.#closed) throw new Error('the serial console proxy is closed');
    const secret = randomBytes(16).toString('hex');
    this.#token = { value: Buffer.from(secret), expires: Date.now() + this.#ttlMs };
    return { port, secret };
  }

  /** Stop listening and cut every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#token = undefined;
    for (const client of this.#clients) client.destroy();
    this.#clients.clear();
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #listen(): Promise<number> {
    this.#listening ??= new Promise<number>((resolve, reject) => {
      if (this.#closed) return reject(new Error('the serial console proxy is closed'));
      this.#server.once('error', reject);
      this.#server.listen({ host: '127.0.0.1', port: 0 }, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
    return this.#listening;
  }

  #accept(client: Socket): void {
    if (this.#closed) return void client.destroy();
    this.#clients.add(client);
    client.once('close', () => this.#clients.delete(client));
    client.on('error', () => client.destroy());
    client.setTimeout(this.#authTimeoutMs, () => client.destroy());
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const newline = received.indexOf(0x0a);
      if (newline < 0) {
        if (received.length > MAX_AUTH_LINE) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      const line = received.subarray(0, newline).toString('latin1').replace(/\r$/, '');
      if (!this.#consume(line)) return void client.destroy();
      client.setTimeout(0);
      this.#pipe(client, received.subarray(newline + 1));
    };
    client.on('data', onData);
  }

  /** True when `line` is the current, unexpired token (compared in constant time). */
  #consume(line: string): boolean {
    const token = this.#token;
    if (!token || Date.now() > token.expires) return false;
    const given = Buffer.from(line, 'latin1');
    return given.length === token.value.length && timingSafeEqual(given, token.value);
  }

  #pipe(client: Socket, rest: Buffer): void {
    const qemu = createConnection(this.#target);
    this.#clients.add(qemu);
    qemu.once('close', () => {
      this.#clients.delete(qemu);
      client.destroy();
    });
    client.once('close', () => qemu.destroy());
    qemu.on('error', () => qemu.destroy());
    qemu.once('connect', () => {
      if (rest.length > 0) qemu.write(rest);
      client.pipe(qemu);
      qemu.pipe(client);
      client.resume();
    });
  }
}
