import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromQmpError, QemuStartError } from '../errors/qemu-errors.js';
import { QmpClient, type QmpEvent, type QmpExecuteOptions } from '../qmp/index.js';
import { delay, pidAlive, pollUntil, signalProcess } from './proc-utils.js';
import { VM_FILES } from './vm-meta.js';

/** How a QEMU process ended (code and signal are unknown for a taken-over process). */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link VmProcess.start}. */
export interface StartProcessOptions {
  binary: string;
  args: string[];
  /** The instance directory: QMP socket and QEMU's log live there. */
  dir: string;
  /**
   * Own process group, survives the driver (persistent state dirs); otherwise killed when the driver's process exits.
   */
  detached: boolean;
  qmpTimeoutMs: number;
}

/** Pause between attempts to connect to a starting QEMU's monitor. */
const QMP_RETRY_MS = 5;

// Processes of drivers without a persistent state dir: never outlive this Node process.
const KILL_ON_EXIT = new Set<number>();
let exitHookInstalled = false;

/**
 * One running `qemu-system` process and its QMP connection: started here or
 * taken over from an earlier driver. Tracks how it ends: `expectedExit` is set
 * by the driver before it stops the process; `guestShutdown` and `panicked`
 * record what QEMU reported before an exit nobody asked for.
 */
export class VmProcess {
  readonly pid: number;
  readonly qmp: QmpClient;
  readonly exited: Promise<ProcessExit>;
  /** Set before the driver quits or kills the process. */
  expectedExit = false;
  /** QEMU reported a guest-initiated shutdown. */
  guestShutdown = false;
  /** QEMU reported a guest panic. */
  panicked = false;
  /** The driver let go of the process (it keeps running); its end is no longer watched. */
  released = false;
  #alive = true;

  private constructor(pid: number, qmp: QmpClient, exited: Promise<ProcessExit>) {
    this.pid = pid;
    this.qmp = qmp;
    this.exited = exited.then((exit) => {
      this.#alive = false;
      KILL_ON_EXIT.delete(pid);
      void qmp.close();
      return exit;
    });
    qmp.on('event', (event) => this.#onEvent(event));
  }

  /**
   * Spawn QEMU (it starts paused, `-S`) and connect to its QMP socket.
   * @throws `DRIVER_ERROR` ({@link QemuStartError}) when it cannot start or exits at once.
   */
  static async start(o: StartProcessOptions): Promise<VmProcess> {
    const logPath = join(o.dir, VM_FILES.qemuLog);
    const log = openSync(logPath, 'a', 0o600);
    let child;
    try {
      child = spawn(o.binary, o.args, { stdio: ['ignore', log, log], detached: o.detached });
    } finally {
      closeSync(log);
    }
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    const pid = child.pid;
    if (pid === undefined) {
      await exited;
      throw new QemuStartError(`cannot run ${o.binary}`, tail(logPath));
    }
    if (o.detached) child.unref();
    else trackForExit(pid);
    const gone = new AbortController();
    void exited.then(() => gone.abort());
    try {
      // QEMU creates the socket 20-40 ms after spawn: a short retry keeps the wait close to that (a miss costs one
      // ENOENT)
      const qmp = await QmpClient.connect(join(o.dir, VM_FILES.qmp), {
        timeoutMs: 15_000,
        retryIntervalMs: QMP_RETRY_MS,
        commandTimeoutMs: o.qmpTimeoutMs,
        signal: gone.signal,
      });
      return new VmProcess(pid, qmp, exited);
    } catch (error) {
      signalProcess(pid, 'SIGKILL');
      await exited;
      throw new QemuStartError('QEMU exited or did not open its monitor', tail(logPath), { cause: error });
    }
  }

  /** Take over a QEMU started by an earlier driver: connect to its monitor; its end is seen as the monitor closing. */
  static async attach(pid: number, dir: string, qmpTimeoutMs: number): Promise<VmProcess> {
    const qmp = await QmpClient.connect(join(dir, VM_FILES.qmp), { timeoutMs: 5000, commandTimeoutMs: qmpTimeoutMs });
    let proc: VmProcess | undefined = undefined;
    const exited = new Promise<ProcessExit>((resolve) => {
      qmp.once('close', () => {
        void (async () => {
          // not our child: the monitor closing is the first sign; the pid tells when it is really gone
          while (!proc?.released && !(await pollUntil(() => !pidAlive(pid), 10_000, 25)));
          if (!proc?.released) resolve({ code: null, signal: null });
        })();
      });
    });
    proc = new VmProcess(pid, qmp, exited);
    return proc;
  }

  /** False once the process has exited. */
  get alive(): boolean {
    return this.#alive;
  }

  /**
   * Run a QMP command; QMP failures leave as virtkit errors (`TIMEOUT`,
   * `ABORTED`, `DRIVER_ERROR`) with the QMP error as `cause`.
   */
  async execute<T = unknown>(command: string, args?: Record<string, unknown>, options?: QmpExecuteOptions): Promise<T> {
    try {
      return await this.qmp.execute<T>(command, args, options);
    } catch (error) {
      throw fromQmpError(error, command);
    }
  }

  /**
   * Ask QEMU to quit; kill it when it has not exited `graceMs` after agreeing, or at once when the
   * monitor does not answer within `graceMs` (a hung QEMU never quits by itself). Resolves once it is gone.
   */
  async quit(graceMs = 3000): Promise<void> {
    this.expectedExit = true;
    if (!this.#alive) return;
    const agreed = await this.qmp.execute('quit', undefined, { timeoutMs: graceMs }).then(
      () => true,
      () => false,
    );
    const exited = agreed && (await Promise.race([this.exited.then(() => true), delay(graceMs).then(() => false)]));
    if (!exited) await this.kill();
  }

  /** SIGKILL the process; resolves once it is gone. */
  async kill(): Promise<void> {
    this.expectedExit = true;
    if (!this.#alive) return;
    signalProcess(this.pid, 'SIGKILL');
    await this.exited;
  }

  /** Drop the monitor connection, leaving the process running (for a later takeover). */
  async release(): Promise<void> {
    this.released = true;
    KILL_ON_EXIT.delete(this.pid);
    await this.qmp.close();
  }

  #onEvent(event: QmpEvent): void {
    if (event.event === 'SHUTDOWN' && event.data.guest === true) this.guestShutdown = true;
    if (event.event === 'GUEST_PANICKED') this.panicked = true;
  }
}

function trackForExit(pid: number): void {
  KILL_ON_EXIT.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of KILL_ON_EXIT) signalProcess(p, 'SIGKILL');
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
