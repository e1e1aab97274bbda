import { readFileSync, rmSync } from 'node:fs';
import { appendFile, chmod, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { getPriority, setPriority } from 'node:os';
import { InvalidStateError, PowerState, type DriverLogger } from '@virtkit/core';
import type { QemuConfig } from '../qemu-config.js';
import type { QmpEvent, QmpExecuteOptions } from '../qmp/index.js';
import { portsForStart } from './ports.js';
import { delay, holdingLoop, pidAlive, processArgs, signalProcess } from './proc-utils.js';
import { buildQemuArgv, nicsAtStart } from './qemu-argv.js';
import { inNetns } from '../network/ip-command.js';
import { plugTaps } from '../network/taps-of-nics.js';
import { VM_FILES, writeMeta, type VmMeta } from './vm-meta.js';
import { SerialProxy } from './serial-proxy.js';
import { VmProcess, type ProcessExit } from './vm-process.js';

/** What every instance shares with its host (the driver). */
export interface VmHost {
  readonly config: QemuConfig;
  /** Processes outlive the driver (a persistent state dir); otherwise they die with it. */
  readonly persistent: boolean;
  readonly logger: DriverLogger;
  /** Tell the SDK about a power-state change nobody asked for. */
  report(uuid: string, state: PowerState): void;
}

/** QEMU run states (query-status) as power states. */
const STATUS_TO_POWER: Readonly<Record<string, PowerState>> = {
  running: PowerState.RUNNING,
  colo: PowerState.RUNNING,
  paused: PowerState.PAUSED,
  suspended: PowerState.PAUSED,
  debug: PowerState.PAUSED,
  'io-error': PowerState.PAUSED,
  watchdog: PowerState.PAUSED,
  prelaunch: PowerState.PAUSED,
  'finish-migrate': PowerState.PAUSED,
  'save-vm': PowerState.PAUSED,
  'restore-vm': PowerState.PAUSED,
  inmigrate: PowerState.NOSTATE,
  postmigrate: PowerState.SHUTDOWN,
  shutdown: PowerState.SHUTDOWN,
  'guest-panicked': PowerState.CRASHED,
  'internal-error': PowerState.CRASHED,
};

const INTENT_TO_POWER = {
  running: PowerState.CRASHED,
  shutdown: PowerState.SHUTDOWN,
  crashed: PowerState.CRASHED,
  suspended: PowerState.SUSPENDED,
} as const;

/** Longest wait for `query-status` (less when `qmpTimeoutMs` is shorter). */
const STATUS_TIMEOUT_MS = 5000;
/** How long a state read waits for the end of a process whose monitor just closed. */
const EXIT_GRACE_MS = 2000;

/**
 * One instance: its state directory, persisted metadata and (when it runs)
 * its QEMU process. QEMU's events and the process's end become power-state
 * reports, except while a driver call is changing the instance (`busy`):
 * that call reports the outcome itself.
 */
export class Vm {
  readonly dir: string;
  meta: VmMeta;
  proc: VmProcess | undefined;
  /** The outgoing live migration, while one runs (the abort and force-complete calls act on it). */
  migration: { abort(): Promise<void>; forceComplete(): Promise<void> } | undefined;
  readonly #host: VmHost;
  #busy = 0;
  #writing: Promise<void> = Promise.resolve();
  /** The serial console's authenticating proxy, while the process it fronts runs and someone asked for the console. */
  #serial: SerialProxy | undefined;

  constructor(host: VmHost, dir: string, meta: VmMeta) {
    this.#host = host;
    this.dir = dir;
    this.meta = meta;
  }

  get uuid(): string {
    return this.meta.uuid;
  }
  get config(): QemuConfig {
    return this.#host.config;
  }
  /** The driver's logger. */
  get log(): DriverLogger {
    return this.#host.logger;
  }
  /** A file of the instance directory. */
  file(name: string): string {
    return join(this.dir, name);
  }
  /** True while a live process is attached. */
  get running(): boolean {
    return this.proc?.alive === true;
  }

  /**
   * Persist the metadata. Writes run one at a time, in call order, each with the metadata as it is
   * when its turn comes: two writes never race, and the last one leaves the latest state.
   */
  save(): Promise<void> {
    const write = this.#writing.then(() => writeMeta(this.dir, this.meta));
    this.#writing = write.catch(() => undefined);
    return write;
  }

  /** Resolves once every metadata write asked for so far has ended (before the directory is removed). */
  settled(): Promise<void> {
    return this.#writing;
  }

  /** Run a change of the instance with QEMU's own STOP/RESUME reports muted. */
  async busy<T>(fn: () => Promise<T>): Promise<T> {
    this.#busy++;
    try {
      return await holdingLoop(fn);
    } finally {
      this.#busy--;
    }
  }

  /**
   * A soft-deleted instance stays stopped until `restore` (or destroy): booting it in any other
   * way would leave it RUNNING and still marked soft-deleted. @throws `INVALID_STATE`
   */
  refuseWhileSoftDeleted(operation: string): void {
    if (this.meta.softDeleted)
      throw new InvalidStateError({
        instanceUuid: this.uuid,
        operation,
        detail: 'the instance is soft-deleted; restore it first',
      });
  }

  /** The live process. @throws `INVALID_STATE` when the instance has none. */
  requireProcess(operation: string): VmProcess {
    if (!this.proc?.alive)
      throw new InvalidStateError({
        instanceUuid: this.uuid,
        operation,
        detail: 'the instance has no running QEMU process',
      });
    return this.proc;
  }

  /**
   * Run a QMP command on the live process. Rejects with `INVALID_STATE` without one, never throws: cleanup steps
   * call `vm.qmp(...).catch(...)` once QEMU may be gone, and a synchronous throw there escaped the `catch` and
   * replaced the call's own error (a snapshot cut short by a killed QEMU answered INVALID_STATE, not DRIVER_ERROR).
   */
  async qmp<T = unknown>(command: string, args?: Record<string, unknown>, options?: QmpExecuteOptions): Promise<T> {
    return this.requireProcess(command).execute<T>(command, args, options);
  }

  /**
   * The power state: QEMU's run state when a process lives, the persisted intent otherwise.
   * @throws `TIMEOUT` when the monitor does not answer (within `qmpTimeoutMs`, at most 5 s)
   */
  async powerState(): Promise<PowerState> {
    const proc = this.proc;
    if (proc?.alive) {
      try {
        const timeoutMs = Math.min(STATUS_TIMEOUT_MS, this.config.qmpTimeoutMs);
        const { status } = await proc.execute<{ status: string }>('query-status', undefined, { timeoutMs });
        return STATUS_TO_POWER[status] ?? PowerState.NOSTATE;
      } catch (error) {
        // the monitor closes a moment before the process's end is seen: wait for it, then answer what the exit recorded
        if (proc.qmp.closed) await holdingLoop(() => Promise.race([proc.exited, delay(EXIT_GRACE_MS)]));
        if (proc.alive) throw error;
      }
    }
    return INTENT_TO_POWER[this.meta.power];
  }

  /**
   * Start QEMU for this instance: running (a fresh boot), or waiting for an
   * incoming migration stream (`incoming`), paused until the caller continues it.
   */
  async start(options: { incoming?: boolean; autostart?: boolean } = {}): Promise<VmProcess> {
    if (this.proc?.alive)
      throw new InvalidStateError({ instanceUuid: this.uuid, operation: 'start', detail: 'already running' });
    if (!options.incoming) this.meta.ports = portsForStart(this.meta, this.config.hotplugSlots);
    await Promise.all([VM_FILES.qmp, VM_FILES.pid, VM_FILES.serial].map((f) => rm(this.file(f), { force: true })));
    // QEMU appends the guest's console output (which may show secrets) to this file, keeping its mode: the owner's only
    await appendFile(this.file(VM_FILES.serialLog), '', { mode: 0o600 });
    await chmod(this.file(VM_FILES.serialLog), 0o600);
    const args = buildQemuArgv({ meta: this.meta, dir: this.dir, accel: this.config.accel, ...options });
    // the taps QEMU opens by name: made when missing (a first start, a start after a killed QEMU or a move)
    await plugTaps(this.config.netns, this.uuid, nicsAtStart(this.meta, options.incoming));
    const command = inNetns(this.config.netns, this.config.qemuBinary, args);
    const proc = await VmProcess.start({
      binary: command.binary,
      args: command.args,
      dir: this.dir,
      detached: this.#host.persistent,
      qmpTimeoutMs: this.config.qmpTimeoutMs,
    }).catch((error: unknown) => {
      // a QEMU that failed to start may have made its sockets and pid file first
      this.#removeRuntimeFilesSync();
      throw error;
    });
    this.adopt(proc);
    this.meta.pid = proc.pid;
    this.meta.startedAt = Date.now();
    try {
      // QEMU made its vCPU threads paused (-S): lowered now, before the guest runs a single instruction.
      if (this.config.vcpuNice > 0) await lowerVcpuPriority(proc, this.config.vcpuNice);
      if (!options.incoming) await proc.execute('cont');
    } catch (error) {
      await this.stopProcess('kill');
      throw error;
    }
    if (!options.incoming) this.meta.power = 'running';
    await this.save();
    return proc;
  }

  /** Stop the process (`quit`, falling back to SIGKILL; or `kill` at once). The caller records the new intent. */
  async stopProcess(how: 'quit' | 'kill' = 'quit'): Promise<void> {
    const proc = this.proc;
    if (proc) await holdingLoop(() => (how === 'quit' ? proc.quit() : proc.kill()));
    if (this.proc === proc) this.proc = undefined;
    delete this.meta.pid;
    delete this.meta.startedAt;
    await this.closeConsoles();
    if (proc) await this.#removeRuntimeFiles();
  }

  /**
   * A fresh serial console secret and the proxy port to present it on (see {@link SerialProxy}).
   * @throws `INVALID_STATE` without a running process
   */
  async serialConsole(): Promise<{ port: number; secret: string }> {
    this.requireProcess('getSerialConsole');
    this.#serial ??= new SerialProxy(this.file(VM_FILES.serial));
    return this.#serial.issue();
  }

  /** Close the console proxy and every console connection (the process ended, or the driver lets go of it). */
  async closeConsoles(): Promise<void> {
    const serial = this.#serial;
    this.#serial = undefined;
    await serial?.close();
  }

  /** Files only a live QEMU gives meaning to: once it is gone they are stale (a later start makes them again). */
  async #removeRuntimeFiles(): Promise<void> {
    await Promise.all(
      [VM_FILES.qmp, VM_FILES.pid, VM_FILES.serial].map((f) =>
        rm(this.file(f), { force: true }).catch(() => undefined),
      ),
    );
  }

  /** Watch a process: its events and its end. */
  adopt(proc: VmProcess): void {
    this.proc = proc;
    proc.qmp.on('event', (event) => this.#onEvent(event));
    void proc.exited.then((exit) => this.#onExit(proc, exit));
  }

  /**
   * Find this instance's process left by an earlier driver (pid + QMP socket)
   * and watch it again; an instance whose process died is recorded CRASHED.
   */
  async takeOver(): Promise<void> {
    const pid = this.meta.pid ?? readPid(this.file(VM_FILES.pid));
    if (pid !== undefined && pidAlive(pid) && processArgs(pid)?.some((a) => a.includes(this.dir))) {
      try {
        this.adopt(await VmProcess.attach(pid, this.dir, this.config.qmpTimeoutMs));
        return;
      } catch (error) {
        // a process we cannot drive is one nobody can: stop it rather than leak it
        this.#host.logger.warn('cannot reconnect to a QEMU process; killing it', {
          instanceUuid: this.uuid,
          pid,
          error: String(error),
        });
        signalProcess(pid, 'SIGKILL');
      }
    }
    if (this.meta.power === 'running') {
      this.meta.power = 'crashed';
      delete this.meta.pid;
      await this.save();
    }
  }

  #onEvent(event: QmpEvent): void {
    // an arriving instance is not here yet: its first RESUME is the migration's end, not a change to report
    if (this.#busy > 0 || this.meta.incomingMigration) return;
    if (event.event === 'STOP') this.#host.report(this.uuid, PowerState.PAUSED);
    if (event.event === 'RESUME') this.#host.report(this.uuid, PowerState.RUNNING);
  }

  /**
   * The process ended. Its console proxy, QMP and serial sockets and pid file die with it (removed at
   * once, synchronously: a start that follows makes its own). An exit nobody asked for is recorded
   * (SHUTDOWN after a guest power-off, CRASHED otherwise; never a stale RUNNING), then reported, and
   * only then is the process let go of: whoever sees the exit finds the metadata already written.
   */
  #onExit(proc: VmProcess, exit: ProcessExit): void {
    const current = this.proc === proc;
    if (current && !proc.released) {
      void this.closeConsoles();
      this.#removeRuntimeFilesSync();
    }
    const release = (): void => {
      if (this.proc === proc) this.proc = undefined;
    };
    if (proc.expectedExit || proc.released) return release();
    if (this.meta.incomingMigration) {
      this.#host.logger.warn('the QEMU of an arriving instance exited', { instanceUuid: this.uuid, code: exit.code });
      return release();
    }
    // The intent becomes 'running' only once a start is complete (continued, or its saved state restored): a process
    // that ends before that fails the call starting it (spawn, powerOn, resume...), which reports it; the instance
    // keeps its recorded state (a failed resume stays SUSPENDED, its saved state intact).
    if (this.meta.power !== 'running') {
      this.#host.logger.warn('QEMU exited while it was being started', {
        instanceUuid: this.uuid,
        code: exit.code,
        signal: exit.signal,
      });
      return release();
    }
    const clean = proc.guestShutdown && !proc.panicked && (exit.code === null || exit.code === 0);
    this.meta.power = clean ? 'shutdown' : 'crashed';
    delete this.meta.pid;
    delete this.meta.startedAt;
    void this.save()
      .catch((error: unknown) =>
        this.#host.logger.error('cannot record an instance exit', { instanceUuid: this.uuid, error: String(error) }),
      )
      .then(() => {
        this.#host.logger.info('QEMU process exited on its own', {
          instanceUuid: this.uuid,
          code: exit.code,
          signal: exit.signal,
          clean,
        });
        this.#host.report(this.uuid, clean ? PowerState.SHUTDOWN : PowerState.CRASHED);
        release();
      });
  }

  #removeRuntimeFilesSync(): void {
    for (const f of [VM_FILES.qmp, VM_FILES.pid, VM_FILES.serial]) rmSync(this.file(f), { force: true });
  }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Set the niceness of a QEMU process's vCPU threads (thread ids from `query-cpus-fast`; Linux nice is per thread).
 * Only ever lowered: a thread already nicer (the driver itself runs niced) keeps its own, which needs no privilege.
 */
async function lowerVcpuPriority(proc: VmProcess, nice: number): Promise<void> {
  const cpus = await proc.execute<{ 'thread-id': number }[]>('query-cpus-fast');
  for (const { 'thread-id': tid } of cpus) if (getPriority(tid) < nice) setPriority(tid, nice);
}
