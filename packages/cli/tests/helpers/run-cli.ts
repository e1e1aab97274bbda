import { resolve } from 'node:path';
import { main, type CliIo } from '../../src/index.js';

/** The monorepo root: driver packages resolve from here, as they would for a user of the repo. */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** The sample driver every CLI test runs against (built already, in packages/sample-driver/dist). */
export const SAMPLE = '@virtkit/sample-driver';

/** A driver whose host IP is not an IP: one core kit test fails. */
export const BROKEN_DRIVER = resolve(__dirname, '../fixtures/broken-driver.cjs');

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  isTTY?: boolean;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Run `virtkit <args>` in-process and capture its output. */
export async function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    cwd: options.cwd ?? REPO_ROOT,
  };
  const code = await main(['node', 'virtkit', ...args], io);
  return { code, stdout, stderr };
}

/** The last non-empty line of some output. */
export function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

/** Fixture drivers whose close() records their name in a shared log (see fixtures/close-log.cjs). */
export const CLOSING_DRIVER = resolve(__dirname, '../fixtures/closing-driver.cjs');
/** A closing driver whose conformance fixtures function throws. */
export const BAD_FIXTURES_DRIVER = resolve(__dirname, '../fixtures/bad-fixtures-driver.cjs');
/** A closing driver whose capability map makes `inspect` throw. */
export const BAD_MAP_DRIVER = resolve(__dirname, '../fixtures/bad-map-driver.cjs');

/** The close log the closing fixture drivers write to. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const closeLog = require('../fixtures/close-log.cjs') as {
  readCloseLog(): string[];
  clearCloseLog(): void;
};
