import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RUNNER = resolve(__dirname, '../../scripts/nova/run-nova-tests.mjs');

/**
 * Nova's tests that the adapter does not pass, each with why. Everything else must pass; a test that starts
 * passing, or a new failure, fails this test (the list is exact).
 */
const KNOWN_FAILURES: Record<string, string> = {
  test_block_stats:
    "asks for the counters of disk 'someid', which the spawned instance does not have. The served driver answers " +
    "NOT_FOUND and the adapter returns None, as Nova's libvirt driver does with a real libvirt for a disk the " +
    "domain does not have; the test wants 5 values, which libvirt's suite gets only because its fake libvirt " +
    "returns counters for any device name, and Nova's FakeDriver for any disk. No other in-tree driver implements " +
    'block_stats (they pass by a swallowed NotImplementedError). Answering for a missing disk would be faking.',
};

interface Summary {
  ran: number;
  failed: string[];
  notImplemented: string[];
  seconds: number;
}

/**
 * The adapter's own tests run with the suite (test_live_migration_callbacks.py): Nova's post / recover method calling
 * the driver again for the migrating instance from inside the served liveMigration call.
 */
const ADAPTER_TESTS = 2;

/** Nova 26's own driver test suite (_VirtDriverTestCase), run against the adapter and a served @virtkit/memory. */
describe("Nova's driver test suite against the virtkit adapter", () => {
  it("runs Nova's 65 tests and the adapter's 2; only the documented one fails; none swallows a NotImplementedError", async () => {
    const { stdout } = await run(process.execPath, [RUNNER, 'driver'], {
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Summary;
    expect(summary.ran).toBe(65 + ADAPTER_TESTS);
    expect(summary.notImplemented).toEqual([]);
    const failedNames = summary.failed.map((id) => id.split('.').pop() ?? id).sort();
    expect(failedNames).toEqual(Object.keys(KNOWN_FAILURES).sort());
  }, 620_000);
});
