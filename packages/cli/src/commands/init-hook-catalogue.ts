import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as core from '@virtkit/core';

/** One abstract hook a driver writes, as declared in `@virtkit/core`'s published `.d.ts`. */
export interface HookDeclaration {
  /** The capability (or `'core'` for the hooks every driver writes). */
  readonly capability: string;
  /** The hook's name, e.g. `_pause`. */
  readonly hook: string;
  /** The parameter list, exactly as declared: `ctx: OperationContext, request: PauseRequest`. */
  readonly params: string;
  /** The return type, e.g. `Promise<void>`. */
  readonly returns: string;
  /** The hook's TSDoc text (what it must do), one line. */
  readonly doc: string;
  /** The SDK supplies a default (a driver may override it); required hooks are abstract. */
  readonly optional: boolean;
}

/**
 * Every abstract hook of every capability (and of `DriverBase`), read from a
 * `@virtkit/core` bundled `.d.ts`: each capability mixin is declared as
 * `CapabilityMixin<typeof XShape>` and the shape class lists the hooks. So
 * `virtkit init` and the implementor's reference are generated from the
 * contract's own declarations and stay complete for any capability.
 *
 * @returns hooks grouped by capability (`'core'` first), in declaration order.
 * @throws Error when the text holds no `DriverBase` declaration (not core's `.d.ts`).
 */
export function readHookCatalogue(dts: string): Map<string, HookDeclaration[]> {
  const classes = classBodies(dts);
  const catalogue = new Map<string, HookDeclaration[]>();
  const base = classes.get('DriverBase');
  if (base === undefined)
    throw new Error("DriverBase is not declared in this .d.ts: is it @virtkit/core's dist/index.d.ts?");
  catalogue.set(
    'core',
    hooksOf('core', base).filter((h) => !h.optional),
  );
  const mixins = new Map<string, string>();
  for (const m of dts.matchAll(/declare const (with\w+): CapabilityMixin<typeof (\w+)>;/g)) mixins.set(m[1]!, m[2]!);
  for (const [mixin, shape] of mixins) {
    const capability = (core as unknown as Record<string, { capability?: unknown }>)[mixin]?.capability;
    const body = classes.get(shape);
    if (typeof capability !== 'string' || body === undefined) continue;
    catalogue.set(capability, hooksOf(capability, body));
  }
  return catalogue;
}

/** The bundled `.d.ts` of the `@virtkit/core` this CLI runs with. */
export function readCoreTypes(): string {
  // The CLI runs as CommonJS (bin/virtkit.cjs); the ESM build, imported as a library, resolves from the working
  // directory.
  const from = typeof __filename === 'string' ? __filename : join(process.cwd(), 'noop.js');
  const manifest = createRequire(from).resolve('@virtkit/core/package.json');
  const types = (JSON.parse(readFileSync(manifest, 'utf8')) as { types?: string }).types ?? './dist/index.d.ts';
  return readFileSync(join(dirname(manifest), types), 'utf8');
}

/** Class name -> body text, for every `declare abstract class X ... {` of the file. */
function classBodies(dts: string): Map<string, string> {
  const bodies = new Map<string, string>();
  for (const m of dts.matchAll(/^declare abstract class (\w+)[^{\n]*\{\n([\s\S]*?)^\}/gm)) {
    if (!bodies.has(m[1]!)) bodies.set(m[1]!, m[2]!);
  }
  return bodies;
}

/** The `_hooks` of a class body: abstract ones first, then those with a default, each in declaration order. */
function hooksOf(capability: string, body: string): HookDeclaration[] {
  const hooks: HookDeclaration[] = [];
  const re = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?protected (abstract )?(_\w+)\((.*)\): (.+);/g;
  for (const m of body.matchAll(re)) {
    const params = m[4]!.replace(/\b_(\w+):/g, '$1:');
    hooks.push({
      capability,
      hook: m[3]!,
      params,
      returns: m[5]!,
      doc: docLine(m[1] ?? ''),
      optional: m[2] === undefined,
    });
  }
  return [...hooks.filter((h) => !h.optional), ...hooks.filter((h) => h.optional)];
}

function docLine(raw: string): string {
  return raw
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\{@link(?:code|plain)?\s+([^}|\s]+)(?:[\s|][^}]*)?\}/g, '`$1`')
    .trim();
}
