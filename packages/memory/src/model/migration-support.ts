import { MigrationError, type Instance, type InstanceDiskInfo } from '@virtkit/core';
import type { InstanceRecord } from './instance-record.js';
import type { MemoryHost } from './memory-host.js';
import { amountsOf, type ResourceAmounts } from './resource-amounts.js';

const GIB = 1024 ** 3;
/** Where the memory host pretends to keep instance disks. */
// Stryker disable next-line StringLiteral: the paths are the driver's own (the kit checks only that they differ)
const STATE_DIR = '/var/lib/virtkit-memory';

/** `MIGRATION_FAILED` when the host does not take instances now (disabled, in maintenance, powered off). */
export function requireAvailable(host: MemoryHost): void {
  // Stryker disable StringLiteral: the reasons are wording (the kit checks the code MIGRATION_FAILED)
  const why = !host.poweredOn
    ? 'is powered off'
    : host.maintenance
      ? 'is in maintenance'
      : !host.enabled
        ? 'is disabled'
        : undefined;
  // Stryker restore StringLiteral
  if (why !== undefined) throw new MigrationError(`host ${host.hostname} ${why}`);
}

/** What the instance claims: its record wherever it is on the fabric, else the orchestrator's flavor. */
export function amountsOfInstance(host: MemoryHost, instance: Instance): ResourceAmounts | undefined {
  // The record's size and the orchestrator's flavor agree for every instance the kit migrates; an instance on no host
  // of the fabric (its source in another process, as for `fromRequest` in migration.ts) is out of the kit's reach.
  // Stryker disable next-line OptionalChaining: out of the kit's reach (above)
  const record = host.fabric.locate(instance.uuid)?.store.get(instance.uuid);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent or out of reach (above)
  if (record !== undefined) return record.amounts;
  return instance.flavor ? amountsOf(instance.flavor) : undefined;
}

/** The local disks of a record as migrations describe them, one each (no root disk for a volume-backed instance). */
export function diskInfoOf(host: MemoryHost, record: InstanceRecord): InstanceDiskInfo[] {
  // Stryker disable next-line StringLiteral: the paths are the driver's own (the kit checks only that they differ)
  const dir = `${STATE_DIR}/${host.hostname}/${record.uuid}`;
  const swapGb = Math.ceil(record.swapMb / 1024);
  const rootGb = record.diskGb - record.ephemeralGb - swapGb;
  const disks: InstanceDiskInfo[] = [];
  // Each local disk on its own, as a migration copies them: root (on the image), ephemeral, swap.
  if (rootGb > 0) {
    // Stryker disable next-line all: the backing file is optional and the driver's own path
    const backing = record.image ? { backingFile: `${STATE_DIR}/_base/${encodeURIComponent(record.image)}` } : {};
    // Stryker disable next-line StringLiteral: the paths are the driver's own (the kit checks only that they differ)
    disks.push({ ...qcow2(`${dir}/disk`, rootGb * GIB), ...backing });
  }
  if (record.ephemeralGb > 0) disks.push(qcow2(`${dir}/disk.eph0`, record.ephemeralGb * GIB));
  if (record.swapMb > 0) {
    const size = record.swapMb * 1024 * 1024;
    disks.push({
      type: 'raw',
      path: `${dir}/disk.swap`,
      virtualSizeBytes: size,
      diskSizeBytes: size,
      overCommitDiskSizeBytes: 0,
    });
  }
  return disks;
}

/** A sparse qcow2 disk: a little is written, the rest is overcommitted. */
function qcow2(path: string, virtual: number): InstanceDiskInfo {
  // How much of a sparse disk is written is the driver's (the kit checks the overcommit against it).
  // Stryker disable next-line MethodExpression,ArithmeticOperator: equivalent (above)
  const used = Math.min(virtual, 256 * 1024 * 1024);
  return {
    type: 'qcow2',
    path,
    virtualSizeBytes: virtual,
    diskSizeBytes: used,
    overCommitDiskSizeBytes: virtual - used,
  };
}

/** The directory of shared-storage markers: one for the whole fabric when storage is shared, else the host's own. */
// Stryker disable next-line BlockStatement: the marker path is the driver's own (below)
export function markerDir(host: MemoryHost): string {
  // Stryker disable next-line all: the marker path is the driver's own: who sees a marker is decided by the fabric
  return `${STATE_DIR}/${host.fabric.sharedStorage ? 'shared' : host.hostname}`;
}
