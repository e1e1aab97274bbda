import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { MODEL_TEST_NAME, planConformance, runConformance, type ConformanceReport } from '@virtkit/conformance';
import { loadDriver, type CapabilityName, type DriverBase } from '@virtkit/core';
import { QemuDriver, locateTestGuest, qemuConformanceFixtures, qemuLeakCheck } from '@virtkit/qemu';
import { serveDriver, type RemoteServer } from '@virtkit/remote';
import { tempDir } from './helpers';

const installed = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const unavailable =
  installed('qemu-system-x86_64') && installed('qemu-img')
    ? undefined
    : 'qemu-system-x86_64 / qemu-img are not installed (scripts/install-system-deps.sh)';
// Never silent: a skip names itself on stderr (jest may drop the console output of a fully skipped file).
if (unavailable) process.stderr.write(`SKIPPED the conformance kit over the wire (qemu): ${unavailable}\n`);
/**
 * The whole kit over the wire against a served @virtkit/qemu (under a minute here);
 * VIRTKIT_QEMU_REMOTE_ONLY=lifecycle,... filters it for quick local runs.
 */
const ONLY = process.env.VIRTKIT_QEMU_REMOTE_ONLY?.split(',').filter(Boolean) as CapabilityName[] | undefined;

describe('the conformance kit over the wire (qemu)', () => {
  const tmp = tempDir();
  let server: RemoteServer | undefined;
  const drivers = new Set<QemuDriver>();
  // The kit's volume fixture makes its volumes under the temp dir, and the test guest's kernel is in the cache,
  // both outside the driver's default allowed directories (request paths are confined): allow them for the served
  // drivers, the fixture's pairs included (as the QEMU package's own kit fixtures do in process).
  const allowed = process.env.VIRTKIT_QEMU_ALLOWED_DIRS;
  beforeAll(async () => {
    const guest = await locateTestGuest().catch(() => undefined);
    process.env.VIRTKIT_QEMU_ALLOWED_DIRS = [allowed, tmpdir(), guest && dirname(guest.kernel)]
      .filter(Boolean)
      .join(':');
  });

  afterAll(async () => {
    if (allowed === undefined) delete process.env.VIRTKIT_QEMU_ALLOWED_DIRS;
    else process.env.VIRTKIT_QEMU_ALLOWED_DIRS = allowed;
    await server?.close();
    await Promise.all([...drivers].map((d) => d.close()));
    tmp.remove();
  });

  (unavailable ? it.skip : it)(
    `plans the same tests as in process and passes them over the wire, ` +
      `no leftovers (${unavailable ?? ONLY?.join(', ') ?? 'whole kit'})`,
    async () => {
      const make = (hostApi: { hostname?: string }): QemuDriver => {
        const d = new QemuDriver({ hostname: 'kit-host', ...hostApi });
        drivers.add(d);
        return d;
      };
      server = await serveDriver(make({}), {
        listen: `unix:${tmp.socket}`,
        harness: {
          create: make,
          fixtures: qemuConformanceFixtures as never,
          dispose: async (d: DriverBase) => {
            await (d as QemuDriver).close();
            drivers.delete(d as QemuDriver);
          },
        },
      });
      const loaded = await loadDriver(server.target, { hostname: 'kit-host' });
      const map = loaded.driver.capabilities;
      await (loaded.driver as unknown as { close(): Promise<void> }).close();
      const source = loaded.definition.conformance;
      const fixtures = (typeof source === 'function' ? await source() : source) as never;
      const report: ConformanceReport = await runConformance({
        map,
        only: ONLY,
        fixtures,
        // Lean for CI: the model-based part still runs and must pass, on a few sequences (the in-process QEMU kit
        // runs the full count); every planned kit test runs over the wire.
        modelBased: { sequences: 3 },
        factory: () => loaded.definition.create({ hostname: 'kit-host' }),
        dispose: (d: DriverBase) => (d as unknown as { close(): Promise<void> }).close(),
        onResult: (r) => {
          if (r.status === 'failed') process.stderr.write(`FAILED ${r.capability}: ${r.name}: ${r.reason}\n`);
        },
      });
      expect(report.results.filter((r) => r.status === 'failed').map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
      const inProcess = await qemuConformanceFixtures();
      const planDriver = make({ hostname: 'plan' });
      const planned = planConformance(planDriver.capabilities, { only: ONLY, fixtures: inProcess as never });
      await planDriver.close();
      drivers.delete(planDriver);
      // The planned tests, plus the model-based result every run reports (as in process).
      const expected = [...planned.map((p) => `${p.capability} ${p.test.name}`), `core ${MODEL_TEST_NAME}`];
      expect(report.results.map((r) => `${r.capability} ${r.name}`).sort()).toEqual(expected.sort());
      // Hosts opened for the tests were closed with their clients: only the served default driver is left.
      expect(drivers.size).toBe(1);
      for (const d of drivers) expect(await qemuLeakCheck(d)).toEqual([]);
    },
    30 * 60_000,
  );
});
