import { randomUUID } from 'node:crypto';
import {
  PowerState,
  type CapabilityCalls,
  type CapabilityName,
  type DriverBase,
  type FeatureFlag,
  type FeatureState,
  type Flavor,
  type ImageMeta,
  type LifecycleEvent,
  type OperationContext,
  type ProgressReport,
  type Vif,
  type VolumeConnectionInfo,
} from '@virtkit/core';
import { KitAssertionError, KitUnverifiedError, stateName } from './assertions.js';
import type { FailureFixtures } from './failure-fixtures.js';
import { RecordingLogger } from './recording-logger.js';
import { PhaseTimeoutError, phaseLimit, withTimeLimit } from './time-limit.js';
import type { ConformanceFixtures, KitHostApi } from './types.js';

const DEFAULT_FLAVOR: Flavor = { name: 'kit.tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const DEFAULT_IMAGE: ImageMeta = { name: 'kit-image', diskFormat: 'raw' };
const GIB = 1024 * 1024 * 1024;
const DEFAULT_PHASE_MS = phaseLimit(30_000);

/** Thrown by the kit's helpers once the test has ended (finished or timed out): nothing new may be created then. */
export class KitClosedError extends Error {
  constructor(what: string) {
    super(
      `${what} refused: the test has ended (finished or timed out) and its cleanup has begun; the kit creates ` +
        `nothing more for it`,
    );
    this.name = 'KitClosedError';
  }
}

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

/**
 * The driver as the kit's suites call it: the core calls and the calls of every capability, typed by the
 * capability interfaces. A test only calls what the planner made sure the driver advertises (its suite's
 * capability, `requires`, or after a `kit.supports(...)` read-back), so the requests and results are checked
 * against the contract while the test needs no narrowing of its own.
 */
export type KitDriver = DriverBase & CapabilityCalls<CapabilityName>;

/**
 * Call a driver method named by data (a command table, the manifest), not by a capability interface: the
 * name is looked up at run time, and a driver without it answers as any missing call would.
 */
export function callByName(
  driver: DriverBase,
  method: string,
  ctx: OperationContext,
  request: unknown,
): Promise<unknown> {
  const fn = (driver as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') return Promise.reject(new TypeError(`the driver has no call '${method}'`));
  return Promise.resolve((fn as (c: OperationContext, r: unknown) => unknown).call(driver, ctx, request));
}

/** The calls that open a live console of an instance (`console.vnc` ... `console.mks`). */
export type LiveConsoleCall =
  'getVncConsole' | 'getSpiceConsole' | 'getRdpConsole' | 'getSerialConsole' | 'getMksConsole';

/** Two hosts from the `createMigrationPair` fixture, initialised, tracked and released by the kit. */
export interface MigrationPair {
  readonly source: KitDriver;
  readonly destination: KitDriver;
  readonly sourceHost: string;
  readonly destinationHost: string;
}

/**
 * What each kit test works with: a fresh driver, fixtures with defaults, and
 * helpers that track what the test creates (instances on every driver it
 * uses, volumes, migration pairs) so the runner can destroy it, check that
 * nothing is left behind, and release the fixtures.
 *
 * `ctx` carries an abort signal: when the test times out the runner aborts it
 * (the SDK then rejects every call made with `ctx` with `ABORTED`) and closes
 * the context, after which `spawn`, `track`, `volume` and `migrationPair`
 * throw {@link KitClosedError} instead of creating anything.
 */
export class KitContext {
  readonly driver: KitDriver;
  readonly fixtures: ConformanceFixtures;
  readonly ctx: OperationContext;
  readonly #known = new Map<string, KitInstance>();
  readonly #tracked = new Set<string>();
  readonly #drivers: KitDriver[];
  readonly #cleanups: (() => Promise<void> | void)[] = [];
  readonly #releases: (() => Promise<void> | void)[] = [];
  readonly #controller = new AbortController();
  /** Per driver, the uuids whose cleanup destroy ran out of time (still queued behind a stuck call). */
  readonly #timedOut = new Map<unknown, Set<string>>();
  #closed = false;
  #step: string | undefined;
  /** Secrets the test handed the driver, by what they are. */
  readonly #secrets = new Map<string, string>();
  /** Every line the drivers of this test logged (the factory's and a migration pair's). */
  readonly logger: RecordingLogger;

  constructor(
    driver: DriverBase,
    fixtures: ConformanceFixtures,
    testName: string,
    logger: RecordingLogger = new RecordingLogger(),
  ) {
    // the planner runs a test only when the driver advertises the capabilities it calls (see KitDriver)
    this.driver = driver as KitDriver;
    this.fixtures = fixtures;
    this.logger = logger;
    this.ctx = { requestId: `kit-${testName}`, signal: this.#controller.signal };
    this.#drivers = [this.driver];
  }

  /** The host API the kit hands drivers it makes for this test (the recording logger). */
  get hostApi(): KitHostApi {
    return { logger: this.logger };
  }

  /** Say which step the test is at; a failure is reported with the last step announced. */
  step(what: string): void {
    this.#step = what;
  }
  /** The last step announced. */
  get currentStep(): string | undefined {
    return this.#step;
  }

  /**
   * A fresh secret the test hands the driver (a password, a credential); the
   * kit fails the test when it shows in anything the driver logged.
   */
  secret(what: string): string {
    const value = `kit-secret-${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    this.#secrets.set(value, what);
    return value;
  }
  /** Register a secret the driver produced or the test got elsewhere (a console token). */
  registerSecret(value: string, what: string): void {
    if (value.length >= 6) this.#secrets.set(value, what);
  }
  /** Each secret of the test found in the log: what it was and the level of the first line showing it. */
  secretsInLog(): string[] {
    const found: string[] = [];
    for (const [value, what] of this.#secrets) {
      const lines = this.logger.mentioning(value);
      if (lines.length > 0)
        found.push(
          `the ${what} handed to the driver appears in its log (${lines.length} line(s), first at level ` +
            `${lines[0]!.level}: ${JSON.stringify(lines[0]!.message.replaceAll(value, '<secret>'))})`,
        );
    }
    return found;
  }

  /** End the test as unverified: it cannot check what it is about with this driver. */
  unverified(reason: string): never {
    throw new KitUnverifiedError(reason);
  }

  /**
   * Arm a late failure through the fixtures' `failures`; ends the test as
   * unverified when the fixtures cannot cause it.
   */
  async armFailure<K extends keyof FailureFixtures>(
    kind: K,
    ...args: Parameters<NonNullable<FailureFixtures[K]>>
  ): Promise<void> {
    const fn = this.fixtures.failures?.[kind] as ((...a: unknown[]) => boolean | Promise<boolean>) | undefined;
    const armed = fn ? await fn.apply(this.fixtures.failures, args) : false;
    if (!armed)
      this.unverified(
        `the driver's kit fixtures cannot make ${kind}${kind === 'migration' ? ` (${String(args[1])})` : ''} fail ` +
          `(fixtures.failures.${kind})`,
      );
  }

  /** The signal of `ctx`; aborted when the test timed out. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
  /** True once the test has ended: the helpers that create or track something throw {@link KitClosedError}. */
  get closed(): boolean {
    return this.#closed;
  }
  /** Refuse new work from now on (the runner calls it when the test ends, before cleanup). */
  close(): void {
    this.#closed = true;
  }
  /** Close, and abort `ctx.signal` with `reason` (the runner calls it when the test timed out). */
  abort(reason?: unknown): void {
    this.close();
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }
  /** True when the cleanup destroy of `uuid` on `driver` ran out of time. */
  cleanupTimedOut(driver: unknown, uuid: string): boolean {
    return this.#timedOut.get(driver)?.has(uuid) ?? false;
  }

  get flavor(): Flavor {
    return this.fixtures.flavor ?? DEFAULT_FLAVOR;
  }
  get imageMeta(): ImageMeta {
    return this.fixtures.imageMeta ?? DEFAULT_IMAGE;
  }
  /** Every driver the test uses: the factory's, then those of a migration pair. */
  get drivers(): readonly KitDriver[] {
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
  spawnRequest(
    overrides: Record<string, unknown> = {},
  ): { instance: KitInstance; imageMeta: ImageMeta } & Record<string, unknown> {
    const uuid = randomUUID();
    const instance = { uuid, name: `kit-${uuid.slice(0, 8)}`, flavor: this.flavor };
    this.#known.set(uuid, instance);
    return { instance, imageMeta: this.imageMeta, ...overrides };
  }

  /** Spawn an instance on `driver` (tracked for cleanup) and return its uuid. */
  async spawn(overrides: Record<string, unknown> = {}, driver: KitDriver = this.driver): Promise<string> {
    this.#refuseIfClosed('kit.spawn');
    const req = this.spawnRequest(overrides);
    this.#tracked.add(req.instance.uuid);
    await driver.spawn(this.ctx, req);
    return req.instance.uuid;
  }

  /** Track an instance created some other way (migration destination...). */
  track(uuid: string): void {
    this.#refuseIfClosed('kit.track');
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
  async state(uuid: string, driver: KitDriver = this.driver): Promise<PowerState> {
    return (await driver.getInfo(this.ctx, this.ref(uuid))).state;
  }

  /** Fail unless getInfo reports `expected` after `step`. */
  async expectState(uuid: string, expected: PowerState, step: string, driver: KitDriver = this.driver): Promise<void> {
    const actual = await this.state(uuid, driver);
    if (actual !== expected) {
      throw new KitAssertionError(
        `after ${step}: expected state ${stateName(expected)}, getInfo says ${stateName(actual)}`,
        undefined,
        { expected: stateName(expected), actual: stateName(actual) },
      );
    }
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
    this.#refuseIfClosed('kit.volume');
    const volume = await create(sizeBytes);
    if (this.#closed) {
      await Promise.resolve()
        .then(() => volume.release())
        .catch(() => undefined);
      this.#refuseIfClosed('kit.volume');
    }
    this.#releases.push(() => volume.release());
    return volume.connectionInfo;
  }

  /**
   * Two hosts from the `createMigrationPair` fixture (`createUnsharedMigrationPair` with `fixture` so named); their
   * instances are destroyed and leak-checked after the test.
   */
  async migrationPair(
    fixture: 'createMigrationPair' | 'createUnsharedMigrationPair' = 'createMigrationPair',
  ): Promise<MigrationPair> {
    const create = this.fixtures[fixture];
    if (!create) throw new KitAssertionError(`this test needs the ${fixture} fixture`);
    this.#refuseIfClosed('kit.migrationPair');
    const pair = await create(this.hostApi);
    if (this.#closed) {
      await Promise.resolve()
        .then(() => pair.release())
        .catch(() => undefined);
      this.#refuseIfClosed('kit.migrationPair');
    }
    this.#releases.push(() => pair.release());
    const [source, destination] = [pair.source as KitDriver, pair.destination as KitDriver];
    this.#drivers.push(source, destination);
    const sourceHost = pair.sourceHost ?? pair.source.hostApi.hostname ?? 'kit-source';
    await pair.source.initHost(this.ctx, { host: sourceHost });
    await pair.destination.initHost(this.ctx, { host: pair.destinationHost });
    return { source, destination, sourceHost, destinationHost: pair.destinationHost };
  }

  /** Start recording lifecycle events. */
  recordEvents(driver: KitDriver = this.driver): EventRecorder {
    const events: LifecycleEvent[] = [];
    const listener = (e: LifecycleEvent): void => void events.push(e);
    driver.on('lifecycle', listener);
    const recorder = { events, stop: (): void => void driver.off('lifecycle', listener) };
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

  /**
   * Run deferred cleanups, then destroy every tracked instance on every
   * driver; returns cleanup failures. Closes the context first. Each step gets
   * `limitMs`; a destroy that runs out of time (queued behind a call that never
   * settles) is reported and the next one runs. Destroys use a context of
   * their own, not `ctx` (which is aborted when the test timed out).
   */
  async cleanup(limitMs: number = DEFAULT_PHASE_MS): Promise<string[]> {
    this.close();
    const problems = await runAll(this.#cleanups.splice(0).reverse(), 'cleanup', limitMs);
    const many = this.#drivers.length > 1;
    for (const [i, driver] of this.#drivers.entries()) {
      const where = many ? ` on ${driverLabel(driver, i)}` : '';
      for (const uuid of this.#tracked) {
        try {
          await withTimeLimit(`destroy of ${uuid}`, limitMs, (signal) =>
            driver.destroy(this.cleanupContext(signal), { instance: { uuid } }),
          );
        } catch (error) {
          if (error instanceof PhaseTimeoutError) {
            problems.push(
              `cleanup timed out; instance ${uuid} may be left behind${where} (destroy did not finish within ` +
                `${limitMs} ms)`,
            );
            this.#timedOut.set(driver, (this.#timedOut.get(driver) ?? new Set()).add(uuid));
          } else {
            problems.push(`destroy of ${uuid}${where} during cleanup failed: ${message(error)}`);
          }
        }
      }
    }
    return problems;
  }

  /**
   * The context of the kit's own calls after the test (cleanup, leak check): not aborted with the test, limited by
   * `signal`.
   */
  cleanupContext(signal?: AbortSignal): OperationContext {
    return { requestId: `${this.ctx.requestId}-cleanup`, ...(signal ? { signal } : {}) };
  }

  /**
   * Release fixtures (volumes, migration pairs), last acquired first, each within `limitMs`; runs after the leak check.
   */
  async release(limitMs: number = DEFAULT_PHASE_MS): Promise<string[]> {
    return runAll(this.#releases.splice(0).reverse(), 'fixture release', limitMs);
  }

  #refuseIfClosed(what: string): void {
    if (this.#closed) throw new KitClosedError(what);
  }
}

/** How reports name one of several drivers. */
export function driverLabel(driver: DriverBase, index: number): string {
  return driver?.hostApi?.hostname ? `host '${driver.hostApi.hostname}'` : `driver #${index + 1}`;
}

async function runAll(fns: (() => Promise<void> | void)[], what: string, limitMs: number): Promise<string[]> {
  const problems: string[] = [];
  for (const fn of fns) {
    try {
      await withTimeLimit(what, limitMs, () => fn());
    } catch (error) {
      problems.push(
        error instanceof PhaseTimeoutError
          ? `${what} timed out after ${limitMs} ms`
          : `${what} failed: ${message(error)}`,
      );
    }
  }
  return problems;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
