import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PowerState, type MigrateData, type OperationContext } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../../src/index.js';
import { pidAlive, pollUntil, processArgs } from '../../src/runtime/proc-utils.js';
import { VmProcess } from '../../src/runtime/vm-process.js';
import {
  codeOf,
  ctx,
  FLAVOR,
  HardeningEnv,
  processesIn,
  qemuIt,
  qemuPid,
  recordQemuReliability,
  ref,
  untilExitSeen,
  vmOf,
} from './hardening-env.js';

// Issue part 3: faults injected into QEMU under the driver. After each one the driver
// must report the true state (CRASHED/SHUTDOWN after an exit nobody asked for, never a
// stale RUNNING), emit the right lifecycle event, still destroy, and leave no process,
// socket or file behind.

const { RUNNING, PAUSED, SHUTDOWN, CRASHED, SUSPENDED } = PowerState;
const faultIt = qemuIt('QEMU fault-injection tests');

interface FaultRecord {
  fault: string;
  injected: number;
  survived: number;
  outcome: string;
  leaks: string[];
}
const table: FaultRecord[] = [];
const started = Date.now();

/** Run a fault scenario: count it, and count it survived only when it ran to the end with nothing leaked. */
function fault(
  name: string,
  body: (env: HardeningEnv, record: FaultRecord) => Promise<void>,
  timeoutMs = 60_000,
): void {
  faultIt(
    name,
    async () => {
      const env = new HardeningEnv();
      const record: FaultRecord = { fault: name, injected: 0, survived: 0, outcome: '', leaks: [] };
      table.push(record);
      try {
        await body(env, record);
        for (const d of env.drivers) record.leaks.push(...env.leaksOf(d));
        const sockets = await env.socketLeak();
        if (sockets > 0) record.leaks.push(`${sockets} socket(s) of the test process still open`);
        expect(record.leaks).toEqual([]);
        record.survived = record.injected;
      } finally {
        await env.dispose();
        if (env.strays.length > 0) record.leaks.push(`processes killed at dispose: ${env.strays.join(',')}`);
      }
      expect(env.strays).toEqual([]);
    },
    timeoutMs,
  );
}

/** Act on one QMP command the driver sends (before it is sent), once; restored after each test. */
function beforeQmp(command: string, action: (proc: VmProcess) => void, which?: (proc: VmProcess) => boolean): void {
  onQmp(command, 'before', action, which);
}

/** Act on one QMP command, before it is sent or once QEMU has answered it. */
function onQmp(
  command: string,
  when: 'before' | 'after',
  action: (proc: VmProcess) => void,
  which?: (proc: VmProcess) => boolean,
): void {
  const original = VmProcess.prototype.execute;
  let fired = false;
  jest.spyOn(VmProcess.prototype, 'execute').mockImplementation(function (
    this: VmProcess,
    cmd: string,
    args?: Record<string, unknown>,
    options?: object,
  ) {
    const hit = !fired && cmd === command && (which?.(this) ?? true);
    if (hit) fired = true;
    if (hit && when === 'before') action(this);
    const answer = original.call(this, cmd, args, options) as Promise<never>;
    return hit && when === 'after' ? answer.then((value) => (action(this), value)) : answer;
  });
}

afterEach(() => jest.restoreAllMocks());

afterAll(() => {
  if (table.length === 0) return;
  const injected = table.reduce((n, r) => n + r.injected, 0);
  const survived = table.reduce((n, r) => n + r.survived, 0);
  recordQemuReliability('faults', {
    faultsInjected: injected,
    faultsSurvived: survived,
    leaksFound: table.reduce((n, r) => n + r.leaks.length, 0),
    scenarios: table.length,
    durationMs: Date.now() - started,
    table,
  });
});

/** The instance's state, power events and leaks once the dust has settled after an unasked exit. */
async function expectCrashedThenUsable(env: HardeningEnv, d: QemuDriver, uuid: string, pid: number): Promise<void> {
  // getInfo right away: the true state, never a stale RUNNING nor an error
  expect((await d.getInfo(ctx, ref(uuid))).state).toBe(CRASHED);
  await untilExitSeen(d, uuid, pid);
  expect(env.eventsOf(uuid).at(-1)).toEqual(['STOPPED', CRASHED]);
  expect(env.eventsOf(uuid).filter(([t]) => t === 'STOPPED')).toHaveLength(1);
  expect(pidAlive(pid)).toBe(false);
  expect(await env.strayFiles(d, uuid)).toEqual([]);
  // the dead process's sockets and pid file went with it
  expect(['qmp.sock', 'serial.sock', 'qemu.pid'].filter((f) => existsSync(join(d.stateRoot!, uuid, f)))).toEqual([]);
  // and the instance is usable again
  await d.powerOn(ctx, ref(uuid));
  expect((await d.getInfo(ctx, ref(uuid))).state).toBe(RUNNING);
}

describe('faults on QEMU: processes killed', () => {
  fault('spawn: QEMU dies before it opens its monitor', async (env, record) => {
    const dies = env.file('qemu-dies', '#!/bin/sh\nkill -KILL $$\n', 0o755);
    const d = await env.driver('spawn-dies', { qemuBinary: dies });
    const uuid = '3f1c3a6e-1d1b-4c59-9a53-0d5c1b2f4a01';
    record.injected = 1;
    const spawned = d.spawn(ctx, { instance: { uuid, name: 'dies', flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
    expect(await codeOf(spawned)).toBe('DRIVER_ERROR');
    expect(await d.listInstanceUuids(ctx)).toEqual([]);
    expect(await codeOf(d.getInfo(ctx, ref(uuid)))).toBe('INSTANCE_NOT_FOUND');
    expect(env.eventsOf(uuid)).toEqual([]);
    record.outcome = 'spawn DRIVER_ERROR; no instance, directory or process';
  });

  fault('spawn: QEMU SIGKILLed after its monitor connected, before the guest starts', async (env, record) => {
    const d = await env.driver('spawn-killed');
    let pid = 0;
    beforeQmp('cont', (proc) => {
      pid = proc.pid;
      process.kill(proc.pid, 'SIGKILL');
    });
    const uuid = '3f1c3a6e-1d1b-4c59-9a53-0d5c1b2f4a02';
    record.injected = 1;
    expect(
      await codeOf(d.spawn(ctx, { instance: { uuid, name: 'killed', flavor: FLAVOR }, imageMeta: NO_OS_IMAGE })),
    ).toBe('DRIVER_ERROR');
    expect(pid).toBeGreaterThan(0);
    expect(pidAlive(pid)).toBe(false);
    expect(await d.listInstanceUuids(ctx)).toEqual([]);
    expect(env.eventsOf(uuid)).toEqual([]);
    // the same uuid spawns cleanly afterwards
    jest.restoreAllMocks();
    await d.spawn(ctx, { instance: { uuid, name: 'killed', flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
    expect((await d.getInfo(ctx, ref(uuid))).state).toBe(RUNNING);
    await d.destroy(ctx, ref(uuid));
    record.outcome = 'spawn DRIVER_ERROR; failed-spawn cleanup removed everything; re-spawn of the uuid works';
  });

  fault('spawn: QEMU SIGKILLed at the first instant its process is seen (5 rounds)', async (env, record) => {
    const d = await env.driver('spawn-race');
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round++) {
      const uuid = `3f1c3a6e-1d1b-4c59-9a53-0d5c1b2f4b0${round}`;
      const dir = join(d.stateRoot!, uuid);
      let killed: number | undefined;
      let watching = true;
      const watcher = (async () => {
        while (watching && killed === undefined) {
          // QEMU itself, not the qemu-img that made the disk
          const [pid] = processesIn(dir).filter((p) => processArgs(p)?.[0]?.includes('qemu-system') === true);
          if (pid !== undefined) {
            process.kill(pid, 'SIGKILL');
            killed = pid;
          }
          await new Promise((r) => setImmediate(r));
        }
      })();
      record.injected++;
      const code = await codeOf(
        d.spawn(ctx, { instance: { uuid, name: `race-${round}`, flavor: FLAVOR }, imageMeta: NO_OS_IMAGE }),
      );
      watching = false;
      await watcher;
      expect(killed).toBeDefined();
      if (code === 'resolved') {
        // the guest got started before the kill landed: it is now a crashed instance
        await untilExitSeen(d, uuid, killed!);
        expect((await d.getInfo(ctx, ref(uuid))).state).toBe(CRASHED);
        expect(env.eventsOf(uuid).at(-1)).toEqual(['STOPPED', CRASHED]);
        await d.destroy(ctx, ref(uuid));
        outcomes.push('spawned, then CRASHED + STOPPED');
      } else {
        expect(code).toBe('DRIVER_ERROR');
        expect(await d.listInstanceUuids(ctx)).toEqual([]);
        outcomes.push('spawn DRIVER_ERROR, nothing left');
      }
      expect(pidAlive(killed!)).toBe(false);
      expect(existsSync(dir)).toBe(false);
    }
    record.outcome = [...new Set(outcomes)].map((o) => `${outcomes.filter((x) => x === o).length}x ${o}`).join('; ');
  });

  for (const [step, command] of [
    ['while blockdev-add runs', 'blockdev-add'],
    ['between blockdev-add and device_add', 'device_add'],
  ] as const) {
    fault(`volume attach: QEMU SIGKILLed ${step}`, async (env, record) => {
      const d = await env.driver(`attach-${command}`);
      const uuid = await env.spawn(d, {});
      const pid = qemuPid(d, uuid);
      const volume = env.volume('vol-a', {});
      beforeQmp(command, (proc) => process.kill(proc.pid, 'SIGKILL'));
      record.injected = 1;
      const attach = { instance: { uuid, name: 'v', flavor: FLAVOR }, connectionInfo: volume, mountpoint: '/dev/sdb' };
      expect(await codeOf(d.attachVolume(ctx, attach))).toBe('DRIVER_ERROR');
      jest.restoreAllMocks();
      await expectCrashedThenUsable(env, d, uuid, pid);
      // the half-attached volume was not recorded: attaching it again works, and it detaches
      await d.attachVolume(ctx, attach);
      expect((await d.getInstanceDiagnostics(ctx, ref(uuid))).numDisks).toBe(2);
      await d.detachVolume(ctx, attach);
      await d.destroy(ctx, ref(uuid));
      record.outcome = 'attach DRIVER_ERROR; getInfo CRASHED, one STOPPED; powerOn, re-attach, destroy work';
    });
  }

  fault('suspend: QEMU SIGKILLed while its state is being saved', async (env, record) => {
    const d = await env.driver('suspend-killed');
    const uuid = await env.spawn(d);
    const pid = qemuPid(d, uuid);
    beforeQmp('migrate', (proc) => process.kill(proc.pid, 'SIGKILL'));
    record.injected = 1;
    expect(await codeOf(d.suspend(ctx, ref(uuid)))).toBe('DRIVER_ERROR');
    jest.restoreAllMocks();
    // no partial saved state, no leftover socket
    await expectCrashedThenUsable(env, d, uuid, pid);
    await d.destroy(ctx, ref(uuid));
    record.outcome = 'suspend DRIVER_ERROR; CRASHED + STOPPED, no partial state file; powerOn works';
  });

  fault('image snapshot: QEMU SIGKILLed while the disk is being copied', async (env, record) => {
    const d = await env.driver('snapshot-killed');
    const uuid = await env.spawn(d);
    const pid = qemuPid(d, uuid);
    beforeQmp('blockdev-backup', (proc) => process.kill(proc.pid, 'SIGKILL'));
    record.injected = 1;
    const { path } = await d.createImage('snap-killed');
    expect(await codeOf(d.snapshot(ctx, { ...ref(uuid), imageId: 'snap-killed' }))).toBe('DRIVER_ERROR');
    jest.restoreAllMocks();
    // no partial copy is left, and the caller's image is as it was created: empty
    expect(readdirSync(join(d.stateRoot!, 'images'))).toEqual(['snap-killed.qcow2']);
    expect(statSync(path).size).toBe(0);
    await expectCrashedThenUsable(env, d, uuid, pid);
    await d.snapshot(ctx, { ...ref(uuid), imageId: 'snap-killed' });
    expect(readdirSync(join(d.stateRoot!, 'images'))).toEqual(['snap-killed.qcow2']);
    await d.destroy(ctx, ref(uuid));
    record.outcome = 'snapshot DRIVER_ERROR, no partial image; CRASHED + STOPPED; powerOn and a new snapshot work';
  });

  fault('power-off: QEMU SIGKILLed while the ACPI button is being pressed', async (env, record) => {
    const d = await env.driver('poweroff-killed');
    const uuid = await env.spawn(d);
    const pid = qemuPid(d, uuid);
    beforeQmp('system_powerdown', (proc) => process.kill(proc.pid, 'SIGKILL'));
    record.injected = 1;
    // the instance was to stop anyway: the call reaches its target
    await d.powerOff(ctx, { ...ref(uuid), timeoutSec: 5, retryIntervalSec: 1 });
    jest.restoreAllMocks();
    expect(pidAlive(pid)).toBe(false);
    expect((await d.getInfo(ctx, ref(uuid))).state).toBe(SHUTDOWN);
    expect(env.eventsOf(uuid).map(([t, s]) => [t, s])).toEqual([
      ['STARTED', RUNNING],
      ['STOPPED', SHUTDOWN],
    ]);
    await d.destroy(ctx, ref(uuid));
    record.outcome = 'powerOff succeeds: SHUTDOWN, one STOPPED (no CRASHED)';
  });

  fault('destroy right after QEMU was SIGKILLed, before the driver saw the exit (5 rounds)', async (env, record) => {
    const d = await env.driver('kill-destroy');
    for (let round = 0; round < 5; round++) {
      const uuid = await env.spawn(d);
      const pid = qemuPid(d, uuid);
      record.injected++;
      process.kill(pid, 'SIGKILL');
      await d.destroy(ctx, ref(uuid));
      expect(pidAlive(pid)).toBe(false);
      expect(existsSync(join(d.stateRoot!, uuid))).toBe(false);
      expect(await codeOf(d.getInfo(ctx, ref(uuid)))).toBe('INSTANCE_NOT_FOUND');
    }
    // an exit recorded after the directory went must not bring anything back
    await pollUntil(() => false, 300, 50);
    expect(await d.listInstanceUuids(ctx)).toEqual([]);
    record.outcome = 'destroy succeeds every time; no directory comes back';
  });

  const resumeKills = [
    ['before it listens for the saved state', 'migrate-incoming', 'before'],
    ['while the saved state streams in', 'migrate-incoming', 'after'],
    ['once the state is in, before the guest continues', 'cont', 'before'],
  ] as const;
  for (const [when, command, moment] of resumeKills) {
    fault(`resume: QEMU SIGKILLed ${when}`, async (env, record) => {
      const d = await env.driver(`resume-killed-${command}`);
      const uuid = await env.spawn(d);
      await d.suspend(ctx, ref(uuid));
      let pid = 0;
      onQmp(command, moment, (proc) => {
        pid = proc.pid;
        process.kill(proc.pid, 'SIGKILL');
      });
      record.injected = 1;
      expect(await codeOf(d.resume(ctx, ref(uuid)))).toBe('DRIVER_ERROR');
      jest.restoreAllMocks();
      expect(pid).toBeGreaterThan(0);
      await pollUntil(() => !pidAlive(pid), 5000);
      // let the exit be seen: it must not turn the failed resume into a crash
      await pollUntil(() => vmOf(d, uuid)?.proc === undefined, 5000);
      // the resume failed: the instance is still suspended, its saved state intact
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(SUSPENDED);
      expect(env.eventsOf(uuid).map(([t]) => t)).toEqual(['STARTED', 'SUSPENDED']);
      expect(await env.strayFiles(d, uuid)).toEqual([]);
      await d.resume(ctx, ref(uuid));
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(RUNNING);
      await d.destroy(ctx, ref(uuid));
      record.outcome = 'resume DRIVER_ERROR; still SUSPENDED (no event), saved state kept; resume again works';
    });
  }
});

describe('faults on QEMU: live migration', () => {
  interface Migration {
    source: QemuDriver;
    destination: QemuDriver;
    uuid: string;
    srcPid: number;
    migrate(ctx?: OperationContext): Promise<string>;
  }
  /** Two hosts (two state roots), one running instance on the source, prepared up to preLiveMigration. */
  async function prepare(env: HardeningEnv, tag: string): Promise<Migration> {
    const source = await env.driver(`${tag}-src`);
    const destination = await env.driver(`${tag}-dst`);
    const uuid = await env.spawn(source);
    const instance = { uuid, name: `m-${uuid.slice(0, 8)}`, flavor: FLAVOR };
    const migrate = async (c: OperationContext = ctx, dst = destination): Promise<string> => {
      const destCheckData = await dst.checkCanLiveMigrateDestination(ctx, {
        instance,
        srcComputeInfo: {},
        dstComputeInfo: {},
      });
      const sourceData = await source.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
      const migrateData: MigrateData = await dst.preLiveMigration(ctx, { instance, migrateData: sourceData });
      const code = await codeOf(source.liveMigration(c, { instance, dest: dst.hostApi.hostname!, migrateData }));
      if (code === 'resolved') await dst.postLiveMigrationAtDestination(ctx, { instance });
      else await dst.rollbackLiveMigrationAtDestination(ctx, { instance, migrateData });
      return code;
    };
    return { source, destination, uuid, srcPid: qemuPid(source, uuid), migrate };
  }
  const destinationPid = (m: Migration): number => qemuPid(m.destination, m.uuid);
  const onFirstDiskProgress = (act: () => void): OperationContext => {
    let done = false;
    return {
      onProgress: (p) => {
        if (!done && p.phase === 'disk') {
          done = true;
          act();
        }
      },
    };
  };

  fault('live migration: source QEMU SIGKILLed during the disk mirror', async (env, record) => {
    const m = await prepare(env, 'src-disk');
    record.injected = 1;
    const code = await m.migrate(onFirstDiskProgress(() => process.kill(m.srcPid, 'SIGKILL')));
    expect(code).toBe('DRIVER_ERROR');
    expect(await m.destination.listInstanceUuids(ctx)).toEqual([]);
    expect(await m.source.listInstanceUuids(ctx)).toEqual([m.uuid]);
    await expectCrashedThenUsable(env, m.source, m.uuid, m.srcPid);
    await m.source.destroy(ctx, ref(m.uuid));
    record.outcome = 'liveMigration DRIVER_ERROR; source CRASHED + STOPPED; destination rolled back clean';
  });

  fault('live migration: source QEMU SIGKILLed as the memory transfer starts', async (env, record) => {
    const m = await prepare(env, 'src-mem');
    beforeQmp(
      'migrate',
      (proc) => process.kill(proc.pid, 'SIGKILL'),
      (proc) => proc.pid === m.srcPid,
    );
    record.injected = 1;
    expect(await m.migrate()).toBe('DRIVER_ERROR');
    jest.restoreAllMocks();
    expect(await m.destination.listInstanceUuids(ctx)).toEqual([]);
    await expectCrashedThenUsable(env, m.source, m.uuid, m.srcPid);
    await m.source.destroy(ctx, ref(m.uuid));
    record.outcome = 'liveMigration DRIVER_ERROR; source CRASHED + STOPPED; destination rolled back clean';
  });

  fault(
    "live migration: the source's cleanup fails after the guest moved: the call succeeds, the source QEMU is gone, the destination runs",
    async (env, record) => {
      const m = await prepare(env, 'post-step');
      // the memory phase is over when the driver deletes the NBD client: make that (and the quit after it) fail
      const original = VmProcess.prototype.execute;
      jest.spyOn(VmProcess.prototype, 'execute').mockImplementation(function (
        this: VmProcess,
        cmd: string,
        args?: Record<string, unknown>,
        options?: object,
      ) {
        if (this.pid === m.srcPid && (cmd === 'blockdev-del' || cmd === 'quit'))
          return Promise.reject(new Error(`injected failure of ${cmd}`));
        return original.call(this, cmd, args, options) as Promise<never>;
      });
      record.injected = 2;
      expect(await m.migrate()).toBe('resolved');
      jest.restoreAllMocks();
      expect(pidAlive(m.srcPid)).toBe(false);
      expect(await m.source.listInstanceUuids(ctx)).toEqual([]);
      expect((await m.destination.getInfo(ctx, ref(m.uuid))).state).toBe(RUNNING);
      expect(env.logs.some((l) => l.level === 'warn' && l.message.includes('live migration completed'))).toBe(true);
      await m.destination.destroy(ctx, ref(m.uuid));
      record.outcome =
        'liveMigration succeeds (cleanup failures logged); source QEMU killed, source forgets it; destination RUNNING';
    },
  );

  for (const phase of ['disk mirror', 'memory transfer'] as const) {
    fault(
      `live migration: the destination QEMU dies during the ${phase}; the source keeps running`,
      async (env, record) => {
        const m = await prepare(env, phase === 'disk mirror' ? 'dst-disk' : 'dst-mem');
        let dstPid = 0;
        const kill = (): void => {
          dstPid = destinationPid(m);
          process.kill(dstPid, 'SIGKILL');
        };
        let c: OperationContext = ctx;
        if (phase === 'disk mirror') c = onFirstDiskProgress(kill);
        else beforeQmp('migrate', kill, (proc) => proc.pid === m.srcPid);
        record.injected = 1;
        expect(await m.migrate(c)).toBe('MIGRATION_FAILED');
        jest.restoreAllMocks();
        expect(pidAlive(dstPid)).toBe(false);
        // the source never stopped: no event, still RUNNING, same process, still driven
        expect((await m.source.getInfo(ctx, ref(m.uuid))).state).toBe(RUNNING);
        expect(qemuPid(m.source, m.uuid)).toBe(m.srcPid);
        expect(env.eventsOf(m.uuid)).toEqual([['STARTED', RUNNING]]);
        await m.source.pause(ctx, ref(m.uuid));
        expect((await m.source.getInfo(ctx, ref(m.uuid))).state).toBe(PAUSED);
        await m.source.unpause(ctx, ref(m.uuid));
        expect(await m.destination.listInstanceUuids(ctx)).toEqual([]);
        expect(env.leaksOf(m.destination)).toEqual([]);
        // no mirror job or NBD client left behind: a second migration, to a fresh host, goes through
        const other = await env.driver(`${phase === 'disk mirror' ? 'dst-disk' : 'dst-mem'}-2`);
        const instance = { uuid: m.uuid, name: 'again', flavor: FLAVOR };
        const destCheckData = await other.checkCanLiveMigrateDestination(ctx, {
          instance,
          srcComputeInfo: {},
          dstComputeInfo: {},
        });
        const migrateData = await other.preLiveMigration(ctx, {
          instance,
          migrateData: await m.source.checkCanLiveMigrateSource(ctx, { instance, destCheckData }),
        });
        await m.source.liveMigration(ctx, { instance, dest: 'other', migrateData });
        await other.postLiveMigrationAtDestination(ctx, { instance });
        expect((await other.getInfo(ctx, ref(m.uuid))).state).toBe(RUNNING);
        expect(pidAlive(m.srcPid)).toBe(false);
        await other.destroy(ctx, ref(m.uuid));
        record.outcome =
          'liveMigration DRIVER_ERROR; source RUNNING, no event; rollback clean; a second migration succeeds';
      },
    );
  }
});

describe('faults on QEMU: the monitor stops answering', () => {
  fault(
    'QMP hangs (SIGSTOP): reads with a deadline and calls under the QMP timeout fail with TIMEOUT; after SIGCONT the driver recovers',
    async (env, record) => {
      const d = await env.driver('hang-cont', { qmpTimeoutMs: 1000 });
      const uuid = await env.spawn(d);
      const pid = qemuPid(d, uuid);
      process.kill(pid, 'SIGSTOP');
      record.injected = 1;
      try {
        expect(await codeOf(d.getInfo({ deadline: Date.now() + 300 }, ref(uuid)))).toBe('TIMEOUT');
        expect(await codeOf(d.getInfo(ctx, ref(uuid)))).toBe('TIMEOUT');
        expect(await codeOf(d.pause(ctx, ref(uuid)))).toBe('TIMEOUT');
        expect(await codeOf(d.getVncConsole({ deadline: Date.now() + 300 }, ref(uuid)))).toBe('TIMEOUT');
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(RUNNING);
      await d.pause(ctx, ref(uuid));
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(PAUSED);
      await d.unpause(ctx, ref(uuid));
      expect(env.eventsOf(uuid).map(([t]) => t)).toEqual(['STARTED', 'PAUSED', 'RESUMED']);
      await d.destroy(ctx, ref(uuid));
      expect(pidAlive(pid)).toBe(false);
      record.outcome = 'getInfo/pause/getVncConsole TIMEOUT; after SIGCONT RUNNING, calls work, destroy clean';
    },
  );

  fault(
    'QMP hangs in the middle of a volume attach: TIMEOUT, and after SIGCONT the volume attaches cleanly',
    async (env, record) => {
      const d = await env.driver('hang-attach', { qmpTimeoutMs: 1000 });
      const uuid = await env.spawn(d);
      const pid = qemuPid(d, uuid);
      const volume = env.volume('vol-h', {});
      const attach = { instance: { uuid, name: 'v', flavor: FLAVOR }, connectionInfo: volume, mountpoint: 'sdb' };
      beforeQmp('blockdev-add', () => process.kill(pid, 'SIGSTOP'));
      record.injected = 1;
      try {
        expect(await codeOf(d.attachVolume(ctx, attach))).toBe('TIMEOUT');
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      jest.restoreAllMocks();
      // QEMU ran the late command once it woke up: the driver must not be confused by it
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(RUNNING);
      await d.attachVolume(ctx, attach);
      expect((await d.getInstanceDiagnostics(ctx, ref(uuid))).numDisks).toBe(2);
      await d.detachVolume(ctx, attach);
      expect((await d.getInstanceDiagnostics(ctx, ref(uuid))).numDisks).toBe(1);
      await d.attachVolume(ctx, attach);
      await d.destroy(ctx, ref(uuid));
      record.outcome = 'attach TIMEOUT; after SIGCONT attach/detach/attach work; destroy clean';
    },
  );

  fault('QMP hangs, then QEMU is SIGKILLed: CRASHED with one STOPPED, and powerOn works', async (env, record) => {
    const d = await env.driver('hang-kill', { qmpTimeoutMs: 1000 });
    const uuid = await env.spawn(d);
    const pid = qemuPid(d, uuid);
    process.kill(pid, 'SIGSTOP');
    record.injected = 1;
    expect(await codeOf(d.getInfo({ deadline: Date.now() + 300 }, ref(uuid)))).toBe('TIMEOUT');
    process.kill(pid, 'SIGKILL');
    await expectCrashedThenUsable(env, d, uuid, pid);
    await d.destroy(ctx, ref(uuid));
    record.outcome = 'getInfo TIMEOUT; after the kill CRASHED + STOPPED; powerOn, destroy work';
  });

  fault('QMP hangs: destroy still stops QEMU and removes everything', async (env, record) => {
    const d = await env.driver('hang-destroy', { qmpTimeoutMs: 1000 });
    const uuid = await env.spawn(d);
    const pid = qemuPid(d, uuid);
    process.kill(pid, 'SIGSTOP');
    record.injected = 1;
    await d.destroy(ctx, ref(uuid));
    expect(pidAlive(pid)).toBe(false);
    expect(await d.listInstanceUuids(ctx)).toEqual([]);
    expect(env.eventsOf(uuid).map(([t]) => t)).toEqual(['STARTED', 'STOPPED', 'DELETED']);
    record.outcome = 'destroy succeeds (quit times out, SIGKILL); one STOPPED, then DELETED; nothing left';
  });
});

describe('faults on QEMU: metadata writes', () => {
  // the module object the driver calls through (a namespace import's bindings cannot be spied on)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fsPromises = require('node:fs/promises') as typeof import('node:fs/promises');
  const temps = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('.meta.json.'));

  fault(
    'a slow metadata write when QEMU is killed: the exit counts as seen only once it is recorded (no temp file then)',
    async (env, record) => {
      const d = await env.driver('slow-meta');
      const uuid = await env.spawn(d);
      const dir = join(d.stateRoot!, uuid);
      const pid = qemuPid(d, uuid);
      // every metadata write now takes 300 ms: the window in which a check could find the temp file
      const original = fsPromises.writeFile;
      jest.spyOn(fsPromises, 'writeFile').mockImplementation(async (...args: Parameters<typeof original>) => {
        if (String(args[0]).includes('/.meta.json.')) await new Promise((r) => setTimeout(r, 300));
        return original(...args);
      });
      record.injected = 1;
      process.kill(pid, 'SIGKILL');
      await untilExitSeen(d, uuid, pid);
      // no polling: the moment the exit is seen, the metadata is written and no temp file is left
      expect(temps(dir)).toEqual([]);
      expect(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).power).toBe('crashed');
      expect(env.eventsOf(uuid).at(-1)).toEqual(['STOPPED', CRASHED]);
      jest.restoreAllMocks();
      await d.destroy(ctx, ref(uuid));
      record.outcome = 'exit seen after the 300 ms write; meta.json crashed, no temp file, one STOPPED';
    },
  );

  fault(
    'a metadata write that fails (rename) removes its temp file; the call fails typed and the next write works',
    async (env, record) => {
      const d = await env.driver('failing-meta');
      const uuid = await env.spawn(d, { powerOn: false });
      const dir = join(d.stateRoot!, uuid);
      jest
        .spyOn(fsPromises, 'rename')
        .mockRejectedValueOnce(Object.assign(new Error('EIO: injected'), { code: 'EIO' }));
      record.injected = 1;
      expect(await codeOf(d.setBootable(ctx, { ...ref(uuid), bootable: false }))).not.toBe('resolved');
      expect(temps(dir)).toEqual([]);
      jest.restoreAllMocks();
      await d.setBootable(ctx, { ...ref(uuid), bootable: false });
      expect(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).bootable).toBe(false);
      expect(temps(dir)).toEqual([]);
      await d.destroy(ctx, ref(uuid));
      record.outcome = 'the failing write left no temp file; the next write landed';
    },
  );

  fault(
    'temp files of writes cut short by the end of an earlier driver process are swept by initHost',
    async (env, record) => {
      const first = await env.driver('sweep');
      const uuid = await env.spawn(first, { powerOn: false });
      const root = first.stateRoot!;
      await first.close();
      env.drivers.splice(env.drivers.indexOf(first), 1);
      writeFileSync(join(root, uuid, '.meta.json.deadbeef'), '{"version":1,');
      record.injected = 1;
      const second = new QemuDriver({ hostname: 'sweep', options: { stateDir: root, allowedDirs: [env.dir] } });
      env.drivers.push(second);
      await second.initHost(ctx, { host: 'sweep' });
      expect(await second.listInstanceUuids(ctx)).toEqual([uuid]);
      expect(temps(join(root, uuid))).toEqual([]);
      await second.destroy(ctx, ref(uuid));
      record.outcome = 'the stray temp file is gone after initHost; the instance is intact';
    },
  );
});

describe('faults on QEMU: bad images', () => {
  const spawnFrom = (d: QemuDriver, uuid: string, imageMeta: object): Promise<string> =>
    codeOf(d.spawn(ctx, { instance: { uuid, name: `img-${uuid.slice(0, 8)}`, flavor: FLAVOR }, imageMeta }));

  fault('spawn from a missing, corrupt or truncated image: typed error, nothing left behind', async (env, record) => {
    const d = await env.driver('bad-images');
    const qcow2 = join(env.dir, 'good.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    const truncated = env.file('truncated.qcow2', readFileSync(qcow2).subarray(0, 80));
    const garbage = env.file('garbage.qcow2', Buffer.alloc(64 * 1024, 0x5a));
    const aDir = join(env.dir, 'not-a-file.qcow2');
    mkdirSync(aDir);
    const cases: [string, object, string][] = [
      [
        'missing file',
        { diskFormat: 'qcow2', properties: { virtkit_image_path: join(env.dir, 'missing.qcow2') } },
        'VALIDATION_FAILED',
      ],
      ['a directory', { diskFormat: 'qcow2', properties: { virtkit_image_path: aDir } }, 'VALIDATION_FAILED'],
      [
        'garbage declared qcow2 (its contents are raw)',
        { diskFormat: 'qcow2', properties: { virtkit_image_path: garbage } },
        'VALIDATION_FAILED',
      ],
      ['truncated qcow2', { diskFormat: 'qcow2', properties: { virtkit_image_path: truncated } }, 'DRIVER_ERROR'],
      ['qcow2 declared raw', { diskFormat: 'raw', properties: { virtkit_image_path: truncated } }, 'DRIVER_ERROR'],
      ['missing kernel', { properties: { virtkit_kernel: join(env.dir, 'missing-vmlinuz') } }, 'VALIDATION_FAILED'],
      ['a vmdk image (not an image type of the driver)', { ...NO_OS_IMAGE, diskFormat: 'vmdk' }, 'VALIDATION_FAILED'],
    ];
    const seen: string[] = [];
    for (const [i, [what, imageMeta, expected]] of cases.entries()) {
      const uuid = `5a0f3c2e-8d7b-4e61-a9c4-2b7e0d1f3c0${i}`;
      record.injected++;
      const code = await spawnFrom(d, uuid, imageMeta);
      seen.push(`${what}: ${code}`);
      expect([what, code]).toEqual([what, expected]);
      expect(await d.listInstanceUuids(ctx)).toEqual([]);
      expect(env.leaksOf(d)).toEqual([]);
      expect(env.eventsOf(uuid)).toEqual([]);
    }
    // the good image still spawns
    const uuid = await env.spawn(d, { imageMeta: { diskFormat: 'qcow2', properties: { virtkit_image_path: qcow2 } } });
    await d.destroy(ctx, ref(uuid));
    record.outcome = seen.join('; ');
  });

  fault(
    'the image vanishes under a stopped instance: powerOn fails typed, the instance stays SHUTDOWN',
    async (env, record) => {
      const d = await env.driver('image-gone');
      const base = join(env.dir, 'base-gone.qcow2');
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
      const uuid = await env.spawn(d, {
        imageMeta: { diskFormat: 'qcow2', properties: { virtkit_image_path: base } },
        powerOn: false,
      });
      rmSync(base);
      record.injected = 1;
      expect(await codeOf(d.powerOn(ctx, ref(uuid)))).toBe('DRIVER_ERROR');
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(SHUTDOWN);
      expect(env.eventsOf(uuid)).toEqual([]);
      expect(processesIn(join(d.stateRoot!, uuid))).toEqual([]);
      expect(await env.strayFiles(d, uuid)).toEqual([]);
      // the image comes back: the instance boots
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
      await d.powerOn(ctx, ref(uuid));
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(RUNNING);
      await d.destroy(ctx, ref(uuid));
      record.outcome = 'powerOn DRIVER_ERROR; SHUTDOWN, no event, no process; boots once the image is back';
    },
  );
});
