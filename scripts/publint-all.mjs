// Run publint on every publishable package; any message fails.
import { readFileSync, existsSync } from 'node:fs';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

let failed = 0;
for (const name of ['core', 'conformance', 'memory', 'qemu', 'cli', 'remote']) {
  const dir = `packages/${name}`;
  if (!existsSync(`${dir}/dist`)) continue;
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const { messages } = await publint({ pkgDir: dir, level: 'suggestion', strict: true });
  for (const m of messages) console.log(`${pkg.name}: [${m.type}] ${formatMessage(m, pkg)}`);
  failed += messages.length;
  if (messages.length === 0) console.log(`${pkg.name}: publint clean`);
}
process.exit(failed ? 1 : 0);
