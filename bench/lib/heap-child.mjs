// Run with --expose-gc: spawn N typical instances (flavor, image, one NIC) and print heap bytes per instance.
// Request data is made inside the loop: whatever the driver keeps of it (uuid, name, MAC...) counts.
import { randomUUID } from 'node:crypto';
import { MemoryDriver } from '@virtkit/memory';

const N = 100_000;
const HOST = { host: { vcpus: 1_000_000, memoryMb: 2_000_000_000, diskGb: 2_000_000_000 } };
const ctx = {};
const request = (i) => ({
  instance: { uuid: randomUUID(), name: `vm-${i}`, flavor: { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 } },
  imageMeta: { id: 'cirros', diskFormat: 'qcow2' },
  networkInfo: [
    {
      id: `port-${i}`,
      address: `52:54:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`,
      type: 'user',
      network: { id: 'net-1', label: 'private' },
    },
  ],
});
const hex = (n) => (n & 255).toString(16).padStart(2, '0');
const settle = () => {
  for (let i = 0; i < 3; i++) global.gc();
  return process.memoryUsage().heapUsed;
};

// Warm the code paths on another driver so compiled code and caches do not count.
const warm = new MemoryDriver({ hostname: 'warm' }, HOST);
for (let i = 0; i < 500; i++) await warm.spawn(ctx, request(i));
const driver = new MemoryDriver({ hostname: 'heap' }, HOST);
const before = settle();
for (let i = 0; i < N; i++) await driver.spawn(ctx, request(i));
const after = settle();
if ((await driver.countInstances(ctx)) !== N) throw new Error('not all instances spawned');
console.log(JSON.stringify({ n: N, bytesPerInstance: Math.round((after - before) / N) }));
