/** The whole kit (tests and model-based part) against @virtkit/memory, as `virtkit conformance` runs it. */
import { formatReport, runConformance } from '@virtkit/conformance';
import memory, { MemoryDriver } from '@virtkit/memory';

it('the memory driver passes the whole kit, model-based part included', async () => {
  const report = await runConformance({
    factory: (hostApi) => new MemoryDriver({ hostname: 'kit', ...hostApi }),
    fixtures: memory.conformance as never,
  });
  const bad = report.results.filter((r) => r.status === 'failed' || r.status === 'unverified');
  if (bad.length > 0 || process.env.VIRTKIT_KIT_VERBOSE) console.log(formatReport(report, { verbose: false }));
  expect(bad.map((r) => `${r.capability}: ${r.name}: ${r.reason}`)).toEqual([]);
  expect(report.modelBased?.passed).toBe(true);
}, 120_000);
