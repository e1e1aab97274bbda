import { hostname, networkInterfaces } from 'node:os';
import { IsBoolean, IsIn, IsInt, IsIP, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { validateRequest, type HostApi } from '@virtkit/core';
import { SAFE_PATH_PATTERN } from './runtime/safe-values.js';

/** Accelerators the driver passes to `-accel`. */
export const QEMU_ACCELERATORS = ['tcg', 'kvm'] as const;

/**
 * Options of the QEMU driver, given as `hostApi.options` (validated at
 * construction; a bad option is `VALIDATION_FAILED`).
 *
 * @example
 * ```ts
 * new QemuDriver({ hostname: 'node1', options: { stateDir: '/var/lib/virtkit-qemu', accel: 'kvm' } });
 * ```
 */
export class QemuDriverOptions {
  /**
   * Root of the per-instance state directories (mode 0700). Instances found
   * here by `initHost` are taken over. Letters, digits and `._/+~-` only.
   * @defaultValue a private temporary directory, removed by `close()`; nothing survives the driver
   */
  @IsOptional() @IsString() @MaxLength(200) @Matches(SAFE_PATH_PATTERN) stateDir?: string;
  /** @defaultValue `qemu-system-x86_64` (from PATH) */
  @IsOptional() @IsString() @MaxLength(4096) @Matches(SAFE_PATH_PATTERN) qemuBinary?: string;
  /** @defaultValue `qemu-img` (from PATH) */
  @IsOptional() @IsString() @MaxLength(4096) @Matches(SAFE_PATH_PATTERN) qemuImgBinary?: string;
  /** QEMU accelerator. @defaultValue `tcg` */
  @IsOptional() @IsIn(QEMU_ACCELERATORS as unknown as string[]) accel?: (typeof QEMU_ACCELERATORS)[number];
  /** Spare pcie-root-ports created at start for virtio hotplug. @defaultValue 4 */
  @IsOptional() @IsInt() @Min(0) @Max(24) hotplugSlots?: number;
  /** Bound of `getConsoleOutput`, in bytes. @defaultValue 65536 */
  @IsOptional() @IsInt() @Min(1024) @Max(16 * 1024 * 1024) consoleOutputMaxBytes?: number;
  /** How long a hot-unplug waits for QEMU's DEVICE_DELETED. @defaultValue 10 */
  @IsOptional() @IsInt() @Min(1) @Max(600) detachTimeoutSec?: number;
  /** How long an ACPI soft reboot waits for the guest to shut down before resetting it. @defaultValue 30 */
  @IsOptional() @IsInt() @Min(1) @Max(3600) softRebootTimeoutSec?: number;
  /** Where `snapshot` writes images (`<imageId>.qcow2`). @defaultValue `<stateDir>/images` */
  @IsOptional() @IsString() @MaxLength(200) @Matches(SAFE_PATH_PATTERN) imageDir?: string;
  /** Leave instances running at `cleanupHost`/`close()` so a later driver takes them over. @defaultValue false */
  @IsOptional() @IsBoolean() keepInstancesOnCleanup?: boolean;
  /** Address reported by `getHostIp` and the volume connector. @defaultValue the first non-internal IPv4, else 127.0.0.1 */
  @IsOptional() @IsIP() hostIp?: string;
  /** The one node this driver manages. @defaultValue the host name */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/) nodeName?: string;
  /** Transport of live migrations. @defaultValue `unix` */
  @IsOptional() @IsIn(['unix', 'tcp']) migrationTransport?: 'unix' | 'tcp';
  /** Timeout of one QMP command. @defaultValue 30000 */
  @IsOptional() @IsInt() @Min(100) @Max(600_000) qmpTimeoutMs?: number;
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
  readonly nodeName: string;
  readonly migrationTransport: 'unix' | 'tcp';
  readonly qmpTimeoutMs: number;
}

/**
 * Validate `hostApi.options` and apply the defaults.
 * @throws `VALIDATION_FAILED` for an unknown-typed or malformed option.
 */
export function resolveQemuConfig(hostApi: HostApi): QemuConfig {
  const o = validateRequest(QemuDriverOptions, hostApi.options ?? {}, 'QemuDriver options');
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
    nodeName: o.nodeName ?? safeNodeName(hostname()),
    migrationTransport: o.migrationTransport ?? 'unix',
    qmpTimeoutMs: o.qmpTimeoutMs ?? 30_000,
  });
}

function defaultHostIp(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

function safeNodeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
  return cleaned.length > 0 ? cleaned : 'qemu-node';
}
