// guarded_vs_direct.memory.*: the SDK's guarded surface (validation on) vs calling the in-memory driver's hooks
// directly.
import { randomUUID } from 'node:crypto';
import { MemoryDriver } from '@virtkit/memory';
import { latencies, ratioFigure } from '../lib/measure.mjs';

const FLAVOR = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const IMAGE = { id: 'cirros', diskFormat: 'qcow2' };

export async function measure({ quick }) {
  const driver = new MemoryDriver(
    { hostname: 'bench' },
    { host: { vcpus: 1_000_000, memoryMb: 2_000_000_000, diskGb: 2_000_000_000 } },
  );
  const ctx = {};
  const uuid = randomUUID();
  await driver.spawn(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: IMAGE });
  const ref = { instance: { uuid } };
  const info = await latencies(
    {
      // Awaited like the public call: the memory driver's `_getInfo` answers synchronously, and a caller of
      // a driver call always awaits it; a bare sync call against an awaited one measured the await, not the SDK.
      direct: async () => driver._getInfo(ctx, ref),
      guarded: () => driver.getInfo(ctx, ref),
    },
    { quick },
  );
  const spawnReq = () => ({ instance: { uuid: randomUUID(), flavor: FLAVOR }, imageMeta: IMAGE });
  const cycle = await latencies(
    {
      direct: async () => {
        const req = spawnReq();
        await driver._spawn(ctx, req);
        await driver._destroy(ctx, { instance: req.instance });
      },
      guarded: async () => {
        const req = spawnReq();
        await driver.spawn(ctx, req);
        await driver.destroy(ctx, { instance: req.instance });
      },
    },
    { quick },
  );
  return [
    ratioFigure(
      'guarded_vs_direct.memory.getInfo',
      info.guarded,
      info.direct,
      'ns/op',
      '<= 3',
      'validation (compiled check), state observation, error wrapping',
    ),
    ratioFigure(
      'guarded_vs_direct.memory.spawnDestroy',
      cycle.guarded,
      cycle.direct,
      'ns/op',
      '<= 3',
      'spawn + destroy; guarded adds validation, existence check, per-instance queue, events',
    ),
  ];
}
