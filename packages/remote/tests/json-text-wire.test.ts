import * as http2 from 'node:http2';
import * as net from 'node:net';
import { join } from 'node:path';
import { Code, createClient, type ServiceImpl } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { supports } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { connectDriver, DriverService, serveDriver, type RemoteServer } from '@virtkit/remote';
import { fromValue, toValue } from '../src/wire/json-value';
import { rejection, spawnRequest, tempDir } from './helpers';

/** How a Call / CallWithProgress request reached the server in front. */
interface Seen {
  method: string;
  text: boolean;
  value: boolean;
}

/**
 * A server in front of a real served driver that forwards DriverService's Describe, Call and CallWithProgress, and
 * records how each call's request came. `old`: it is a server of the first wire version: its Describe lists no wire
 * feature and it does not know CallRequest.request_json (it forwards `request` alone, and answers `result` alone).
 */
async function frontServer(socket: string, behind: string, old: boolean) {
  const real = createClient(
    DriverService,
    createGrpcTransport({ baseUrl: 'http://localhost', nodeOptions: { createConnection: () => net.connect(behind) } }),
  );
  const seen: Seen[] = [];
  const record = (req: { method: string; requestJson?: string; request?: unknown }) =>
    seen.push({ method: req.method, text: req.requestJson !== undefined, value: req.request !== undefined });
  const forwarded = <R extends { method: string; request?: never; callId?: string }>(req: R) =>
    old ? { method: req.method, request: req.request, callId: req.callId } : req;
  const impl: Partial<ServiceImpl<typeof DriverService>> = {
    async describe(req) {
      const described = await real.describe(req);
      return old ? { ...described, wireFeatures: [] } : described;
    },
    async call(req) {
      record(req);
      const answer = await real.call(forwarded(req as never));
      return old ? { result: answer.result } : answer;
    },
    async *callWithProgress(req) {
      record(req);
      yield* real.callWithProgress(forwarded(req as never));
    },
  };
  const server = http2.createServer(connectNodeAdapter({ routes: (router) => router.service(DriverService, impl) }));
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  };
}

describe('capability payloads as JSON text (the wire feature "json-text")', () => {
  const tmp = tempDir();
  const served = new MemoryDriver({ hostname: 'jt' });
  let server: RemoteServer;
  const raw = () =>
    createClient(
      DriverService,
      createGrpcTransport({
        baseUrl: 'http://localhost',
        nodeOptions: { createConnection: () => net.connect(tmp.socket) },
      }),
    );

  beforeAll(async () => {
    server = await serveDriver(served, { listen: `unix:${tmp.socket}` });
  });
  afterAll(async () => {
    await server?.close();
    tmp.remove();
  });

  it('the server lists it at Describe', async () => {
    expect((await raw().describe({ clientContractVersion: '1.0.0' })).wireFeatures).toEqual(['json-text']);
  });

  it('the server answers each request in its own kind: a Value with a Value, JSON text with JSON text', async () => {
    const req = spawnRequest();
    await served.spawn({}, req);
    const console = await served.getConsoleOutput({}, { instance: { uuid: req.instance.uuid } });
    const client = raw();
    const request = { instance: { uuid: req.instance.uuid } };
    // An older client: the request as a google.protobuf.Value, the answer in `result`.
    const asValue = await client.call({ method: 'getConsoleOutput', request: toValue(request) });
    expect(asValue.resultJson).toBeUndefined();
    expect(fromValue(asValue.result)).toEqual(console);
    // A newer one: JSON text both ways.
    const asText = await client.call({ method: 'getConsoleOutput', requestJson: JSON.stringify(request) });
    expect(asText.result).toBeUndefined();
    expect(JSON.parse(asText.resultJson!)).toEqual(console);
    // A call that returns nothing: an empty text.
    const paused = await client.call({ method: 'pause', requestJson: JSON.stringify(request) });
    expect(paused.resultJson).toBe('');
    expect((await served.getInfo({}, request)).state).toBe(3);
  });

  it('text that is not JSON is refused as VALIDATION_FAILED and changes nothing', async () => {
    const req = spawnRequest();
    await served.spawn({}, req);
    const error = await rejection(raw().call({ method: 'pause', requestJson: '{"instance": ' }));
    expect(error).toMatchObject({ code: Code.InvalidArgument });
    expect(error.message).toMatch(/not JSON text/);
    const driver = await connectDriver(server.target);
    try {
      expect((await driver.getInfo({}, { instance: { uuid: req.instance.uuid } })).state).toBe(1);
    } finally {
      await driver.close();
    }
  });

  it.each([
    ['a server that lists it', false, true],
    ['an older server (no wire features)', true, false],
  ])('a client sends JSON text only to %s; calls and progress work either way', async (_name, old, text) => {
    const front = await frontServer(join(tmp.dir, `front-${String(old)}.sock`), tmp.socket, old);
    const driver = await connectDriver(`unix:${join(tmp.dir, `front-${String(old)}.sock`)}`);
    try {
      if (
        !supports(driver, 'lifecycle') ||
        !supports(driver, 'console.output') ||
        !supports(driver, 'image.snapshot')
      ) {
        throw new Error('unexpected map');
      }
      const req = spawnRequest();
      await driver.spawn({}, req);
      const instance = { uuid: req.instance.uuid };
      expect(await driver.getConsoleOutput({}, { instance })).toEqual(await served.getConsoleOutput({}, { instance }));
      const progress: number[] = [];
      await driver.snapshot(
        { onProgress: (p) => void progress.push(p.percent) },
        { instance, imageId: served.fabric.createImage() },
      );
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.at(-1)).toBe(100);
      expect(front.seen.map((s) => s.method)).toEqual(['spawn', 'getConsoleOutput', 'snapshot']);
      expect(front.seen.every((s) => s.text === text && s.value === !text)).toBe(true);
    } finally {
      await driver.close();
      await front.close();
    }
  });
});
