import type { BlockStats } from '@virtkit/core';
import type { InstanceRecord } from './instance-record.js';

/** The local root disk's device, when the instance has one. */
export const ROOT_DISK = 'vda';

/**
 * How much I/O the guest did so far: grows with its running time and with
 * every counter read while it runs; frozen while it does not run. Every
 * counter derives from it, so counters never decrease and need no storage.
 */
export function activity(record: InstanceRecord): number {
  // Stryker disable next-line ArithmeticOperator: how fast counters grow is free (whole numbers >= 0 that do not go
  // back are what the contract asks; in a kit run the guest's CPU time stays under the 0.1 s step)
  return record.ticks + Math.floor(record.cpuTimeNs() / 100_000_000);
}

/** The guest's disks: the local root disk (unless volume-backed), then attached volumes by device. */
export function disksOf(record: InstanceRecord): string[] {
  const volumes = [...(record.extras?.volumes?.keys() ?? [])];
  // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: out of reach (whether a flavor
  // without disk has a local root disk is open: QEMU gives it one; a root disk and a volume never share vda)
  return record.diskGb > 0 && !volumes.includes(ROOT_DISK) ? [ROOT_DISK, ...volumes] : volumes;
}

/** The five counters of the `index`th disk. */
export function blockCounters(record: InstanceRecord, index: number): BlockStats {
  const a = activity(record) * (index + 1);
  const reads = a * 8;
  const writes = a * 3;
  return { readRequests: reads, readBytes: reads * 4096, writeRequests: writes, writeBytes: writes * 4096, errors: 0 };
}

/** Counters of the `index`th NIC. */
export function nicCounters(
  record: InstanceRecord,
  index: number,
): { rxOctets: number; rxPackets: number; txOctets: number; txPackets: number } {
  const a = activity(record) * (index + 1);
  return { rxOctets: a * 1500, rxPackets: a, txOctets: a * 900, txPackets: a };
}
