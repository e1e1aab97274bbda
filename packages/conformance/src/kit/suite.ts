import type { CapabilityName, FeatureFlag } from '@virtkit/core';
import type { KitContext } from './kit-context.js';
import type { ConformanceFixtures, SuiteName } from './types.js';

/** One behaviour test of the kit. */
export interface KitTest {
  readonly name: string;
  /** Other capabilities the test uses; without them it is skipped (a test never uses an unadvertised capability). */
  readonly requires?: readonly CapabilityName[];
  /**
   * Capabilities of which at least one must be advertised (the test is about what they make); otherwise it is skipped.
   */
  readonly requiresAny?: readonly CapabilityName[];
  /** Fixtures the test needs; without them it is skipped, with the reason. */
  readonly needs?: readonly (keyof ConformanceFixtures)[];
  /** Feature flags that must be `supported`; otherwise the test is skipped, with the reason. */
  readonly features?: readonly FeatureFlag[];
  /**
   * The failure fixture the test drives its failure with; without it the test is reported `unverified` (never passed)
   * without running.
   */
  readonly failureFixture?: 'spawnLate' | 'snapshot' | 'migration';
  /** Planned only when this fixture flag is set (a combined form of several tests, for slow drivers). */
  readonly onlyWith?: 'combinedWalks';
  /** Not planned when this fixture flag is set (its combined form runs instead). */
  readonly unlessWith?: 'combinedWalks';
  run(kit: KitContext): Promise<void>;
}

/** The tests of one capability (or of `core`). */
export interface KitSuite {
  readonly capability: SuiteName;
  readonly tests: readonly KitTest[];
}

/** Declare a suite (identity function that keeps the types). */
export function defineSuite(capability: SuiteName, tests: KitTest[]): KitSuite {
  return { capability, tests };
}
