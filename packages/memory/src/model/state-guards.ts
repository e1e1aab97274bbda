import { InvalidStateError } from '@virtkit/core';
import { RecordFlag, type InstanceRecord } from './instance-record.js';
import type { MemoryHost } from './memory-host.js';

const WHY: Record<number, string> = {
  [RecordFlag.RESCUED]: 'the instance is rescued (unrescue it first)',
  [RecordFlag.SOFT_DELETED]: 'the instance is soft-deleted (restore it first)',
  [RecordFlag.UNBOOTABLE]: 'the instance is not bootable (setBootable)',
};

/**
 * Refuse a call with `INVALID_STATE` while the record carries any of `flags`:
 * the SDK checks power states, these are the hypervisor's other states.
 */
export function refuseWhile(record: InstanceRecord, operation: string, ...flags: RecordFlag[]): void {
  for (const flag of flags) {
    if (record.has(flag)) {
      throw new InvalidStateError({ instanceUuid: record.uuid, operation, state: record.state, detail: WHY[flag] });
    }
  }
}

/**
 * Refuse with `INVALID_STATE` what would start or move the source copy of a
 * cold migration staged to another host: until it is confirmed or reverted
 * the instance may run on one host only (the destination's copy).
 */
export function refuseWhileStaged(host: MemoryHost, record: InstanceRecord, operation: string): void {
  const staged = host.fabric.staged(record.uuid);
  if (staged !== undefined && staged.source === host.hostname && staged.dest !== host.hostname) {
    throw new InvalidStateError({
      instanceUuid: record.uuid,
      operation,
      state: record.state,
      detail: `the instance is being migrated to ${staged.dest} (confirm or revert the migration first)`,
    });
  }
}

/** Refuse with `INVALID_STATE` a call that would start a guest on a powered-off host. */
export function refuseWhileHostOff(host: MemoryHost, operation: string, instanceUuid: string): void {
  if (!host.poweredOn) {
    throw new InvalidStateError({
      instanceUuid,
      operation,
      detail: `host ${host.hostname} is powered off (hostPowerAction startup first)`,
    });
  }
}

/**
 * Refuse with `INVALID_STATE` what would boot this record's guest here: its
 * cold migration is staged to another host, or this host is powered off.
 */
export function refuseBootHere(host: MemoryHost, record: InstanceRecord, operation: string): void {
  refuseWhileStaged(host, record, operation);
  refuseWhileHostOff(host, operation, record.uuid);
}
