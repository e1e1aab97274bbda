import { randomBytes, randomUUID } from 'node:crypto';
import type { CapabilityName, HostApi, Vif, VolumeConnectionInfo } from '@virtkit/core';
import { createMemoryDriverClass } from './compose.js';
import { createMemoryImage } from './image-fixture.js';
import { MemoryFabric } from './fabric/memory-fabric.js';
import type { FailurePoint } from './failures/failure-injector.js';
import type { MemoryConfig } from './memory-config.js';
import type { MemoryDriverCore } from './memory-driver-core.js';
import { MemoryDriver } from './memory-driver.js';

/** Two memory hosts on one new fabric, as the conformance kit's `createMigrationPair` wants them. */
export interface MemoryMigrationPair {
  source: MemoryDriverCore;
  destination: MemoryDriverCore;
  sourceHost: string;
  destinationHost: string;
  release(): Promise<void>;
}

/**
 * What the conformance kit needs to prove a memory driver (a plain object
 * shaped like `ConformanceFixtures`; this package does not depend on the kit).
 */
export type MemoryFixtures = {
  /** A new volume: `{ driverVolumeType: 'memory', data: { volumeId, sizeBytes } }`. */
  createVolume(sizeBytes: number): Promise<{ connectionInfo: VolumeConnectionInfo; release(): Promise<void> }>;
  /** A VIF with a fresh id and a random locally administered MAC. */
  createVif(): Vif;
  /**
   * Two hosts (`<prefix>-src`, `<prefix>-dst`) of the same composition on a new fabric; `hostApi` (the kit's logger)
   * goes to both.
   */
  createMigrationPair(hostApi?: HostApi): Promise<MemoryMigrationPair>;
  /** Like `createMigrationPair`, on a fabric whose hosts do not share instance storage. */
  createUnsharedMigrationPair(hostApi?: HostApi): Promise<MemoryMigrationPair>;
  /** An empty image in the driver's fabric image service, for `snapshot`. */
  createImage(driver: unknown): Promise<{ imageId: string; release(): Promise<void> }>;
  /** How the kit makes calls fail late: through each driver's {@link FailureInjector}. */
  failures: {
    spawnLate(driver: MemoryDriverCore): boolean;
    snapshot(driver: MemoryDriverCore): boolean;
    migration(pair: { source: MemoryDriverCore; destination: MemoryDriverCore }, step: string): boolean;
  };
  /** The model-based part: 300 sequences on pairs with short simulated transfers, guests that crash or shut down. */
  modelBased: {
    sequences: number;
    createMigrationPair(hostApi?: HostApi): Promise<MemoryMigrationPair>;
    simulateGuest(driver: MemoryDriverCore, uuid: string, how: 'crash' | 'shutdown'): void;
  };
};

/** Live-migration protocol calls the failure fixture can make fail, and at which host they run. */
const MIGRATION_CALL_HOST: Readonly<Record<string, 'source' | 'destination'>> = {
  checkCanLiveMigrateDestination: 'destination',
  checkCanLiveMigrateSource: 'source',
  preLiveMigration: 'destination',
  liveMigration: 'source',
  'liveMigration.transfer': 'source',
};

/** Options of {@link createMemoryFixtures}. */
export interface MemoryFixtureOptions {
  /** Compose the pair's drivers of these capabilities. @defaultValue all of them */
  capabilities?: readonly CapabilityName[];
  /** Options for the pair's drivers (the fabric and host names are the fixture's). */
  config?: MemoryConfig;
  /**
   * The class of the pair's drivers (a subclass of a memory driver, e.g. a deliberately broken one in the kit's tests).
   * @defaultValue from `capabilities`
   */
  driverClass?: new (hostApi: HostApi, config: MemoryConfig) => MemoryDriverCore;
}

/** Kit fixtures for memory drivers. */
// Stryker disable next-line BlockStatement: without fixtures the kit skips the tests that need them (reported skipped,
// with the reason): the kit as a test command cannot fail on a missing fixture
export function createMemoryFixtures(options: MemoryFixtureOptions = {}): MemoryFixtures {
  const cls =
    options.driverClass ?? (options.capabilities ? createMemoryDriverClass(options.capabilities) : MemoryDriver);
  const pairOf = async (
    hostApi: HostApi | undefined,
    config: MemoryConfig | undefined,
    // Stryker disable next-line BooleanLiteral: a pair that shares no storage is as conformant (the kit reads the
    // storage a pair shares from the driver, not from the fixture)
    sharedStorage = true,
  ): Promise<MemoryMigrationPair> => {
    const fabric = new MemoryFabric({ sharedStorage });
    // Stryker disable next-line MethodExpression: any distinct host names do (the kit reads them from the pair)
    const prefix = `mem-${randomUUID().slice(0, 8)}`;
    const make = (hostname: string): MemoryDriverCore => {
      // Stryker disable next-line ObjectLiteral: the options' host name wins over hostApi's, and the kit reads no log
      // line of a pair's drivers (hostApi's logger)
      const api: HostApi = { ...hostApi, hostname };
      return new cls(api, { ...config, fabric, hostname });
    };
    const source = make(`${prefix}-src`);
    const destination = make(`${prefix}-dst`);
    return {
      source,
      destination,
      sourceHost: source.hostname,
      destinationHost: destination.hostname,
      // Stryker disable next-line BlockStatement: the pair's fabric is private to it and dropped with it; leaving the
      // hosts registered on it changes nothing any later test can see
      release: async () => {
        for (const host of fabric.hosts) fabric.unregister(host);
      },
    };
  };
  // Stryker disable all: timings only (fewer, shorter steps keep the model-based part quick): any valid timing is
  // conformant, so the kit cannot tell them apart
  const quick: MemoryConfig = {
    ...options.config,
    migration: { steps: 2, stepDelayMs: 1 },
    snapshot: { steps: 1, stepDelayMs: 0 },
  };
  // Stryker restore all
  // Stryker disable next-line ObjectLiteral: as above (a missing fixture makes the kit skip, not fail)
  return {
    createImage: createMemoryImage,
    async createVolume(sizeBytes) {
      return {
        // Stryker disable next-line StringLiteral: the memory driver stores the volume type, never interprets it
        connectionInfo: { driverVolumeType: 'memory', data: { volumeId: randomUUID(), sizeBytes } },
        release: async () => {},
      };
    },
    createVif() {
      const mac = `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
      // Stryker disable next-line StringLiteral,ObjectLiteral: the VIF type and network the memory driver is handed are
      // stored, never interpreted (any values are conformant)
      return { id: randomUUID(), address: mac, type: 'user', network: { id: 'memory-net', label: 'memory' } };
    },
    // transfers of 10 rounds 8 ms apart: long enough for the kit to abort or force one in flight, short enough for a
    // quick run
    createMigrationPair: (hostApi) =>
      // Stryker disable next-line ObjectLiteral: timings only (long enough to abort a transfer in flight; the default
      // timing is longer still)
      pairOf(hostApi, { ...options.config, migration: { steps: 10, stepDelayMs: 8, ...options.config?.migration } }),
    createUnsharedMigrationPair: (hostApi) => pairOf(hostApi, quick, false),
    // Stryker disable next-line ObjectLiteral: as above (without failure fixtures the kit reports those unverified)
    failures: {
      spawnLate(driver) {
        driver.failures.failNext('spawn.boot');
        return true;
      },
      snapshot(driver) {
        driver.failures.failNext('snapshot.upload');
        return true;
      },
      migration(pair, step) {
        const at = MIGRATION_CALL_HOST[step];
        // Stryker disable next-line ConditionalExpression,BooleanLiteral: the kit asks for the steps above only
        if (at === undefined) return false;
        pair[at].failures.failNext(
          step as FailurePoint,
          // Stryker disable next-line all: the code of the injected failure: the kit's failure tests accept any typed
          // error (the contract fixes that the call fails and leaves nothing behind)
          step === 'liveMigration.transfer' ? 'MIGRATION_FAILED' : 'DRIVER_ERROR',
        );
        return true;
      },
    },
    // Stryker disable next-line ObjectLiteral: as above (without it the kit skips the model-based part)
    modelBased: {
      sequences: 300,
      createMigrationPair: (hostApi) => pairOf(hostApi, quick),
      simulateGuest: (driver, uuid, how) => driver.simulateGuest(uuid, how),
    },
  };
}
