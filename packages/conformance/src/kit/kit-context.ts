import { randomUUID } from 'node:crypto';
import {
  PowerState, type CapabilityName, type DriverBase, type FeatureFlag, type FeatureState, type Flavor, type ImageMeta,
  type LifecycleEvent, type OperationContext, type ProgressReport, type Vif, type VolumeConnectionInfo,
} from '@virtkit/core';
import { KitAssertionError, check, stateName } from './assertions.js';
import type { ConformanceFixtures } from './types.js';

const DEFAULT_FLAVOR: Flavor = { name: 'kit.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const DEFAULT_IMAGE: ImageMeta = { name: 'kit-image', diskFormat: 'raw' };
const GIB = 1024 * 1024 * 1024;

/** Records lifecycle events while a test runs. */
export interface EventRecorder {
  readonly events: LifecycleEvent[];
  stop(): void;
}

/** Records what a call reports through `ctx.onProgress`. */
export interface ProgressRecorder {
  /** The kit's context with an `onProgress` that records. */
  readonly ctx: OperationContext;
  readonly reports: ProgressReport[];
}

/** The orchestrator's view of an instance the kit created (what calls taking a full instance get). */
export interface KitInstance {
  uuid: string;
  name: string;
  flavor: Flavor;
}

/** Two hosts from the `createMigrationPair` fixture, initialised, tracked and released by the kit. */
export interface MigrationPair {
  readonly source: any;
  readonly destination: any;
  readonly sourceHost: string;
  readonly destinationHost: string;
}

/**
 * What each kit test works with: a fresh driver, fixtures with defaults, and
 * helpers that track what the test creates (instances on every driver it
 * uses, volumes, migration pairs) so the runner can destroy it, check that
 * nothing is left behind, and release the fixtures.
 */
export class KitContext {
  readonly driver: any;
  readonly fixtures: ConformanceFixtures;
  readonly ctx: OperationContext;
  readonly #known = new Map<string, KitInstance>();
  readonly #tracked = new Set<string>();
  readonly #drivers: any[];
  readonly #cleanups: (() => Promise<void> | void)[] = [];
  readonly #releases: (() => Promise<void> | void)[] = [];

  constructor(driver: DriverBase, fixtures: ConformanceFixtures, testName: string) {
    this.driver = driver;
    this.fixtures = fixtures;
    this.ctx = { requestId: `kit-${testName}` };
    this.#drivers = [driver];
  }

  get flavor(): Flavor {
    return this.fixtures.flavor ?? DEFAULT_FLAVOR;
  }
  get imageMeta(): ImageMeta {
    return this.fixtures.imageMeta ?? DEFAULT_IMAGE;
  }
  /** Every driver the test uses: the factory's, then those of a migration pair. */
  get drivers(): readonly any[] {
    return this.#drivers;
  }

  /** True when the driver advertises `capability` (for optional read-backs inside a test). */
  supports(capability: CapabilityName): boolean {
    return this.driver.capabilities.capabilities[capability] === true;
  }
  /** The state of a feature flag in the driver's map. */
  feature(flag: FeatureFlag): FeatureState {
    return this.driver.capabilities.features[flag];
  }

  /** A spawn request for a new uuid; nothing is created until it is passed to spawn. */
  spawnRequest(overrides: Record<string, unknown> = {}): { instance: KitInstance; imageMeta: ImageMeta } & Record<string, unknown> {
    const uuid = randomUUID();
    const instance = { uuid, name: `kit-${uuid.slice(0, 8)}`, flavor: this.flavor };
    this.#known.set(uuid, instance);
    return { instance, imageMeta: this.imageMeta, ...overrides };
  }

  /** Spawn an instance on `driver` (tracked for cleanup) and return its uuid. */
  async spawn(overrides: Record<string, unknown> = {}, driver: any = this.driver): Promise<string> {
    const req = this.spawnRequest(overrides);
    this.#tracked.add(req.instance.uuid);
    await driver.spawn(this.ctx, req);
    return req.instance.uuid;
  }

  /** Track an instance created some other way (migration destination...). */
  track(uuid: string): void {
    this.#tracked.add(uuid);
  }

  /** `{ instance: { uuid } }`, the request most calls take. */
  ref(uuid: string): { instance: { uuid: string } } {
    return { instance: { uuid } };
  }

  /** The full instance (name, flavor) the kit spawned under `uuid`, or a new one for an unknown uuid. */
  instance(uuid: string): KitInstance {
    return this.#known.get(uuid) ?? { uuid, name: `kit-${uuid.slice(0, 8)}`, flavor: this.flavor };
  }

  /** `{ instance }` with the full instance, for calls that take the orchestrator's view. */
  full(uuid: string): { instance: KitInstance } {
    return { instance: this.instance(uuid) };
  }

  /** The instance's power state read back with getInfo. */
  async state(uuid: string, driver: any = this.driver): Promise<PowerState> {
    return (await driver.getInfo(this.ctx, this.ref(uuid))).state;
  }

  /** Fail unless getInfo reports `expected` after `step`. */
  async expectState(uuid: string, expected: PowerState, step: string, driver: any = this.driver): Promise<void> {
    const actual = await this.state(uuid, driver);
    check(actual === expected, `after ${step}: expected state ${stateName(expected)}, getInfo says ${stateName(actual)}`);
  }

  /** A VIF from the fixtures, or a user-mode one with a random locally administered MAC. */
  vif(): Vif {
    if (this.fixtures.createVif) return this.fixtures.createVif();
    const hex = randomUUID().replace(/-/g, '');
    const mac = `52:54:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
    return { id: randomUUID(), address: mac, type: 'user', network: { id: 'kit-net', label: 'kit' } };
  }

  /** A fresh volume from the `createVolume` fixture, released after the test. */
  async volume(sizeBytes: number = GIB): Promise<VolumeConnectionInfo> {
    const create = this.fixtures.createVolume;
    if (!create) throw new KitAssertionError('this test needs the createVolume fixture');
    const volume = await create(sizeBytes);
    this.#releases.push(() => volume.release());
    return volume.connectionInfo;
  }

  /** Two hosts from the `createMigrationPair` fixture; their instances are destroyed and leak-checked after the test. */
  async migrationPair(): Promise<MigrationPair> {
    const create = this.fixtures.createMigrationPair;
    if (!create) throw new KitAssertionError('this test needs the createMigrationPair fixture');
    const pair = await create();
    this.#releases.push(() => pair.release());
    this.#drivers.push(pair.source, pair.destination);
    const sourceHost = pair.sourceHost ?? pair.source.hostApi.hostname ?? 'kit-source';
    await pair.source.initHost(this.ctx, { host: sourceHost });
    await pair.destination.initHost(this.ctx, { host: pair.destinationHost });
    return { source: pair.source, destination: pair.destination, sourceHost, destinationHost: pair.destinationHost };
  }

  /** Start recording lifecycle events. */
  recordEvents(driver: any = this.driver): EventRecorder {
    const events: LifecycleEvent[] = [];
    const listener = (e: LifecycleEvent): void => void events.push(e);
    driver.on('lifecycle', listener);
    const recorder = { events, stop: () => driver.off('lifecycle', listener) };
    this.defer(recorder.stop);
    return recorder;
  }

  /** A context whose `onProgress` records every report. */
  progress(): ProgressRecorder {
    const reports: ProgressReport[] = [];
    return { ctx: { ...this.ctx, onProgress: (p) => void reports.push({ ...p }) }, reports };
  }

  /** Let timers run: late (stale or spurious) events and callbacks would show after this. */
  async settle(ms = 50): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Run `fn` after the test, last registered first. */
  defer(fn: () => Promise<void> | void): void {
    this.#cleanups.push(fn);
  }

  /** Run deferred cleanups, then destroy every tracked instance on every driver; returns cleanup failures. */
  async cleanup(): Promise<string[]> {
    const problems = await runAll(this.#cleanups.splice(0).reverse(), 'cleanup failed');
    const many = this.#drivers.length > 1;
    for (const [i, driver] of this.#drivers.entries()) {
      for (const uuid of this.#tracked) {
        try {
          await driver.destroy(this.ctx, { instance: { uuid } });
        } catch (error) {
          problems.push(`destroy of ${uuid}${many ? ` on ${driverLabel(driver, i)}` : ''} during cleanup failed: ${message(error)}`);
        }
      }
    }
    return problems;
  }

  /** Release fixtures (volumes, migration pairs), last acquired first; runs after the leak check. */
  async release(): Promise<string[]> {
    return runAll(this.#releases.splice(0).reverse(), 'fixture release failed');
  }
}

/** How reports name one of several drivers. */
export function driverLabel(driver: any, index: number): string {
  return driver?.hostApi?.hostname ? `host '${driver.hostApi.hostname}'` : `driver #${index + 1}`;
}

async function runAll(fns: (() => Promise<void> | void)[], what: string): Promise<string[]> {
  const problems: string[] = [];
  for (const fn of fns) {
    try {
      await fn();
    } catch (error) {
      problems.push(`${what}: ${message(error)}`);
    }
  }
  return problems;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
