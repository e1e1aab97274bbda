// Builds every workspace package to ESM + CJS + one bundled .d.ts (copied to .d.mts for the import condition).
// VIRTKIT_BUILD=core,memory limits the build to some packages.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import esbuild from 'rollup-plugin-esbuild';
import dts from 'rollup-plugin-dts';

const PACKAGES = ['core', 'conformance', 'memory', 'qemu', 'cli'];
const only = process.env.VIRTKIT_BUILD?.split(',');

/** Everything that is not a relative import stays external: packages are bundled alone. */
const external = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') || builtinModules.includes(id.replace(/^node:/, ''));

function copyDtsToMts(dir) {
  return {
    name: 'copy-dts-to-mts',
    writeBundle() {
      for (const base of ['index']) copyFileSync(`${dir}/dist/${base}.d.ts`, `${dir}/dist/${base}.d.mts`);
    },
  };
}

function configsFor(name) {
  const dir = `packages/${name}`;
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const bins = existsSync(`${dir}/src/bin.ts`) ? [`${dir}/src/bin.ts`] : [];
  const js = {
    input: `${dir}/src/index.ts`,
    external,
    plugins: [esbuild({ target: 'node20', tsconfig: 'tsconfig.base.json' })],
    output: [
      { file: `${dir}/dist/index.mjs`, format: 'es', sourcemap: true },
      { file: `${dir}/dist/index.cjs`, format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  };
  const types = {
    input: `${dir}/src/index.ts`,
    external,
    plugins: [dts({ tsconfig: 'tsconfig.base.json' }), copyDtsToMts(dir)],
    output: { file: `${dir}/dist/index.d.ts`, format: 'es' },
  };
  const bin = bins.map((input) => ({
    input,
    external,
    plugins: [esbuild({ target: 'node20', tsconfig: 'tsconfig.base.json' })],
    output: { file: `${dir}/dist/bin.cjs`, format: 'cjs', banner: '#!/usr/bin/env node', sourcemap: true },
  }));
  void pkg;
  return [js, types, ...bin];
}

export default PACKAGES.filter((p) => existsSync(`packages/${p}/src/index.ts`) && (!only || only.includes(p))).flatMap(configsFor);
