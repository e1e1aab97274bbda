import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { PowerState } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../src/index.js';
import { FLAVOR, qemuIt, qemuPid, ref } from './hardening/hardening-env.js';

const it = qemuIt('the vcpuNice option test');

/** Each thread of `pid`: its name and niceness (from /proc/<pid>/task/<tid>/stat: comm, then field 19). */
function threadsOf(pid: number): { name: string; nice: number }[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // After `pid (comm)`: state is field 3; nice is field 19, so index 16 of what follows the name.
    return { name: stat.slice(stat.indexOf('(') + 1, close), nice: Number(fields[16]) };
  });
}

describe('options.vcpuNice: the niceness of guests vCPU threads', () => {
  it('a bad value is VALIDATION_FAILED at construction', () => {
    for (const vcpuNice of [-1, 20, 2.5, '5'])
      expect(() => new QemuDriver({ hostname: 'nice', options: { vcpuNice } as never })).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }) as Error,
      );
  });

  // The driver's own niceness (0, unless the tests themselves run niced): what QEMU starts with.
  const own = getPriority();
  const cases: [number | undefined, number][] = [
    [Math.max(own, 7), Math.max(own, 7)],
    [undefined, own],
  ];
  for (const [set, expected] of cases)
    it(`vcpuNice ${set}: the vCPU threads run at niceness ${expected}, the rest of QEMU at the driver's own`, async () => {
      const d = new QemuDriver({
        hostname: 'nice',
        options: { accel: 'tcg', ...(set === undefined ? {} : { vcpuNice: set }) },
      });
      try {
        await d.initHost({}, { host: 'nice' });
        const uuid = randomUUID();
        await d.spawn({}, { instance: { uuid, flavor: FLAVOR }, imageMeta: NO_OS_IMAGE });
        expect((await d.getInfo({}, ref(uuid))).state).toBe(PowerState.RUNNING);
        const threads = threadsOf(qemuPid(d, uuid));
        // QEMU names its threads with debug-threads=on: `CPU 0/TCG` (or `/KVM`) for vCPUs.
        const vcpus = threads.filter((t) => /^CPU \d+\//.test(t.name));
        expect(vcpus.length).toBe(FLAVOR.vcpus);
        for (const t of vcpus) expect(t).toEqual({ name: t.name, nice: expected });
        const others = threads.filter((t) => !vcpus.includes(t));
        expect(others.length).toBeGreaterThan(0);
        for (const t of others) expect(t).toEqual({ name: t.name, nice: own });
        await d.destroy({}, ref(uuid));
      } finally {
        await d.close();
      }
    }, 60_000);
});
