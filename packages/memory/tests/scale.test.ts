import { randomUUID } from 'node:crypto';
import { PowerState } from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { codeOf, ctx, ref, vif } from './helpers';

const COUNT = 100_000;
const HUGE = { vcpus: 1_000_000, memoryMb: 1_000_000_000, diskGb: 100_000_000 };

/** No timing assertions: the point is that 100,000 instances work, with O(1) lookups, in a test's time. */
describe('scale', () => {
  it(`spawns ${COUNT} instances and looks them up by uuid and by name`, async () => {
    const d = new MemoryDriver({ hostname: 'big' }, { host: HUGE });
    const flavor = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
    const imageMeta = { id: 'cirros', diskFormat: 'raw' as const };
    const uuids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const uuid = randomUUID();
      uuids.push(uuid);
      await d.spawn(ctx, {
        instance: { uuid, name: `vm-${i}`, flavor },
        imageMeta,
        networkInfo: i % 10 === 0 ? [vif()] : undefined,
      });
    }
    expect(await d.countInstances(ctx)).toBe(COUNT);
    expect(d.inspect().used).toEqual({ vcpus: COUNT, memoryMb: COUNT * 64, diskGb: COUNT });
    for (let i = 0; i < COUNT; i += 1000) expect((await d.getInfo(ctx, ref(uuids[i]!))).state).toBe(PowerState.RUNNING);
    // a taken name is found at once among 100,000
    expect(await codeOf(d.spawn(ctx, { instance: { uuid: randomUUID(), name: 'vm-77777', flavor }, imageMeta }))).toBe(
      'CONFLICT',
    );
    for (let i = 0; i < 1000; i++) await d.pause(ctx, ref(uuids[i]!));
    for (let i = 0; i < 1000; i++) await d.destroy(ctx, ref(uuids[i]!));
    expect(await d.countInstances(ctx)).toBe(COUNT - 1000);
    expect((await d.getAvailableResource(ctx, { nodename: 'big' })).vcpusUsed).toBe(COUNT - 1000);
  }, 120_000);
});
