import { InvalidStateError } from '@virtkit/core';
import { RecordFlag, type InstanceRecord } from './instance-record.js';

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
