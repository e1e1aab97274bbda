/**
 * @packageDocumentation
 * `@virtkit/memory`: the in-memory reference driver. Every capability of the
 * contract over a real power-state machine, with resource accounting,
 * two-host migrations over an in-process fabric, and failure injection.
 * Fast and small enough for 100,000 instances in a test.
 */
import { defineDriver } from '@virtkit/core';
import { createMemoryDriver } from './compose.js';
import { createMemoryFixtures } from './fixtures.js';
import { MEMORY_OPTIONS } from './memory-options.js';
import { MEMORY_DRIVER_VERSION } from './version.js';

export { MemoryDriver } from './memory-driver.js';
export { MemoryDriverCore, MEMORY_IMAGE_TYPES } from './memory-driver-core.js';
export {
  createMemoryDriverClass,
  createMemoryDriver,
  capabilityOfHook,
  MEMORY_MIXINS,
  type MemoryDriverClass,
  type MemoryDriverWith,
} from './compose.js';
export {
  resolveMemoryConfig,
  DEFAULT_HOST_SIZES,
  type MemoryConfig,
  type ResolvedMemoryConfig,
  type HostSizes,
  type StepTiming,
} from './memory-config.js';
export {
  MemoryFabric,
  type MemoryFabricOptions,
  type FabricImage,
  type StagedMigration,
} from './fabric/memory-fabric.js';
export { VolumeRegistry } from './fabric/volume-registry.js';
export { FailureInjector, type FailurePoint, type InjectedError } from './failures/failure-injector.js';
export {
  createMemoryFixtures,
  type MemoryFixtures,
  type MemoryFixtureOptions,
  type MemoryMigrationPair,
} from './fixtures.js';
export type { MemoryHostView } from './model/memory-host.js';
export { MEMORY_DRIVER_VERSION } from './version.js';
export { MEMORY_OPTIONS } from './memory-options.js';

/**
 * What `loadDriver('@virtkit/memory')` finds: the full driver (or a subset via `hostApi.options.capabilities`), with
 * kit fixtures.
 */
export default defineDriver({
  name: 'memory',
  version: MEMORY_DRIVER_VERSION,
  description: 'in-memory reference driver: every capability, two-host migrations, failure injection',
  create: (hostApi) => createMemoryDriver(hostApi),
  conformance: createMemoryFixtures(),
  options: MEMORY_OPTIONS,
});
