import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CAPABILITY_METHODS } from '../capabilities/capability-methods.js';
import { CAPABILITY_NAMES, type CapabilityName } from '../capabilities/capability-names.js';
import { DriverBase } from '../driver/driver-base.js';
import * as driverLoader from '../loader/load-driver.js';
import * as blockDeviceHelpers from '../model/block-device-helpers.js';
import {
  contractManifest,
  manifestByCapability,
  manifestEntry,
  REFERENCE_METHOD_COUNT,
  REFERENCE_MODULE_FUNCTION_COUNT,
} from './index.js';
import { REFERENCE_METHOD_NAMES, REFERENCE_MODULE_FUNCTION_NAMES } from './reference-names.fixture.js';

/** The reference contract, kept beside the repository (absent in a bare checkout of the project). */
const REFERENCE_PATH = path.resolve(__dirname, '../../../../../shared/reference/driver.py');
const REFERENCE_CLASS = 'ComputeDriver';

const sorted = (names: Iterable<string>): string[] => [...names].sort();

/** Count how often each value occurs. */
function counts(values: readonly string[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const v of values) result.set(v, (result.get(v) ?? 0) + 1);
  return result;
}

/** Class-level methods and module-level functions of the reference (private ones too), read with regexes. */
function parseReference(source: string): { methods: string[]; functions: string[] } {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^class ${REFERENCE_CLASS}\\b`).test(l));
  if (start < 0) throw new Error(`class ${REFERENCE_CLASS} not found in ${REFERENCE_PATH}`);
  // The class body ends at the next line that starts in column 0 (not blank, not a comment).
  const length = lines.slice(start + 1).findIndex((l) => /^[^\s#]/.test(l));
  const body = lines.slice(start + 1, length < 0 ? undefined : start + 1 + length);
  const methods = body.flatMap((l) => /^ {4}def (\w+)\s*\(/.exec(l)?.[1] ?? []);
  const functions = lines.flatMap((l) => /^def (\w+)\s*\(/.exec(l)?.[1] ?? []);
  return { methods, functions };
}

describe('contract manifest', () => {
  describe('covers every public call of the reference exactly once', () => {
    it('the fixture has the expected numbers of distinct names', () => {
      expect(REFERENCE_METHOD_NAMES).toHaveLength(REFERENCE_METHOD_COUNT);
      expect(REFERENCE_MODULE_FUNCTION_NAMES).toHaveLength(REFERENCE_MODULE_FUNCTION_COUNT);
      expect(new Set(REFERENCE_METHOD_NAMES).size).toBe(REFERENCE_METHOD_COUNT);
      expect(new Set(REFERENCE_MODULE_FUNCTION_NAMES).size).toBe(REFERENCE_MODULE_FUNCTION_COUNT);
      expect(REFERENCE_METHOD_NAMES.every((n) => !n.startsWith('_'))).toBe(true);
    });

    it('method entries are the fixture methods plus the constructor, each once', () => {
      const names = contractManifest
        .filter((e) => e.scope === 'method' && e.origin !== 'virtkit')
        .map((e) => e.referenceName);
      expect([...counts(names)].filter(([, n]) => n > 1)).toEqual([]);
      expect(sorted(names)).toEqual(sorted([...REFERENCE_METHOD_NAMES, '__init__']));
    });

    it('module entries are the fixture module functions, each once', () => {
      const names = contractManifest.filter((e) => e.scope === 'module').map((e) => e.referenceName);
      expect([...counts(names)].filter(([, n]) => n > 1)).toEqual([]);
      expect(sorted(names)).toEqual(sorted(REFERENCE_MODULE_FUNCTION_NAMES));
    });

    it('has one entry per call and nothing else', () => {
      expect(contractManifest.filter((e) => e.origin !== 'virtkit')).toHaveLength(
        REFERENCE_METHOD_COUNT + 1 + REFERENCE_MODULE_FUNCTION_COUNT,
      );
    });

    // The reference lives in the workspace's shared/ folder beside the repository; a clone elsewhere has none.
    const hasReference = existsSync(REFERENCE_PATH);
    const itWithReference = hasReference ? it : it.skip;
    const why = hasReference ? '' : ` [skipped: ${REFERENCE_PATH} not found; the committed fixture is used]`;
    itWithReference(`the fixture matches the reference file (catches drift)${why}`, () => {
      const source = readFileSync(REFERENCE_PATH, 'utf8');
      const { methods, functions } = parseReference(source);
      expect(methods).toContain('__init__');
      expect(sorted(new Set(methods.filter((m) => !m.startsWith('_'))))).toEqual(sorted(REFERENCE_METHOD_NAMES));
      expect(sorted(new Set(functions.filter((f) => !f.startsWith('_'))))).toEqual(
        sorted(REFERENCE_MODULE_FUNCTION_NAMES),
      );
    });
  });

  describe('matches the capability names and methods', () => {
    it.each(Object.entries(CAPABILITY_METHODS))(
      'every method of %s has one live entry of that capability',
      (capability, methods) => {
        const named = contractManifest
          .filter((e) => e.capability === capability && e.kind !== 'dropped')
          .map((e) => e.method);
        for (const method of methods) {
          expect({ method, entries: named.filter((m) => m === method).length }).toEqual({ method, entries: 1 });
        }
      },
    );

    it('a capability entry names a method of its capability or an SDK hook (`_` prefix)', () => {
      const stray = contractManifest.filter((e) => {
        if (e.capability === 'core' || e.capability === 'module' || e.method === null) return false;
        const methods: readonly string[] = CAPABILITY_METHODS[e.capability];
        return !methods.includes(e.method) && !e.method.startsWith('_');
      });
      expect(stray).toEqual([]);
    });

    it('every capability has at least one entry', () => {
      const byCapability = manifestByCapability();
      const empty = CAPABILITY_NAMES.filter((c) => (byCapability.get(c) ?? []).length === 0);
      expect(empty).toEqual([]);
    });

    it('entries use only known homes, with a matching scope', () => {
      const known = new Set<string>(['core', 'module', ...CAPABILITY_NAMES]);
      expect(contractManifest.filter((e) => !known.has(e.capability))).toEqual([]);
      expect(contractManifest.filter((e) => (e.scope === 'module') !== (e.capability === 'module'))).toEqual([]);
    });

    it('core entries name members of DriverBase', () => {
      const proto = DriverBase.prototype as unknown as Record<string, unknown>;
      const missing = contractManifest.filter(
        (e) => e.capability === 'core' && e.method !== null && typeof proto[e.method] !== 'function',
      );
      expect(missing).toEqual([]);
    });

    it('module entries name functions of core (block-device helpers, driver loader)', () => {
      const functions: Record<string, unknown> = { ...blockDeviceHelpers, ...driverLoader };
      const missing = contractManifest.filter(
        (e) => e.scope === 'module' && e.method !== null && typeof functions[e.method] !== 'function',
      );
      expect(missing).toEqual([]);
    });
  });

  describe('kinds and notes', () => {
    it('dropped entries have a note and no method', () => {
      const bad = contractManifest.filter((e) => e.kind === 'dropped' && (e.method !== null || !e.note?.trim()));
      expect(bad).toEqual([]);
    });

    it('deprecated entries have a note saying what replaces them', () => {
      expect(contractManifest.filter((e) => e.kind === 'deprecated' && !e.note?.trim())).toEqual([]);
    });

    it('only dropped entries lack a method', () => {
      expect(contractManifest.filter((e) => e.kind !== 'dropped' && e.method === null)).toEqual([]);
    });

    it('every entry has a one-line summary', () => {
      expect(contractManifest.filter((e) => !e.summary.trim() || e.summary.includes('\n'))).toEqual([]);
    });

    it.each([
      ['prepare_for_spawn', 'lifecycle', '_prepareForSpawn', 'hook'],
      ['failed_spawn_cleanup', 'lifecycle', '_failedSpawnCleanup', 'hook'],
      ['post_live_migration', 'migration.live', 'postLiveMigration', 'hook'],
      ['register_event_listener', 'core', 'on', 'default'],
      ['emit_event', 'core', 'reportPowerState', 'default'],
      ['need_legacy_block_device_info', 'core', null, 'dropped'],
      ['is_xenapi', 'module', null, 'dropped'],
      ['load_compute_driver', 'module', 'loadDriver', 'required'],
      ['get_inventory', 'inventory.legacy', 'getInventory', 'deprecated'],
      ['__init__', 'core', 'constructor', 'required'],
    ])('%s lives in %s as %s (%s)', (referenceName, capability, method, kind) => {
      expect(manifestEntry(referenceName)).toMatchObject({ capability, method, kind });
    });
  });

  describe('helpers', () => {
    it('the manifest and its entries are frozen', () => {
      expect(Object.isFrozen(contractManifest)).toBe(true);
      expect(contractManifest.every((e) => Object.isFrozen(e))).toBe(true);
    });

    it('manifestEntry finds entries by reference name', () => {
      expect(manifestEntry('get_vnc_console')).toMatchObject({
        capability: 'console.vnc',
        method: 'getVncConsole',
        scope: 'method',
      });
      expect(manifestEntry('get_block_device_info')).toMatchObject({
        capability: 'module',
        method: 'getBlockDeviceInfo',
        scope: 'module',
      });
      expect(manifestEntry('no_such_call')).toBeUndefined();
    });

    it('manifestByCapability groups every entry once, core first and module last', () => {
      const byCapability = manifestByCapability();
      const keys = [...byCapability.keys()];
      expect(keys).toEqual(['core', ...CAPABILITY_NAMES, 'module']);
      expect([...byCapability.values()].flat()).toHaveLength(contractManifest.length);
      for (const [capability, entries] of byCapability) {
        expect(entries.every((e) => e.capability === capability)).toBe(true);
      }
      const volume = byCapability.get('volume' satisfies CapabilityName)!;
      volume.length = 0; // a fresh array: emptying it leaves the next call intact
      expect(manifestByCapability().get('volume')!.length).toBeGreaterThan(0);
    });
  });
});
