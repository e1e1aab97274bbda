/**
 * The vendor path, as CI proves it: pack the workspace packages (`npm pack`, from their built dist), install
 * them from the tarballs next to third-party dependencies (one shared install), scaffold drivers with the
 * INSTALLED `virtkit init` for several capability sets, build each with tsc (strict, noEmitOnError), and run
 * the conformance kit on each: through the CLI on every set, and through the scaffold's own jest test on one.
 * Nothing of a chosen capability may fail or be skipped. Needs `npm run build` and the npm registry.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CAPABILITY_NAMES } from '@virtkit/core';
import type { ConformanceReport } from '@virtkit/conformance';

const ROOT = resolve(__dirname, '../../..');
const PACKED = ['core', 'memory', 'conformance', 'cli'];
const SETS: Record<string, readonly string[]> = {
  'lifecycle-only': ['lifecycle'],
  // The issue's set plus diagnostics: without a way to read attachments back (diagnostics), the kit reports the
  // attachment-survival tests UNVERIFIED, which its jest adapter fails (never a silent pass). See docs/fixtures.md.
  'vendor-issue-17': ['lifecycle', 'lifecycle.pause', 'console.vnc', 'volume', 'volume.extend', 'diagnostics'],
  everything: CAPABILITY_NAMES,
};
/** The set whose scaffold also runs its own jest test (`npm test`), fixtures and skip guard included. */
const JEST_SET = 'vendor-issue-17';

const work = mkdtempSync(join(tmpdir(), 'virtkit-init-packed-'));
function run(cmd: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw Object.assign(new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stderr}\n${stdout.slice(-4000)}`), {
      stdout,
    });
  }
}
const bin = (name: string): string => join(work, 'node_modules', '.bin', name);

beforeAll(() => {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  run(
    'npm',
    ['pack', ...PACKED.flatMap((p) => ['-w', `packages/${p}`]), '--pack-destination', tarballs, '--silent'],
    ROOT,
  );
  const file = (p: string): string =>
    `file:tarballs/${readdirSync(tarballs).find((f) => f.startsWith(`virtkit-${p}-`))}`;
  const scaffold = JSON.parse(renderDevDependencies());
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify(
      {
        name: 'virtkit-init-ci',
        private: true,
        version: '0.0.0',
        dependencies: { ...Object.fromEntries(PACKED.map((p) => [`@virtkit/${p}`, file(p)])), ...scaffold },
      },
      null,
      2,
    ),
  );
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], work);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('virtkit init, installed from packed tarballs', () => {
  it.each(Object.keys(SETS))(
    'scaffold %s: builds and passes the kit, nothing of its capabilities skipped',
    (set) => {
      const caps = SETS[set]!;
      const dir = join(work, 'drivers', set);
      run(bin('virtkit'), ['init', dir, '--capabilities', caps.join(','), '--name', 'acme'], work);
      run(bin('tsc'), ['-p', dir], work);
      let report: ConformanceReport;
      try {
        report = JSON.parse(run(bin('virtkit'), ['conformance', '--driver', './dist/index.js', '--json'], dir));
      } catch (error) {
        throw new Error(`the kit failed on ${set}:\n${(error as { stdout?: string }).stdout ?? error}`);
      }
      expect(report.capabilities).toEqual(caps);
      const bad = report.results.filter(
        (r) =>
          r.status === 'failed' ||
          (r.status === 'skipped' && !/which the driver does not advertise/.test(r.reason ?? '')),
      );
      expect(bad).toEqual([]);
      expect(report.summary.failed).toBe(0);
      expect(report.unverified ?? []).toEqual([]);
      expect(report.summary.passed).toBeGreaterThan(caps.length);
      if (set === JEST_SET) {
        const out = execFileSync(process.execPath, [join(work, 'node_modules/jest/bin/jest.js'), '--ci', '--json'], {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const jest = JSON.parse(out) as {
          numFailedTests: number;
          numPassedTests: number;
          numPendingTests: number;
          success: boolean;
        };
        expect(jest).toMatchObject({ success: true, numFailedTests: 0 });
        // the only skips are kit tests that also need a capability the driver does not advertise, and the tests the
        // kit knows before running are unverified (a failure the scaffold's fixtures cannot cause: jest shows them
        // skipped)
        expect(jest.numPendingTests).toBe(report.summary.skipped + (report.summary.unverified ?? 0));
        expect(jest.numPassedTests).toBe(report.summary.passed + 1);
      }
    },
    300_000,
  );
});

/** The third-party devDependencies a scaffold declares (read from what `virtkit init` writes). */
function renderDevDependencies(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderInitFiles, readHookCatalogue } = require('../src/index.js') as typeof import('../src/index.js');
  const files = renderInitFiles({
    packageName: 'probe',
    driverName: 'probe',
    capabilities: ['lifecycle'],
    hooks: readHookCatalogue(''.concat('declare abstract class DriverBase {\n}\n')),
    virtkitSpecs: { '@virtkit/core': 'x', '@virtkit/memory': 'x', '@virtkit/conformance': 'x', '@virtkit/cli': 'x' },
  });
  const pkg = JSON.parse(files.get('package.json')!) as { devDependencies: Record<string, string> };
  return JSON.stringify(
    Object.fromEntries(Object.entries(pkg.devDependencies).filter(([name]) => !name.startsWith('@virtkit/'))),
  );
}
