import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialProxy } from '../src/runtime/serial-proxy.js';

// The serial console's authenticating proxy against a stand-in for QEMU's chardev (a unix socket
// server that greets each client and echoes what it gets): the secret is checked before a byte
// reaches it, and once through, bytes flow both ways.

describe('SerialProxy', () => {
  let dir: string;
  let chardev: Server;
  let reached: number;
  const proxies: SerialProxy[] = [];
  const proxy = (options?: { authTimeoutMs?: number; ttlMs?: number }): SerialProxy => {
    const p = new SerialProxy(join(dir, 'serial.sock'), options);
    proxies.push(p);
    return p;
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-serial-proxy-'));
    reached = 0;
    chardev = createServer((s: Socket) => {
      reached++;
      s.write('login: ');
      s.on('data', (d) => s.write(d));
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => chardev.listen(join(dir, 'serial.sock'), resolve));
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    await new Promise((resolve) => chardev.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connect, send `payload`, collect what comes back until the proxy closes or `ms` pass. */
  function session(port: number, payload: string, ms = 1000): Promise<{ closed: boolean; text: string }> {
    return new Promise((resolve) => {
      let text = '';
      const s = connect(port, '127.0.0.1', () => s.write(payload));
      s.on('data', (d) => (text += d.toString()));
      s.on('error', () => undefined);
      const timer = setTimeout(() => {
        s.destroy();
        resolve({ closed: false, text });
      }, ms);
      s.once('close', () => {
        clearTimeout(timer);
        resolve({ closed: true, text });
      });
    });
  }

  it('with the secret, the console is piped both ways (bytes after the newline included)', async () => {
    const { port, secret } = await proxy().issue();
    const got = await session(port, `${secret}\nhello\n`, 500);
    expect(got).toEqual({ closed: false, text: 'login: hello\n' });
    expect(reached).toBe(1);
  });

  it('a wrong, stale or partial secret is closed before anything reaches the console', async () => {
    const p = proxy();
    const first = await p.issue();
    const { port, secret } = await p.issue();
    expect(port).toBe(first.port);
    for (const payload of [`${first.secret}\n`, `${secret.slice(1)}\n`, `${secret} \n`, '\n', 'x'.repeat(200)]) {
      expect(await session(port, payload)).toEqual({ closed: true, text: '' });
    }
    expect(reached).toBe(0);
  });

  it('a client that sends nothing is closed after the auth timeout; an expired secret opens nothing', async () => {
    const p = proxy({ authTimeoutMs: 200, ttlMs: 300 });
    const { port, secret } = await p.issue();
    expect(await session(port, '', 2000)).toEqual({ closed: true, text: '' });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await session(port, `${secret}\n`)).toEqual({ closed: true, text: '' });
    expect(reached).toBe(0);
  });

  it('close() cuts a piped client and stops listening', async () => {
    const p = proxy();
    const { port, secret } = await p.issue();
    const s = connect(port, '127.0.0.1', () => s.write(`${secret}\n`));
    s.on('error', () => undefined);
    await new Promise((resolve) => s.once('data', resolve));
    const closed = new Promise((resolve) => s.once('close', resolve));
    await p.close();
    await closed;
    const refused = await new Promise((resolve) => {
      const c = connect(port, '127.0.0.1', () => resolve(false));
      c.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    await expect(p.issue()).rejects.toThrow('closed');
  });
});
