import { randomUUID } from 'node:crypto';
import {
  PowerState, type DriverBase, type Flavor, type ImageMeta, type LifecycleEvent, type OperationContext, type Vif,
} from '@virtkit/core';
import { check, stateName } from './assertions.js';
import type { ConformanceFixtures } from './types.js';

const DEFAULT_FLAVOR: Flavor = { name: 'kit.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const DEFAULT_IMAGE: ImageMeta = { name: 'kit-image', diskFormat: 'raw' };

/** Records lifecycle events while a test runs. */
export interface EventRecorder {
  readonly events: LifecycleEvent[];
  stop(): void;
}

/**
 * What each kit test works with: a fresh driver, fixtures with defaults, and
 * helpers that track what the test creates so the runner can check nothing is
 * left behind.
 */
export class KitContext {
  readonly driver: any;
  readonly fixtures: ConformanceFixtures;
  readonly ctx: OperationContext;
  readonly #spawned = new Set<string>();
  readonly #cleanups: (() => Promise<void> | void)[] = [];

  constructor(driver: DriverBase, fixtures: ConformanceFixtures, testName: string) {
    this.driver = driver;
    this.fixtures = fixtures;
    this.ctx = { requestId: `kit-${testName}` };
  }

  get flavor(): Flavor {
    return this.fixtures.flavor ?? DEFAULT_FLAVOR;
  }
  get imageMeta(): ImageMeta {
    return this.fixtures.imageMeta ?? DEFAULT_IMAGE;
  }

  /** A spawn request for a new uuid; nothing is created until it is passed to spawn. */
  spawnRequest(overrides: Record<string, unknown> = {}): { instance: { uuid: string; name: string; flavor: Flavor }; imageMeta: ImageMeta } & Record<string, unknown> {
    const uuid = randomUUID();
    return { instance: { uuid, name: `kit-${uuid.slice(0, 8)}`, flavor: this.flavor }, imageMeta: this.imageMeta, ...overrides };
  }

  /** Spawn an instance (tracked for cleanup) and return its uuid. */
  async spawn(overrides: Record<string, unknown> = {}): Promise<string> {
    const req = this.spawnRequest(overrides);
    this.#spawned.add(req.instance.uuid);
    await this.driver.spawn(this.ctx, req);
    return req.instance.uuid;
  }

  /** Track an instance created some other way (migration destination...). */
  track(uuid: string): void {
    this.#spawned.add(uuid);
  }

  /** `{ instance: { uuid } }`, the request most calls take. */
  ref(uuid: string): { instance: { uuid: string } } {
    return { instance: { uuid } };
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

  /** Start recording lifecycle events. */
  recordEvents(driver: any = this.driver): EventRecorder {
    const events: LifecycleEvent[] = [];
    const listener = (e: LifecycleEvent): void => void events.push(e);
    driver.on('lifecycle', listener);
    const recorder = { events, stop: () => driver.off('lifecycle', listener) };
    this.defer(recorder.stop);
    return recorder;
  }

  /** Run `fn` after the test, last registered first. */
  defer(fn: () => Promise<void> | void): void {
    this.#cleanups.push(fn);
  }

  /** Destroy everything the test spawned and run deferred cleanups; returns cleanup failures. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    for (const fn of this.#cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        problems.push(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const uuid of this.#spawned) {
      try {
        await this.driver.destroy(this.ctx, { instance: { uuid } });
      } catch (error) {
        problems.push(`destroy of ${uuid} during cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return problems;
  }
}
