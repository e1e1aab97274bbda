import { buildInventory, EMPTY_INVENTORY } from './normalize-inventory.js';
function recA(input: any, stored: any): boolean {
  if (input === null || typeof input !== 'object') return false;
  const r = input;
  let keys = 0;
  for (const _ in r) keys++;
  if (r['total'] !== stored.total) return false;
  let known = 1;
  let v = r['reserved'];
  if (v === undefined ? stored.reserved !== 0 : (known++, v !== stored.reserved)) return false;
  if ((v = r['minUnit']) === undefined ? stored.minUnit !== 1 : (known++, v !== stored.minUnit)) return false;
  v = r['maxUnit'];
  if (v === undefined ? stored.maxUnit !== Math.max(stored.total, stored.minUnit) : (known++, v !== stored.maxUnit)) return false;
  if ((v = r['stepSize']) === undefined ? stored.stepSize !== 1 : (known++, v !== stored.stepSize)) return false;
  if ((v = r['allocationRatio']) === undefined ? stored.allocationRatio !== 1 : (known++, v !== stored.allocationRatio)) return false;
  return keys === known;
}
function recNoForIn(input: any, stored: any): boolean {
  const r = input;
  if (r['total'] !== stored.total) return false;
  let v = r['reserved'];
  if (v === undefined ? stored.reserved !== 0 : v !== stored.reserved) return false;
  if ((v = r['minUnit']) === undefined ? stored.minUnit !== 1 : v !== stored.minUnit) return false;
  v = r['maxUnit'];
  if (v === undefined ? stored.maxUnit !== Math.max(stored.total, stored.minUnit) : v !== stored.maxUnit) return false;
  if ((v = r['stepSize']) === undefined ? stored.stepSize !== 1 : v !== stored.stepSize) return false;
  if ((v = r['allocationRatio']) === undefined ? stored.allocationRatio !== 1 : v !== stored.allocationRatio) return false;
  return true;
}
const max = Math.max;
function recV(input: any, stored: any): boolean {
  if (input === null || typeof input !== 'object') return false;
  const r = input;
  let keys = 0;
  for (const _ in r) keys++;
  if (r['total'] !== stored.total) return false;
  let known = 1;
  let v = r['reserved'];
  if (v === void 0 ? stored.reserved !== 0 : (known++, v !== stored.reserved)) return false;
  if ((v = r['minUnit']) === void 0 ? stored.minUnit !== 1 : (known++, v !== stored.minUnit)) return false;
  v = r['maxUnit'];
  if (v === void 0 ? stored.maxUnit !== max(stored.total, stored.minUnit) : (known++, v !== stored.maxUnit)) return false;
  if ((v = r['stepSize']) === void 0 ? stored.stepSize !== 1 : (known++, v !== stored.stepSize)) return false;
  if ((v = r['allocationRatio']) === void 0 ? stored.allocationRatio !== 1 : (known++, v !== stored.allocationRatio)) return false;
  return keys === known;
}
function invSame(current: any, input: any, rec: any): boolean {
  let size = 0;
  for (const rc in input) { const s = current.get(rc); if (s === undefined || !rec(input[rc], s)) return false; size++; }
  return size === current.size;
}
function invLoopOnly(current: any, input: any): boolean {
  let size = 0;
  for (const rc in input) { const s = current.get(rc); if (s === undefined) return false; size++; }
  return size === current.size;
}
it('perf', () => {
  const N = 10000;
  const invs = Array.from({ length: N }, (_, i) => ({ VCPU: { total: 8, allocationRatio: 4 }, MEMORY_MB: { total: 16384 + i, reserved: 512 }, DISK_GB: { total: 100 } }));
  const stored = invs.map((inv) => buildInventory(EMPTY_INVENTORY, inv, 'x')!);
  const t = (label: string, fn: () => void) => { for (let k = 0; k < 5; k++) { const s = process.hrtime.bigint(); fn(); if (k >= 4) console.log(label, Number(process.hrtime.bigint() - s) / N, 'ns/op'); } };
  let sink = 0;
  t('loop only', () => { for (let i = 0; i < N; i++) sink += +invLoopOnly(stored[i]!, invs[i]!); });
  t('A', () => { for (let i = 0; i < N; i++) sink += +invSame(stored[i]!, invs[i]!, recA); });
  t('noForIn', () => { for (let i = 0; i < N; i++) sink += +invSame(stored[i]!, invs[i]!, recNoForIn); });
  t('rec A direct', () => { for (let i = 0; i < N; i++) sink += +recA(invs[i]!.VCPU, stored[i]!.get('VCPU')); });
  const mine = invs.map((inv) => new Map(Object.entries(inv).map(([k, r]: [string, any]) => [k, { total: r.total, reserved: r.reserved ?? 0, minUnit: 1, maxUnit: Math.max(r.total, 1), stepSize: 1, allocationRatio: r.allocationRatio ?? 1 }])));
  t('rec A mine', () => { for (let i = 0; i < N; i++) sink += +recA(invs[i]!.VCPU, mine[i]!.get('VCPU')); });
  t('A mine', () => { for (let i = 0; i < N; i++) sink += +invSame(mine[i]!, invs[i]!, recA); });
  const s0 = stored[0]!.get('VCPU') as any;
  console.log(Object.keys(s0));
  t('rec V', () => { for (let i = 0; i < N; i++) sink += +recV(invs[i]!.VCPU, stored[i]!.get('VCPU')); });
  console.log(sink);
});
