// Diagnosis: where the added time of a remote QEMU spawn goes.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { connectDriver, serveDriver } from '@virtkit/remote';
import { NO_OS_IMAGE, QemuDriver } from '@virtkit/qemu';

const dir = mkdtempSync(join(tmpdir(), 'virtkit-diag-'));
const flavor = { name: 'bench.qemu', vcpus: 1, memoryMb: 64, rootGb: 1 };
const d = new QemuDriver({ hostname: 'diag', options: { accel: 'tcg' } });
await d.initHost({}, { host: 'diag' });
// server-side timing of each spawn
const origSpawn = d.spawn.bind(d);
const serverSpawn = [];
Object.defineProperty(d, 'spawn', { value: async (ctx, req) => { const t = performance.now(); try { return await origSpawn(ctx, req); } finally { serverSpawn.push({ ms: performance.now() - t, signal: !!ctx?.signal, deadline: ctx?.deadline }); } }, configurable: true, writable: true });
const server = await serveDriver(d, { listen: `unix:${join(dir, 'q.sock')}`, disposeDriver: false });
const remote = await connectDriver(server.target);
const out = [];
async function trial(name, via, ctx) {
  const uuid = randomUUID();
  const t0 = performance.now();
  await via.spawn(ctx, { instance: { uuid, flavor }, imageMeta: NO_OS_IMAGE });
  const t1 = performance.now();
  let polls = 0; let st;
  do { polls++; st = (await via.getInfo({}, { instance: { uuid } })).state; if (st !== 1) await new Promise((r) => setTimeout(r, 5)); } while (st !== 1);
  const t2 = performance.now();
  await d.destroy({}, { instance: { uuid } });
  out.push({ name, spawn: (t1 - t0).toFixed(1), wait: (t2 - t1).toFixed(1), polls, total: (t2 - t0).toFixed(1), server: serverSpawn.at(-1)?.ms.toFixed(1), srvSignal: serverSpawn.at(-1)?.signal });
}
const ac = new AbortController();
for (let i = 0; i < 6; i++) {
  await trial('local', d, {});
  await trial('local+signal', d, { signal: ac.signal });
  await trial('remote', remote, {});
}
// RTT of a getInfo on a running instance
const uuid = randomUUID();
await d.spawn({}, { instance: { uuid, flavor }, imageMeta: NO_OS_IMAGE });
const rtt = [];
for (let i = 0; i < 30; i++) { const t = performance.now(); await remote.getInfo({}, { instance: { uuid } }); rtt.push(performance.now() - t); }
const lrtt = [];
for (let i = 0; i < 30; i++) { const t = performance.now(); await d.getInfo({}, { instance: { uuid } }); lrtt.push(performance.now() - t); }
await d.destroy({}, { instance: { uuid } });
console.table(out);
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(2);
console.log('remote getInfo rtt median', med(rtt), 'local getInfo', med(lrtt), 'load', loadavg().map((x) => x.toFixed(1)).join(' '));
await remote.close(); await server.close({ graceMs: 0 }); await d.close(); rmSync(dir, { recursive: true, force: true });
