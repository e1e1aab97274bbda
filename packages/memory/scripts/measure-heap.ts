/**
 * Heap cost of a typical memory-driver instance (flavor, image, one NIC),
 * measured through the public API at 100,000 instances. Run with:
 *   node packages/memory/scripts/measure-heap.mjs
 * (bundles this file with esbuild, then runs it with --expose-gc).
 */
import { randomUUID } from 'node:crypto';
import { MemoryDriver } from '../src/index.js';

const COUNT = Number(process.env.COUNT ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heap(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const driver = new MemoryDriver(
    { hostname: 'heap' },
    { host: { vcpus: 1_000_000, memoryMb: 1_000_000_000, diskGb: 100_000_000 } },
  );
  const flavor = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
  const imageMeta = { id: 'cirros-0.6', diskFormat: 'qcow2' as const };
  const ctx = {};
  // warm up code paths and caches before the baseline
  const warm = randomUUID();
  await driver.spawn(ctx, { instance: { uuid: warm, name: 'warm', flavor }, imageMeta });
  await driver.destroy(ctx, { instance: { uuid: warm } });
  const before = heap();
  const started = Date.now();
  const uuids: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const uuid = randomUUID();
    uuids.push(uuid);
    const mac = `52:54:00:${[i >> 16, i >> 8, i].map((b) => (b & 255).toString(16).padStart(2, '0')).join(':')}`;
    await driver.spawn(ctx, {
      instance: { uuid, name: `vm-${i}`, flavor },
      imageMeta,
      networkInfo: [{ id: randomUUID(), address: mac, type: 'ovs', network: { id: 'net-1', label: 'private' } }],
    });
  }
  const spawnMs = Date.now() - started;
  const after = heap();
  // uuids are the caller's; their strings are shared with the driver, so count the array itself only
  const arrayBytes = COUNT * 8 + 16;
  const perInstance = (after - before - arrayBytes) / COUNT;
  const lookupStart = Date.now();
  for (let i = 0; i < COUNT; i += 97) await driver.getInfo(ctx, { instance: { uuid: uuids[i]! } });
  const lookupMs = Date.now() - lookupStart;
  console.log(
    JSON.stringify(
      {
        instances: COUNT,
        heapBytesPerInstance: Math.round(perInstance),
        spawnMs,
        spawnsPerSec: Math.round((COUNT / spawnMs) * 1000),
        lookups: Math.ceil(COUNT / 97),
        lookupMs,
        node: process.version,
      },
      null,
      2,
    ),
  );
}

void main();
