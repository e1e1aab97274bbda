import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { ValidationError, type HostApi, type ValidationIssue } from '@virtkit/core';
import { SAFE_PATH_PATTERN } from './runtime/safe-values.js';

/** Accelerators the driver passes to `-accel`. */
export const QEMU_ACCELERATORS = ['tcg', 'kvm'] as const;

/**
 * Options of the QEMU driver, given as `hostApi.options` (checked at
 * construction; a bad or unknown option is `VALIDATION_FAILED`).
 *
 * @example
 * ```ts
 * new QemuDriver({ hostname: 'node1', options: { stateDir: '/var/lib/virtkit-qemu', accel: 'kvm' } });
 * ```
 */
export interface QemuDriverOptions {
  /**
   * Root of the per-instance state directories (mode 0700). Instances found
   * here by `initHost` are taken over. Absolute; letters, digits and `._/+~-` only; at most 57
   * characters (QEMU's unix sockets live under it, and their paths are limited to 107 bytes).
   * @defaultValue a private temporary directory, removed by `close()`; nothing survives the driver
   */
  stateDir?: string;
  /** @defaultValue `qemu-system-x86_64` (from PATH) */
  qemuBinary?: string;
  /** @defaultValue `qemu-img` (from PATH) */
  qemuImgBinary?: string;
  /** QEMU accelerator. @defaultValue `tcg` */
  accel?: (typeof QEMU_ACCELERATORS)[number];
  /** Spare pcie-root-ports created at start for virtio hotplug (0-24). @defaultValue 4 */
  hotplugSlots?: number;
  /** Bound of `getConsoleOutput`, in bytes (1 KiB - 16 MiB). @defaultValue 65536 */
  consoleOutputMaxBytes?: number;
  /** How long a hot-unplug waits for QEMU's DEVICE_DELETED (1-600). @defaultValue 10 */
  detachTimeoutSec?: number;
  /** How long an ACPI soft reboot waits for the guest to shut down before resetting it (1-3600). @defaultValue 30 */
  softRebootTimeoutSec?: number;
  /** Where `snapshot` writes images (`<imageId>.qcow2`). @defaultValue `<stateDir>/images` */
  imageDir?: string;
  /** Leave instances running at `cleanupHost`/`close()` so a later driver takes them over. @defaultValue false */
  keepInstancesOnCleanup?: boolean;
  /**
   * Address reported by `getHostIp`, the volume connector and TCP migrations. @defaultValue the first non-internal
   * IPv4, else 127.0.0.1
   */
  hostIp?: string;
  /** The address storage reaches this host at: the volume connector's `ip`. @defaultValue `hostIp` */
  blockStorageIp?: string;
  /**
   * Allocation ratios `updateProviderTree` writes for VCPU, MEMORY_MB, DISK_GB (greater than 0). Given, they
   * win over the inventory's; left out, a ratio already on the inventory is kept, else 4, 1 and 1 (docs/contract.md).
   */
  cpuAllocationRatio?: number;
  ramAllocationRatio?: number;
  diskAllocationRatio?: number;
  /** The one node this driver manages. @defaultValue the host name */
  nodeName?: string;
  /**
   * Transport of live migrations (state and disk): unix sockets (one machine or shared mounts), or TCP on `hostIp` (no
   * TLS). @defaultValue `unix`
   */
  migrationTransport?: 'unix' | 'tcp';
  /** Timeout of one QMP command, in ms (100 - 600000). @defaultValue 30000 */
  qmpTimeoutMs?: number;
  /**
   * Niceness (0-19) of each guest's vCPU threads, set before the guest runs: the host's control path (this driver,
   * QEMU's own monitor thread, the agents serving it) then gets a core first while guests compute, as hosts give
   * their management processes priority over guests. Only the vCPU threads: QEMU's main loop, which answers QMP and
   * does the guest's I/O, keeps the driver's priority. Guests at the same niceness still share the CPU equally. A
   * driver that runs niced already leaves its guests at its own niceness when that is higher (no privilege needed).
   * @defaultValue 0: guests run at the driver's own priority (a lower one is a host's choice: it slows guests
   * whenever the host is busy)
   */
  vcpuNice?: number;
  /** Live migrations started by this driver (as the source). */
  migration?: QemuMigrationOptions;
  /**
   * Directories (absolute) that the files a request names (base images, kernels, initrds, file
   * volumes) must lie in once every symlink is resolved; anything else is `VALIDATION_FAILED`. The
   * state root, `imageDir` and the directories of the `VIRTKIT_QEMU_ALLOWED_DIRS` environment variable
   * (colon-separated, read at each check) are always allowed on top of these.
   * @defaultValue none beyond the state root, `imageDir` and `VIRTKIT_QEMU_ALLOWED_DIRS`
   */
  allowedDirs?: readonly string[];
  /**
   * Confine request paths to the allowed directories (see `allowedDirs`). Turning it off lets a
   * request make QEMU open any file the driver's user can open (with root: `/etc/shadow`).
   * @defaultValue true
   */
  confinePaths?: boolean;
  /**
   * A Linux network namespace (its name under `/run/netns`, as `ip netns add` makes it) that this
   * driver's QEMU processes and the taps of `bridge`/`tap` VIFs live in: a host of its own on one
   * machine. The driver itself stays where it runs (QMP and console go through unix sockets), so
   * `hostIp` must be an address of that namespace for TCP migrations, and VNC consoles (bound to its
   * loopback) are reachable only from inside it.
   * @defaultValue none: the driver's own namespace
   */
  netns?: string;
}

/** The environment variable whose directories (colon-separated) every QEMU driver of the process allows. */
export const ALLOWED_DIRS_ENV = 'VIRTKIT_QEMU_ALLOWED_DIRS';

/** Options of outgoing live migrations (`options.migration`). */
export interface QemuMigrationOptions {
  /**
   * Bandwidth cap, in bytes per second (1024 - 2^53-1), of the memory transfer (`max-bandwidth`)
   * and of the disk mirror (`speed`). `liveMigrationForceComplete` lifts it; an aborted or failed
   * migration puts QEMU's previous `max-bandwidth` back.
   * @defaultValue no cap from the driver (QEMU's own `max-bandwidth`, an unthrottled mirror)
   */
  maxBandwidthBytesPerSec?: number;
  /**
   * Seconds without progress (no byte of memory or disk moved) after which an outgoing live migration
   * is given up as `MIGRATION_FAILED` and the guest keeps running here: a TCP stream whose link went
   * down stalls for many minutes rather than failing (1 - 3600).
   * @defaultValue 60
   */
  progressTimeoutSec?: number;
}

/** The driver's options with every default applied. */
export interface QemuConfig {
  readonly stateDir: string | undefined;
  readonly qemuBinary: string;
  readonly qemuImgBinary: string;
  readonly accel: (typeof QEMU_ACCELERATORS)[number];
  readonly hotplugSlots: number;
  readonly consoleOutputMaxBytes: number;
  readonly detachTimeoutMs: number;
  readonly softRebootTimeoutMs: number;
  readonly imageDir: string | undefined;
  readonly keepInstancesOnCleanup: boolean;
  readonly hostIp: string;
  /** The volume connector's `ip`: `blockStorageIp`, else `hostIp`. */
  readonly blockStorageIp: string;
  /** Allocation ratios the options set, by resource class (`VCPU`, `MEMORY_MB`, `DISK_GB`). */
  readonly allocationRatios: Readonly<Record<string, number>>;
  readonly nodeName: string;
  readonly migrationTransport: 'unix' | 'tcp';
  readonly qmpTimeoutMs: number;
  /** `options.vcpuNice`: the niceness of guests' vCPU threads (0: left as they start). */
  readonly vcpuNice: number;
  /** `options.migration.maxBandwidthBytesPerSec`; undefined: no cap. */
  readonly migrationMaxBandwidth: number | undefined;
  /** `options.migration.progressTimeoutSec`, in ms. */
  readonly migrationProgressTimeoutMs: number;
  /** `options.allowedDirs` (the state root, image dir and `VIRTKIT_QEMU_ALLOWED_DIRS` are added at each check). */
  readonly allowedDirs: readonly string[];
  readonly confinePaths: boolean;
  /** `options.netns`: the network namespace of QEMU and the taps; undefined: the driver's own. */
  readonly netns: string | undefined;
}

/**
 * Validate `hostApi.options` and apply the defaults.
 * @throws `VALIDATION_FAILED` for an unknown-typed or malformed option.
 */
export function resolveQemuConfig(hostApi: HostApi): QemuConfig {
  const o = checkOptions(hostApi.options ?? {});
  return Object.freeze({
    stateDir: o.stateDir,
    qemuBinary: o.qemuBinary ?? 'qemu-system-x86_64',
    qemuImgBinary: o.qemuImgBinary ?? 'qemu-img',
    accel: o.accel ?? 'tcg',
    hotplugSlots: o.hotplugSlots ?? 4,
    consoleOutputMaxBytes: o.consoleOutputMaxBytes ?? 65536,
    detachTimeoutMs: (o.detachTimeoutSec ?? 10) * 1000,
    softRebootTimeoutMs: (o.softRebootTimeoutSec ?? 30) * 1000,
    imageDir: o.imageDir,
    keepInstancesOnCleanup: o.keepInstancesOnCleanup ?? false,
    hostIp: o.hostIp ?? defaultHostIp(),
    blockStorageIp: o.blockStorageIp ?? o.hostIp ?? defaultHostIp(),
    allocationRatios: Object.freeze(
      Object.fromEntries(
        (
          [
            ['VCPU', o.cpuAllocationRatio],
            ['MEMORY_MB', o.ramAllocationRatio],
            ['DISK_GB', o.diskAllocationRatio],
          ] as const
        ).filter(([, v]) => v !== undefined),
      ),
    ) as Readonly<Record<string, number>>,
    nodeName: o.nodeName ?? safeNodeName(hostname()),
    migrationTransport: o.migrationTransport ?? 'unix',
    qmpTimeoutMs: o.qmpTimeoutMs ?? 30_000,
    vcpuNice: o.vcpuNice ?? 0,
    migrationMaxBandwidth: o.migration?.maxBandwidthBytesPerSec,
    migrationProgressTimeoutMs: (o.migration?.progressTimeoutSec ?? 60) * 1000,
    allowedDirs: Object.freeze([...(o.allowedDirs ?? [])]),
    confinePaths: o.confinePaths ?? true,
    netns: o.netns,
  });
}

type Check = (value: unknown) => string | undefined;
const path: Check = (v) =>
  typeof v === 'string' && v.length <= 200 && SAFE_PATH_PATTERN.test(v)
    ? undefined
    : 'must be an absolute path of letters, digits and ._/+~-';
const int =
  (min: number, max: number): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `must be an integer in ${min}..${max}`;
const ratio: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 1e6
    ? undefined
    : 'must be a number greater than 0 (at most 1e6)';
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;

/**
 * Longest `stateDir`: QEMU's unix sockets live at `<stateDir>/<uuid>/<name>.sock` (the longest name is
 * 12 characters), and a unix socket path has at most 107 bytes.
 */
const MAX_STATE_DIR_LENGTH = 107 - 1 - 36 - 1 - 12;
const stateDir: Check = (v) =>
  path(v) ??
  ((v as string).length > MAX_STATE_DIR_LENGTH
    ? `must be at most ${MAX_STATE_DIR_LENGTH} characters (QEMU's unix socket paths under it are limited to 107 bytes)`
    : undefined);

const CHECKS: Record<keyof QemuDriverOptions, Check> = {
  stateDir,
  qemuBinary: path,
  qemuImgBinary: path,
  imageDir: path,
  accel: oneOf(...QEMU_ACCELERATORS),
  hotplugSlots: int(0, 24),
  consoleOutputMaxBytes: int(1024, 16 * 1024 * 1024),
  detachTimeoutSec: int(1, 600),
  softRebootTimeoutSec: int(1, 3600),
  keepInstancesOnCleanup: oneOf(true, false),
  hostIp: (v) => (typeof v === 'string' && isIP(v) !== 0 ? undefined : 'must be an IP address'),
  blockStorageIp: (v) => (typeof v === 'string' && isIP(v) !== 0 ? undefined : 'must be an IP address'),
  cpuAllocationRatio: ratio,
  ramAllocationRatio: ratio,
  diskAllocationRatio: ratio,
  nodeName: (v) =>
    typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(v) ? undefined : 'must be a host name',
  migrationTransport: oneOf('unix', 'tcp'),
  qmpTimeoutMs: int(100, 600_000),
  vcpuNice: int(0, 19),
  allowedDirs: (v) =>
    Array.isArray(v) && v.length <= 64 && v.every((d) => path(d) === undefined)
      ? undefined
      : 'must be a list of at most 64 absolute paths of letters, digits and ._/+~-',
  confinePaths: oneOf(true, false),
  netns: (v) =>
    typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v)
      ? undefined
      : 'must be a network namespace name (letters, digits and ._-, at most 64)',
  migration: (v) => {
    const MESSAGE =
      `must be { maxBandwidthBytesPerSec?: an integer in 1024..${Number.MAX_SAFE_INTEGER}, ` +
      'progressTimeoutSec?: an integer in 1..3600 }';
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return MESSAGE;
    const fields: Record<string, Check> = {
      maxBandwidthBytesPerSec: int(1024, Number.MAX_SAFE_INTEGER),
      progressTimeoutSec: int(1, 3600),
    };
    for (const [key, value] of Object.entries(v)) {
      const check = fields[key];
      if (!check || (value !== undefined && check(value) !== undefined)) return MESSAGE;
    }
    return undefined;
  },
};

/** Every option checked at once: one VALIDATION_FAILED listing each bad or unknown key. */
function checkOptions(options: Record<string, unknown>): QemuDriverOptions {
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(options)) {
    const check = CHECKS[key as keyof QemuDriverOptions];
    const problem = check ? (value === undefined ? undefined : check(value)) : 'unknown option';
    if (problem) issues.push({ path: `options.${key}`, messages: [problem] });
  }
  if (issues.length > 0) throw new ValidationError('QemuDriver options', issues);
  return options as QemuDriverOptions;
}

function defaultHostIp(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

function safeNodeName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 63);
  return cleaned.length > 0 ? cleaned : 'qemu-node';
}
