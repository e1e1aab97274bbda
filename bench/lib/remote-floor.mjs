// Measuring aid (not a figure): the RPC engine's own floor under remote.qemu_spawn_own_process_caller. One unary
// round trip on a unix socket, the caller in a process of its own (forked fresh per engine and round, as the spawn
// figure's caller is), made cold (one call per COLD_GAP_MS, like the figure's spawns, which come ~150 ms apart) and
// warm (back to back), for:
// - connect: a raw Connect client (createGrpcTransport) calling a raw Connect server (connectNodeAdapter on a
//   node:http2 server), DriverService.GetInfo with the served driver's answer: the engine @virtkit/remote is on;
// - connect-lean: the same with compression negotiation off at both ends (acceptCompression: []);
// - virtkit: connectDriver(...).getInfo against serveDriver(a memory driver): the same call through our layer;
// - http2: a bare node:http2 exchange (POST the request's bytes, answer the response's bytes), no RPC engine;
// - call-value / call-text: a raw Connect client making the capability call `spawn` (the spawn figure's request
//   shape, a fresh uuid each) of the served memory driver through DriverService.Call, its request as a
//   google.protobuf.Value (what a client sends to an older server) and as JSON text (CallRequest.request_json):
//   what the payload's coding costs at both ends, cold and warm;
// - virtkit-spawn: the same spawn through connectDriver(...).spawn (our client and server: validation on both
//   sides, the served guarded path, the event-sequence header), against call-text: what our layer adds to it;
// - grpcjs: @grpc/grpc-js (for comparison only, NOT a project dependency: pass its directory as the second
//   argument, e.g. a scratch `npm install @grpc/grpc-js` in /tmp; skipped without it), the same bytes.
// Usage: `node bench/lib/remote-floor.mjs [rounds=3] [grpc-js dir or ''] [engines,comma-separated]` (default all).
// Prints, per engine, the medians over rounds of:
// the first call's wall time, the cold calls' median wall and CPU (the caller's process.cpuUsage, both threads of
// the caller's process), the warm calls' mean wall and CPU. Engines run in turns within each round so drift falls
// on all; the load average is printed beside each round.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { create, fromBinary, fromJson, toBinary } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { createClient } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { MemoryDriver } from '@virtkit/memory';
import { connectDriver, DriverService, serveDriver } from '@virtkit/remote';

const COLD_CALLS = 12;
const COLD_GAP_MS = 150;
const WARM_CALLS = 300;
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const REQ = { instance: { uuid: UUID } };
const GET_INFO = DriverService.method.getInfo;
const PATH = '/virtkit.v1.DriverService/GetInfo';

/** The spawn figure's request shape, a fresh uuid each. */
const spawnRequest = () => ({
  instance: { uuid: randomUUID(), flavor: { name: 'bench.qemu', vcpus: 1, memoryMb: 64, rootGb: 1 } },
  imageMeta: { id: 'no-os', diskFormat: 'raw' },
});
/** A JSON value as a google.protobuf.Value (what @virtkit/remote sends an older server). */
const toValue = (json) => fromJson(ValueSchema, json);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** The caller side: connect with `engine`, then the first call, COLD_CALLS cold ones, WARM_CALLS warm ones. */
async function caller(engine, target, grpcDir) {
  const { call, close } = await open(engine, target, grpcDir);
  const timed = async () => {
    const [t, c] = [performance.now(), cpuMs()];
    await call();
    return [performance.now() - t, cpuMs() - c];
  };
  const [first] = await timed();
  const cold = [];
  for (let i = 0; i < COLD_CALLS; i++) {
    await new Promise((r) => setTimeout(r, COLD_GAP_MS));
    cold.push(await timed());
  }
  const [t, c] = [performance.now(), cpuMs()];
  for (let i = 0; i < WARM_CALLS; i++) await call();
  const warm = [(performance.now() - t) / WARM_CALLS, (cpuMs() - c) / WARM_CALLS];
  await close();
  return {
    first,
    coldWall: median(cold.map((x) => x[0])),
    coldCpu: median(cold.map((x) => x[1])),
    warmWall: warm[0],
    warmCpu: warm[1],
  };
}

async function open(engine, target, grpcDir) {
  const reqBytes = toBinary(GET_INFO.input, create(GET_INFO.input, REQ));
  if (engine === 'connect' || engine === 'connect-lean') {
    const transport = createGrpcTransport({
      baseUrl: 'http://localhost',
      nodeOptions: { createConnection: () => net.connect(target) },
      ...(engine === 'connect-lean' ? { acceptCompression: [] } : {}),
    });
    const client = createClient(DriverService, transport);
    return { call: () => client.getInfo(REQ), close: async () => {} };
  }
  if (engine === 'virtkit') {
    const driver = await connectDriver(target);
    return { call: () => driver.getInfo({}, REQ), close: () => driver.close() };
  }
  if (engine === 'virtkit-spawn') {
    const driver = await connectDriver(target);
    return { call: () => driver.spawn({}, spawnRequest()), close: () => driver.close() };
  }
  if (engine === 'call-value' || engine === 'call-text') {
    const transport = createGrpcTransport({
      baseUrl: 'http://localhost',
      nodeOptions: { createConnection: () => net.connect(target) },
    });
    const client = createClient(DriverService, transport);
    const call =
      engine === 'call-text'
        ? () => client.call({ method: 'spawn', requestJson: JSON.stringify(spawnRequest()) })
        : () => client.call({ method: 'spawn', request: toValue(spawnRequest()) });
    return { call, close: async () => {} };
  }
  if (engine === 'http2') {
    const session = http2.connect('http://localhost', { createConnection: () => net.connect(target) });
    const call = () =>
      new Promise((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/grpc' });
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => resolve(fromBinary(GET_INFO.output, Buffer.concat(chunks))));
        stream.on('error', reject);
        stream.end(reqBytes);
      });
    return { call, close: async () => session.close() };
  }
  const grpc = createRequire(join(grpcDir, 'index.js'))('@grpc/grpc-js');
  const Client = grpc.makeGenericClientConstructor(grpcDefinition(), 'DriverService');
  const client = new Client(`unix:${target}`, grpc.credentials.createInsecure());
  const call = () =>
    new Promise((resolve, reject) => client.getInfo(REQ, (err, res) => (err ? reject(err) : resolve(res))));
  return { call, close: async () => client.close() };
}

/** GetInfo for grpc-js, coded by protobuf-es (the same bytes as Connect's). */
function grpcDefinition() {
  return {
    getInfo: {
      path: PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (v) => Buffer.from(toBinary(GET_INFO.input, create(GET_INFO.input, v))),
      requestDeserialize: (b) => fromBinary(GET_INFO.input, b),
      responseSerialize: (v) => Buffer.from(toBinary(GET_INFO.output, create(GET_INFO.output, v))),
      responseDeserialize: (b) => fromBinary(GET_INFO.output, b),
    },
  };
}

/** The server side of every engine, each on its own unix socket in `dir`; close() stops all. */
async function servers(dir, grpcDir) {
  const served = new MemoryDriver({ hostname: 'floor' }, { host: { vcpus: 1e8, memoryMb: 2e9, diskGb: 2e9 } });
  await served.spawn(
    {},
    {
      instance: { uuid: UUID, name: 'vm-floor', flavor: { name: 'm1.small', vcpus: 1, memoryMb: 256, rootGb: 1 } },
      imageMeta: { id: 'cirros', diskFormat: 'qcow2' },
    },
  );
  const stops = [];
  const virtkit = await serveDriver(served, { listen: `unix:${join(dir, 'virtkit.sock')}` });
  stops.push(() => virtkit.close({ graceMs: 0 }));
  const probe = await connectDriver(virtkit.target);
  const info = await probe.getInfo({}, REQ);
  await probe.close();
  const resBytes = toBinary(GET_INFO.output, create(GET_INFO.output, info));
  const h2 = async (name, handler) => {
    const server = http2.createServer(handler);
    const sessions = new Set();
    server.on('session', (s) => {
      sessions.add(s);
      s.on('close', () => sessions.delete(s));
    });
    await new Promise((r) => server.listen(join(dir, name), r));
    stops.push(
      () =>
        new Promise((r) => {
          server.close(() => r());
          for (const s of sessions) s.destroy();
        }),
    );
  };
  await h2('connect.sock', connectNodeAdapter({ routes: (router) => router.rpc(GET_INFO, async () => info) }));
  const lean = { acceptCompression: [], routes: (router) => router.rpc(GET_INFO, async () => info) };
  await h2('connect-lean.sock', connectNodeAdapter(lean));
  await h2('http2.sock', (req, res) => {
    req.resume();
    req.on('end', () => res.end(resBytes));
  });
  const targets = {
    connect: join(dir, 'connect.sock'),
    'connect-lean': join(dir, 'connect-lean.sock'),
    virtkit: join(dir, 'virtkit.sock').replace(/^/, 'unix:'),
    http2: join(dir, 'http2.sock'),
    'call-value': join(dir, 'virtkit.sock'),
    'call-text': join(dir, 'virtkit.sock'),
    'virtkit-spawn': `unix:${join(dir, 'virtkit.sock')}`,
  };
  if (grpcDir) {
    const grpc = createRequire(join(grpcDir, 'index.js'))('@grpc/grpc-js');
    const server = new grpc.Server();
    server.addService(grpcDefinition(), { getInfo: (_call, cb) => cb(null, info) });
    await new Promise((resolve, reject) =>
      server.bindAsync(`unix:${join(dir, 'grpcjs.sock')}`, grpc.ServerCredentials.createInsecure(), (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    stops.push(() => new Promise((r) => server.tryShutdown(() => r())));
    targets.grpcjs = join(dir, 'grpcjs.sock');
  }
  return { targets, close: async () => Promise.all(stops.map((s) => s())) };
}

function runChild(engine, target, grpcDir) {
  const child = fork(fileURLToPath(import.meta.url), ['--child', engine, target, grpcDir ?? ''], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
    child.once('exit', (code) => code && reject(new Error(`${engine} caller exited ${code}`)));
  });
}

if (process.argv[2] === '--child') {
  const [, , , engine, target, grpcDir] = process.argv;
  try {
    process.send(await caller(engine, target, grpcDir));
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) });
  }
  process.disconnect();
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const grpcDir = process.argv[3] ? join(process.argv[3], 'node_modules') : undefined;
  const only = process.argv[4]?.split(',');
  const dir = mkdtempSync(join(tmpdir(), 'virtkit-remote-floor-'));
  const srv = await servers(dir, grpcDir);
  const results = {};
  try {
    for (let r = 0; r < rounds; r++) {
      const engines = Object.keys(srv.targets).filter((e) => !only || only.includes(e));
      const order = r % 2 ? engines.reverse() : engines;
      for (const engine of order) {
        (results[engine] ??= []).push(await runChild(engine, srv.targets[engine], grpcDir));
      }
      console.log(`round ${r + 1}: load average ${loadavg()[0].toFixed(2)}`);
    }
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const f = (x) => x.toFixed(3);
  console.log('engine      first_ms  cold_wall_ms  cold_cpu_ms  warm_wall_ms  warm_cpu_ms (medians over rounds)');
  for (const [engine, rs] of Object.entries(results)) {
    const m = (k) => f(median(rs.map((x) => x[k])));
    console.log(
      `${engine.padEnd(10)}  ${m('first').padStart(8)}  ${m('coldWall').padStart(12)}  ${m('coldCpu').padStart(11)}` +
        `  ${m('warmWall').padStart(12)}  ${m('warmCpu').padStart(11)}`,
    );
  }
}
