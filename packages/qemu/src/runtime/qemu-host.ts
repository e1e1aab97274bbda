import { chmod, mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import {
  ConflictError,
  InstanceExistsError,
  InstanceNotFoundError,
  type DriverLogger,
  type PowerState,
} from '@virtkit/core';
import { disarmIncomingWatchdog, hasIncomingWatchdog } from './incoming-watchdog.js';
import { holdingLoop, pidAlive, pollUntil, processArgs, processesMentioning, signalProcess } from './proc-utils.js';
import { unplugTaps } from '../network/taps-of-nics.js';
import { stopDiskExport } from '../network/disk-export.js';
import { ALLOWED_DIRS_ENV, type QemuConfig } from '../qemu-config.js';
import { QemuImg } from './qemu-img.js';
import { safePath } from './safe-values.js';
import { META_TEMP_PREFIX, readMeta, VM_FILES, writeMeta, type VmMeta } from './vm-meta.js';
import { Vm, type VmHost } from './vm.js';

const UUID_DIR = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCK_FILE = '.driver.lock';
/** Persistent roots a driver of this process holds. */
const ROOTS_IN_USE = new Set<string>();

/**
 * The instances of one driver and their state root: one directory per
 * instance (mode 0700) under `stateDir`, or under a private temporary root
 * when no `stateDir` is configured.
 */
export class QemuHost implements VmHost {
  readonly config: QemuConfig;
  readonly logger: DriverLogger;
  /** qemu-img, for disks and snapshots. */
  readonly img: QemuImg;
  readonly #report: (uuid: string, state: PowerState) => void;
  readonly #vms = new Map<string, Vm>();
  #root: string | undefined;
  #rootPending: Promise<string> | undefined;

  constructor(config: QemuConfig, logger: DriverLogger, report: (uuid: string, state: PowerState) => void) {
    this.config = config;
    this.logger = logger;
    this.img = new QemuImg(config.qemuImgBinary);
    this.#report = report;
  }

  get persistent(): boolean {
    return this.config.stateDir !== undefined;
  }

  /** The state root once created (undefined before the first use). */
  get rootPath(): string | undefined {
    return this.#root;
  }

  report(uuid: string, state: PowerState): void {
    this.#report(uuid, state);
  }

  /** The state root, created on first use (mode 0700). */
  root(): Promise<string> {
    this.#rootPending ??= this.#createRoot().catch((error: unknown) => {
      this.#rootPending = undefined;
      throw error;
    });
    return this.#rootPending;
  }

  /** Where `snapshot` writes images. */
  async imageDir(): Promise<string> {
    const dir = this.config.imageDir ?? join(await this.root(), 'images');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /**
   * The directories request files may lie in, symlinks resolved: the state root, the image directory,
   * `options.allowedDirs` and `VIRTKIT_QEMU_ALLOWED_DIRS` (directories that do not exist are left out).
   */
  async allowedDirs(): Promise<string[]> {
    const fromEnv = (process.env[ALLOWED_DIRS_ENV] ?? '').split(':').filter((d) => isAbsolute(d));
    const root = await this.root();
    // the image directory as configured, not created: checking a path changes nothing on disk
    const dirs = [root, this.config.imageDir ?? join(root, 'images'), ...this.config.allowedDirs, ...fromEnv];
    const real = await Promise.all(dirs.map((d) => realpath(d).catch(() => undefined)));
    return [...new Set(real.filter((d): d is string => d !== undefined))];
  }

  /**
   * Load the instances of the state root and take over those whose QEMU still runs (re-adoption after a
   * restart: only what this state root records; other drivers' instances live under their own roots).
   * An instance still marked as arriving is an orphan: the migration it was part of ended with the driver
   * that prepared it (the source gave up, or finished into a QEMU nobody would ever complete here), so its
   * QEMU (if it survived), taps and files are removed rather than taken over. Idempotent.
   */
  async init(): Promise<void> {
    const root = await this.root();
    for (const entry of await readdir(root)) {
      if (!UUID_DIR.test(entry) || this.#vms.has(entry)) continue;
      const dir = join(root, entry);
      const meta = await readMeta(dir);
      if (!meta || meta.uuid !== entry) continue;
      // temp files of metadata writes cut short when an earlier driver's process ended
      for (const f of await readdir(dir)) if (f.startsWith(META_TEMP_PREFIX)) await rm(join(dir, f), { force: true });
      const vm = new Vm(this, dir, meta);
      if (meta.incomingMigration && !hasIncomingWatchdog(dir)) {
        await this.#removeOrphanArrival(vm);
        continue;
      }
      this.#vms.set(entry, vm);
      await vm.takeOver();
    }
  }

  /** Kill what is left of an arrival an earlier driver prepared (its QEMU, by pid and directory), then remove it. */
  async #removeOrphanArrival(vm: Vm): Promise<void> {
    const pids = new Set([vm.meta.pid, ...processesMentioning(vm.dir)].filter((p): p is number => p !== undefined));
    for (const pid of pids) {
      if (pidAlive(pid) && processArgs(pid)?.some((a) => a.includes(vm.dir))) signalProcess(pid, 'SIGKILL');
    }
    await pollUntil(() => [...pids].every((p) => !pidAlive(p)), 5000, 20);
    this.logger.warn('removed an instance that never finished arriving (its migration ended with an earlier driver)', {
      instanceUuid: vm.uuid,
      killed: [...pids],
    });
    this.#vms.set(vm.uuid, vm);
    await this.remove(vm);
  }

  find(uuid: string): Vm | undefined {
    return this.#vms.get(uuid);
  }

  /** @throws `INSTANCE_NOT_FOUND` */
  get(uuid: string): Vm {
    const vm = this.#vms.get(uuid);
    if (!vm) throw new InstanceNotFoundError(uuid);
    return vm;
  }

  list(): Vm[] {
    return [...this.#vms.values()];
  }

  /** Create the directory and metadata of a new instance. @throws `INSTANCE_EXISTS` */
  async create(meta: VmMeta): Promise<Vm> {
    if (this.#vms.has(meta.uuid)) throw new InstanceExistsError(meta.uuid);
    const dir = join(await this.root(), meta.uuid);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { mode: 0o700 });
    await writeMeta(dir, meta);
    const vm = new Vm(this, dir, meta);
    this.#vms.set(meta.uuid, vm);
    return vm;
  }

  /** The directory an instance has or would have (it may hold files left by `destroy` without disks). */
  async instanceDir(uuid: string): Promise<string> {
    return join(await this.root(), uuid);
  }

  /**
   * Stop tracking an instance, delete the taps it made and remove its directory; with `keepDisks`,
   * only the metadata goes (the instance is gone, its files stay for `deleteInstanceFiles`).
   */
  async remove(vm: Vm, options: { keepDisks?: boolean } = {}): Promise<void> {
    this.#vms.delete(vm.uuid);
    disarmIncomingWatchdog(vm.dir);
    // a cold migration's disk export and the instance's taps go with it (whatever ended its QEMU);
    // a failure is logged, the rest still goes
    await stopDiskExport(vm.meta.diskExport, vm.dir);
    await unplugTaps(this.config.netns, vm.uuid, vm.meta.nics).catch((error: unknown) =>
      this.logger.warn('cannot delete a tap of a removed instance', { instanceUuid: vm.uuid, error: String(error) }),
    );
    // a metadata write in flight would recreate a file in (or under) the directory being removed
    await vm.settled();
    await vm.closeConsoles();
    if (options.keepDisks) await rm(vm.file(VM_FILES.meta), { force: true });
    else await rm(vm.dir, { recursive: true, force: true });
  }

  /**
   * Stop every process (or, with `keepInstancesOnCleanup`, let go of them
   * still running; instances still arriving by live migration are removed either way) and remove a
   * private temporary root.
   */
  shutdown(): Promise<void> {
    return holdingLoop(() => this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    const keep = this.persistent && this.config.keepInstancesOnCleanup;
    await Promise.all(
      this.list().map(async (vm) => {
        // an arrival nobody can finish once this driver is gone: never kept (its QEMU would outlive its watchdog)
        if (vm.meta.incomingMigration) {
          await vm.stopProcess('kill');
          return this.remove(vm);
        }
        if (keep) {
          // the process stays for a later driver; the console proxy was this driver's and goes with it
          await vm.closeConsoles();
          return vm.proc?.release();
        }
        if (!vm.proc) return;
        await vm.stopProcess('quit');
        if (vm.meta.power === 'running') vm.meta.power = 'shutdown';
        await vm.save().catch(() => undefined);
      }),
    );
    this.#vms.clear();
    if (this.persistent && this.#root && ROOTS_IN_USE.delete(this.#root)) {
      await rm(join(this.#root, LOCK_FILE), { force: true });
      this.#root = this.#rootPending = undefined;
    }
    if (!this.persistent && this.#root) {
      await rm(this.#root, { recursive: true, force: true });
      // a later call starts over in a new private root
      this.#root = this.#rootPending = undefined;
    }
  }

  async #createRoot(): Promise<string> {
    if (this.config.stateDir) {
      const dir = safePath(this.config.stateDir, 'stateDir');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      await lockRoot(dir);
      this.#root = dir;
    } else {
      this.#root = safePath(await mkdtemp(join(tmpdir(), 'virtkit-qemu-')), 'stateDir');
    }
    return this.#root;
  }
}

/**
 * One driver per state root: a second one would take over (and fight for)
 * the same QEMU processes. The lock names the holding process; a lock left by
 * a process that died is taken over.
 * @throws `CONFLICT` when a live driver holds the root
 */
async function lockRoot(dir: string): Promise<void> {
  const lock = join(dir, LOCK_FILE);
  const holder = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
  const heldHere = ROOTS_IN_USE.has(dir);
  if (heldHere || (Number.isInteger(holder) && holder !== process.pid && pidAlive(holder))) {
    throw new ConflictError(
      `the state directory ${dir} is in use by another driver (process ${heldHere ? process.pid : holder})`,
    );
  }
  ROOTS_IN_USE.add(dir);
  await writeFile(lock, String(process.pid), { mode: 0o600 });
}
