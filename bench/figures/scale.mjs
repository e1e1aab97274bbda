// scale.memory.*: per-operation cost at 100,000 instances vs 1,000, and heap bytes per typical instance.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { MemoryDriver } from '@virtkit/memory';
import { latencies, ratioFigure, valueFigure } from '../lib/measure.mjs';

const FLAVOR = { name: 'm1.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const IMAGE = { id: 'cirros', diskFormat: 'qcow2' };
const big = { host: { vcpus: 1_000_000, memoryMb: 2_000_000_000, diskGb: 2_000_000_000 } };

async function populated(n) {
  const driver = new MemoryDriver({ hostname: `scale-${n}` }, big);
  const ctx = {};
  const uuids = [];
  for (let i = 0; i < n; i++) {
    const uuid = randomUUID();
    uuids.push(uuid);
    await driver.spawn(ctx, { instance: { uuid, name: `vm-${i}`, flavor: FLAVOR }, imageMeta: IMAGE });
  }
  return { driver, ctx, uuids };
}

async function perOp(n, quick) {
  const { driver, ctx, uuids } = await populated(n);
  let i = 0;
  const pick = () => ({ instance: { uuid: uuids[(i = (i + 7919) % uuids.length)] } });
  return latencies(
    {
      spawnDestroy: async () => {
        const instance = { uuid: randomUUID(), flavor: FLAVOR };
        await driver.spawn(ctx, { instance, imageMeta: IMAGE });
        await driver.destroy(ctx, { instance });
      },
      getInfo: () => driver.getInfo(ctx, pick()),
      powerOffOn: async () => {
        const ref = pick();
        await driver.powerOff(ctx, ref);
        await driver.powerOn(ctx, ref);
      },
    },
    { quick },
  );
}

/** Control: a bare Map lookup with the same access pattern, to separate the machine's cache effects from ours. */
async function mapControl(n, quick) {
  const map = new Map();
  const keys = [];
  for (let i = 0; i < n; i++) {
    const k = randomUUID();
    keys.push(k);
    map.set(k, { state: 1, vcpus: 1, memoryMb: 64, name: `vm-${i}` });
  }
  let i = 0;
  return (await latencies({ get: () => map.get(keys[(i = (i + 7919) % n)]) }, { quick })).get;
}

export async function measure({ quick }) {
  const control = ratioFigure(
    'scale.control.mapGet_100k_vs_1k',
    await mapControl(100_000, quick),
    await mapControl(1_000, quick),
    'ns/op',
    '-',
    'control, not a target: a bare Map.get with the same scattered access; ' +
      'the part of any 100k/1k ratio that is the CPU cache, not virtkit',
  );
  const small = await perOp(1_000, quick);
  const large = await perOp(100_000, quick);
  const figures = Object.keys(small).map((op) =>
    ratioFigure(
      `scale.memory.perOp_100k_vs_1k.${op}`,
      large[op],
      small[op],
      'ns/op',
      '<= 1.3',
      'same op, guarded, at 100,000 vs 1,000 instances',
    ),
  );
  const worst = figures.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  figures.unshift({
    ...worst,
    name: 'scale.memory.perOp_100k_vs_1k',
    note: `worst of spawn+destroy, getInfo, powerOff+On (${worst.name.split('.').pop()})`,
  });
  const heap = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', fileURLToPath(new URL('../lib/heap-child.mjs', import.meta.url))], {
      encoding: 'utf8',
    }),
  );
  figures.push(control);
  figures.push(
    valueFigure(
      'scale.memory.heapBytesPerInstance',
      heap.bytesPerInstance,
      'bytes',
      '<= 2048',
      `${heap.n} instances (flavor, image, one NIC) spawned through the public API; heapUsed delta after GC`,
    ),
  );
  return figures;
}
