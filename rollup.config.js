// Builds every workspace package to ESM + CJS + one bundled .d.ts (copied to .d.mts for the import condition).
// VIRTKIT_BUILD=core,memory limits the build to some packages.
import { copyFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import esbuild from 'rollup-plugin-esbuild';
import dts from 'rollup-plugin-dts';

const PACKAGES = ['core', 'conformance', 'memory', 'qemu', 'cli', 'remote'];
/** Extra public entry points (package subpaths) besides `src/index.ts`, as source file -> dist name. */
const SUBPATHS = { core: { 'src/manifest-entry-point.ts': 'manifest' } };
const only = process.env.VIRTKIT_BUILD?.split(',');

/** Everything that is not a relative import stays external: packages are bundled alone. */
const external = (id) =>
  (!id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0')) ||
  builtinModules.includes(id.replace(/^node:/, ''));

function copyDtsToMts(dir, base) {
  return {
    name: 'copy-dts-to-mts',
    writeBundle() {
      copyFileSync(`${dir}/dist/${base}.d.ts`, `${dir}/dist/${base}.d.mts`);
    },
  };
}

function configsFor(name) {
  const dir = `packages/${name}`;
  const entries = [
    [`${dir}/src/index.ts`, 'index'],
    ...Object.entries(SUBPATHS[name] ?? {}).map(([src, out]) => [`${dir}/${src}`, out]),
  ];
  const bins = existsSync(`${dir}/src/bin.ts`) ? [`${dir}/src/bin.ts`] : [];
  const esbuildPlugin = () => esbuild({ target: 'node20', tsconfig: 'tsconfig.base.json' });
  const builds = entries.flatMap(([input, base]) => [
    {
      input,
      external,
      plugins: [esbuildPlugin()],
      output: [
        { file: `${dir}/dist/${base}.mjs`, format: 'es', sourcemap: true },
        { file: `${dir}/dist/${base}.cjs`, format: 'cjs', sourcemap: true, exports: 'named' },
      ],
    },
    {
      input,
      external,
      plugins: [dts({ tsconfig: 'tsconfig.base.json' }), copyDtsToMts(dir, base)],
      output: { file: `${dir}/dist/${base}.d.ts`, format: 'es' },
    },
  ]);
  const bin = bins.map((input) => ({
    input,
    external,
    plugins: [esbuildPlugin()],
    output: { file: `${dir}/dist/bin.cjs`, format: 'cjs', banner: '#!/usr/bin/env node', sourcemap: true },
  }));
  return [...builds, ...bin];
}

export default PACKAGES.filter((p) => existsSync(`packages/${p}/src/index.ts`) && (!only || only.includes(p))).flatMap(
  configsFor,
);
