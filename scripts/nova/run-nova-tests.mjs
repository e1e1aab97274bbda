#!/usr/bin/env node
// Runs Nova's own tests against the virtkit Nova adapter and a served @virtkit/memory, and prints a JSON summary
// as its last line: {"suite", "ran", "failed": [test ids], "referenceFailed": [test ids], "notImplemented": [log
// lines], "seconds"}. A list with Nova's API-sample tests first runs those with Nova's own fake driver to write
// their doc samples (Debian ships none), then runs the whole list through the adapter (see below).
//
//   node scripts/nova/run-nova-tests.mjs driver                               Nova's _VirtDriverTestCase (65) + 2
//   node scripts/nova/run-nova-tests.mjs functional <list-file> [--workers N] Nova's functional tests in the file
//
// Each worker starts its own serving process (scripts/nova/serve-memory-hosts.mjs, loopback, a free port) and
// runs Debian's /usr/bin/python3 (python3-nova and the test libraries: scripts/install-system-deps.sh) with
// testtools on its share of the tests; servers are stopped on every path. Needs `npm run build` (the server
// imports the built packages).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const adapter = join(root, 'packages/nova-adapter');
const PYTHON = '/usr/bin/python3';
const argv = process.argv.slice(2);
const workersAt = argv.indexOf('--workers');
const workers = workersAt >= 0 ? Math.max(1, Number(argv.splice(workersAt, 2)[1]) || 1) : 1;
// --hosts qemu: the compute hosts are served @virtkit/qemu hosts booting the test guest (serve-qemu-hosts.mjs).
const hostsAt = argv.indexOf('--hosts');
const hosts = hostsAt >= 0 ? argv.splice(hostsAt, 2)[1] : 'memory';
const [suite, listFile] = argv;

function fail(message) {
  process.stderr.write(`run-nova-tests: ${message}\n`);
  process.exit(2);
}
if (!['driver', 'functional'].includes(suite)) {
  fail('usage: run-nova-tests.mjs driver | functional <list-file> [--workers N] [--hosts memory|qemu]');
}
if (!['memory', 'qemu'].includes(hosts)) fail(`--hosts is memory or qemu, not ${hosts}`);
if (hosts === 'qemu' && !existsSync(join(root, 'packages/qemu/dist'))) fail('packages/qemu is not built');
if (!existsSync(join(root, 'packages/remote/dist')) || !existsSync(join(root, 'packages/memory/dist'))) {
  fail('packages are not built: run `npm run build` first');
}

const children = new Set();
/** The API-sample tests' doc samples of this run (a private directory), removed on every path. */
let samples;
const stopAll = () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  if (samples) rmSync(samples, { recursive: true, force: true });
};
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });

/** One serving process; resolves with its address. */
async function startServer() {
  const server = spawn(process.execPath, [join(here, `serve-${hosts}-hosts.mjs`)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(server);
  const address = await new Promise((ok, ko) => {
    let buffer = '';
    server.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('\n')) ok(JSON.parse(buffer.split('\n')[0]).address);
    });
    server.once('exit', (code) => ko(new Error(`the serving process exited (${code}) before listening`)));
  });
  return { server, address };
}

/** Runs testtools on `target` (module, or load-list + runner); returns the combined output. */
async function runPython(address, testArgs, env) {
  const work = mkdtempSync(join(tmpdir(), 'virtkit-nova-'));
  try {
    const { args, env: shareEnv = {} } = testArgs(work);
    const python = spawn(PYTHON, args, {
      cwd: work,
      env: {
        ...process.env,
        ...env,
        ...shareEnv,
        VIRTKIT_NOVA_AGENT: address,
        PYTHONPATH: [adapter, join(adapter, 'tests')].join(':'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(python);
    let output = '';
    python.stdout.on('data', (c) => {
      output += c;
      process.stderr.write(c);
    });
    python.stderr.on('data', (c) => {
      output += c;
      process.stderr.write(c);
    });
    const code = await new Promise((ok) => python.on('exit', (c) => ok(c ?? 1)));
    return { output, code };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One share per worker: testtools on its part of `ids`, with `env` added (Nova's timeout, the run's mode). */
function functionalShares(ids, env) {
  const n = Math.min(workers, ids.length || 1);
  return Array.from({ length: n }, (_, w) => {
    const mine = ids.filter((_, i) => i % n === w);
    return {
      testArgs: (work) => {
        const load = join(work, 'tests.txt');
        writeFileSync(load, `${mine.join('\n')}\n`);
        const runner = hosts === 'qemu' ? 'functional_runner_qemu' : 'functional_runner';
        const args = ['-m', 'unittest', '-v', `nova_virtkit_tests.${runner}`];
        return { args, env: { VIRTKIT_NOVA_TESTS: load } };
      },
      // A test that hangs fails after this many seconds (Nova's own Timeout fixture) instead of stalling CI.
      // QEMU hosts boot a real guest under TCG (tens of seconds on a loaded machine), so their tests get longer.
      env: { OS_TEST_TIMEOUT: process.env.OS_TEST_TIMEOUT ?? (hosts === 'qemu' ? '300' : '120'), ...env },
    };
  });
}

/** Runs the shares in parallel, each with its own serving process; exits the script if one cannot start. */
async function runShares(shares) {
  try {
    return await Promise.all(
      shares.map(async (share) => {
        const { server, address } = await startServer();
        try {
          return await runPython(address, share.testArgs, share.env);
        } finally {
          server.kill('SIGTERM');
        }
      }),
    );
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/** Test ids that failed or errored in unittest's verbose output (the id in parentheses, scenario included). */
function failedIn(output) {
  return [...output.matchAll(/^(?:FAIL|ERROR): (\S+)(?: \((\S+)\))?\n(?:(\S+\(\S+\))$)?/gm)].map(
    (m) => m[3] ?? m[2] ?? m[1],
  );
}

const started = Date.now();
let results;
// Nova's API-sample tests check every response against a template Debian ships and the template against a doc
// sample it does not (doc/api_samples, source tree only). Their samples come from a reference run of the same
// tests with Nova's own fake driver and Nova's GENERATE_SAMPLES mode, into a private directory that stands for
// doc/ in both runs (functional_runner.py); the adapter's run then reads them. A test that fails in the reference
// run fails the whole run: without its samples the adapter's run would prove nothing.
let referenceFailed = [];
if (suite === 'driver') {
  // Nova's suite, then the adapter's own tests of Nova's live-migration callbacks calling the driver again (same
  // served hosts and fixtures as the suite).
  const modules = ['nova_virtkit_tests.test_driver_suite', 'nova_virtkit_tests.test_live_migration_callbacks'];
  results = await runShares([{ testArgs: () => ({ args: ['-m', 'unittest', '-v', ...modules] }), env: {} }]);
} else {
  if (!listFile || !existsSync(listFile)) fail(`no list file ${listFile}`);
  const ids = readFileSync(listFile, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  delete process.env.GENERATE_SAMPLES;
  const sampleIds = ids.filter((id) => id.includes('.api_sample_tests.'));
  try {
    if (sampleIds.length > 0) {
      samples = mkdtempSync(join(tmpdir(), 'virtkit-nova-samples-'));
      const modes = { VIRTKIT_NOVA_REFERENCE: '1', GENERATE_SAMPLES: '1', VIRTKIT_NOVA_SAMPLES: samples };
      const reference = await runShares(functionalShares(sampleIds, modes));
      referenceFailed = reference.flatMap((r) => failedIn(r.output));
      if (reference.some((r) => r.code !== 0) && referenceFailed.length === 0) referenceFailed.push('(reference run)');
    }
    results = await runShares(functionalShares(ids, samples ? { VIRTKIT_NOVA_SAMPLES: samples } : {}));
  } finally {
    if (samples) rmSync(samples, { recursive: true, force: true });
  }
}
const seconds = (Date.now() - started) / 1000;
stopAll();

let ran = 0;
const failed = [];
const notImplemented = [];
for (const { output } of results) {
  ran += Number(/^Ran (\d+) tests?/m.exec(output)?.[1] ?? 0);
  failed.push(...failedIn(output));
  notImplemented.push(...output.split('\n').filter((l) => l.includes('does not implement')));
}
const exitCode = Math.max(...results.map((r) => r.code), referenceFailed.length > 0 ? 1 : 0);
const summary = {
  suite,
  hosts,
  ran,
  failed,
  referenceFailed,
  notImplemented,
  exitCode,
  workers: results.length,
  seconds,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
