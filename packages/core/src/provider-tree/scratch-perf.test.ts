import { ProviderTree } from './index.js';
it('perf', () => {
  const N = 10000;
  const tree = new ProviderTree();
  tree.newRoot('root', '11111111-1111-4111-8111-111111111111');
  const uuids = Array.from({ length: N }, (_, i) => tree.newChild(`p${i}`, 'root'));
  const invs = [0, 1].map((f) => uuids.map((_, i) => ({ VCPU: { total: 8 + f, allocationRatio: 4 }, MEMORY_MB: { total: 16384 + i, reserved: 512 }, DISK_GB: { total: 100 } })));
  const out: string[] = [];
  for (let k = 0; k < 12; k++) { const s = process.hrtime.bigint(); for (let i = 0; i < N; i++) tree.updateInventory(uuids[i]!, invs[k % 2]![i]!); out.push((Number(process.hrtime.bigint() - s) / N).toFixed(0)); }
  console.log('changed', out.join(' '));
});
