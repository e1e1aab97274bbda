// qemu.*: the QEMU driver against QEMU driven by hand (plain Node, bench/lib/qemu-raw.mjs), on no-OS
// instances under TCG. Full run only: it starts about 80 QEMU processes (~20 s). Everything it starts is stopped
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
  createBlankDisk, killRawQemus, moveArgv, processArgv, processesMentioning, startRawQemu, stopRawQemu,
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
      figures.push(...names.map((name) => ({ name, value: null, unit: '-', target: '-', note: `failed: ${error.message}` })));
    }
  };
  try {
    await attempt(['guarded_vs_direct.qemu.getInfo'], () => getInfoFigure(driver, quick));
    await attempt(['qemu.spawnToRunning_vs_raw'], () => spawnFigure(driver, scratch, runs));
    await attempt(['qemu.liveMigration_vs_raw', 'qemu.liveMigrationProtocol_vs_raw'], () => migrationFigures(driver, scratch, runs));
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
  return [ratioFigure('guarded_vs_direct.qemu.getInfo', guarded, direct, 'ns/op', '<= 1.05',
    `one QMP round trip each, called in turns; guarded adds validation, /proc/<pid>/stat (CPU time) and the state event (sessions: ${sessions.map((s) => fmt(s.guarded / s.direct)).join(', ')})`)];
}

/** spawn (powerOn) until getInfo says RUNNING vs starting QEMU with the same argv and waiting for `running` over QMP. */
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
      const raw = await startRawQemu(probe.argv[0], moveArgv(probe.argv.slice(1), probe.dir, rawDir), join(rawDir, 'qmp.sock'));
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
  return [ratioFigure('qemu.spawnToRunning_vs_raw', candidate, baseline, 'ms', '<= 1.10',
    `medians of ${runs} alternating runs each (median of per-round ratios ${fmt(paired)}); raw gets its blank root disk made beforehand (qemu-img create, median ${fmt(disk)} ms), spawn makes it`)];
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
    ratioFigure('qemu.liveMigration_vs_raw', pick('driver', 'transfer'), pick('raw', 'transfer'), 'ms', '<= 1.10',
      `${note} (median of per-round ratios ${paired('transfer')}); raw = migrate until the MIGRATION completed event; liveMigration = disk phase (NBD mirror of the root disk) ${fmt(pick('driver', 'disk'))} ms + memory phase, mirror teardown and source quit ${fmt(pick('driver', 'memory'))} ms (a raw source quits in ${fmt(pick('raw', 'quit'))} ms)`),
    ratioFigure('qemu.liveMigrationProtocol_vs_raw', pick('driver', 'protocol'), pick('raw', 'protocol'), 'ms', '-',
      `informative; ${note} (median of per-round ratios ${paired('protocol')}); checks + preLiveMigration + liveMigration + post* vs raw destination start (disk, -incoming) + migrate`),
  ];
}

async function driverMigration(source, destination) {
  const uuid = randomUUID();
  const instance = { uuid, flavor: FLAVOR };
  await source.spawn(ctx, { instance, imageMeta: NO_OS_IMAGE });
  await untilRunning(source, uuid);
  let migrated = false;
  try {
    const t0 = performance.now();
    const destCheckData = await destination.checkCanLiveMigrateDestination(ctx, {
      instance, srcComputeInfo: { host: 'bench-source' }, dstComputeInfo: { host: 'bench-destination' },
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
    const t1 = performance.now();
    await source.liveMigration({ onProgress }, {
      instance, dest: 'bench-destination', migrateData, postMethod: async () => undefined, recoverMethod: async () => undefined,
    });
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

/** 10 spawns at once: all must reach RUNNING; after destroy and close, no process and no directory is left. */
async function concurrentFigure(driver) {
  const d = await driver('bench-concurrent');
  const uuids = Array.from({ length: 10 }, () => randomUUID());
  const t = performance.now();
  const outcomes = await Promise.allSettled(uuids.map(async (uuid) => {
    await d.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
    await untilRunning(d, uuid);
  }));
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
  return [valueFigure('qemu.concurrentSpawn10', running, 'instances RUNNING', 'all 10 reach RUNNING, none leaked',
    `${running}/10 RUNNING ${fmt(ms)} ms after 10 concurrent spawns; ${leaks.length === 0 ? 'none leaked' : `LEAKED: ${leaks.join('; ')}`}${failure ? `; first failure: ${failure.message}` : ''}`)];
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

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function fmt(x) {
  return round(x);
}
