import { contractManifest } from '@virtkit/core/manifest';
import { runCli } from './helpers/run-cli.js';

describe('virtkit contract', () => {
  it('--json prints every manifest entry', async () => {
    const run = await runCli(['contract', '--json']);
    expect(run.code).toBe(0);
    const entries = JSON.parse(run.stdout) as unknown[];
    expect(Array.isArray(entries)).toBe(true);
    expect(entries).toHaveLength(contractManifest.length);
    expect(entries).toEqual(JSON.parse(JSON.stringify(contractManifest)));
  });

  it('prints a table: reference name, capability, TypeScript method, kind', async () => {
    const run = await runCli(['contract']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^reference\s+capability\s+TypeScript method\s+kind$/);
    expect(run.stdout).toMatch(/^get_vnc_console\s+console\.vnc\s+getVncConsole\s+required$/m);
    expect(run.stdout).toMatch(/^need_legacy_block_device_info\s+core\s+-\s+dropped$/m);
    expect(run.stdout).toContain(`${contractManifest.length} reference calls:`);
  });
});
