import { formatReport, runConformance } from '@virtkit/conformance';
import { SampleDriver } from '../../sample-driver/src/index';

it('runs on the sample driver', async () => {
  const report = await runConformance({ factory: () => new SampleDriver({ hostname: 'h' }) });
  console.log(formatReport(report));
  expect(report.summary.failed).toBe(0);
});
