import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MigrateData } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../src/index.js';
import { pidAlive, pollUntil, processesMentioning } from '../src/runtime/proc-utils.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

const qemuIt = itUnless(
  findExecutable('qemu-system-x86_64') ? undefined : 'qemu-system-x86_64 is not installed',
  'QEMU arrival orphan tests',
);
const ctx = {};
const flavor = { name: 'tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const REPO_ROOT = resolve(__dirname, '../../..');

/**
 * A destination driver in a process of its own (the built package, as an agent runs it): it prepares an
 * arrival (`preLiveMigration`), says READY and waits to be killed.
 */
const DESTINATION = `
const { QemuDriver } = require('@virtkit/qemu');
(async () => {
  const d = new QemuDriver({ hostname: 'dst', options: { stateDir: process.env.STATE_DIR } });
  await d.initHost({}, { host: 'dst' });
  await d.preLiveMigration({}, JSON.parse(process.env.PRE_REQUEST));
  process.stdout.write('READY\\n');
  setInterval(() => undefined, 1000);
})().catch((e) => { console.error(e); process.exit(1); });`;

describe('an arrival whose destination driver died: its QEMU does not outlive it, a later driver removes it', () => {
  let source: QemuDriver;
  let stateDir: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'virtkit-arrival-'));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await source?.close();
    for (const pid of processesMentioning(stateDir)) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** Spawn on a source, prepare its arrival in a destination process; @returns the uuid, the process, the QEMU pid. */
  async function prepareArrival(): Promise<{ uuid: string; child: ChildProcess; qemu: number }> {
    source = new QemuDriver({ hostname: 'src' });
    const uuid = randomUUID();
    const instance = { uuid, name: `a-${uuid.slice(0, 8)}`, flavor };
    await source.spawn(ctx, { instance, imageMeta: NO_OS_IMAGE });
    const destCheckData: MigrateData = {
      blockMigration: true,
      isSharedInstancePath: false,
      isSharedBlockStorage: false,
      driverData: { qemu: {} },
    };
    const migrateData = await source.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
    const child = spawn(process.execPath, ['-e', DESTINATION], {
      cwd: REPO_ROOT,
      env: { ...process.env, STATE_DIR: stateDir, PRE_REQUEST: JSON.stringify({ instance, migrateData }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    await new Promise<void>((ready, fail) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('READY')) ready();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', () => fail(new Error(`the destination process ended:\n${output}`)));
    });
    const qemu = processesMentioning(join(stateDir, uuid)).find((pid) => !isWatchdog(pid));
    if (qemu === undefined) throw new Error('no arriving QEMU');
    return { uuid, child, qemu };
  }

  qemuIt(
    'the destination driver is SIGKILLed: its arriving QEMU goes at once; a new driver removes the rest',
    async () => {
      const { uuid, child, qemu } = await prepareArrival();
      child.kill('SIGKILL');
      expect(await pollUntil(() => !pidAlive(qemu), 5000)).toBe(true);
      const next = new QemuDriver({ hostname: 'dst', options: { stateDir } });
      try {
        await next.initHost(ctx, { host: 'dst' });
        expect(await next.listInstanceUuids(ctx)).toEqual([]);
        expect(existsSync(join(stateDir, uuid))).toBe(false);
      } finally {
        await next.close();
      }
    },
    60_000,
  );

  qemuIt(
    'an arriving QEMU that survived its driver (watchdog stopped) is killed and removed, not adopted',
    async () => {
      const { uuid, child, qemu } = await prepareArrival();
      const watchdogs = processesMentioning(join(stateDir, uuid)).filter(isWatchdog);
      expect(watchdogs).toHaveLength(1);
      for (const w of watchdogs) process.kill(w, 'SIGSTOP');
      child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
      expect(pidAlive(qemu)).toBe(true);
      const next = new QemuDriver({ hostname: 'dst', options: { stateDir } });
      try {
        await next.initHost(ctx, { host: 'dst' });
        expect(await next.listInstanceUuids(ctx)).toEqual([]);
        expect(pidAlive(qemu)).toBe(false);
        expect(existsSync(join(stateDir, uuid))).toBe(false);
      } finally {
        // the next driver killed it with the QEMU (its command line names the directory); make sure
        for (const w of watchdogs.filter(pidAlive)) process.kill(w, 'SIGKILL');
        await next.close();
      }
    },
    60_000,
  );
});

function isWatchdog(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('virtkit-incoming-watchdog');
  } catch {
    return false;
  }
}
