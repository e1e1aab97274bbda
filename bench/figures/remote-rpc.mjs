// remote.*: @virtkit/remote against the same engine used raw.
// - remote.getInfo_vs_raw_unary: connectDriver(...).getInfo round trip vs a plain Connect client calling a plain
//   Connect server's GetInfo (same engine, same HTTP/2 over a unix socket, same request and response payload).
// - remote.calls_per_s_64: getInfo calls per second with 64 concurrent callers, vs the raw pair at 64.
// - remote.events_per_s: lifecycle events per second delivered to a remote listener (served memory driver).
import { mkdtempSync, rmSync } from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { MemoryDriver } from '@virtkit/memory';
import { connectDriver, DriverService, serveDriver } from '@virtkit/remote';
import { latencies, ratioFigure, valueFigure } from '../lib/measure.mjs';

const FLAVOR = { name: 'm1.small', vcpus: 1, memoryMb: 256, rootGb: 1 };
const IMAGE = { id: 'cirros', diskFormat: 'qcow2' };
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';

/** A raw Connect server on a unix socket answering GetInfo with the served driver's very answer. */
async function rawServer(path, info) {
  const handler = connectNodeAdapter({
    routes(router) {
      router.rpc(DriverService.method.getInfo, async () => info);
    },
  });
  const server = http2.createServer(handler);
  await new Promise((resolve) => server.listen(path, resolve));
  return server;
}

async function callsPerSecond(call, ms) {
  let calls = 0;
  const end = Date.now() + ms;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (Date.now() < end) {
      await call();
      calls++;
    }
  }));
  return (calls * 1000) / ms;
}

export async function measure({ quick }) {
  const dir = mkdtempSync(join(tmpdir(), 'virtkit-bench-remote-'));
  const served = new MemoryDriver({ hostname: 'bench' });
  await served.spawn({}, { instance: { uuid: UUID, name: 'vm-bench', flavor: FLAVOR }, imageMeta: IMAGE });
  const server = await serveDriver(served, { listen: `unix:${join(dir, 'remote.sock')}` });
  const driver = await connectDriver(server.target);
  const rawPath = join(dir, 'raw.sock');
  const info = await driver.getInfo({}, { instance: { uuid: UUID } });
  const raw = await rawServer(rawPath, { ...info, state: info.state });
  const rawClient = createClient(DriverService, createGrpcTransport({
    baseUrl: 'http://localhost', nodeOptions: { createConnection: () => net.connect(rawPath) },
  }));
  try {
    const req = { instance: { uuid: UUID } };
    const t = await latencies({
      remote: () => driver.getInfo({}, req),
      raw: () => rawClient.getInfo(req),
    }, { quick });
    const ms = quick ? 500 : 2000;
    const remoteRate = await callsPerSecond(() => driver.getInfo({}, req), ms);
    const rawRate = await callsPerSecond(() => rawClient.getInfo(req), ms);

    // events/s: the served driver flips pause/unpause in process; the remote listener counts what arrives.
    const n = quick ? 2000 : 10000;
    let seen = 0;
    let done;
    const all = new Promise((resolve) => (done = resolve));
    driver.on('lifecycle', () => {
      if (++seen === n) done();
    });
    await new Promise((r) => setTimeout(r, 100)); // the stream is open
    const start = process.hrtime.bigint();
    for (let i = 0; i < n / 2; i++) {
      await served.pause({}, { instance: { uuid: UUID } });
      await served.unpause({}, { instance: { uuid: UUID } });
    }
    await all;
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    return [
      ratioFigure('remote.getInfo_vs_raw_unary', t.remote, t.raw, 'ns', '<= 1.3', 'round trip on a unix socket, HTTP/2 gRPC; remote adds client-side validation, error mapping, event ordering, the server guarded path'),
      ratioFigure('remote.calls_per_s_64', remoteRate, rawRate, 'calls/s', '>= 0.75', '64 concurrent getInfo callers on one connection'),
      valueFigure('remote.events_per_s', n / secs, 'events/s', '-', `${n} pause/unpause events of a served memory driver delivered to a remote listener (includes producing them)`),
    ];
  } finally {
    await driver.close();
    await server.close();
    await new Promise((r) => raw.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}
