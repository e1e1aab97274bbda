import 'reflect-metadata';
import { DriverBase } from '../driver/driver-base.js';
import {
  capabilityMixin,
  defineCapability,
  guardedCallsOf,
  type AbstractConstructor,
} from '../driver/define-capability.js';
import { contractManifest } from '../manifest/contract-manifest.js';
import { CAPABILITY_DECLARATIONS } from './capability-declarations.js';
import { CAPABILITY_METHODS, capabilityOfMethod, requestClassOfMethod } from './capability-methods.js';
import { CAPABILITY_NAMES, FAMILIES, capabilityDeclaration, familyOf } from './capability-names.js';
import { declareCapability } from './declare-capability.js';
import { FEATURE_FLAGS } from './feature-flags.js';
import { CAPABILITY_TRAITS } from './traits.js';
import { PauseRequest } from './lifecycle/requests.js';

describe('capability declarations', () => {
  it('names are unique, each in its family, families contiguous and in FAMILIES order', () => {
    expect(new Set(CAPABILITY_NAMES).size).toBe(CAPABILITY_DECLARATIONS.length);
    for (const d of CAPABILITY_DECLARATIONS) {
      expect(d.name === d.family || d.name.startsWith(`${d.family}.`)).toBe(true);
      expect(familyOf(d.name)).toBe(d.family);
      expect(capabilityDeclaration(d.name)).toBe(d);
    }
    const runs = CAPABILITY_DECLARATIONS.map((d) => d.family).filter((f, i, all) => i === 0 || all[i - 1] !== f);
    expect(runs).toEqual([...FAMILIES]);
  });

  it('method tables, request classes and the method -> capability map come from the declarations', () => {
    for (const d of CAPABILITY_DECLARATIONS) {
      expect(CAPABILITY_METHODS[d.name]).toEqual(Object.keys(d.methods));
      for (const [method, spec] of Object.entries(d.methods)) {
        expect(capabilityOfMethod(method)).toBe(d.name);
        expect(requestClassOfMethod(method)).toBe(spec.request);
      }
    }
    expect(requestClassOfMethod('pause')).toBe(PauseRequest);
    expect(requestClassOfMethod('noSuchCall')).toBeUndefined();
  });

  it('feature flags, traits and manifest entries are the declared ones, in contract order', () => {
    const flags = CAPABILITY_DECLARATIONS.flatMap((d) => Object.keys(d.features).map((f) => [f, d.name]));
    expect(Object.entries(FEATURE_FLAGS).map(([f, def]) => [f, def.requires])).toEqual(flags);
    expect(CAPABILITY_TRAITS).toEqual(
      Object.fromEntries(CAPABILITY_DECLARATIONS.flatMap((d) => (d.trait ? [[d.name, d.trait]] : []))),
    );
    const fromDeclarations = CAPABILITY_DECLARATIONS.flatMap((d) => d.calls.map((c) => [d.name, c.referenceName]));
    const inManifest = contractManifest
      .filter((e) => e.capability !== 'core' && e.capability !== 'module')
      .map((e) => [e.capability, e.referenceName]);
    expect(inManifest).toEqual(fromDeclarations);
  });

  it('every capability declares a description, a status and covers each of its calls in the contract', () => {
    for (const d of CAPABILITY_DECLARATIONS) {
      expect(d.description.trim()).not.toBe('');
      expect(['mandatory', 'optional'].includes(d.status as string) || typeof d.status === 'object').toBe(true);
      const covered = new Set<string | null>(d.calls.map((c) => c.method));
      for (const method of Object.keys(d.methods)) expect(covered.has(method)).toBe(true);
    }
    expect(capabilityDeclaration('lifecycle').status).toBe('mandatory');
    expect(() => capabilityDeclaration('nope' as never)).toThrow(RangeError);
  });

  it('guardedCallsOf exposes the request class of core and capability calls without watching modules', () => {
    const core = guardedCallsOf(DriverBase);
    expect([...core.keys()]).toContain('getInfo');
    expect(core.get('getInfo')?.request).toBeDefined();
    expect(guardedCallsOf(DriverBase).has('pause')).toBe(false);
  });

  it('every declared capability has its mixin, found by name; composing them in contract order applies prerequisites first', () => {
    let base: AbstractConstructor = DriverBase;
    for (const name of CAPABILITY_NAMES) {
      const mixin = capabilityMixin(name);
      expect((mixin as unknown as { capability: string }).capability).toBe(name);
      base = mixin(base);
    }
    expect(guardedCallsOf(base).has('pause')).toBe(true);
    expect(() => capabilityMixin('nope' as never)).toThrow(RangeError);
  });
});

describe('declareCapability', () => {
  interface EchoCapability {
    echo(ctx: unknown, request: object): Promise<void>;
  }
  const input = {
    family: 'console',
    description: 'echo',
    status: 'optional',
    methods: { echo: { hook: '_echo' } },
  } as const;

  it('holds calls beyond the reference (origin virtkit) and freezes the result', () => {
    const d = declareCapability<EchoCapability>()({
      ...input,
      name: 'console.echo',
      calls: [{ referenceName: 'get_echo', method: 'echo', kind: 'required', summary: 'echo', origin: 'virtkit' }],
    });
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.calls[0])).toBe(true);
    expect(d.calls[0]?.origin).toBe('virtkit');
    expect(d.features).toEqual({});
    // The declaration is what defineCapability consumes.
    const withEcho = defineCapability(d as never);
    expect((withEcho as unknown as { capability: string }).capability).toBe('console.echo');
  });

  it('refuses a name outside its family, and a call that no contract entry lists', () => {
    expect(() =>
      declareCapability<EchoCapability>()({
        ...input,
        name: 'volume.echo',
        calls: [{ referenceName: 'get_echo', method: 'echo', kind: 'required', summary: 'echo' }],
      }),
    ).toThrow(expect.objectContaining({ code: 'DRIVER_DEFINITION' }));
    expect(() => declareCapability<EchoCapability>()({ ...input, name: 'console.echo', calls: [] })).toThrow(
      /no contract call lists echo/,
    );
  });
});
