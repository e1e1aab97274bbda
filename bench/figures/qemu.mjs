// qemu.*: the QEMU driver against QEMU driven by hand (plain Node, bench/lib/qemu-raw.mjs), on no-OS
// instances under TCG. Full run only: it starts about 125 QEMU processes (~30 s). Everything it starts is stopped
// and every directory it makes is removed, also when a figure fails.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PowerState } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver, qemuLeakCheck } from '@virtkit/qemu';
import { alternate, interleaved, median, ratioFigure, round, valueFigure } from '../lib/measure.mjs';
import {
  createBlankDisk,
  killRawQemus,
  moveArgv,
  processArgv,
  processesMentioning,
  startRawQemu,
  stopRawQemu,
} from '../lib/qemu-raw.mjs';

const FLAVOR = { name: 'bench.qemu', vcpus: 1, memoryMb: 64, rootGb: 1 };
const ROOT_DISK_BYTES = 1024 ** 3;
const ctx = {};
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export async function measure({ quick }) {
  const runs = quick ? 3 : 10;
  const scratch = await mkdtemp(join(tmpdir(), 'virtkit-bench-qemu-'));
  const drivers = [];
  const driver = async (name) => {
    const d = new QemuDriver({ hostname: name, options: { accel: 'tcg' } });
    drivers.push(d);
    await d.initHost(ctx, { host: name });
    return d;
  };
  const figures = [];
  const attempt = async (names, fn) => {
    try {
      figures.push(...(await fn()));
    } catch (error) {
      figures.push(
        ...names.map((name) => ({ name, value: null, unit: '-', target: '-', note: `failed: ${error.message}` })),
      );
    }
  };
  try {
    await attempt(['guarded_vs_direct.qemu.getInfo'], () => getInfoFigure(driver, quick));
    await attempt(['qemu.spawnToRunning_vs_raw'], () => spawnFigure(driver, scratch, runs));
    await attempt(['qemu.liveMigration_vs_raw', 'qemu.liveMigrationProtocol_vs_raw'], () =>
      migrationFigures(driver, scratch, runs),
    );
    await attempt(['qemu.blockLiveMigration_vs_rawBlock'], () => blockMigrationFigure(driver, scratch, runs));
    await attempt(['qemu.concurrentSpawn10'], () => concurrentFigure(driver));
  } finally {
    await Promise.allSettled(drivers.map((d) => d.close()));
    await killRawQemus();
    await rm(scratch, { recursive: true, force: true });
  }
  return figures;
}

/** getInfo through the SDK vs `query-status` on the very QmpClient the driver uses for that VM. */
async function getInfoFigure(driver, quick) {
  const d = await driver('bench-getinfo');
  const uuid = randomUUID();
  await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
  await untilRunning(d, uuid);
  // `qemu` is protected in TypeScript (not private): the driver's per-VM process and its QmpClient
  const client = d.qemu.get(uuid).proc.qmp;
  const ref = { instance: { uuid } };
  // calls in turns, not one task after the other: the round trip drifts by 10-15% between sessions here
  const tasks = { direct: () => client.execute('query-status'), guarded: () => d.getInfo(ctx, ref) };
  const sessions = [await interleaved(tasks, { quick }), await interleaved(tasks, { quick })];
  const direct = median(sessions.map((s) => s.direct));
  const guarded = median(sessions.map((s) => s.guarded));
  await d.destroy(ctx, ref);
  return [
    ratioFigure(
      'guarded_vs_direct.qemu.getInfo',
      guarded,
      direct,
      'ns/op',
      '<= 1.05',
      'one QMP round trip each, called in turns; guarded adds validation, /proc/<pid>/stat (CPU time) and the ' +
        `state event (sessions: ${sessions.map((s) => fmt(s.guarded / s.direct)).join(', ')})`,
    ),
  ];
}

/** spawn (powerOn) until getInfo says RUNNING vs starting QEMU with the same argv, waiting for `running` over QMP. */
async function spawnFigure(driver, scratch, runs) {
  const d = await driver('bench-spawn');
  const probe = await probeArgv(d);
  const rawDir = join(scratch, 'spawn');
  const samples = await alternate(runs, {
    driver: async () => {
      const uuid = randomUUID();
      const t = performance.now();
      await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
      await untilRunning(d, uuid);
      const ms = performance.now() - t;
      await d.destroy(ctx, { instance: { uuid } });
      return ms;
    },
    raw: async () => {
      await rm(rawDir, { recursive: true, force: true });
      await mkdir(rawDir, { mode: 0o700 });
      const d0 = performance.now();
      await createBlankDisk(join(rawDir, 'disk.qcow2'), ROOT_DISK_BYTES);
      const disk = performance.now() - d0;
      const t = performance.now();
      const raw = await startRawQemu(
        probe.argv[0],
        moveArgv(probe.argv.slice(1), probe.dir, rawDir),
        join(rawDir, 'qmp.sock'),
      );
      try {
        await raw.qmp.execute('cont');
        while ((await raw.qmp.execute('query-status')).status !== 'running');
        return { ms: performance.now() - t, disk };
      } finally {
        await stopRawQemu(raw);
      }
    },
  });
  await rm(rawDir, { recursive: true, force: true });
  const candidate = median(samples.driver);
  const baseline = median(samples.raw.map((s) => s.ms));
  const disk = median(samples.raw.map((s) => s.disk));
  const paired = median(samples.driver.map((ms, i) => ms / samples.raw[i].ms));
  return [
    ratioFigure(
      'qemu.spawnToRunning_vs_raw',
      candidate,
      baseline,
      'ms',
      '<= 1.10',
      `medians of ${runs} alternating runs each (median of per-round ratios ${fmt(paired)}); ` +
        `raw gets its blank root disk made beforehand (qemu-img create, median ${fmt(disk)} ms), spawn makes it`,
    ),
  ];
}

/**
 * The driver's live migration (two drivers, separate state roots; the kit's orchestration) vs a plain
 * `migrate` from a raw source QEMU to a raw destination started with `-incoming` and the same devices.
 */
async function migrationFigures(driver, scratch, runs) {
  const source = await driver('bench-source');
  const destination = await driver('bench-destination');
  const probe = await probeArgv(source);
  const srcDir = join(scratch, 'mig-src');
  const dstDir = join(scratch, 'mig-dst');
  const samples = await alternate(runs, {
    driver: () => driverMigration(source, destination),
    raw: () => rawMigration(probe, srcDir, dstDir),
  });
  const pick = (variant, key) => median(samples[variant].map((s) => s[key]));
  const paired = (key) => fmt(median(samples.driver.map((s, i) => s[key] / samples.raw[i][key])));
  const note = `medians of ${runs} alternating runs; no-OS 64 MB VM, unix sockets`;
  return [
    ratioFigure(
      'qemu.liveMigration_vs_raw',
      pick('driver', 'transfer'),
      pick('raw', 'transfer'),
      'ms',
      '<= 1.10',
      `${note} (median of per-round ratios ${paired('transfer')}); raw = migrate until the MIGRATION completed ` +
        `event; liveMigration = disk phase (NBD mirror of the root disk) ${fmt(pick('driver', 'disk'))} ms + ` +
        `memory phase, mirror teardown and source quit ${fmt(pick('driver', 'memory'))} ms ` +
        `(a raw source quits in ${fmt(pick('raw', 'quit'))} ms)`,
    ),
    ratioFigure(
      'qemu.liveMigrationProtocol_vs_raw',
      pick('driver', 'protocol'),
      pick('raw', 'protocol'),
      'ms',
      '-',
      `informative; ${note} (median of per-round ratios ${paired('protocol')}); ` +
        'checks + preLiveMigration + liveMigration + post* vs raw destination start (disk, -incoming) + migrate',
    ),
  ];
}

/**
 * One live migration through the drivers. With `marks`, the arrival time (ms after liveMigration was called) of
 * each source QMP event named in MARKED is recorded there too, from a listener on the driver's own QmpClient.
 */
async function driverMigration(source, destination, { hosts = ['bench-source', 'bench-destination'], marks } = {}) {
  const uuid = randomUUID();
  const instance = { uuid, flavor: FLAVOR };
  await source.spawn(ctx, { instance, imageMeta: NO_OS_IMAGE });
  await untilRunning(source, uuid);
  let migrated = false;
  let unlisten = () => undefined;
  try {
    const t0 = performance.now();
    const destCheckData = await destination.checkCanLiveMigrateDestination(ctx, {
      instance,
      srcComputeInfo: { host: hosts[0] },
      dstComputeInfo: { host: hosts[1] },
    });
    let sourceData;
    try {
      sourceData = await source.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
    } finally {
      await destination.cleanupLiveMigrationDestinationCheck(ctx, { destCheckData });
    }
    const migrateData = await destination.preLiveMigration(ctx, { instance, migrateData: sourceData, networkInfo: [] });
    let memoryFrom;
    const onProgress = (r) => {
      if (r.phase === 'memory') memoryFrom ??= performance.now();
    };
    let t1;
    if (marks) {
      // `qemu` is protected in TypeScript (not private): the source's QmpClient, to time QEMU's events
      const qmp = source.qemu.get(uuid).proc.qmp;
      const listener = markEvents(marks, () => t1);
      qmp.on('event', listener);
      unlisten = () => qmp.off('event', listener);
    }
    t1 = performance.now();
    await source.liveMigration(
      { onProgress },
      {
        instance,
        dest: hosts[1],
        migrateData,
        postMethod: async () => undefined,
        recoverMethod: async () => undefined,
      },
    );
    migrated = true;
    const t2 = performance.now();
    await source.postLiveMigration(ctx, { instance });
    await source.postLiveMigrationAtSource(ctx, { instance, networkInfo: [] });
    await destination.postLiveMigrationAtDestination(ctx, { instance, networkInfo: [] });
    const t3 = performance.now();
    await untilRunning(destination, uuid);
    // the driver's first 'memory' report comes with its first query-migrate, right after `migrate`
    return { transfer: t2 - t1, protocol: t3 - t0, disk: (memoryFrom ?? t2) - t1, memory: t2 - (memoryFrom ?? t2) };
  } finally {
    unlisten();
    if (!migrated) {
      await destination.rollbackLiveMigrationAtDestination(ctx, { instance, networkInfo: [] }).catch(() => undefined);
      await source.destroy(ctx, { instance });
    }
    await destination.destroy(ctx, { instance });
  }
}

async function rawMigration(probe, srcDir, dstDir) {
  let src;
  let dst;
  try {
    for (const dir of [srcDir, dstDir]) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { mode: 0o700 });
    }
    await createBlankDisk(join(srcDir, 'disk.qcow2'), ROOT_DISK_BYTES);
    src = await startRawQemu(probe.argv[0], moveArgv(probe.argv.slice(1), probe.dir, srcDir), join(srcDir, 'qmp.sock'));
    await src.qmp.execute('cont');
    await src.qmp.execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
    const t0 = performance.now();
    const uri = `unix:${join(dstDir, 'migrate.sock')}`;
    await createBlankDisk(join(dstDir, 'disk.qcow2'), ROOT_DISK_BYTES);
    // the driver's destination: same devices, no -S (it runs once the stream is in)
    const dstArgs = moveArgv(probe.argv.slice(1), probe.dir, dstDir).filter((a) => a !== '-S');
    dst = await startRawQemu(probe.argv[0], [...dstArgs, '-incoming', uri], join(dstDir, 'qmp.sock'));
    const t1 = performance.now();
    const done = src.qmp.waitForEvent('MIGRATION', (m) => TERMINAL.has(m.data.status));
    await src.qmp.execute('migrate', { uri });
    const { data } = await done;
    const t2 = performance.now();
    if (data.status !== 'completed') throw new Error(`raw migration ${data.status}`);
    const deadline = Date.now() + 10_000;
    while ((await dst.qmp.execute('query-status')).status !== 'running') {
      if (Date.now() > deadline) throw new Error('the raw destination did not run');
      await sleep(1);
    }
    // not part of the raw figure: what the driver's liveMigration also waits for at its end
    const q = performance.now();
    await stopRawQemu(src);
    return { transfer: t2 - t1, protocol: t2 - t0, quit: performance.now() - q };
  } finally {
    await Promise.all([stopRawQemu(src), stopRawQemu(dst)]);
    await Promise.all([srcDir, dstDir].map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

// The source QMP events whose arrival splits a block migration into phases, on both sides.
const MARKED = ['BLOCK_JOB_READY', 'STOP', 'BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED', 'SHUTDOWN'];
// the driver's names (capabilities/migration/migration-live.ts), so that both sides send the very same commands
const MIRROR_JOB = 'virtkit-migration-mirror';
const NBD_NODE = 'virtkit-migration-target';

/** An event listener writing into `marks` the first arrival of each MARKED event, in ms after `start()`. */
function markEvents(marks, start) {
  return (m) => {
    if (!MARKED.includes(m.event) || marks[m.event] !== undefined || start() === undefined) return;
    marks[m.event] = performance.now() - start();
  };
}

/**
 * The same block live migration on both sides: the driver's `liveMigration` call vs a plain script sending,
 * over raw QMP, the QMP commands the driver sends (packages/qemu/src/capabilities/migration/migration-live.ts)
 * between two raw QEMU processes started with the driver's argv.
 * Destination set-up (preLiveMigration's part) is outside
 * both timings.
 */
async function blockMigrationFigure(driver, scratch, runs) {
  const hosts = ['bench-block-source', 'bench-block-destination'];
  const source = await driver(hosts[0]);
  const destination = await driver(hosts[1]);
  const probe = await probeArgv(source);
  const srcDir = join(scratch, 'block-src');
  const dstDir = join(scratch, 'block-dst');
  const samples = await alternate(runs, {
    driver: async () => {
      const marks = {};
      const s = await driverMigration(source, destination, { hosts, marks });
      return { ...marks, total: s.transfer };
    },
    raw: () => rawBlockMigration(probe, srcDir, dstDir),
  });
  const phases = (variant) => {
    const at = (key) => median(samples[variant].map((s) => s[key]));
    const ready = at('BLOCK_JOB_READY');
    const stop = median(samples[variant].map((s) => s.STOP - s.BLOCK_JOB_READY));
    const ended = median(samples[variant].map((s) => s.BLOCK_JOB_COMPLETED - s.STOP));
    const shutdown = median(samples[variant].map((s) => s.SHUTDOWN - s.BLOCK_JOB_COMPLETED));
    const exit = median(samples[variant].map((s) => s.total - s.SHUTDOWN));
    return `${fmt(ready)} / ${fmt(stop)} / ${fmt(ended)} / ${fmt(shutdown)} / ${fmt(exit)}`;
  };
  const candidate = median(samples.driver.map((s) => s.total));
  const baseline = median(samples.raw.map((s) => s.total));
  const paired = median(samples.driver.map((s, i) => s.total / samples.raw[i].total));
  const migrated = median(samples.raw.map((s) => s.MIGRATION - s.STOP));
  return [
    ratioFigure(
      'qemu.blockLiveMigration_vs_rawBlock',
      candidate,
      baseline,
      'ms',
      '<= 1.10',
      `medians of ${runs} alternating runs; no-OS 64 MB VM, 1 GiB blank qcow2 root disk, unix sockets ` +
        `(median of per-round ratios ${fmt(paired)}). ` +
        'Both sides, from a running source to its exit: blockdev-add of the NBD node ' +
        "(the destination's export of its empty root disk) + " +
        'blockdev-mirror (sync top, copy-mode write-blocking, as the driver; the disk has no backing file), ' +
        'wait until the mirror is ready, migrate (unix socket), wait until completed, block-job-cancel (force false) ' +
        'and wait until the job is gone, blockdev-del of the NBD node, quit and wait for the process to exit, ' +
        'remove the instance directory. ' +
        'candidate = liveMigration only (it learns readiness by polling query-block-jobs every 10 ms, ' +
        "completion by polling query-migrate every 20 ms, the job's end by polling query-block-jobs every 10 ms; " +
        'plus its checks, progress reports and bookkeeping); ' +
        'baseline = the same commands over raw QMP, each wait on the QMP event (BLOCK_JOB_READY, ' +
        'MIGRATION completed with the events capability set beforehand, BLOCK_JOB_COMPLETED). ' +
        'Outside both: destination start (-incoming defer, no -S), nbd-server-start, block-export-add, ' +
        "migrate-incoming; the source's spawn. " +
        'Phases (source event arrivals; ms, driver vs raw): ' +
        'start->BLOCK_JOB_READY / ->STOP / ->BLOCK_JOB_COMPLETED / ->SHUTDOWN / ->call end: ' +
        `driver ${phases('driver')}; raw ${phases('raw')} (raw: STOP->MIGRATION completed ${fmt(migrated)} ms)`,
    ),
  ];
}

/** One raw block migration (see blockMigrationFigure); returns the timed span and its event arrivals (ms). */
async function rawBlockMigration(probe, srcDir, dstDir) {
  let src;
  let dst;
  let unlisten = () => undefined;
  try {
    for (const dir of [srcDir, dstDir]) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { mode: 0o700 });
    }
    // the source: the driver's argv in its own directory, running
    await createBlankDisk(join(srcDir, 'disk.qcow2'), ROOT_DISK_BYTES);
    src = await startRawQemu(probe.argv[0], moveArgv(probe.argv.slice(1), probe.dir, srcDir), join(srcDir, 'qmp.sock'));
    await src.qmp.execute('cont');
    await src.qmp.execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
    // the destination as preLiveMigration makes it: an empty disk of the same size, -incoming defer, no -S,
    // the disk exported over NBD, then migrate-incoming
    await createBlankDisk(join(dstDir, 'disk.qcow2'), ROOT_DISK_BYTES);
    const dstArgs = moveArgv(probe.argv.slice(1), probe.dir, dstDir).filter((a) => a !== '-S');
    dst = await startRawQemu(probe.argv[0], [...dstArgs, '-incoming', 'defer'], join(dstDir, 'qmp.sock'));
    const nbd = join(dstDir, 'nbd.sock');
    const uri = `unix:${join(dstDir, 'migrate.sock')}`;
    await dst.qmp.execute('nbd-server-start', { addr: { type: 'unix', data: { path: nbd } } });
    await dst.qmp.execute('block-export-add', {
      type: 'nbd',
      id: 'virtkit-migration',
      'node-name': 'root',
      name: 'root',
      writable: true,
    });
    await dst.qmp.execute('migrate-incoming', { uri });

    const marks = {};
    let t1;
    unlisten = src.qmp.onEvent(markEvents(marks, () => t1));
    const ofJob = (m) => m.data.device === MIRROR_JOB;
    t1 = performance.now();
    // disk phase: mirror the root disk into the destination's export until it is in sync
    // (every wait registered before its command; a wait left behind by a failure must not reject unhandled)
    const ready = quiet(src.qmp.waitForEvent('BLOCK_JOB_READY', ofJob));
    const ended = quiet(src.qmp.waitForEvent(['BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED'], ofJob));
    const endedEarly = quiet(
      ended.then((m) => {
        throw new Error(`the raw mirror ended before it was ready: ${m.event}`);
      }),
    );
    await src.qmp.execute('blockdev-add', {
      driver: 'nbd',
      'node-name': NBD_NODE,
      server: { type: 'unix', path: nbd },
      export: 'root',
    });
    await src.qmp.execute('blockdev-mirror', {
      'job-id': MIRROR_JOB,
      device: 'root',
      target: NBD_NODE,
      sync: 'top',
      'copy-mode': 'write-blocking',
    });
    await Promise.race([ready, endedEarly]);
    // memory phase
    const done = quiet(src.qmp.waitForEvent('MIGRATION', (m) => TERMINAL.has(m.data.status)));
    await src.qmp.execute('migrate', { uri });
    const { data } = await done;
    marks.MIGRATION = performance.now() - t1;
    if (data.status !== 'completed') throw new Error(`raw block migration ${data.status}`);
    // teardown: end the mirror without pivoting (a ready mirror cancelled completes), drop the NBD client
    await src.qmp.execute('block-job-cancel', { device: MIRROR_JOB, force: false });
    const end = await ended;
    if (end.event !== 'BLOCK_JOB_COMPLETED' || end.data.error)
      throw new Error(`the raw mirror ended with ${end.event} ${end.data.error ?? ''}`);
    await src.qmp.execute('blockdev-del', { 'node-name': NBD_NODE });
    await stopRawQemu(src);
    await rm(srcDir, { recursive: true, force: true });
    const total = performance.now() - t1;
    unlisten();
    const deadline = Date.now() + 10_000;
    while ((await dst.qmp.execute('query-status')).status !== 'running') {
      if (Date.now() > deadline) throw new Error('the raw destination did not run');
      await sleep(1);
    }
    return { ...marks, total };
  } finally {
    unlisten();
    await Promise.all([stopRawQemu(src), stopRawQemu(dst)]);
    await Promise.all([srcDir, dstDir].map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** 10 spawns at once: all must reach RUNNING; after destroy and close, no process and no directory is left. */
async function concurrentFigure(driver) {
  const d = await driver('bench-concurrent');
  const uuids = Array.from({ length: 10 }, () => randomUUID());
  const t = performance.now();
  const outcomes = await Promise.allSettled(
    uuids.map(async (uuid) => {
      await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
      await untilRunning(d, uuid);
    }),
  );
  const ms = performance.now() - t;
  const running = outcomes.filter((o) => o.status === 'fulfilled').length;
  await Promise.allSettled(uuids.map((uuid) => d.destroy(ctx, { instance: { uuid } })));
  const root = d.stateRoot;
  const leaks = await qemuLeakCheck(d);
  await d.close();
  if (root && existsSync(root)) leaks.push(`state root ${root} left`);
  const pids = root ? processesMentioning(root) : [];
  if (pids.length > 0) leaks.push(`QEMU process(es) left after close: ${pids.join(', ')}`);
  const failure = outcomes.find((o) => o.status === 'rejected')?.reason;
  return [
    valueFigure(
      'qemu.concurrentSpawn10',
      running,
      'instances RUNNING',
      'all 10 reach RUNNING, none leaked',
      `${running}/10 RUNNING ${fmt(ms)} ms after 10 concurrent spawns; ` +
        `${leaks.length === 0 ? 'none leaked' : `LEAKED: ${leaks.join('; ')}`}` +
        `${failure ? `; first failure: ${failure.message}` : ''}`,
    ),
  ];
}

/** Spawn one instance to read the argv the driver built (/proc/<pid>/cmdline) and its directory; destroy it. */
async function probeArgv(d) {
  const uuid = randomUUID();
  await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
  try {
    const info = await d.getInfo(ctx, { instance: { uuid } });
    const pid = Number(String(info.internalId).replace(/^pid:/, ''));
    return { argv: processArgv(pid), dir: join(d.stateRoot, uuid) };
  } finally {
    await d.destroy(ctx, { instance: { uuid } });
  }
}

async function untilRunning(d, uuid, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await d.getInfo(ctx, { instance: { uuid } })).state !== PowerState.RUNNING) {
    if (Date.now() > deadline) throw new Error(`instance ${uuid} did not reach RUNNING in ${timeoutMs} ms`);
    await sleep(1);
  }
}

/** The promise, marked handled (it may be left unawaited when a step before it fails). */
function quiet(promise) {
  promise.catch(() => undefined);
  return promise;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function fmt(x) {
  return round(x);
}
