// Generate the docs that come from the contract manifest, using the BUILT packages (run `npm run build` first):
//   docs/capabilities.md    the capability reference (families, capabilities, calls, reference calls, feature flags)
//   docs/support-matrix.md  `virtkit matrix --format md` for @virtkit/memory, @virtkit/sample-driver (+ @virtkit/qemu
// when it loads)
//   docs/implementor-reference.md  every capability and hook: signature, rules, errors, events, fixtures, kit tests
// Usage: node scripts/generate-docs.mjs [--check] [--out-dir DIR]
//   (default) write both files into docs/
//   --out-dir  write them into DIR instead (tests/docs/generated-docs.test.ts compares those with docs/)
//   --check    write nothing; exit 1 when a committed file differs from what would be generated
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const coreTypes = join(root, 'packages/core/dist/index.d.ts');

/** Generated file name (in docs/) -> its content. */
export async function generateDocs({ warn = (m) => console.error(`generate-docs: warning: ${m}`) } = {}) {
  // Loaded lazily, so that a missing build is reported as such rather than as a failed import.
  const { readCapabilityDescriptions } = await import('./docs/capability-descriptions.mjs');
  const { renderCapabilities } = await import('./docs/render-capabilities.mjs');
  const { renderSupportMatrix } = await import('./docs/render-support-matrix.mjs');
  const { renderImplementorReference } = await import('./docs/render-implementor-reference.mjs');
  const { readMethodSpecs } = await import('./docs/method-specs.mjs');
  const { readCallDocs } = await import('./docs/call-docs.mjs');
  const { readHookCatalogue } = await import('@virtkit/cli');
  const descriptions = readCapabilityDescriptions();
  return {
    'capabilities.md': renderCapabilities({ descriptions }),
    'support-matrix.md': await renderSupportMatrix({ root, warn }),
    'implementor-reference.md': renderImplementorReference({
      hooks: readHookCatalogue(readFileSync(coreTypes, 'utf8')),
      specs: readMethodSpecs(join(root, 'packages/core/src')),
      calls: readCallDocs(coreTypes),
      descriptions,
    }),
  };
}

async function main(argv) {
  const check = argv.includes('--check');
  const outIndex = argv.indexOf('--out-dir');
  const outDir = outIndex >= 0 ? resolve(argv[outIndex + 1] ?? '') : join(root, 'docs');
  if (outIndex >= 0 && !argv[outIndex + 1]) throw new Error('--out-dir needs a directory');
  for (const dist of ['core', 'cli', 'conformance', 'memory', 'sample-driver']) {
    if (!existsSync(join(root, 'packages', dist, 'dist')))
      throw new Error(`packages/${dist}/dist is missing: run \`npm run build\` first`);
  }
  const files = await generateDocs();
  if (check) return checkFiles(files);
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(outDir, name), text);
    console.log(`generate-docs: wrote ${relative(process.cwd(), join(outDir, name)) || name}`);
  }
  return 0;
}

function checkFiles(files) {
  const stale = Object.entries(files).filter(([name, text]) => {
    const path = join(root, 'docs', name);
    return !existsSync(path) || readFileSync(path, 'utf8') !== text;
  });
  for (const [name] of stale)
    console.error(`generate-docs: docs/${name} is stale: run \`npm run docs\` and commit the result`);
  if (stale.length === 0)
    console.log(
      `generate-docs: ${Object.keys(files)
        .map((n) => `docs/${n}`)
        .join(', ')} are up to date`,
    );
  return stale.length ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(`generate-docs: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
