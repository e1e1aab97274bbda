import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient, QmpCommandError, type QmpEvent } from '../src/qmp/index.js';
import { FakeQmpServer } from './helpers/fake-qmp-server.js';
import { itUnless } from './helpers/it-unless.js';
import { exitWithin, findExecutable, spawnQemu, type QemuProcess } from './helpers/qemu-process.js';

const TIMESTAMP = { seconds: 1, microseconds: 2 };
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('QmpClient against a fake QMP server', () => {
  let server: FakeQmpServer;
  let client: QmpClient | undefined;

  beforeEach(async () => {
    server = await new FakeQmpServer().listen();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.close();
  });

  const connect = async (): Promise<QmpClient> => (client = await QmpClient.connect(server.path, { timeoutMs: 2000 }));

  it('reads the greeting, negotiates capabilities first, and returns `return` values', async () => {
    server.handler = (c) =>
      c.execute === 'query-status' ? { return: { status: 'running', running: true } } : { return: {} };
    const qmp = await connect();
    expect(qmp.greeting.version.qemu.major).toBe(7);
    expect(server.received[0]?.execute).toBe('qmp_capabilities');
    const status = await qmp.execute<{ status: string }>('query-status');
    expect(status.status).toBe('running');
    await qmp.execute('device_del', { id: 'disk1' });
    expect(server.received.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(server.received[2]?.arguments).toEqual({ id: 'disk1' });
    expect(server.received[1]).not.toHaveProperty('arguments');
    expect(qmp.pendingCount).toBe(0);
  });

  it('matches answers by id when they arrive out of order', async () => {
    server.handler = () => undefined;
    const qmp = await connect();
    const a = qmp.execute<string>('a');
    const b = qmp.execute<string>('b');
    const c = qmp.execute<string>('c');
    const [ca, cb, cc] = await server.waitForCommands(3);
    server.send({ return: 'C', id: cc?.id });
    server.send({ return: 'A', id: ca?.id });
    server.send({ return: 'B', id: cb?.id });
    await expect(Promise.all([a, b, c])).resolves.toEqual(['A', 'B', 'C']);
  });

  it('rejects with QMP_ERROR carrying class and desc', async () => {
    server.handler = () => ({ error: { class: 'DeviceNotFound', desc: "Device 'nope' not found" } });
    const qmp = await connect();
    const error = await qmp.execute('device_del', { id: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpCommandError);
    expect(error).toMatchObject({
      code: 'QMP_ERROR',
      class: 'DeviceNotFound',
      desc: "Device 'nope' not found",
      command: 'device_del',
    });
    expect(qmp.pendingCount).toBe(0);
  });

  it('emits events with data and timestamp, and waitForEvent honours the predicate', async () => {
    const qmp = await connect();
    const seen: QmpEvent[] = [];
    qmp.on('event', (e) => seen.push(e));
    const wanted = qmp.waitForEvent<{ device: string }>('DEVICE_DELETED', (e) => e.data.device === 'disk2', 1000);
    server.send({ event: 'STOP', timestamp: TIMESTAMP });
    server.send({
      event: 'DEVICE_DELETED',
      data: { path: '/machine/peripheral/disk1/virtio-backend' },
      timestamp: TIMESTAMP,
    });
    server.send({
      event: 'DEVICE_DELETED',
      data: { device: 'disk1', path: '/machine/peripheral/disk1' },
      timestamp: TIMESTAMP,
    });
    server.send({
      event: 'DEVICE_DELETED',
      data: { device: 'disk2', path: '/machine/peripheral/disk2' },
      timestamp: TIMESTAMP,
    });
    const event = await wanted;
    expect(event).toEqual({
      event: 'DEVICE_DELETED',
      data: { device: 'disk2', path: '/machine/peripheral/disk2' },
      timestamp: TIMESTAMP,
    });
    expect(seen.map((e) => e.event)).toEqual(['STOP', 'DEVICE_DELETED', 'DEVICE_DELETED', 'DEVICE_DELETED']);
    expect(seen[0]?.data).toEqual({});
    expect(qmp.listenerCount('event')).toBe(1);
  });

  it('waitForEvent times out with TIMEOUT and detaches its listener', async () => {
    const qmp = await connect();
    await expect(qmp.waitForEvent('SHUTDOWN', undefined, 30)).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(qmp.listenerCount('event')).toBe(0);
  });

  it('reassembles lines split across chunks, and splits several lines in one chunk', async () => {
    server.handler = () => undefined;
    const qmp = await connect();
    const events: string[] = [];
    qmp.on('event', (e) => events.push(e.event));
    const first = qmp.execute<{ name: string }>('first');
    const second = qmp.execute<number>('second');
    const [c1, c2] = await server.waitForCommands(2);
    const text =
      JSON.stringify({ event: 'A', timestamp: TIMESTAMP }) +
      '\n' +
      JSON.stringify({ return: { name: 'gr\u00fc\u00df \u{1F600}' }, id: c1?.id }) +
      '\r\n' +
      JSON.stringify({ event: 'B', timestamp: TIMESTAMP }) +
      '\n' +
      JSON.stringify({ return: 42, id: c2?.id }) +
      '\n';
    const bytes = Buffer.from(text, 'utf8');
    // odd-sized pieces cut through JSON and through multi-byte characters
    for (let i = 0; i < bytes.length; i += 7) {
      server.write(bytes.subarray(i, i + 7));
      await delay(1);
    }
    await expect(first).resolves.toEqual({ name: 'gr\u00fc\u00df \u{1F600}' });
    await expect(second).resolves.toBe(42);
    expect(events).toEqual(['A', 'B']);
    // and everything in one chunk
    const third = qmp.execute<string>('third');
    const [, , c3] = await server.waitForCommands(3);
    server.write(
      JSON.stringify({ event: 'C', timestamp: TIMESTAMP }) +
        '\n' +
        JSON.stringify({ return: 'ok', id: c3?.id }) +
        '\n' +
        JSON.stringify({ event: 'D', timestamp: TIMESTAMP }) +
        '\n',
    );
    await expect(third).resolves.toBe('ok');
    await delay(5);
    expect(events).toEqual(['A', 'B', 'C', 'D']);
  });

  it('times out a silent command with TIMEOUT, leaks no pending entry, and drops the late answer', async () => {
    server.handler = () => undefined;
    const qmp = await connect();
    const protocolErrors: string[] = [];
    qmp.on('protocol-error', (_e, line) => protocolErrors.push(line));
    await expect(qmp.execute('slow', undefined, { timeoutMs: 30 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      operation: 'slow',
      timeoutMs: 30,
    });
    expect(qmp.pendingCount).toBe(0);
    const [slow] = server.commands();
    server.send({ return: 'late', id: slow?.id });
    await delay(10);
    expect(protocolErrors).toHaveLength(1);
    server.handler = () => ({ return: 'fine' });
    await expect(qmp.execute('next')).resolves.toBe('fine');
  });

  it('aborts through an AbortSignal, and sends nothing when already aborted', async () => {
    server.handler = () => undefined;
    const qmp = await connect();
    const controller = new AbortController();
    const pending = qmp.execute('slow', undefined, { signal: controller.signal });
    await server.waitForCommands(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(qmp.execute('never', undefined, { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    await delay(10);
    expect(server.commands().map((c) => c.execute)).toEqual(['slow']);
    expect(qmp.pendingCount).toBe(0);
  });

  it('rejects pending commands and event waits with QMP_CLOSED when the server closes', async () => {
    server.handler = () => undefined;
    const qmp = await connect();
    const closed = new Promise<Error>((resolve) => qmp.once('close', resolve));
    const outcomes = Promise.allSettled([qmp.execute('a'), qmp.execute('b'), qmp.waitForEvent('SHUTDOWN')]);
    await server.waitForCommands(2);
    server.connection.end();
    for (const outcome of await outcomes)
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'QMP_CLOSED' } });
    await expect(closed).resolves.toMatchObject({ code: 'QMP_CLOSED' });
    expect(qmp.closed).toBe(true);
    expect(qmp.pendingCount).toBe(0);
    await expect(qmp.execute('after')).rejects.toMatchObject({ code: 'QMP_CLOSED' });
  });

  it('close() is idempotent, rejects pending commands and emits close once', async () => {
    server.handler = () => undefined;
    const qmp = await connect();
    let closes = 0;
    qmp.on('close', () => closes++);
    const pending = expect(qmp.execute('a')).rejects.toMatchObject({ code: 'QMP_CLOSED' });
    await server.waitForCommands(1);
    await Promise.all([qmp.close(), qmp.close()]);
    await qmp.close();
    await pending;
    expect(closes).toBe(1);
    expect(qmp.closed).toBe(true);
  });

  it('retries until the socket appears', async () => {
    const later = new FakeQmpServer();
    try {
      const connecting = QmpClient.connect(later.path, { timeoutMs: 2000, retryIntervalMs: 10 });
      await delay(80);
      await later.listen();
      client = await connecting;
      expect(client.greeting.capabilities).toEqual(['oob']);
    } finally {
      await client?.close();
      client = undefined;
      await later.close();
    }
  });

  it('fails with TIMEOUT when no socket appears, or when nobody greets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtkit-qmp-missing-'));
    try {
      await expect(QmpClient.connect(join(dir, 'none.sock'), { timeoutMs: 60 })).rejects.toMatchObject({
        code: 'TIMEOUT',
        operation: 'connect',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    server.greet = false;
    await expect(QmpClient.connect(server.path, { timeoutMs: 60 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      operation: 'greeting',
    });
  });

  it('reports unparsable lines as protocol-error and carries on', async () => {
    server.handler = () => ({ return: 'ok' });
    const qmp = await connect();
    const bad: string[] = [];
    qmp.on('protocol-error', (_e, line) => bad.push(line));
    server.write('{not json\n[1,2]\n');
    await expect(qmp.execute('x')).resolves.toBe('ok');
    expect(bad).toEqual(['{not json', '[1,2]']);
  });
});

const QEMU = findExecutable('qemu-system-x86_64');
const realIt = itUnless(
  QEMU ? undefined : 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)',
  'real QEMU QMP test',
);

describe('QmpClient against a real QEMU', () => {
  let dir: string | undefined;
  let qemu: QemuProcess | undefined;
  let client: QmpClient | undefined;

  afterEach(async () => {
    await client?.close();
    await qemu?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
    client = qemu = dir = undefined;
  });

  realIt('walks prelaunch -> running, then quits', async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-qmp-real-'));
    const socket = join(dir, 'qmp.sock');
    const args = [
      '-machine',
      'q35,accel=tcg',
      '-m',
      '64',
      '-nodefaults',
      '-display',
      'none',
      '-S',
      '-qmp',
      `unix:${socket},server=on,wait=off`,
    ];
    qemu = spawnQemu(QEMU as string, args);
    client = await QmpClient.connect(socket, { timeoutMs: 10_000 });
    expect(client.greeting.version.qemu.major).toBeGreaterThanOrEqual(7);
    await expect(client.execute<{ status: string }>('query-status')).resolves.toMatchObject({ status: 'prelaunch' });
    const resumed = client.waitForEvent('RESUME', undefined, 5000);
    await client.execute('cont');
    await resumed;
    await expect(client.execute<{ status: string }>('query-status')).resolves.toMatchObject({
      status: 'running',
      running: true,
    });
    await expect(client.execute('no-such-command')).rejects.toMatchObject({
      code: 'QMP_ERROR',
      class: 'CommandNotFound',
    });
    const closed = new Promise((resolve) => client?.once('close', resolve));
    await client.execute('quit');
    await closed;
    const exit = await exitWithin(qemu, 5000);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
