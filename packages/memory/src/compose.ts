import {
  DriverDefinitionError,
  FEATURE_FLAGS,
  capabilityOfMethod,
  isCapabilityName,
  withColdMigration,
  withConsoleOutput,
  withConsolePool,
  withCrashDump,
  withDeviceNames,
  withDiagnostics,
  withDiagnosticsUsage,
  withFsFormat,
  withGuestFiles,
  withGuestMetadata,
  withGuestPassword,
  withGuestQuiesce,
  withHostAggregates,
  withHostMaintenance,
  withHostPower,
  withHostStats,
  withImageCache,
  withImageSnapshot,
  withInventory,
  withInventoryLegacy,
  withInventoryUsage,
  withLifecycle,
  withLiveMigration,
  withMksConsole,
  withNetwork,
  withNetworkFirewall,
  withNetworkHotplug,
  withNetworkMacs,
  withPause,
  withRdpConsole,
  withRebuild,
  withRescue,
  withSerialConsole,
  withSharedStorage,
  withSoftDelete,
  withSpiceConsole,
  withSuspend,
  withVncConsole,
  withVolumeExtend,
  withVolumeSnapshot,
  withVolumeSwap,
  withVolumes,
  type AbstractConstructor,
  type CapabilityInterfaces,
  type CapabilityName,
  type FeatureDeclaration,
  type FeatureFlag,
  type HostApi,
} from '@virtkit/core';
import { ConsoleHooks } from './capabilities/console.js';
import { DiagnosticsHooks } from './capabilities/diagnostics.js';
import { GuestHooks } from './capabilities/guest.js';
import { HostHooks } from './capabilities/host.js';
import { ImageHooks } from './capabilities/image.js';
import { InventoryHooks } from './capabilities/inventory.js';
import { LifecycleHooks } from './capabilities/lifecycle.js';
import { MigrationHooks } from './capabilities/migration.js';
import { NetworkHooks } from './capabilities/network.js';
import { VolumeHooks } from './capabilities/volume.js';
import type { MemoryConfig } from './memory-config.js';
import { MemoryDriverCore } from './memory-driver-core.js';
import { MemoryDriver } from './memory-driver.js';
import { defineReadOnlyFeatures } from './read-only-features.js';

// Stryker disable all: out of the kit's reach by construction: this file builds subset driver classes, while the
// kit's mutation run proves the full MemoryDriver, which is not composed here (`virtkit conformance` gets it from
// createMemoryDriver without options). Subsets are proven by the kit's own tests (broken-drivers:
// LifecycleVolumeMemory) and packages/memory's compose tests, outside Stryker's test command.

type Mixin = (base: AbstractConstructor) => AbstractConstructor;

/** Every capability's mixin, in an order where a capability's prerequisites come before it. */
export const MEMORY_MIXINS: readonly (readonly [CapabilityName, Mixin])[] = [
  ['lifecycle', withLifecycle],
  ['lifecycle.pause', withPause],
  ['lifecycle.suspend', withSuspend],
  ['lifecycle.rescue', withRescue],
  ['lifecycle.softDelete', withSoftDelete],
  ['lifecycle.rebuild', withRebuild],
  ['lifecycle.crashDump', withCrashDump],
  ['console.output', withConsoleOutput],
  ['console.vnc', withVncConsole],
  ['console.spice', withSpiceConsole],
  ['console.rdp', withRdpConsole],
  ['console.serial', withSerialConsole],
  ['console.mks', withMksConsole],
  ['console.pool', withConsolePool],
  ['migration.cold', withColdMigration],
  ['migration.live', withLiveMigration],
  ['migration.sharedStorage', withSharedStorage],
  ['volume', withVolumes],
  ['volume.swap', withVolumeSwap],
  ['volume.extend', withVolumeExtend],
  ['volume.snapshot', withVolumeSnapshot],
  ['volume.deviceNames', withDeviceNames],
  ['volume.fsFormat', withFsFormat],
  ['network', withNetwork],
  ['network.hotplug', withNetworkHotplug],
  ['network.firewall', withNetworkFirewall],
  ['network.macs', withNetworkMacs],
  ['inventory', withInventory],
  ['inventory.legacy', withInventoryLegacy],
  ['inventory.usage', withInventoryUsage],
  ['host.power', withHostPower],
  ['host.maintenance', withHostMaintenance],
  ['host.stats', withHostStats],
  ['host.aggregates', withHostAggregates],
  ['guest.password', withGuestPassword],
  ['guest.files', withGuestFiles],
  ['guest.metadata', withGuestMetadata],
  ['guest.quiesce', withGuestQuiesce],
  ['image.snapshot', withImageSnapshot],
  ['image.cache', withImageCache],
  ['diagnostics', withDiagnostics],
  ['diagnostics.usage', withDiagnosticsUsage],
];

/** The classes of `capabilities/`, one per family: their own hooks are the memory driver's. */
const FAMILIES: readonly (abstract new (...args: never[]) => object)[] = [
  LifecycleHooks,
  ConsoleHooks,
  MigrationHooks,
  VolumeHooks,
  NetworkHooks,
  InventoryHooks,
  HostHooks,
  GuestHooks,
  ImageHooks,
  DiagnosticsHooks,
];

/** Every hook a family of `capabilities/` defines, by name (`_pause` → its property descriptor). */
function memoryHooks(): Map<string, PropertyDescriptor> {
  const hooks = new Map<string, PropertyDescriptor>();
  for (const family of FAMILIES) {
    for (const name of Object.getOwnPropertyNames(family.prototype)) {
      if (name.startsWith('_')) hooks.set(name, Object.getOwnPropertyDescriptor(family.prototype, name)!);
    }
  }
  return hooks;
}

/** Hooks that are not named after a public call. */
const HOOKS_WITHOUT_CALL: Readonly<Record<string, CapabilityName>> = {
  _failedSpawnCleanup: 'lifecycle',
  _prepareForSpawn: 'lifecycle',
  _spawnMatches: 'lifecycle',
};

/** The capability a hook of the memory driver's families belongs to (`_pause` → `lifecycle.pause`). */
export function capabilityOfHook(hook: string): CapabilityName | undefined {
  return HOOKS_WITHOUT_CALL[hook] ?? capabilityOfMethod(hook.slice(1));
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** A memory driver with the calls of capabilities `C` (and only those, at run time). */
export type MemoryDriverWith<C extends CapabilityName> = MemoryDriverCore &
  UnionToIntersection<CapabilityInterfaces[C]>;

/** A memory driver class composed of a subset of capabilities. */
export interface MemoryDriverClass<C extends CapabilityName> {
  new (hostApi?: HostApi, config?: MemoryConfig): MemoryDriverWith<C>;
  readonly driverName: string;
  readonly driverVersion: string;
  readonly contractVersion: string;
  readonly features: FeatureDeclaration;
}

const CLASSES = new Map<string, MemoryDriverClass<CapabilityName>>();

/**
 * A memory driver class that composes only `capabilities`: its map
 * advertises them (and the features they allow) and every other call answers
 * `NOT_SUPPORTED`. The hooks are those of the families in `capabilities/`
 * (the same as {@link MemoryDriver}'s). Classes are cached
 * per subset.
 * @throws `DRIVER_DEFINITION` (unknown capability, or one without its prerequisite, e.g. `volume.extend` without
 *   `volume`)
 * @example
 * ```ts
 * const VncOnly = createMemoryDriverClass(['lifecycle', 'volume', 'console.vnc']);
 * const driver = new VncOnly({ hostname: 'h1' });
 * ```
 */
export function createMemoryDriverClass<C extends CapabilityName>(capabilities: readonly C[]): MemoryDriverClass<C> {
  const unknown = capabilities.filter((c) => !isCapabilityName(c));
  if (unknown.length > 0) throw new DriverDefinitionError(`unknown capabilities: ${unknown.join(', ')}`);
  const chosen = new Set<CapabilityName>(capabilities);
  const key = MEMORY_MIXINS.filter(([name]) => chosen.has(name))
    .map(([name]) => name)
    .join(',');
  const cached = CLASSES.get(key);
  if (cached !== undefined) return cached as unknown as MemoryDriverClass<C>;
  let base: AbstractConstructor = MemoryDriverCore;
  for (const [name, mixin] of MEMORY_MIXINS) if (chosen.has(name)) base = mixin(base);
  const composed = class extends (base as unknown as typeof MemoryDriverCore) {};
  Object.defineProperty(composed, 'name', { value: `MemoryDriver[${key}]` });
  defineReadOnlyFeatures(composed, featuresFor(chosen));
  for (const [hook, descriptor] of memoryHooks()) {
    const owner = capabilityOfHook(hook);
    if (owner !== undefined && chosen.has(owner)) Object.defineProperty(composed.prototype, hook, descriptor);
  }
  CLASSES.set(key, composed as unknown as MemoryDriverClass<CapabilityName>);
  return composed as unknown as MemoryDriverClass<C>;
}

/**
 * A memory driver: the full {@link MemoryDriver}, or a subset class when the
 * options (the `config` argument or `hostApi.options`) name `capabilities`.
 */
export function createMemoryDriver(hostApi: HostApi = {}, config: MemoryConfig = {}): MemoryDriverCore {
  const capabilities = config.capabilities ?? (hostApi.options?.capabilities as readonly CapabilityName[] | undefined);
  if (capabilities === undefined) return new MemoryDriver(hostApi, config);
  return new (createMemoryDriverClass(capabilities))(hostApi, config);
}

/** {@link MemoryDriver}'s features that the chosen capabilities allow. */
function featuresFor(chosen: ReadonlySet<CapabilityName>): FeatureDeclaration {
  const all = Object.entries(MemoryDriver.features) as [FeatureFlag, FeatureDeclaration[FeatureFlag]][];
  return Object.fromEntries(all.filter(([flag]) => chosen.has(FEATURE_FLAGS[flag].requires))) as FeatureDeclaration;
}
