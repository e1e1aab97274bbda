import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isVirtkitError, type DriverLogger, type LifecycleEvent, type OperationContext } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../../src/index.js';
import { pidAlive, pollUntil, processesMentioning } from '../../src/runtime/proc-utils.js';
import type { Vm } from '../../src/runtime/vm.js';
import { itUnless, type TestFn } from '../helpers/it-unless.js';
import { findExecutable } from '../helpers/qemu-process.js';

// Shared by the hardening tests of the QEMU driver: private temp dirs, drivers with
// a recording logger and event log, leak checks (processes, state directories,
// sockets of this Node process) and the figures written to .cache/reliability-qemu.json.

export const ctx: OperationContext = {};
export const FLAVOR = { name: 'hard', vcpus: 1, memoryMb: 64, rootGb: 1 };
export const ref = (uuid: string): { instance: { uuid: string } } => ({ instance: { uuid } });

/** Why QEMU tests cannot run here, or undefined. */
export const QEMU_UNAVAILABLE =
  findExecutable('qemu-system-x86_64') && findExecutable('qemu-img')
    ? undefined
    : 'qemu-system-x86_64 / qemu-img are not installed';
/** `it` when QEMU is installed; a skip with the reason otherwise. */
export function qemuIt(what: string): TestFn {
  return itUnless(QEMU_UNAVAILABLE, what);
}

/** One line the driver logged. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps every line (all levels), to look for secrets in it. */
function recordingLogger(lines: LogLine[]): DriverLogger {
  const at =
    (level: LogLine['level']) =>
    (message: string, fields?: Record<string, unknown>): void =>
      void lines.push({ level, message, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The error code of a rejected call, `'resolved'` when it succeeded, or a marker for a foreign error. */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    return isVirtkitError(error) ? error.code : `not a virtkit error: ${String(error)}`;
  }
}

/** The error a call rejected with (fails when it succeeded). */
export async function errorOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the call succeeded where a failure was expected');
}

/** Everything an error could show someone: message, JSON form and the whole cause chain. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (
    let e: unknown = error, depth = 0;
    e !== undefined && e !== null && depth < 8;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    parts.push(String(e), (e as Error).stack ?? '');
    try {
      parts.push(JSON.stringify(e));
    } catch {
      // circular: the string forms are enough
    }
    for (const [k, v] of Object.entries(e as object))
      if (k !== 'cause') parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.join('\n');
}

/** Sockets this Node process holds open (QMP connections, migration streams...). */
function openSockets(): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) count++;
    } catch {
      // closed while listing
    }
  }
  return count;
}

/** The driver's internal record of an instance (tests look at its pid and files). */
export function vmOf(driver: QemuDriver, uuid: string): Vm | undefined {
  return (driver as unknown as { qemu: { find(uuid: string): Vm | undefined } }).qemu.find(uuid);
}

/** The pid of an instance's QEMU, from the driver and cross-checked with /proc. */
export function qemuPid(driver: QemuDriver, uuid: string): number {
  const pid = vmOf(driver, uuid)?.proc?.pid;
  if (pid === undefined) throw new Error(`instance ${uuid} has no QEMU process`);
  return pid;
}

/** The pids of every process that names one of our directories: only our own QEMUs ever do. */
export function processesIn(dir: string): number[] {
  return processesMentioning(`${dir}/`);
}

/** Wait until the driver has seen the process end (its exit handler ran). */
export async function untilExitSeen(driver: QemuDriver, uuid: string, pid: number): Promise<void> {
  const seen = await pollUntil(() => !pidAlive(pid) && vmOf(driver, uuid)?.proc === undefined, 15_000, 10);
  if (!seen) throw new Error(`the driver did not see the exit of pid ${pid}`);
}

/**
 * A private playground: a temp dir for state roots, volumes, images and
 * fake binaries; drivers made here log to a recorder and record their
 * lifecycle events. `dispose` closes every driver, kills any process that
 * still names the dir (only ours can) and removes it.
 */
export class HardeningEnv {
  readonly dir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-hardening-'));
  readonly logs: LogLine[] = [];
  readonly events: { host: string; event: LifecycleEvent }[] = [];
  readonly drivers: QemuDriver[] = [];
  readonly socketsAtStart = openSockets();
  /** Processes the dispose step had to kill (a leak the test itself did not catch). */
  strays: number[] = [];

  /**
   * A driver with its own state root under the env's dir (files anywhere in the env's dir allowed); `initHost` done.
   */
  async driver(hostname = 'hard-host', options: Record<string, unknown> = {}): Promise<QemuDriver> {
    // short: QEMU's unix socket paths (<root>/<uuid>/restore.sock) must stay under 108 bytes
    const stateDir = join(this.dir, `r${this.drivers.length}`);
    const d = new QemuDriver({
      hostname,
      logger: recordingLogger(this.logs),
      options: { stateDir, allowedDirs: [this.dir], ...options },
    });
    this.drivers.push(d);
    d.on('lifecycle', (event) => void this.events.push({ host: hostname, event }));
    await d.initHost(ctx, { host: hostname });
    return d;
  }

  /** Spawn a no-OS instance; returns its uuid. */
  async spawn(d: QemuDriver, extra: Record<string, unknown> = {}): Promise<string> {
    const uuid = randomUUID();
    await d.spawn(ctx, {
      instance: { uuid, name: `h-${uuid.slice(0, 8)}`, flavor: FLAVOR },
      imageMeta: NO_OS_IMAGE,
      ...extra,
    });
    return uuid;
  }

  /** Lifecycle events of one instance: [transition, state]. */
  eventsOf(uuid: string): [string, number][] {
    return this.events.filter((e) => e.event.instanceUuid === uuid).map((e) => [e.event.transition, e.event.state]);
  }

  /** A raw volume file of `sizeMb` under the env's dir. */
  volume(
    name: string,
    extraData: Record<string, unknown> = {},
    sizeMb = 16,
  ): { driverVolumeType: string; data: Record<string, unknown>; volumeId: string } {
    const dir = join(this.dir, 'volumes');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${name}.raw`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path, `${sizeMb}M`]);
    return { driverVolumeType: 'file', data: { path, format: 'raw', ...extraData }, volumeId: name };
  }

  /** A file under the env's dir. */
  file(name: string, contents: string | Buffer, mode = 0o644): string {
    const path = join(this.dir, name);
    writeFileSync(path, contents, { mode });
    return path;
  }

  /**
   * What a driver left behind: QEMU processes naming its root, instance
   * directories, files other than the lock and images dir.
   */
  leaksOf(d: QemuDriver): string[] {
    const root = d.stateRoot;
    if (!root) return [];
    const found: string[] = [];
    const pids = processesIn(root);
    if (pids.length > 0) found.push(`processes ${pids.join(',')} still run from ${root}`);
    const entries = existsSync(root) ? readdirSync(root).filter((e) => e !== '.driver.lock' && e !== 'images') : [];
    if (entries.length > 0) found.push(`left in ${root}: ${entries.join(', ')}`);
    return found;
  }

  /**
   * Files in an instance's directory other than the ones it keeps between calls, once a metadata
   * write still in flight (temp file + rename, after an exit) has landed.
   */
  async strayFiles(d: QemuDriver, uuid: string): Promise<string[]> {
    const dir = join(d.stateRoot!, uuid);
    const expected = new Set([
      'meta.json',
      'disk.qcow2',
      'qmp.sock',
      'serial.sock',
      'qemu.pid',
      'serial.log',
      'qemu.log',
      'saved-state.bin',
    ]);
    const strays = (): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => !expected.has(f)) : []);
    await pollUntil(() => strays().length === 0, 2000, 20);
    return strays();
  }

  /** Sockets of this process beyond the ones it had when the env was made, once every close has settled. */
  async socketLeak(): Promise<number> {
    await pollUntil(() => openSockets() <= this.socketsAtStart, 3000, 20);
    return Math.max(0, openSockets() - this.socketsAtStart);
  }

  async dispose(): Promise<void> {
    for (const d of this.drivers.splice(0)) await d.close().catch(() => undefined);
    this.strays = processesIn(this.dir);
    for (const pid of this.strays) process.kill(pid, 'SIGKILL');
    if (this.strays.length > 0) await pollUntil(() => this.strays.every((p) => !pidAlive(p)), 5000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Mode bits of a file (permissions only). */
export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

// ---- figures for docs/reliability ---------------------------------------------------------------

const CACHE = resolve(__dirname, '../../../../.cache');
const PARTS = join(CACHE, 'reliability-qemu');
const SUMMARY = join(CACHE, 'reliability-qemu.json');

/**
 * Record one section of the QEMU reliability figures: a part file per
 * section (test files may run in parallel workers), then the merged
 * `.cache/reliability-qemu.json`, rewritten under a lock from every part present.
 */
export function recordQemuReliability(section: string, figures: Record<string, unknown>): void {
  mkdirSync(PARTS, { recursive: true });
  const body = {
    section,
    measuredAt: new Date().toISOString(),
    node: process.version,
    qemu: qemuVersion(),
    ...figures,
  };
  writeFileSync(join(PARTS, `${section}.json`), JSON.stringify(body, null, 2) + '\n');
  withLock(join(CACHE, 'reliability-qemu.lock'), () => {
    const sections: Record<string, unknown> = {};
    for (const f of readdirSync(PARTS)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      try {
        sections[f.slice(0, -5)] = JSON.parse(readFileSync(join(PARTS, f), 'utf8'));
      } catch {
        // a part being written by another worker: it merges itself afterwards
      }
    }
    const totals = {
      faultsInjected: 0,
      faultsSurvived: 0,
      leaksFound: 0,
      securityChecks: 0,
      securityFailures: 0,
      sequencesRun: 0,
    };
    for (const s of Object.values(sections) as Record<string, unknown>[]) {
      for (const key of Object.keys(totals) as (keyof typeof totals)[])
        if (typeof s[key] === 'number') totals[key] += s[key] as number;
    }
    const merged = { generatedAt: new Date().toISOString(), driver: '@virtkit/qemu', accel: 'tcg', totals, sections };
    const temp = `${SUMMARY}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(merged, null, 2) + '\n');
    renameSync(temp, SUMMARY);
  });
}

function withLock(lock: string, fn: () => void): void {
  const deadline = Date.now() + 5000;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lock, 'wx');
    } catch {
      // a lock older than the deadline belongs to a worker that died
      if (Date.now() > deadline) rmSync(lock, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    fn();
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

let version: string | undefined;
function qemuVersion(): string {
  try {
    version ??= execFileSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    version = 'unknown';
  }
  return version;
}
