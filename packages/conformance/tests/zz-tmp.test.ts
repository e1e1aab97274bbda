import { runConformance } from '@virtkit/conformance';
import { createMemoryFixtures, MemoryDriver } from '@virtkit/memory';
it('memory on the changed suites', async () => {
  const report = await runConformance({
    factory: (hostApi) => new MemoryDriver({ hostname: 'kit', ...hostApi }),
    fixtures: createMemoryFixtures(),
    only: (process.env.ONLY ?? 'inventory,inventory.legacy,console.pool,diagnostics,host.maintenance').split(',') as never,
    modelBased: false,
  });
  const bad = report.results.filter((r) => r.status !== 'passed' && r.status !== 'skipped').map((r) => `${r.capability}: ${r.name}: ${r.status} ${r.reason}`);
  console.log(report.results.length, 'results');
  expect(bad).toEqual([]);
}, 120_000);
