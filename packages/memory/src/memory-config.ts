import { isIP } from 'node:net';
import {
  MIGRATION_DEST_PATTERN,
  ValidationError,
  type CapabilityName,
  type HostApi,
  type ValidationIssue,
} from '@virtkit/core';
import { MemoryFabric } from './fabric/memory-fabric.js';

/** The size of the memory host's one node, and how placement may overcommit it. */
export interface HostSizes {
  /** @defaultValue 64 */
  vcpus: number;
  /** @defaultValue 262144 (256 GiB) */
  memoryMb: number;
  /** @defaultValue 10240 */
  diskGb: number;
  /** Kept for the host, never claimed. @defaultValue 0 */
  reservedVcpus: number;
  /** @defaultValue 512 */
  reservedMemoryMb: number;
  /** @defaultValue 0 */
  reservedDiskGb: number;
  /** @defaultValue 4 */
  cpuAllocationRatio: number;
  /** @defaultValue 1.5 */
  ramAllocationRatio: number;
  /** @defaultValue 1 */
  diskAllocationRatio: number;
}

/** A simulated long operation: `steps` progress reports, `stepDelayMs` apart. */
export interface StepTiming {
  steps: number;
  stepDelayMs: number;
}

/**
 * Options of the memory driver. Give them as the constructor's second
 * argument or as `hostApi.options` (the former wins).
 */
export interface MemoryConfig {
  /** The host's name: the node name and the migration address. @defaultValue `hostApi.hostname`, else `memory-host` */
  hostname?: string;
  /** What `getHostIp` answers. @defaultValue `127.0.0.1` */
  hostIp?: string;
  /** The address storage reaches this host at: the volume connector's `ip`. @defaultValue `hostIp` */
  blockStorageIp?: string;
  /** Compose only these capabilities (read by `createMemoryDriver`; a class's map never changes). */
  capabilities?: readonly CapabilityName[];
  /**
   * Node size; missing fields take their defaults. An allocation ratio given
   * here is written by `updateProviderTree` over the one on the inventory;
   * one left out keeps the inventory's (docs/contract.md).
   */
  host?: Partial<HostSizes>;
  /** The in-process fabric shared with the hosts this one migrates to. @defaultValue a private fabric */
  fabric?: MemoryFabric;
  /** Live migration timing. @defaultValue 10 steps, 20 ms apart */
  migration?: Partial<StepTiming>;
  /** Image snapshot timing. @defaultValue 4 steps, 2 ms apart */
  snapshot?: Partial<StepTiming>;
  /** Largest console output returned, in bytes. @defaultValue 65536 */
  consoleOutputLimit?: number;
}

/** {@link MemoryConfig} with every default filled in. */
export interface ResolvedMemoryConfig {
  readonly hostname: string;
  readonly hostIp: string;
  /** The volume connector's `ip`: `blockStorageIp`, else `hostIp`. */
  readonly blockStorageIp: string;
  readonly host: Readonly<HostSizes>;
  /** Resource classes whose allocation ratio the options set (`host.cpuAllocationRatio` -> `VCPU`, ...). */
  readonly configuredRatios: ReadonlySet<string>;
  readonly fabric: MemoryFabric;
  readonly migration: Readonly<StepTiming>;
  readonly snapshot: Readonly<StepTiming>;
  readonly consoleOutputLimit: number;
}

/** Each allocation-ratio option and the resource class it applies to. */
const RATIO_CLASSES = [
  ['cpuAllocationRatio', 'VCPU'],
  ['ramAllocationRatio', 'MEMORY_MB'],
  ['diskAllocationRatio', 'DISK_GB'],
] as const;

/** Defaults of {@link HostSizes}. */
export const DEFAULT_HOST_SIZES: Readonly<HostSizes> = Object.freeze({
  vcpus: 64,
  memoryMb: 262_144,
  diskGb: 10_240,
  reservedVcpus: 0,
  reservedMemoryMb: 512,
  reservedDiskGb: 0,
  cpuAllocationRatio: 4,
  ramAllocationRatio: 1.5,
  diskAllocationRatio: 1,
});

/**
 * Merge defaults, `hostApi.options` and `config`, and check them.
 * @throws `VALIDATION_FAILED` listing every bad option
 */
export function resolveMemoryConfig(hostApi: HostApi, config: MemoryConfig = {}): ResolvedMemoryConfig {
  const merged = { ...(hostApi.options ?? {}), ...config } as MemoryConfig;
  const resolved: ResolvedMemoryConfig = {
    // Stryker disable next-line all: a default for drivers made without a host name; the kit always gives one
    hostname: merged.hostname ?? hostApi.hostname ?? 'memory-host',
    hostIp: merged.hostIp ?? '127.0.0.1',
    // Stryker disable next-line LogicalOperator: the kit sets no address, and the default host IP is the same loopback
    blockStorageIp: merged.blockStorageIp ?? merged.hostIp ?? '127.0.0.1',
    host: Object.freeze({ ...DEFAULT_HOST_SIZES, ...merged.host }),
    // Stryker disable next-line all: the kit's drivers configure no allocation ratio (the kit cannot choose options)
    configuredRatios: new Set(RATIO_CLASSES.filter(([key]) => merged.host?.[key] !== undefined).map(([, rc]) => rc)),
    fabric: merged.fabric ?? new MemoryFabric(),
    migration: Object.freeze({ steps: 10, stepDelayMs: 20, ...merged.migration }),
    snapshot: Object.freeze({ steps: 4, stepDelayMs: 2, ...merged.snapshot }),
    consoleOutputLimit: merged.consoleOutputLimit ?? 65_536,
  };
  const issues = configIssues(resolved);
  // Stryker disable next-line ConditionalExpression: the kit builds drivers with valid options only (see configIssues)
  if (issues.length > 0) throw new ValidationError('MemoryDriver options', issues);
  return resolved;
}

// Stryker disable all: option checking (configuration plumbing): the kit builds drivers with valid options it does not
// choose, so it cannot see a check that lets a bad option through
function configIssues(c: ResolvedMemoryConfig): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const need = (ok: boolean, path: string, message: string): void => {
    if (!ok) issues.push({ path, messages: [message] });
  };
  const int = (v: unknown, min: number, max: number): boolean =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  need(
    typeof c.hostname === 'string' && MIGRATION_DEST_PATTERN.test(c.hostname),
    'hostname',
    'must be a host name (letters, digits, . : _ - [ ])',
  );
  need(typeof c.hostIp === 'string' && isIP(c.hostIp) !== 0, 'hostIp', 'must be an IP address');
  // Checked only when given apart from hostIp: a bad hostIp is reported once, at its own path.
  if (c.blockStorageIp !== c.hostIp)
    need(
      typeof c.blockStorageIp === 'string' && isIP(c.blockStorageIp) !== 0,
      'blockStorageIp',
      'must be an IP address',
    );
  need(MemoryFabric.isFabric(c.fabric), 'fabric', 'must be a MemoryFabric');
  for (const key of ['vcpus', 'memoryMb', 'diskGb'] as const) {
    need(int(c.host[key], 1, 2 ** 31 - 1), `host.${key}`, 'must be a positive integer');
  }
  for (const [key, total] of [
    ['reservedVcpus', 'vcpus'],
    ['reservedMemoryMb', 'memoryMb'],
    ['reservedDiskGb', 'diskGb'],
  ] as const) {
    need(int(c.host[key], 0, c.host[total]), `host.${key}`, `must be an integer from 0 to host.${total}`);
  }
  for (const key of ['cpuAllocationRatio', 'ramAllocationRatio', 'diskAllocationRatio'] as const) {
    const v = c.host[key];
    need(typeof v === 'number' && Number.isFinite(v) && v > 0, `host.${key}`, 'must be a number greater than 0');
  }
  for (const op of ['migration', 'snapshot'] as const) {
    need(int(c[op].steps, 1, 1000), `${op}.steps`, 'must be an integer from 1 to 1000');
    need(int(c[op].stepDelayMs, 0, 60_000), `${op}.stepDelayMs`, 'must be an integer from 0 to 60000');
  }
  need(int(c.consoleOutputLimit, 256, 16 * 1024 * 1024), 'consoleOutputLimit', 'must be an integer from 256 to 16 MiB');
  return issues;
}
// Stryker restore all
