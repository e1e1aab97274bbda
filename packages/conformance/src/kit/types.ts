import type {
  CapabilityMap, CapabilityName, DriverBase, Flavor, ImageMeta, Vif, VolumeConnectionInfo,
} from '@virtkit/core';

/** Resources a real driver needs to run the kit (images it can boot, volumes it can attach...). */
export interface ConformanceFixtures {
  /** Flavor of instances the kit spawns. @defaultValue 1 vCPU, 64 MiB, 1 GiB */
  flavor?: Flavor;
  /** Image the kit spawns from. @defaultValue `{ diskFormat: 'raw' }` */
  imageMeta?: ImageMeta;
  /** Image whose guest OS answers ACPI and hot-unplug (needed by some volume/network tests). @defaultValue imageMeta */
  guestImageMeta?: ImageMeta;
  /** Rescue image. @defaultValue imageMeta */
  rescueImageMeta?: ImageMeta;
  /** A fresh, attachable volume; `release` runs after the test. */
  createVolume?: (sizeBytes: number) => Promise<{ connectionInfo: VolumeConnectionInfo; release(): Promise<void> }>;
  /** A network interface to plug. @defaultValue a user-mode VIF with a random MAC */
  createVif?: () => Vif;
  /**
   * An empty image created in `driver`'s image service, as an orchestrator
   * creates one before `snapshot` (the contract: snapshot fills an image the
   * caller created and names by id). Without it, snapshot tests are skipped.
   */
  createImage?: (driver: DriverBase) => Promise<{ imageId: string; release(): Promise<void> }>;
  /** Guest device name of the root disk of a spawned instance, for per-disk calls (`blockStats`). @defaultValue the first disk of the instance's diagnostics, else `vda` */
  rootDiskId?: string;
  /**
   * Two drivers acting as two hosts that can migrate to each other; the kit
   * destroys what a test left on either, checks both for leaks, then calls `release`.
   * `sourceHost` defaults to the source's `hostApi.hostname`.
   */
  createMigrationPair?: () => Promise<{ source: DriverBase; destination: DriverBase; sourceHost?: string; destinationHost: string; release(): Promise<void> }>;
  /** Extra leak check after each test: return descriptions of anything left behind (processes, files). */
  leakCheck?: (driver: DriverBase) => Promise<string[]>;
  /**
   * Per-test timeout. The phases around the test (factory, initHost, each
   * cleanup destroy, the leak check, each fixture release, dispose) get the
   * same time each, at least 1000 ms. @defaultValue 30000
   */
  testTimeoutMs?: number;
}

/** Options of {@link runConformance} and {@link describeConformance}. */
export interface ConformanceOptions<D extends DriverBase = DriverBase> {
  /** Name shown in reports. @defaultValue the driver's capability map name */
  name?: string;
  /**
   * A fresh driver per test (initHost runs inside each test). May be async for
   * `runConformance`; `describeConformance` plans at collection time, so it
   * needs a synchronous factory or `map`.
   */
  factory: () => D | Promise<D>;
  /** The driver's capability map, to plan without creating a driver. */
  map?: CapabilityMap;
  /** Called after each test with the driver it used (close connections, remove temp dirs). */
  dispose?: (driver: D) => Promise<void> | void;
  fixtures?: ConformanceFixtures;
  /** Run only these capabilities (plus `core`). */
  only?: readonly CapabilityName[];
  /** Skip these capabilities (reported as skipped, with the reason `--skip`). */
  skip?: readonly CapabilityName[];
  /** Called after each test, for progress output. */
  onResult?: (result: TestResult) => void;
}

/** A capability name, `core` for calls every driver has, or `events`/`map` for cross-cutting checks. */
export type SuiteName = CapabilityName | 'core';

/** Outcome of one kit test. */
export interface TestResult {
  capability: SuiteName;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  reason?: string;
  durationMs: number;
  /** The error code of a failure, when it was a virtkit error. */
  code?: string;
}

/** The kit's structured report. */
export interface ConformanceReport {
  driver: { name: string; version: string };
  contractVersion: string;
  /** Advertised capability names. */
  capabilities: CapabilityName[];
  results: TestResult[];
  summary: { passed: number; failed: number; skipped: number };
  /**
   * Advertised capabilities (or `core`) whose behaviour tests were all skipped
   * (by `--skip`, a missing fixture, feature or capability): nothing of theirs
   * was checked, so the report does not vouch for them. Always set by
   * {@link runConformance}; optional for reports built elsewhere.
   */
  unverified?: SuiteName[];
  durationMs: number;
}
