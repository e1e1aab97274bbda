import { formatReport, runConformance } from '@virtkit/conformance';
import type { CapabilityName } from '@virtkit/core';
import { MemoryDriver, createMemoryDriverClass, createMemoryFixtures } from '@virtkit/memory';

/** The conformance kit against the memory driver: every capability, and two subsets. */
const CONFIGURATIONS: [string, readonly CapabilityName[] | undefined][] = [
  ['all capabilities', undefined],
  ['lifecycle only', ['lifecycle']],
  ['lifecycle + volume + console.vnc', ['lifecycle', 'volume', 'console.vnc']],
];

describe.each(CONFIGURATIONS)('conformance kit: %s', (_label, capabilities) => {
  it('passes with no failure', async () => {
    const cls = capabilities ? createMemoryDriverClass(capabilities) : MemoryDriver;
    const fixtures = createMemoryFixtures({ capabilities });
    const report = await runConformance({ factory: () => new cls({ hostname: 'kit' }), fixtures });
    if (report.summary.failed > 0 || process.env.VIRTKIT_KIT_VERBOSE)
      console.log(formatReport(report, { verbose: false }));
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(0);
  }, 120_000);
});
