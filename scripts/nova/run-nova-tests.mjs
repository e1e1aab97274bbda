#!/usr/bin/env node
// Runs Nova's own tests against the virtkit Nova adapter and a served @virtkit/memory, and prints a JSON summary
// as its last line: {"ran", "failed": [test ids], "notImplemented": [log lines], "seconds"}.
//
//   node scripts/nova/run-nova-tests.mjs driver                 Nova's _VirtDriverTestCase (65 tests)
//   node scripts/nova/run-nova-tests.mjs functional <list-file> Nova's functional tests named in the file
//
// It starts the serving process itself (scripts/nova/serve-memory-hosts.mjs, loopback, a free port), runs
// Debian's /usr/bin/python3 (python3-nova and the test libraries: scripts/install-system-deps.sh) with
// testtools, and stops the server on every path. Needs `npm run build` (the server imports the built packages).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const adapter = join(root, 'packages/nova-adapter');
const PYTHON = '/usr/bin/python3';
const [suite, listFile] = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`run-nova-tests: ${message}\n`);
  process.exit(2);
}
if (!['driver', 'functional'].includes(suite)) fail('usage: run-nova-tests.mjs driver | functional <list-file>');
if (!existsSync(join(root, 'packages/remote/dist')) || !existsSync(join(root, 'packages/memory/dist'))) {
  fail('packages are not built: run `npm run build` first');
}

const server = spawn(process.execPath, [join(here, 'serve-memory-hosts.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
const stopServer = () => {
  if (server.exitCode === null) server.kill('SIGTERM');
};
process.on('exit', stopServer);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopServer(); process.exit(130); });

const address = await new Promise((ok, ko) => {
  let buffer = '';
  server.stdout.on('data', (chunk) => {
    buffer += chunk;
    const line = buffer.split('\n')[0];
    if (buffer.includes('\n')) ok(JSON.parse(line).address);
  });
  server.once('exit', (code) => ko(new Error(`the serving process exited (${code}) before listening`)));
}).catch((error) => fail(error.message));

const work = mkdtempSync(join(tmpdir(), 'virtkit-nova-'));
const args = ['-m', 'testtools.run'];
if (suite === 'driver') {
  args.push('nova_virtkit_tests.test_driver_suite');
} else {
  if (!listFile || !existsSync(listFile)) fail(`no list file ${listFile}`);
  const ids = readFileSync(listFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  const load = join(work, 'load-list.txt');
  writeFileSync(load, `${ids.join('\n')}\n`);
  args.push('--load-list', load, 'nova_virtkit_tests.functional_runner');
  // The modules whose tests are listed (a test id is module.Class.test).
  process.env.VIRTKIT_NOVA_MODULES = [...new Set(ids.map((id) => id.split('.').slice(0, -2).join('.')))].join(',');
}
const started = Date.now();
const python = spawn(PYTHON, args, {
  cwd: work,
  env: {
    ...process.env,
    VIRTKIT_NOVA_AGENT: address,
    PYTHONPATH: [adapter, join(adapter, 'tests')].join(':'),
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
python.stdout.on('data', (c) => { output += c; process.stderr.write(c); });
python.stderr.on('data', (c) => { output += c; process.stderr.write(c); });
const code = await new Promise((ok) => python.on('exit', (c) => ok(c ?? 1)));
const seconds = (Date.now() - started) / 1000;
stopServer();
rmSync(work, { recursive: true, force: true });

const ran = Number(/^Ran (\d+) tests?/m.exec(output)?.[1] ?? 0);
const failed = [...output.matchAll(/^(?:FAIL|ERROR): (\S+)/gm)].map((m) => m[1]);
const notImplemented = output.split('\n').filter((l) => l.includes('does not implement'));
process.stdout.write(`${JSON.stringify({ suite, ran, failed, notImplemented, exitCode: code, seconds })}\n`);
