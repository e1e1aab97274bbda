import type {
  CapabilityMap,
  CapabilityName,
  DriverBase,
  DriverLogger,
  Flavor,
  HostApi,
  ImageMeta,
  Vif,
  VolumeConnectionInfo,
} from '@virtkit/core';
import type { FailureFixtures } from './failure-fixtures.js';

/**
 * Resources a real driver needs to run the kit (images it can boot, volumes it can attach...). (A type alias, not an
 * interface, so a value of it is assignable to a driver definition's `conformance` field, a plain record.)
 */
export type ConformanceFixtures = {
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
  /**
   * Guest device name of the root disk of a spawned instance, for per-disk calls (`blockStats`). @defaultValue the
   * first disk of the instance's diagnostics, else `vda`
   */
  rootDiskId?: string;
  /**
   * Two drivers acting as two hosts that can migrate to each other; the kit
   * destroys what a test left on either, checks both for leaks, then calls `release`.
   * `sourceHost` defaults to the source's `hostApi.hostname`.
   */
  createMigrationPair?: (hostApi?: KitHostApi) => Promise<{
    source: DriverBase;
    destination: DriverBase;
    sourceHost?: string;
    destinationHost: string;
    release(): Promise<void>;
  }>;
  /**
   * Like `createMigrationPair`, two hosts that do NOT share instance storage (each sees only its own instance
   * directories): the kit checks the not-shared answers of the shared-storage check and `instanceOnDisk` with it.
   */
  createUnsharedMigrationPair?: ConformanceFixtures['createMigrationPair'];
  /**
   * How to make calls fail late, for the kit's failure-path tests (spawn after
   * the guest exists, snapshot, each step of a live migration). A test whose
   * failure the fixtures cannot cause is reported `unverified`, never passed.
   */
  failures?: FailureFixtures;
  /**
   * Walk each capability's state-changing calls once, checking every aspect
   * (outcome, events, other instances, attachments, usage) in one test,
   * instead of one test per aspect: for drivers whose instances are slow to
   * make (real VMs). The report then names the aspect in the failure reason.
   * @defaultValue false
   */
  combinedWalks?: boolean;
  /** Settings of the model-based part of the run (random call sequences against the contract model). */
  modelBased?: ModelBasedFixtures;
  /**
   * Handles (sockets, timers, child processes) a disposed driver may keep
   * open for a while on purpose; the kit's open-handle check ignores handles
   * whose constructor name is listed. @defaultValue none
   */
  allowedOpenHandles?: readonly string[];
  /** Extra leak check after each test: return descriptions of anything left behind (processes, files). */
  leakCheck?: (driver: DriverBase) => Promise<string[]>;
  /**
   * Per-test timeout. The phases around the test (factory, initHost, each
   * cleanup destroy, the leak check, each fixture release, dispose) get the
   * same time each, at least 1000 ms. @defaultValue 30000
   */
  testTimeoutMs?: number;
};

/**
 * The host API the kit hands a driver factory: a host name and a logger that records every line (scanned for secrets).
 */
export interface KitHostApi extends HostApi {
  logger: DriverLogger;
}

/** What a driver's fixtures say about the model-based part of the run. */
export interface ModelBasedFixtures {
  /**
   * Sequences to run by default (overridden by the `modelBased.sequences` option). @defaultValue 300, or 20 when the
   * kit tests averaged more than 100 ms
   */
  sequences?: number;
  /** Longest sequence. @defaultValue 20 */
  maxCommands?: number;
  /**
   * A faster migration pair for sequences (e.g. with shorter simulated transfers); @defaultValue createMigrationPair
   */
  createMigrationPair?: ConformanceFixtures['createMigrationPair'];
  /** Make a guest crash or shut itself down outside any call (enables those commands). */
  // A method, not a function property: a driver's fixtures may narrow `driver` to their own class (bivariance).
  simulateGuest?(driver: DriverBase, uuid: string, how: 'crash' | 'shutdown'): void | Promise<void>;
  /** Check usage on every host after every step. @defaultValue true */
  exactUsage?: boolean;
}

/** Options of the model-based part of {@link runConformance}. */
export interface ModelBasedRunOptions {
  /**
   * Sequences to run; 0 turns the model-based part off. @defaultValue the fixtures' `modelBased.sequences`, else 300
   * (20 for slow drivers)
   */
  sequences?: number;
  /** fast-check seed, to replay a run. @defaultValue random */
  seed?: number;
  /** Replay path (from a report) with its seed. */
  path?: string;
  /** Stop generating new sequences after this long (the report says how many ran). @defaultValue 60000 */
  timeLimitMs?: number;
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
  factory: (hostApi: KitHostApi) => D | Promise<D>;
  /** The driver's capability map, to plan without creating a driver. */
  map?: CapabilityMap;
  /**
   * Called after each test with the driver it used (close connections,
   * remove temp dirs), after the kit's own `cleanupHost`. A driver
   * definition's `dispose` goes here.
   */
  dispose?: (driver: D) => Promise<void> | void;
  /**
   * The model-based part (random call sequences against the contract model),
   * run after the tests; on by default in {@link runConformance}, `false` or
   * `{ sequences: 0 }` turns it off.
   */
  modelBased?: ModelBasedRunOptions | false;
  /** Check for handles (sockets, timers, processes) a disposed driver left open. @defaultValue true */
  checkOpenHandles?: boolean;
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
  /**
   * `unverified`: the test could not check what it is about here (e.g. the
   * driver's fixtures cannot make the call fail late); it vouches for nothing,
   * and is never counted as passed.
   */
  status: 'passed' | 'failed' | 'skipped' | 'unverified';
  /** Why it failed, was skipped or is unverified. */
  reason?: string;
  durationMs: number;
  /** The error code of a failure, when it was a virtkit error. */
  code?: string;
  /** The step of the test that failed (the last one the test announced). */
  step?: string;
  /** What the failing check expected, and what the driver gave. */
  expected?: string;
  actual?: string;
  /** What this test left behind (instances, claims, handles, log lines with secrets): it failed for these. */
  leaks?: string[];
  /** For a failure: the name of the earlier failed test with the same root cause, when this one is a follow-on. */
  sameCauseAs?: string;
}

/** Failures with one root cause: the first test that showed it, and the follow-ons. */
export interface FailureGroup {
  cause: string;
  first: { capability: SuiteName; name: string };
  followOns: { capability: SuiteName; name: string }[];
}

/** What the model-based part of the run found. */
export interface ModelBasedSummary {
  passed: boolean;
  /** Sequences run (fewer than asked when the time limit stopped it, or at the first failure). */
  sequences: number;
  requested: number;
  seed: number;
  /** Replay path of a failure (with `--seed`). */
  path?: string;
  /** The shrunk sequence that diverges from the contract. */
  counterexample?: string;
  error?: string;
  commands: number;
  hosts: number;
  durationMs: number;
  /** Why it did not run (no lifecycle, turned off). */
  skipped?: string;
}

/** The kit's structured report. */
export interface ConformanceReport {
  driver: { name: string; version: string };
  contractVersion: string;
  /** Advertised capability names. */
  capabilities: CapabilityName[];
  results: TestResult[];
  summary: { passed: number; failed: number; skipped: number; unverified?: number };
  /** Failures grouped by root cause (only groups with follow-ons). */
  failureGroups?: FailureGroup[];
  /** The model-based part, when it ran. */
  modelBased?: ModelBasedSummary;
  /**
   * Advertised capabilities (or `core`) whose behaviour tests were all skipped
   * (by `--skip`, a missing fixture, feature or capability): nothing of theirs
   * was checked, so the report does not vouch for them. Always set by
   * {@link runConformance}; optional for reports built elsewhere.
   */
  unverified?: SuiteName[];
  durationMs: number;
}
