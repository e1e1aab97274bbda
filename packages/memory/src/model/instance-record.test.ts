import { PowerState } from '@virtkit/core';
import { InstanceRecord, RecordFlag } from './instance-record.js';

const AMOUNTS = { vcpus: 1, memoryMb: 64, diskGb: 1 };
const recordWith = (seq: number): InstanceRecord =>
  new InstanceRecord({ uuid: 'u', name: undefined, seq, flavor: 'f', image: 'i' }, AMOUNTS);

describe('InstanceRecord', () => {
  it('names the hypervisor-side id after its sequence number, eight hex digits, on both sides of the table', () => {
    for (const seq of [0, 1, 0x2a, 0xff, 0x100, 0xabcdef, 0xffffff, 0x1000000, 0x7fffffff, 0x1234abcd]) {
      expect(recordWith(seq).internalId).toBe(`instance-${seq.toString(16).padStart(8, '0')}`);
    }
    expect(recordWith(0x2a).internalId).toBe('instance-0000002a');
  });

  it('keeps internal ids right when two sequence numbers share a slot of the prefix cache', () => {
    // 0x00100 and 0x10100 (and 0x20100) have the same low 8 bits of `seq >>> 8`: one cache slot, three prefixes.
    for (const seq of [0x100, 0x10100, 0x100, 0x20100, 0x10100, 0x1ff, 0x101ff]) {
      expect(recordWith(seq).internalId).toBe(`instance-${seq.toString(16).padStart(8, '0')}`);
    }
  });

  it('takes its resource amounts apart from its identity, defaulting the optional disks to zero', () => {
    const record = recordWith(1);
    expect(record.amounts).toEqual({ ...AMOUNTS, ephemeralGb: 0, swapMb: 0 });
    const copy = record.cloneAs(7);
    expect(copy.amounts).toEqual(record.amounts);
    expect(copy.internalId).toBe('instance-00000007');
  });

  it('is live in RUNNING, PAUSED and SUSPENDED only, and books CPU time only while RUNNING', () => {
    const record = recordWith(1);
    const live = Object.values(PowerState).filter((state) => {
      record.setState(state, 1000);
      return record.live;
    });
    expect(live.sort()).toEqual([PowerState.RUNNING, PowerState.PAUSED, PowerState.SUSPENDED].sort());
    record.setState(PowerState.SHUTDOWN, 1000);
    record.setState(PowerState.RUNNING, 2000);
    expect(record.bootedAt).toBe(2000);
    expect(record.cpuTimeNs(2500)).toBe(500 * 1_000_000);
    record.setState(PowerState.PAUSED, 3000);
    expect(record.bootedAt).toBe(2000); // still booted
    expect(record.cpuTimeNs(9000)).toBe(1000 * 1_000_000); // the clock stops with the vCPUs
    expect(record.cpuTimeNs()).toBe(1000 * 1_000_000);
    record.setState(PowerState.SHUTDOWN, 4000);
    expect(record.bootedAt).toBe(-1);
  });

  it('answers rescued and softDeleted from its flags (what a state rule reads)', () => {
    const record = recordWith(1);
    expect([record.rescued, record.softDeleted]).toEqual([false, false]);
    record.set(RecordFlag.RESCUED, true);
    expect([record.rescued, record.softDeleted]).toEqual([true, false]);
    record.set(RecordFlag.SOFT_DELETED, true);
    record.set(RecordFlag.RESCUED, false);
    expect([record.rescued, record.softDeleted]).toEqual([false, true]);
  });
});
