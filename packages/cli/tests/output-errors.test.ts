import { EventEmitter } from 'node:events';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { main, type CliIo } from '../src/index.js';
import { guardOutput, streamSink, type OutputStream } from '../src/output-guard.js';
import { REPO_ROOT } from './helpers/run-cli.js';

/** A stream double: records what is written, and emits 'error' when told to. */
class FakeStream extends EventEmitter implements OutputStream {
  written = '';
  write(chunk: string): boolean {
    this.written += chunk;
    return true;
  }
  fail(code: string, message = `write ${code}`): void {
    this.emit('error', Object.assign(new Error(message), { code }));
  }
}

function guarded(exitCodeSoFar?: number) {
  const stdout = new FakeStream();
  const stderr = new FakeStream();
  const exits: number[] = [];
  guardOutput({ stdout, stderr }, { exit: (code) => exits.push(code), exitCode: () => exitCodeSoFar });
  return { stdout, stderr, exits };
}

describe('output stream errors', () => {
  it('a broken pipe on stdout ends quietly with exit code 0', () => {
    const { stdout, stderr, exits } = guarded();
    expect(() => stdout.fail('EPIPE')).not.toThrow();
    expect(exits).toEqual([0]);
    expect(stderr.written).toBe('');
  });

  it('a broken pipe keeps the exit code set so far', () => {
    const { stdout, stderr, exits } = guarded(1);
    stdout.fail('EPIPE');
    expect(exits).toEqual([1]);
    expect(stderr.written).toBe('');
  });

  it('a broken pipe on stderr ends quietly too', () => {
    const { stderr, exits } = guarded();
    expect(() => stderr.fail('EPIPE')).not.toThrow();
    expect(exits).toEqual([0]);
  });

  it('another stdout failure is reported as OUTPUT_FAILED (exit 2), once', () => {
    const { stdout, stderr, exits } = guarded();
    stdout.fail('ENOSPC', 'no space left on device');
    stdout.fail('ENOSPC', 'no space left on device');
    expect(exits).toEqual([2]);
    expect(stderr.written).toContain('virtkit: error: cannot write to stdout: no space left on device\n');
    expect(stderr.written).toContain('virtkit: hint: ');
  });

  it('a write that throws becomes OUTPUT_FAILED, which main reports', async () => {
    const broken = {
      write: (): never => {
        throw Object.assign(new Error('stream destroyed'), { code: 'ERR_STREAM_DESTROYED' });
      },
    };
    expect(() => streamSink(broken, 'stdout').write('x')).toThrow(expect.objectContaining({ code: 'OUTPUT_FAILED' }));
    let stderr = '';
    const io: CliIo = {
      stdout: streamSink(broken, 'stdout'),
      stderr: { write: (s: string) => (stderr += s) },
      env: {},
      cwd: REPO_ROOT,
    };
    const code = await main(['node', 'virtkit', 'contract'], io);
    expect(code).toBe(2);
    expect(stderr).toContain('virtkit: error: cannot write to stdout: stream destroyed');
    expect(stderr).not.toContain('unexpected error');
  });

  it('main never rejects, even when stderr fails too', async () => {
    const broken = streamSink(
      {
        write: (): never => {
          throw new Error('gone');
        },
      },
      'stdout',
    );
    const failingErr = streamSink(
      {
        write: (): never => {
          throw new Error('gone');
        },
      },
      'stderr',
    );
    await expect(
      main(['node', 'virtkit', 'contract'], { stdout: broken, stderr: failingErr, env: {}, cwd: REPO_ROOT }),
    ).resolves.toBe(2);
  });
});

// The built executable, piped into a reader that stops after one line. Needs the CLI built
// (VIRTKIT_BUILD=cli npx rollup -c); skipped when it is not, or when the build predates the guard.
const BIN = resolve(REPO_ROOT, 'packages/cli/bin/virtkit.cjs');
const DIST_BIN = resolve(REPO_ROOT, 'packages/cli/dist/bin.cjs');
const built = existsSync(DIST_BIN) && readFileSync(DIST_BIN, 'utf8').includes('EPIPE');
(built ? describe : describe.skip)('virtkit (built) into a closed pipe', () => {
  const pipe = (reader: string) =>
    spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${BIN}" contract | ${reader}; echo "exit=\${PIPESTATUS[0]}" >&2`],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );

  it('`virtkit contract | head -1` prints one line, no stack trace, and exits 0', () => {
    const run = pipe('head -1');
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).toBe('exit=0\n');
  });

  it('a reader that reads nothing at all: still quiet, exit 0', () => {
    const run = pipe('true');
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('exit=0\n');
  });
});
