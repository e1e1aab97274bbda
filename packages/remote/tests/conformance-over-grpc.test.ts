import { resolve } from 'node:path';
import { runConformance, type ConformanceReport } from '@virtkit/conformance';
import { main, type CliIo } from '@virtkit/cli';
import { createMemoryFixtures, MemoryDriver } from '@virtkit/memory';
import { serveDriver, type RemoteServer } from '@virtkit/remote';
import { tempDir } from './helpers';

const REPO_ROOT = resolve(__dirname, '../../..');

/** Run `virtkit <args>` in-process and capture what it prints. */
async function virtkit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => void (stdout += s) } as never,
    stderr: { write: (s: string) => void (stderr += s) } as never,
    isTTY: false,
    env: {},
    cwd: REPO_ROOT,
  };
  const code = await main(['node', 'virtkit', ...args], io);
  return { code, stdout, stderr };
}

/**
 * The proof: `virtkit conformance --driver grpc+unix://...` against a served
 * @virtkit/memory (a fresh served host per test through the harness;
 * migration pairs are two served hosts sharing one fabric in the serving
 * process) reports the same tests as in process, 0 failed.
 */
describe('the conformance kit over the wire (memory)', () => {
  const tmp = tempDir();
  let server: RemoteServer;

  beforeAll(async () => {
    server = await serveDriver(new MemoryDriver({ hostname: 'kit' }), {
      listen: `unix:${tmp.socket}`,
      harness: { create: (hostApi) => new MemoryDriver(hostApi), fixtures: createMemoryFixtures() as never },
    });
  });
  afterAll(async () => {
    await server?.close();
    tmp.remove();
  });

  it('virtkit conformance --driver grpc+unix://... reports the same tests as in process, 0 failed', async () => {
    const local = await runConformance({
      factory: () => new MemoryDriver({ hostname: 'virtkit-conformance' }),
      fixtures: createMemoryFixtures(),
    });
    const run = await virtkit(['conformance', '--driver', server.target, '--json']);
    const remote = JSON.parse(run.stdout) as ConformanceReport;
    const failures = remote.results
      .filter((t) => t.status === 'failed')
      .map((t) => `${t.capability}: ${t.name}: ${t.reason}`);
    expect(failures).toEqual([]);
    expect(run.code).toBe(0);
    const names = (r: ConformanceReport): string[] =>
      r.results.map((t) => `${t.capability} ${t.name} ${t.status}`).sort();
    expect(names(remote)).toEqual(names(local));
    expect(remote.summary).toEqual(local.summary);
    expect(remote.driver).toEqual(local.driver);
  }, 600_000); // ~4.5 min alone at load 25; more beside other suites

  it('virtkit inspect grpc+unix://... shows the served map', async () => {
    const run = await virtkit(['inspect', server.target, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { driver: { name: string }; capabilities: unknown };
    expect(report.driver.name).toBe('memory');
  });

  it(
    'virtkit matrix grpc+unix://... builds the support matrix ' +
      'from the served driver, as from the driver in process',
    async () => {
      const remote = await virtkit(['matrix', server.target, '--format', 'json']);
      const local = await virtkit(['matrix', '@virtkit/memory', '--format', 'json']);
      expect(remote.code).toBe(0);
      expect(local.code).toBe(0);
      // The same columns and the same cells (everything but the generation time).
      const matrix = (text: string): Record<string, unknown> => {
        const { generatedAt: _generatedAt, ...rest } = JSON.parse(text) as Record<string, unknown>;
        return rest;
      };
      expect(matrix(remote.stdout)).toMatchObject({ drivers: [{ name: 'memory' }] });
      expect(matrix(remote.stdout)).toEqual(matrix(local.stdout));
    },
  );
});
