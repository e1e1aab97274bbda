import {
  CAPABILITY_NAMES,
  DriverBase,
  FAMILIES,
  familyOf,
  type AbstractConstructor,
  type CapabilityName,
} from '@virtkit/core';
import * as core from '@virtkit/core';
import { CliError } from '../errors/cli-error.js';

type Mixin = ((base: AbstractConstructor) => unknown) & { capability?: unknown };

/** Capability -> its exported mixin's name (`lifecycle.pause` -> `withPause`), from core's exports. */
export function mixinNames(): Map<CapabilityName, string> {
  const result = new Map<CapabilityName, string>();
  for (const [name, value] of Object.entries(core).sort(([a], [b]) => a.localeCompare(b))) {
    const capability = typeof value === 'function' ? (value as Mixin).capability : undefined;
    if (typeof capability === 'string' && name.startsWith('with') && !result.has(capability as CapabilityName)) {
      result.set(capability as CapabilityName, name);
    }
  }
  return result;
}

/**
 * The capabilities a capability needs applied before it (`volume.extend` ->
 * `lifecycle`, `volume`), as its mixin states them: applied to a bare
 * `DriverBase`, a mixin refuses with a `DRIVER_DEFINITION` error naming them.
 */
export function prerequisitesOf(capability: CapabilityName): CapabilityName[] {
  const mixin = (core as unknown as Record<string, Mixin>)[mixinNames().get(capability) ?? ''];
  if (mixin === undefined) return [];
  try {
    mixin(DriverBase);
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const named = [...message.matchAll(/'([\w.]+)'/g)].map((m) => m[1]!).filter((n) => n !== capability);
    return CAPABILITY_NAMES.filter((c) => named.includes(c));
  }
}

/**
 * Check a capability set for `virtkit init` and put it in an order where each
 * capability comes after its prerequisites (the order of `CAPABILITY_NAMES`).
 *
 * @throws `USAGE` when a capability's prerequisite is not in the set, saying which to add.
 */
export function resolveInitCapabilities(chosen: readonly CapabilityName[]): CapabilityName[] {
  const set = new Set(chosen);
  const missing = chosen.flatMap((c) =>
    prerequisitesOf(c)
      .filter((p) => !set.has(p))
      .map((p) => [c, p] as const),
  );
  if (missing.length > 0) {
    const needs = missing.map(([c, p]) => `'${c}' needs '${p}'`).join(', ');
    const add = [...new Set(missing.map(([, p]) => p))];
    throw new CliError('USAGE', `missing prerequisite capability: ${needs}`, {
      hint:
        `add ${add.join(', ')} to --capabilities (a capability's mixin is applied after its prerequisites'), ` +
        `e.g. --capabilities ${[...add, ...chosen].join(',')}`,
    });
  }
  return CAPABILITY_NAMES.filter((c) => set.has(c));
}

/** The families of the chosen capabilities, in contract order. */
export function familiesOf(capabilities: readonly CapabilityName[]): string[] {
  return FAMILIES.filter((f) => capabilities.some((c) => familyOf(c) === f));
}
