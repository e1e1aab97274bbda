import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { processesMentioning } from '../src/runtime/proc-utils.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

// Issue #12 item 10: in a plain script (nothing else keeps Node's event loop alive), awaiting
// destroy() and close() must finish. The driver is bundled from source and run in a child Node
// whose top-level await would end it with code 13 if the loop emptied half way.

const REPO = resolve(__dirname, '../../..');
const scriptIt = itUnless(
  findExecutable('qemu-system-x86_64') && findExecutable('qemu-img') ? undefined : 'QEMU is not installed',
  'plain-script tests',
);

const SCRIPT = `
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
const { QemuDriver, NO_OS_IMAGE } = createRequire(import.meta.url)('./qemu.cjs');
const stateDir = process.argv[2] || undefined;
const d = new QemuDriver({ hostname: 'script', options: stateDir ? { stateDir } : {} });
await d.initHost({}, { host: 'script' });
const flavor = { name: 'f', vcpus: 1, memoryMb: 64, rootGb: 1 };
const [a, b] = [randomUUID(), randomUUID()];
for (const uuid of [a, b]) await d.spawn({}, { instance: { uuid, name: 's', flavor }, imageMeta: NO_OS_IMAGE });
const root = d.stateRoot;
await d.destroy({}, { instance: { uuid: a } });
const out = { root, destroyedDirGone: !existsSync(join(root, a)), kept: b };
await d.close();
out.closed = true;
console.log(JSON.stringify(out));
`;

describe('the QEMU driver in a plain script', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-script-'));
    execFileSync(join(REPO, 'node_modules/.bin/esbuild'), [
      join(REPO, 'packages/qemu/src/index.ts'),
      '--bundle',
      '--platform=node',
      '--format=cjs',
      `--tsconfig=${join(REPO, 'tsconfig.json')}`,
      '--packages=external',
      `--alias:@virtkit/core=${join(REPO, 'packages/core/src/index.ts')}`,
      `--outfile=${join(dir, 'qemu.cjs')}`,
      '--log-level=error',
    ]);
    writeFileSync(join(dir, 'script.mjs'), SCRIPT);
  }, 60_000);
  afterAll(() => {
    for (const pid of processesMentioning(`${dir}/`)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (stateDir?: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [join(dir, 'script.mjs'), ...(stateDir ? [stateDir] : [])],
        {
          env: { ...process.env, NODE_PATH: join(REPO, 'node_modules') },
          timeout: 60_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? (child.exitCode ?? -1) : 0, stdout, stderr }),
      );
    });

  scriptIt(
    'awaiting destroy() and close() finishes with a persistent state dir (detached QEMUs): exit 0, nothing left running',
    async () => {
      const stateDir = join(dir, 'state');
      const result = await run(stateDir);
      expect([result.code, result.stderr]).toEqual([0, '']);
      const out = JSON.parse(result.stdout) as {
        root: string;
        destroyedDirGone: boolean;
        kept: string;
        closed: boolean;
      };
      expect(out).toMatchObject({ root: stateDir, destroyedDirGone: true, closed: true });
      // close() stopped the other instance (its directory stays in the persistent root, as documented)
      expect(processesMentioning(`${stateDir}/`)).toEqual([]);
      expect(existsSync(join(stateDir, out.kept, 'meta.json'))).toBe(true);
    },
    90_000,
  );

  scriptIt(
    'the same with a private state root: close() removes it',
    async () => {
      const result = await run();
      expect([result.code, result.stderr]).toEqual([0, '']);
      const out = JSON.parse(result.stdout) as { root: string; destroyedDirGone: boolean; closed: boolean };
      expect(out).toMatchObject({ destroyedDirGone: true, closed: true });
      expect(existsSync(out.root)).toBe(false);
      expect(processesMentioning(`${out.root}/`)).toEqual([]);
    },
    90_000,
  );
});
