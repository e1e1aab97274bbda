// typecheck.fullDriver_vs_plainClass: tsc time of a driver composing every capability (mixins, abstract hooks,
// guarded surface) vs a plain class implementing the same capability interfaces by hand.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as core from '@virtkit/core';
import { ratioFigure } from '../lib/measure.mjs';

const DIR = '.cache/bench-typecheck';

export async function measure({ quick }) {
  const mixins = Object.entries(core).filter(([, v]) => typeof v === 'function' && typeof v.capability === 'string');
  const byCap = new Map(mixins.map(([name, fn]) => [fn.capability, name]));
  const order = core.CAPABILITY_NAMES.filter((c) => byCap.has(c));
  // Probe the required hooks by composing the class at run time.
  let Composed = core.DriverBase;
  for (const cap of order) Composed = core[byCap.get(cap)](Composed);
  const hooks = new Set(['_initHost', '_getInfo', '_listInstances', '_getAvailableNodes', '_getHostIp']);
  for (const list of Object.values(
    Composed[Object.getOwnPropertySymbols(Composed).find((s) => String(s).includes('requiredHooks'))] ?? {},
  ))
    for (const h of list) hooks.add(h);
  const body = '{ throw new Error("bench fixture: never called"); }';
  const full = [
    `import { DriverBase, ${order.map((c) => byCap.get(c)).join(', ')} } from '@virtkit/core';`,
    `export class FullDriver extends ${order
      .map((c) => `${byCap.get(c)}(`)
      .reverse()
      .join('')}DriverBase${')'.repeat(order.length)} {`,
    ...[...hooks].map((h) => `  protected async ${h}(_ctx: any, _req?: any): Promise<any> ${body}`),
    '}',
  ].join('\n');
  const interfaces = Object.keys(core.CAPABILITY_METHODS);
  const methods = [...new Set(Object.values(core.CAPABILITY_METHODS).flat())];
  const plain = [
    `import type { CapabilityInterfaces } from '@virtkit/core';`,
    `type All = ${interfaces.map((c) => `CapabilityInterfaces['${c}']`).join(' & ')};`,
    `export interface PlainDriver extends All {}`,
    `export class PlainDriver {`,
    ...['getInfo', 'listInstances', 'initHost', 'getAvailableNodes', 'getHostIp', ...methods].map(
      (m) => `  async ${m}(_ctx: any, _req?: any): Promise<any> ${body}`,
    ),
    '}',
    `const _check: All = new PlainDriver(); void _check;`,
  ].join('\n');
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const opts = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  for (const [name, text] of [
    ['full', full],
    ['plain', plain],
  ]) {
    mkdirSync(`${DIR}/${name}`, { recursive: true });
    writeFileSync(`${DIR}/${name}/driver.ts`, text);
    writeFileSync(`${DIR}/${name}/tsconfig.json`, JSON.stringify({ compilerOptions: opts, files: ['driver.ts'] }));
  }
  const time = (name) => {
    let best = Infinity;
    for (let i = 0; i < (quick ? 2 : 4); i++) {
      const t = process.hrtime.bigint();
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `${DIR}/${name}/tsconfig.json`], {
        stdio: 'inherit',
      });
      best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
    }
    return best;
  };
  const plainMs = time('plain');
  const fullMs = time('full');
  return [
    ratioFigure(
      'typecheck.fullDriver_vs_plainClass',
      fullMs,
      plainMs,
      'ms (tsc --noEmit, whole process)',
      '<= 1.5',
      `${order.length} mixins, ${hooks.size} hooks vs a class implementing all ${interfaces.length} ` +
        `capability interfaces; both load @virtkit/core's .d.ts`,
    ),
  ];
}
