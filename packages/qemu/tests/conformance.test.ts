import { existsSync } from 'node:fs';
import { formatReport, runConformance, type ConformanceReport } from '@virtkit/conformance';
import type { CapabilityName } from '@virtkit/core';
import qemuDefinition, { QemuDriver, qemuLeakCheck } from '../src/index.js';
import { processesMentioning } from '../src/runtime/proc-utils.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

const unavailable =
  findExecutable('qemu-system-x86_64') && findExecutable('qemu-img')
    ? undefined
    : 'qemu-system-x86_64 / qemu-img are not installed';
const kitIt = itUnless(unavailable, 'QEMU conformance kit');
/** Quick local runs: `VIRTKIT_QEMU_ONLY=lifecycle,lifecycle.pause npx jest packages/qemu/tests/conformance`. */
const only = process.env.VIRTKIT_QEMU_ONLY?.split(',').filter(Boolean) as CapabilityName[] | undefined;

describe('@virtkit/qemu against the conformance kit', () => {
  const drivers = new Set<QemuDriver>();
  const roots = new Set<string>();

  afterAll(async () => {
    // a failing test must not leave QEMU behind
    await Promise.all([...drivers].map((d) => d.close()));
  });

  kitIt(
    'passes every planned test with no leftovers',
    async () => {
      const fixtures = await (qemuDefinition.conformance as unknown as () => Promise<Record<string, unknown>>)();
      const report: ConformanceReport = await runConformance({
        factory: () => {
          const driver = new QemuDriver({ hostname: 'kit-host' });
          drivers.add(driver);
          return driver;
        },
        dispose: async (driver) => {
          if (driver.stateRoot) roots.add(driver.stateRoot);
          await driver.close();
          drivers.delete(driver);
        },
        fixtures,
        only,
        onResult: (r) => {
          if (r.status === 'failed') process.stderr.write(`FAILED ${r.capability}: ${r.name}: ${r.reason}\n`);
        },
      });
      console.log(formatReport(report));
      expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
      expect(report.summary.failed).toBe(0);
      for (const driver of drivers) expect(await qemuLeakCheck(driver)).toEqual([]);
      // every private state root is gone with its driver, and no QEMU of this run is left
      expect([...roots].filter((root) => existsSync(root) || processesMentioning(`${root}/`).length > 0)).toEqual([]);
    },
    30 * 60_000,
  );
});
