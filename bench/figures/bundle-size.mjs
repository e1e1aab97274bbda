// bundle.core.minGzBytes: @virtkit/core minified + gzipped, without class-validator / class-transformer.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { valueFigure } from '../lib/measure.mjs';

export async function measure() {
  const result = await build({
    entryPoints: ['packages/core/dist/index.mjs'],
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'node',
    external: ['class-validator', 'class-transformer', 'class-transformer/*', 'reflect-metadata'],
    logLevel: 'silent',
  });
  const bytes = gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
  return [
    valueFigure(
      'bundle.core.minGzBytes',
      bytes,
      'bytes',
      '<= 15360',
      'esbuild --minify of dist/index.mjs (eventemitter3 and semver bundled in), gzip -9; ' +
        "same method as size-limit's esbuild preset",
    ),
  ];
}
