import { InstanceRecord } from './instance-record.js';
import { InstanceStore } from './instance-store.js';

const AMOUNTS = { vcpus: 1, memoryMb: 64, diskGb: 1 };
const record = (uuid: string, name?: string): InstanceRecord =>
  new InstanceRecord({ uuid, name, seq: 1, flavor: 'f', image: 'i' }, AMOUNTS);

describe('InstanceStore', () => {
  it('answers a uuid read twice in a row from its last lookup, and keeps that answer true across adds and removals', () => {
    const store = new InstanceStore();
    const a = record('a', 'vm-a');
    // A miss is remembered too; adding the uuid afterwards must be seen.
    expect(store.get('a')).toBeUndefined();
    store.add(a);
    expect(store.get('a')).toBe(a);
    expect(store.require('a')).toBe(a);
    expect(store.has('a')).toBe(true);
    // Removing the uuid last read must not leave its record behind.
    expect(store.remove('a')).toBe(a);
    expect(store.get('a')).toBeUndefined();
    expect(store.has('a')).toBe(false);
    expect(() => store.require('a')).toThrow(expect.objectContaining({ code: 'INSTANCE_NOT_FOUND' }));
    // A new record under the same uuid (a re-spawn), read before and after other uuids.
    const again = record('a', 'vm-a2');
    const b = record('b');
    store.add(again);
    store.add(b);
    expect(store.get('a')).toBe(again);
    expect(store.get('b')).toBe(b);
    expect(store.remove('a')).toBe(again);
    expect(store.get('b')).toBe(b);
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(1);
  });
});
