// remote.*: @virtkit/remote against the same engine used raw, and a served QEMU driver against the same driver in
// process.
// - remote.getInfo_vs_raw_unary: connectDriver(...).getInfo round trip vs a plain Connect client calling a plain
//   Connect server's GetInfo (same engine, HTTP/2 gRPC on a unix socket, same request and response payload),
//   called in turns so drift falls on both.
// - remote.calls_per_s_64: getInfo calls per second with 64 concurrent callers (one connection), vs the raw pair,
//   in alternating slices.
// - remote.events_per_s: lifecycle events per second delivered to a remote listener (served memory driver).
// - remote.qemu_spawn_vs_in_process: a QEMU spawn (it resolves with the guest RUNNING) as the remote caller waits
//   for it vs the served driver's own spawn of the same call, paired per call; plus alternating runs in process
//   as a check (full run only; skipped when QEMU is missing, and says so). The caller is in the serving process.
// - remote.qemu_spawn_own_process_caller: the same with the caller in a process of its own, as a real caller on
//   another host is (remote-spawn-caller.mjs); the spawn target is judged on this one (see qemuSpawnFigure).
// - remote.qemu_spawn_tls_caller: that caller over loopback TCP with mutual TLS (reported).
// - remote.raw_unary_cold_ms: the engine's floor under the spawn figures: one raw Connect GetInfo round trip (no
//   @virtkit/remote on either end) from a caller in its own process to a raw server in the serving process, made
//   between the spawns (cold: one call per spawn round, as the spawns) (reported, and beside the judged figure).
// - remote.qemu_spawn_own_process_caller_vcpu_nice: the own-process caller of a second QEMU driver whose guests'
//   vCPU threads are niced (options.vcpuNice, a deployment setting; both sides of its ratio have it) (reported).
// Each figure's note carries the load average it was measured at.
// Every phase is bounded (a phase that overruns is reported failed, never waits), and everything started is
// stopped: the raw server's HTTP/2 sessions are destroyed on close (a bare http2 server.close waits for its
// clients, which is how an earlier version of this figure hung).
import { execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { MemoryDriver } from '@virtkit/memory';
import { connectDriver, DriverService, serveDriver } from '@virtkit/remote';
import { alternate, interleaved, median, ratioFigure, round, unmeasured, valueFigure } from '../lib/measure.mjs';

const SPAWN_FIGURES = [
  'remote.qemu_spawn_vs_in_process',
  'remote.qemu_spawn_own_process_caller',
  'remote.qemu_spawn_tls_caller',
  'remote.qemu_spawn_own_process_caller_vcpu_nice',
  'remote.raw_unary_cold_ms',
];
/** The QEMU driver option of the `..._vcpu_nice` figure: guests' vCPU threads at this niceness, on both sides. */
const VCPU_NICE = 10;
const FLAVOR = { name: 'm1.small', vcpus: 1, memoryMb: 256, rootGb: 1 };
const IMAGE = { id: 'cirros', diskFormat: 'qcow2' };
const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';

/** Resolve with `promise`, or reject after `ms` (the timer never keeps the process alive). */
function bounded(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A raw Connect server on a unix socket answering GetInfo with the served driver's very answer; close() ends its
 * sessions.
 */
async function rawServer(path, info) {
  const handler = connectNodeAdapter({
    routes: (router) => router.rpc(DriverService.method.getInfo, async () => info),
  });
  const server = http2.createServer(handler);
  const sessions = new Set();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise((resolve) => server.listen(path, resolve));
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  };
}

/** Calls per second of `call` with 64 concurrent callers for `ms`. */
async function callsPerSecond(call, ms) {
  let calls = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) {
        await call();
        calls++;
      }
    }),
  );
  return (calls * 1000) / (performance.now() - start);
}

export async function measure({ quick }) {
  const figures = [];
  const attempt = async (names, ms, fn) => {
    try {
      figures.push(...(await bounded(fn(), ms, names.join(', '))));
    } catch (error) {
      figures.push(
        ...names.map((name) => ({ name, value: null, unit: '-', target: '-', note: `failed: ${error.message}` })),
      );
    }
  };
  const dir = mkdtempSync(join(tmpdir(), 'virtkit-bench-remote-'));
  // A replay window above the events figure's count: no event of the figure can fall out of it.
  const served = new MemoryDriver({ hostname: 'bench', eventReplayWindow: 16384 });
  const open = [];
  try {
    await served.spawn({}, { instance: { uuid: UUID, name: 'vm-bench', flavor: FLAVOR }, imageMeta: IMAGE });
    const server = await serveDriver(served, { listen: `unix:${join(dir, 'remote.sock')}` });
    open.push(() => server.close({ graceMs: 0 }));
    const driver = await connectDriver(server.target);
    open.push(() => driver.close());
    const req = { instance: { uuid: UUID } };
    const info = await driver.getInfo({}, req);
    const rawPath = join(dir, 'raw.sock');
    const raw = await rawServer(rawPath, { ...info });
    open.push(() => raw.close());
    const rawTransport = createGrpcTransport({
      baseUrl: 'http://localhost',
      nodeOptions: { createConnection: () => net.connect(rawPath) },
    });
    const rawClient = createClient(DriverService, rawTransport);

    await attempt(['remote.getInfo_vs_raw_unary'], 60_000, async () => {
      const load = loadavg()[0];
      const t = await interleaved(
        { remote: () => driver.getInfo({}, req), raw: () => rawClient.getInfo(req) },
        { quick },
      );
      return [
        ratioFigure(
          'remote.getInfo_vs_raw_unary',
          t.remote,
          t.raw,
          'ns',
          '<= 1.3',
          'mean round trip, called in turns, unix socket, HTTP/2 gRPC; remote adds client-side validation, error ' +
            `mapping, event ordering and the served guarded path; load average ${load.toFixed(1)}`,
        ),
      ];
    });
    await attempt(['remote.calls_per_s_64'], 90_000, async () => {
      // Slices of each in turns (remote first in odd slices, raw first in even ones), so the machine's drifting
      // load falls on both alike; the rate of each is its calls over its own time.
      const slices = quick ? 2 : 4;
      const ms = quick ? 500 : 2000;
      const load = loadavg()[0];
      let remoteRate = 0;
      let rawRate = 0;
      for (let i = 0; i < slices; i++) {
        const pair = [
          async () => (remoteRate += (await callsPerSecond(() => driver.getInfo({}, req), ms)) / slices),
          async () => (rawRate += (await callsPerSecond(() => rawClient.getInfo(req), ms)) / slices),
        ];
        for (const run of i % 2 ? pair.reverse() : pair) await run();
      }
      return [
        ratioFigure(
          'remote.calls_per_s_64',
          remoteRate,
          rawRate,
          'calls/s',
          '>= 0.75',
          `getInfo, 64 concurrent callers on one connection, ${slices} alternating slices of ${ms} ms each ` +
            `(remote ${Math.round(remoteRate)}/s, raw ${Math.round(rawRate)}/s); load average ${load.toFixed(1)}`,
        ),
      ];
    });
    await attempt(['remote.events_per_s'], 120_000, async () => {
      // The served driver makes n events (pause/unpause in process) as fast as it can; the remote listener counts
      // them. n stays inside the served driver's replay window: a stream cut for being slow (its bounded buffer)
      // resumes from the window, so every event arrives and the rate is of delivered events, producing included.
      const n = quick ? 2000 : 8000;
      let seen = 0;
      const listener = () => void seen++;
      driver.on('lifecycle', listener);
      // The stream is live once an event made now has come back.
      await served.pause({}, req);
      await served.unpause({}, req);
      await bounded(
        (async () => {
          while (seen < 2) await new Promise((r) => setTimeout(r, 5));
        })(),
        20_000,
        'opening the event stream',
      );
      seen = 0;
      const start = performance.now();
      for (let i = 0; i < n / 2; i++) {
        await served.pause({}, req);
        await served.unpause({}, req);
      }
      const produced = performance.now() - start;
      await bounded(
        (async () => {
          while (seen < n) await new Promise((r) => setTimeout(r, 2));
        })(),
        90_000,
        `delivering ${n} events (${seen} arrived)`,
      );
      const secs = (performance.now() - start) / 1000;
      driver.off('lifecycle', listener);
      return [
        valueFigure(
          'remote.events_per_s',
          n / secs,
          'events/s',
          '-',
          `${n} pause/unpause events of a served memory driver (made in ${Math.round(produced)} ` +
            `ms), all delivered to a remote listener in ${secs.toFixed(2)} s`,
        ),
      ];
    });
  } finally {
    for (const close of open.reverse()) await bounded(Promise.resolve().then(close), 10_000, 'closing').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  if (quick) figures.push(...SPAWN_FIGURES.map((name) => unmeasured(name, 'full run only (starts QEMU)', '< 1.02')));
  else await attempt(SPAWN_FIGURES, 300_000, () => qemuSpawnFigure());
  return figures;
}

/**
 * One QEMU driver, spawned through a served copy of it and in process. The remote caller is measured twice: in this
 * process (the served driver's own) and in a process of its own (`remote-spawn-caller.mjs`, forked), over the same
 * unix socket kind. Two measurements of each:
 * - paired (the figures): for each remote spawn, the caller's wait (client side, until `spawn` resolves) against
 *   the served driver's own `spawn` for that very call (server side, its public call with its guarded path: what
 *   an in-process caller waits). Same spawn, same QEMU start, so the machine's run-to-run noise (seconds under
 *   load) drops out: what is left is what the wire adds. Each side's durations come from its own process's clock.
 * - alternating: remote (both callers) and in-process spawns in turns, medians, as a check that serving does not
 *   slow the spawn itself (noisy under load).
 * The target is judged on the caller in its own process: a real caller is on another host, so its client work
 * (validation, encoding, decoding, event catch-up) does not run on the serving process's event loop, behind the
 * served driver's own work as the guest starts. The same-process figure is kept and reported: it charges both ends
 * to one thread, an upper bound of the wire's cost on one machine. Neither has a network or TLS (unix socket): a
 * third caller, in its own process too, calls the same driver served over loopback TCP with mutual TLS (reported:
 * what TCP and TLS add; still no network between hosts).
 * Each side then reads getInfo once: `spawn` resolves with the guest RUNNING (asserted, on every side), so there
 * is no polling; that read is reported (one round trip remote, microseconds in process), not counted.
 */
async function qemuSpawnFigure() {
  const names = SPAWN_FIGURES;
  if (!['/usr/bin/qemu-system-x86_64', '/usr/local/bin/qemu-system-x86_64'].some((p) => existsSync(p))) {
    return names.map((name) => unmeasured(name, 'qemu-system-x86_64 is not installed', '< 1.02'));
  }
  const { NO_OS_IMAGE, QemuDriver } = await import('@virtkit/qemu');
  const dir = mkdtempSync(join(tmpdir(), 'virtkit-bench-remote-qemu-'));
  const flavor = { name: 'bench.qemu', vcpus: 1, memoryMb: 64, rootGb: 1 };
  // The served driver's own spawn, timed on the server side (the bench wraps the instance's public call), by uuid.
  const servedSpawnMs = new Map();
  const timedDriver = (hostname, options) => {
    const driver = new QemuDriver({ hostname, options: { accel: 'tcg', ...options } });
    const spawnInProcess = driver.spawn.bind(driver);
    Object.defineProperty(driver, 'spawn', {
      configurable: true,
      writable: true,
      value: async (ctx, req) => {
        const t = performance.now();
        try {
          return await spawnInProcess(ctx, req);
        } finally {
          servedSpawnMs.set(req?.instance?.uuid, performance.now() - t);
        }
      },
    });
    return driver;
  };
  const d = timedDriver('bench-remote-spawn', {});
  // The same driver with its guests' vCPU threads niced (a deployment setting, on both sides of the ratio).
  const niced = timedDriver('bench-remote-spawn-niced', { vcpuNice: VCPU_NICE });
  let server;
  let tlsServer;
  let nicedServer;
  let remote;
  let caller;
  let tlsCaller;
  let nicedCaller;
  let floorCaller;
  let floorServer;
  try {
    await d.initHost({}, { host: 'bench-remote-spawn' });
    await niced.initHost({}, { host: 'bench-remote-spawn-niced' });
    server = await serveDriver(d, { listen: `unix:${join(dir, 'q.sock')}`, disposeDriver: false });
    remote = await connectDriver(server.target);
    caller = callerProcess();
    await caller.ask({ connect: server.target });
    nicedServer = await serveDriver(niced, { listen: `unix:${join(dir, 'n.sock')}`, disposeDriver: false });
    nicedCaller = callerProcess();
    await nicedCaller.ask({ connect: nicedServer.target });
    // The same driver served over loopback TCP with mutual TLS, to a caller in its own process: what a caller off
    // the host adds besides the network (TCP, the TLS record layer, certificate checks at connect).
    const withTls = ['/usr/bin/openssl', '/usr/local/bin/openssl'].some((p) => existsSync(p));
    if (withTls) {
      const certs = loopbackCerts(join(dir, 'tls'));
      tlsServer = await serveDriver(d, {
        listen: '127.0.0.1:0',
        tls: { ...certs.server, ca: certs.ca },
        disposeDriver: false,
      });
      tlsCaller = callerProcess();
      await tlsCaller.ask({
        connect: tlsServer.target,
        tls: { ca: certs.ca, ...certs.client },
      });
    }
    // The engine's floor: a raw Connect server here (as the served driver is) and a raw client in a process of its own.
    floorServer = await rawServer(join(dir, 'raw.sock'), { state: 1 });
    floorCaller = callerProcess();
    await floorCaller.ask({ raw: join(dir, 'raw.sock') });
    const inThisProcess = (via) => ({
      spawn: async (req) => {
        const t = performance.now();
        await via.spawn({}, req);
        return performance.now() - t;
      },
      state: async (uuid) => {
        const r = performance.now();
        const { state } = await via.getInfo({}, { instance: { uuid } });
        return { state, ms: performance.now() - r };
      },
    });
    const inCaller = (child) => ({
      spawn: async (req) => (await child.ask({ spawn: req })).ms,
      state: (uuid) => child.ask({ getInfo: uuid }),
    });
    const trial =
      (via, driver = d) =>
      async () => {
        const uuid = randomUUID();
        const spawned = await via.spawn({ instance: { uuid, flavor }, imageMeta: NO_OS_IMAGE });
        const served = servedSpawnMs.get(uuid);
        servedSpawnMs.delete(uuid);
        const { state, ms: read } = await via.state(uuid);
        await driver.destroy({}, { instance: { uuid } });
        if (state !== 1) throw new Error(`spawn resolved with the guest in state ${state}, not RUNNING`);
        return { spawned, served, read };
      };
    const runs = 7;
    const loadBefore = loadavg()[0];
    const samples = await alternate(runs, {
      remote: trial(inThisProcess(remote)),
      caller: trial(inCaller(caller)),
      ...(withTls ? { tls: trial(inCaller(tlsCaller)) } : {}),
      niced: trial(inCaller(nicedCaller), niced),
      local: trial(inThisProcess(d)),
      floor: async () => (await floorCaller.ask({ rawGetInfo: true })).ms,
    });
    const loadAfter = loadavg()[0];
    const localMedian = median(samples.local.map((s) => s.spawned));
    const readLocal = median(samples.local.map((s) => s.read));
    const load = `load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}`;
    const floorMs = median(samples.floor);
    const figure = (name, runsOf, target, who) => {
      const paired = median(runsOf.map((s) => s.spawned / s.served));
      const added = median(runsOf.map((s) => s.spawned - s.served));
      const served = median(runsOf.map((s) => s.served));
      const remoteMedian = median(runsOf.map((s) => s.spawned));
      const readRemote = median(runsOf.map((s) => s.read));
      // The ratio is the median of the paired ratios; candidate and baseline are the medians of both sides of them.
      const f = ratioFigure(
        name,
        remoteMedian,
        served,
        'ms',
        target,
        `no-OS TCG instance, ${runs} remote spawns, ${who}: median of (caller's wait / the served driver's own ` +
          `spawn of the same call) ${paired.toFixed(3)}, +${added.toFixed(1)} ms; alternating with in process: ` +
          `remote ${remoteMedian.toFixed(0)} ms vs ${localMedian.toFixed(0)} ms ` +
          `(${(remoteMedian / localMedian).toFixed(2)}, run-to-run noise); getInfo after it ${readRemote.toFixed(1)} ` +
          `ms remote, ${readLocal.toFixed(2)} ms in process; ${load}`,
      );
      return { ...f, ratio: round(paired), added_ms: round(added), in_process_ms: round(localMedian) };
    };
    return [
      figure(
        names[0],
        samples.remote,
        '- (reported; the target is judged on remote.qemu_spawn_own_process_caller)',
        'the caller in the serving process (both ends on one event loop)',
      ),
      figure(
        names[1],
        samples.caller,
        '< 1.02',
        `the caller in a process of its own (the engine's floor: a raw Connect round trip made as cold takes ` +
          `${floorMs.toFixed(1)} ms, remote.raw_unary_cold_ms)`,
      ),
      withTls
        ? figure(
            names[2],
            samples.tls,
            '- (reported)',
            'the caller in a process of its own, over loopback TCP with mutual TLS',
          )
        : unmeasured(names[2], 'the openssl CLI (to make the certificates) is not installed', '-'),
      figure(
        names[3],
        samples.niced,
        '- (reported: a deployment setting, see docs/performance.md)',
        `the caller in a process of its own, the QEMU driver with options.vcpuNice ${VCPU_NICE} (guests' vCPU ` +
          'threads niced, on both sides of the ratio; the alternating in-process median is at the default)',
      ),
      valueFigure(
        names[4],
        floorMs,
        'ms',
        '-',
        `the engine's own floor under the spawn figures: median of ${runs} raw Connect GetInfo round trips (no ` +
          '@virtkit/remote on either end, tiny answer) from a caller in a process of its own to a raw server in the ' +
          `serving process over a unix socket, one per spawn round (cold, as the spawns), made while no guest ` +
          `starts; 2 % of the served spawn is ${(median(samples.caller.map((s) => s.served)) * 0.02).toFixed(1)} ms; ` +
          load,
      ),
    ];
  } finally {
    await caller?.close();
    await tlsCaller?.close();
    await nicedCaller?.close();
    await floorCaller?.close();
    await floorServer?.close();
    await remote?.close().catch(() => {});
    await server?.close({ graceMs: 0 }).catch(() => {});
    await tlsServer?.close({ graceMs: 0 }).catch(() => {});
    await nicedServer?.close({ graceMs: 0 }).catch(() => {});
    await d.close().catch(() => {});
    await niced.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CA, a server certificate for 127.0.0.1 and a client certificate of that CA (P-256 keys), made in `dir` by the
 * `openssl` CLI: the CA's PEM, and each leaf's certificate and key.
 */
function loopbackCerts(dir) {
  mkdirSync(dir, { recursive: true });
  // One `openssl req` per certificate: the leaves are signed by the CA as they are made (OpenSSL 3's `-CA`).
  const req = (name, ...args) =>
    execFileSync(
      'openssl',
      ['req', '-x509', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-days', '1'].concat(
        ['-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=bench-${name}`],
        args,
      ),
      { cwd: dir, stdio: 'pipe' },
    );
  const leaf = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext'];
  req('ca');
  req('server', ...leaf, 'extendedKeyUsage=serverAuth', '-addext', 'subjectAltName=IP:127.0.0.1');
  req('client', ...leaf, 'extendedKeyUsage=clientAuth');
  // Strings, not buffers: the client's go to the caller process over IPC (JSON).
  const read = (file) => readFileSync(join(dir, file), 'utf8');
  const pem = (name) => ({ cert: read(`${name}.pem`), key: read(`${name}.key`) });
  return { ca: pem('ca').cert, server: pem('server'), client: pem('client') };
}

/**
 * The remote caller in a process of its own (`remote-spawn-caller.mjs`): ask() sends one message and resolves with
 * its answer (one at a time, bounded); close() ends it on every path.
 */
function callerProcess() {
  const child = fork(fileURLToPath(new URL('./remote-spawn-caller.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exit.then(() => (exited = true));
  return {
    ask: (message) =>
      bounded(
        new Promise((resolve, reject) => {
          child.once('message', (answer) => (answer.error ? reject(new Error(answer.error)) : resolve(answer)));
          void exit.then(({ code, signal }) => reject(new Error(`the caller process exited (${code ?? signal})`)));
          child.send(message);
        }),
        60_000,
        `the caller process answering ${Object.keys(message)[0]}`,
      ),
    async close() {
      if (exited) return;
      await bounded(
        new Promise((resolve) => {
          child.once('message', resolve);
          child.send({ close: true });
        }),
        5_000,
        'closing the caller',
      ).catch(() => {});
      if (child.connected) child.disconnect();
      await bounded(exit, 5_000, 'the caller process exiting').catch(() => child.kill('SIGKILL'));
    },
  };
}
