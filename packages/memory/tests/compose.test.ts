import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CAPABILITY_METHODS,
  CAPABILITY_NAMES,
  FEATURE_FLAGS,
  advertisedCapabilities,
  isDriverDefinition,
  type CapabilityName,
} from '@virtkit/core';
import memory, {
  MEMORY_DRIVER_VERSION,
  MEMORY_MIXINS,
  MemoryDriver,
  MemoryDriverCore,
  capabilityOfHook,
  createMemoryDriver,
  createMemoryDriverClass,
  createMemoryFixtures,
} from '@virtkit/memory';
import { codeOf, ctx, ref, spawn } from './helpers';

describe('composition', () => {
  it('MemoryDriver advertises every capability of the contract and the features it implements', () => {
    const map = new MemoryDriver({ hostname: 'all' }).capabilities;
    expect(advertisedCapabilities(map)).toEqual([...CAPABILITY_NAMES]);
    expect(CAPABILITY_NAMES.length).toBeGreaterThan(0);
    expect(map.driver).toEqual({ name: 'memory', version: MEMORY_DRIVER_VERSION });
    const supported = Object.entries(map.features)
      .filter(([, s]) => s === 'supported')
      .map(([f]) => f)
      .sort();
    expect(supported).toEqual([
      'bfvRescue',
      'defaultRescueImage',
      'deviceTagging',
      'multiattach',
      'recreate',
      'sameHostMigration',
      'taggedInterfaceAttach',
      'taggedVolumeAttach',
    ]);
    expect(map.imageTypes).toContain('qcow2');
  });

  it('a subset class advertises only its subset (and the features it allows); every other call is NOT_SUPPORTED', async () => {
    const Subset = createMemoryDriverClass(['lifecycle', 'volume', 'console.vnc']);
    const d = new Subset({ hostname: 'subset' });
    expect(advertisedCapabilities(d.capabilities)).toEqual(['lifecycle', 'console.vnc', 'volume']);
    expect(
      Object.entries(d.capabilities.features)
        .filter(([, s]) => s === 'supported')
        .map(([f]) => f)
        .sort(),
    ).toEqual(['deviceTagging', 'multiattach', 'taggedVolumeAttach']);
    const uuid = await spawn(d);
    await d.getVncConsole(ctx, ref(uuid));
    await d.attachVolume(ctx, {
      instance: { uuid },
      connectionInfo: { driverVolumeType: 'memory', data: { volumeId: 'v1' } },
      mountpoint: 'vdb',
    });
    for (const capability of CAPABILITY_NAMES.filter((c) => !d.capabilities.capabilities[c])) {
      for (const method of CAPABILITY_METHODS[capability]) {
        const error = await (d as any)[method](ctx, ref(uuid)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: 'NOT_SUPPORTED', capability });
      }
    }
    expect(createMemoryDriverClass(['console.vnc', 'volume', 'lifecycle'])).toBe(Subset);
  });

  it('every single capability composes on its own, with at most lifecycle and its family root before it', () => {
    for (const name of CAPABILITY_NAMES) {
      const family = name.split('.')[0] as CapabilityName;
      const candidates: CapabilityName[][] = [[name], ['lifecycle', name], ['lifecycle', family, name]];
      const cls = candidates
        .map((c) => {
          try {
            return createMemoryDriverClass([...new Set(c)]);
          } catch {
            return undefined;
          }
        })
        .find(Boolean);
      expect(cls && new cls({ hostname: 'one' }).capabilities.capabilities[name]).toBe(true);
    }
  });

  it('a capability without its prerequisite, or an unknown one, is DRIVER_DEFINITION', () => {
    expect(() => createMemoryDriverClass(['lifecycle', 'volume.extend'])).toThrow(
      expect.objectContaining({ code: 'DRIVER_DEFINITION' }),
    );
    expect(() => createMemoryDriverClass(['lifecycle.pause'])).toThrow(
      expect.objectContaining({ code: 'DRIVER_DEFINITION' }),
    );
    expect(() => createMemoryDriverClass(['teleport' as CapabilityName])).toThrow(
      expect.objectContaining({ code: 'DRIVER_DEFINITION' }),
    );
  });

  it('mixins are listed in an order where prerequisites come first, and every hook belongs to a capability', () => {
    expect(MEMORY_MIXINS.map(([name]) => name)).toEqual([...CAPABILITY_NAMES]);
    // The hooks live in one class per family (capabilities/<family>.ts), chained from MemoryDriverCore up to
    // MemoryDriver.
    const families: string[] = [];
    const hooks: string[] = [];
    for (
      let p = Object.getPrototypeOf(MemoryDriver.prototype);
      p !== MemoryDriverCore.prototype;
      p = Object.getPrototypeOf(p)
    ) {
      if (!Object.prototype.hasOwnProperty.call(p, 'constructor') || !p.constructor.name.endsWith('Hooks')) continue;
      families.unshift(p.constructor.name);
      hooks.push(...Object.getOwnPropertyNames(p).filter((n) => n.startsWith('_')));
    }
    expect(families).toEqual([
      'LifecycleHooks',
      'ConsoleHooks',
      'MigrationHooks',
      'VolumeHooks',
      'NetworkHooks',
      'InventoryHooks',
      'HostHooks',
      'GuestHooks',
      'ImageHooks',
      'DiagnosticsHooks',
    ]);
    expect(Object.getOwnPropertyNames(MemoryDriver.prototype).filter((n) => n.startsWith('_'))).toEqual([]);
    expect(hooks.length).toBeGreaterThan(90);
    expect(new Set(hooks).size).toBe(hooks.length);
    expect(hooks.filter((h) => capabilityOfHook(h) === undefined)).toEqual([]);
    for (const flag of Object.keys(MemoryDriver.features))
      expect(FEATURE_FLAGS[flag as keyof typeof FEATURE_FLAGS]).toBeDefined();
  });

  it('hooks copied into a subset class work there too (including those calling the SDK default)', async () => {
    const Diag = createMemoryDriverClass(['lifecycle', 'diagnostics']);
    const d = new Diag({ hostname: 'diag' });
    const uuid = await spawn(d);
    expect(await d.getDiagnostics(ctx, ref(uuid))).toMatchObject({ driver: 'memory', state: 'RUNNING' });
    d.failures.failNext('getDiagnostics', 'TIMEOUT');
    expect(await codeOf(d.getDiagnostics(ctx, ref(uuid)))).toBe('TIMEOUT');
  });

  it('createMemoryDriver honours a capabilities option', async () => {
    expect(createMemoryDriver({ hostname: 'full' })).toBeInstanceOf(MemoryDriver);
    const lean = createMemoryDriver({ hostname: 'lean', options: { capabilities: ['lifecycle', 'lifecycle.pause'] } });
    expect(advertisedCapabilities(lean.capabilities)).toEqual(['lifecycle', 'lifecycle.pause']);
    expect(await codeOf((lean as any).suspend(ctx, ref('7c0c9b5e-0000-4000-8000-000000000005')))).toBe('NOT_SUPPORTED');
  });

  it('the default export is a driver definition with kit fixtures; the version matches package.json', async () => {
    expect(isDriverDefinition(memory)).toBe(true);
    expect(memory).toMatchObject({ name: 'memory', version: MEMORY_DRIVER_VERSION });
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    expect(pkg.version).toBe(MEMORY_DRIVER_VERSION);
    const d = await memory.create({ hostname: 'loaded' });
    expect(d.capabilities.driver.name).toBe('memory');
    const fixtures = createMemoryFixtures();
    const pair = await fixtures.createMigrationPair();
    expect(pair.source.fabric).toBe(pair.destination.fabric);
    expect(pair.sourceHost).not.toBe(pair.destinationHost);
    await pair.release();
    expect(pair.source.fabric.hosts).toEqual([]);
    const volume = await fixtures.createVolume(4096);
    expect(volume.connectionInfo).toMatchObject({
      driverVolumeType: 'memory',
      data: { volumeId: expect.any(String), sizeBytes: 4096 },
    });
    expect(fixtures.createVif().address).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });
});
