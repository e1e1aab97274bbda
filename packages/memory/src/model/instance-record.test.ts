import { InstanceRecord } from './instance-record.js';

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

  it('takes its resource amounts apart from its identity, defaulting the optional disks to zero', () => {
    const record = recordWith(1);
    expect(record.amounts).toEqual({ ...AMOUNTS, ephemeralGb: 0, swapMb: 0 });
    const copy = record.cloneAs(7);
    expect(copy.amounts).toEqual(record.amounts);
    expect(copy.internalId).toBe('instance-00000007');
  });
});
