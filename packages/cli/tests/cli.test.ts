import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLI_VERSION } from '../src/index.js';
import { runCli } from './helpers/run-cli.js';

describe('virtkit (top level)', () => {
  it('--help lists every command and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['conformance', 'inspect', 'contract', 'matrix']) expect(run.stdout).toContain(command);
    expect(run.stdout).toContain('Exit codes');
  });

  it.each(['conformance', 'inspect', 'contract', 'matrix'])('%s --help shows usage and examples', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: virtkit ${command}`);
    expect(run.stdout).toContain('Examples:');
  });

  it('help <command> works too', async () => {
    const run = await runCli(['help', 'matrix']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--verify');
  });

  it('--version matches package.json', async () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
    expect(CLI_VERSION).toBe(pkg.version);
  });

  it('no command prints help on stderr and exits 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: virtkit');
  });

  it('an unknown command exits 2 and points to --help', async () => {
    const run = await runCli(['conformnce']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'conformnce'");
    expect(run.stderr).toContain('--help');
  });

  it('an unknown option exits 2', async () => {
    const run = await runCli(['contract', '--yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--yaml'");
  });
});
