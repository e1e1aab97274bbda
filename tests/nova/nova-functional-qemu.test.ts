import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RUNNER = resolve(__dirname, '../../scripts/nova/run-nova-tests.mjs');
const LIST = resolve(__dirname, '../../packages/nova-adapter/tests/functional-tests-qemu.txt');
/** Parallel workers (each its own serving process of QEMU hosts, and its own Python); CI machines may raise it. */
const WORKERS = process.env.VIRTKIT_NOVA_QEMU_WORKERS ?? '2';

interface Summary {
  ran: number;
  failed: string[];
  notImplemented: string[];
  seconds: number;
}

/** What one serving process of QEMU hosts printed when it stopped (scripts/nova/serve-qemu-hosts.mjs). */
interface ServedCalls {
  root: string;
  calls: Record<string, number>;
  failures: Record<string, number>;
}

/** QEMU processes whose command line names `dir` (their state directories live there). */
function qemuProcessesUnder(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('qemu-system') && line.includes(`${dir}/`));
}

/**
 * Nova 26's functional tests (API -> conductor -> scheduler -> compute in one process, Nova's fake Neutron,
 * Glance, Cinder and placement) with every compute service on the adapter and its own served @virtkit/qemu host,
 * which boots the test guest under TCG: create/delete, stop/start, pause/unpause, soft and hard reboot, and live
 * migration between two served hosts. Every test of the list must pass; the tests of those classes left out are
 * in functional-excluded-qemu.txt with the reason for each.
 */
describe("Nova's functional tests on the virtkit adapter, each compute a served QEMU host", () => {
  it('passes every test of functional-tests-qemu.txt, on real QEMU guests, and leaves nothing behind', async () => {
    const listed = readFileSync(LIST, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
    const { stdout, stderr } = await run(
      process.execPath,
      [RUNNER, 'functional', LIST, '--hosts', 'qemu', '--workers', WORKERS],
      { timeout: 1_800_000, maxBuffer: 512 * 1024 * 1024 },
    );
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Summary;
    expect(summary.failed).toEqual([]);
    expect(summary.ran).toBe(listed.length);
    expect(summary.notImplemented).toEqual([]);

    // The served QEMU hosts did the work: each serving process reports the driver hooks that completed.
    const served = [...stderr.matchAll(/^virtkit-nova-qemu-calls (.+)$/gm)].map(
      (m) => JSON.parse(m[1]!) as ServedCalls,
    );
    expect(served).toHaveLength(Math.min(Number(WORKERS), listed.length));
    const total = (hook: string): number => served.reduce((n, s) => n + (s.calls[hook] ?? 0), 0);
    const hooks = [
      '_spawn',
      '_destroy',
      '_powerOff',
      '_powerOn',
      '_pause',
      '_unpause',
      '_reboot',
      '_preLiveMigration',
      '_liveMigration',
      '_postLiveMigrationAtDestination',
      '_getConsoleOutput',
    ];
    const ran = Object.fromEntries(hooks.map((hook) => [hook, total(hook) > 0]));
    expect(ran).toEqual(Object.fromEntries(hooks.map((hook) => [hook, true])));
    expect(total('_spawn')).toBeGreaterThanOrEqual(listed.length);
    // Every serving process stopped its QEMU processes and removed its state root.
    for (const { root } of served) {
      expect(existsSync(root)).toBe(false);
      expect(qemuProcessesUnder(root)).toEqual([]);
    }
  }, 1_900_000);
});
