import type { DriverBase } from '@virtkit/core';

/** A step of the live-migration protocol, in the contract's order. */
export type MigrationStep =
  | 'checkCanLiveMigrateDestination'
  | 'checkCanLiveMigrateSource'
  | 'preLiveMigration'
  | 'liveMigration'
  | 'liveMigration.transfer';

/** Every step the kit tries to make fail, in protocol order. */
export const MIGRATION_STEPS: readonly MigrationStep[] = [
  'checkCanLiveMigrateDestination',
  'checkCanLiveMigrateSource',
  'preLiveMigration',
  'liveMigration',
  'liveMigration.transfer',
];

/**
 * How a driver's fixtures make calls fail, for the kit's failure-path tests.
 * Each function arms one failure of the NEXT matching call on the given
 * driver (or pair) and returns `true`; it returns `false` when this driver
 * cannot cause that failure, and the kit then reports the test `unverified`
 * (never passed). A missing function means `false` for everything.
 */
export interface FailureFixtures {
  /** The next spawn fails late: after the guest exists and its resources are claimed. */
  spawnLate?(driver: DriverBase): boolean | Promise<boolean>;
  /** The next snapshot fails part way (after it started, before the image is complete). */
  snapshot?(driver: DriverBase): boolean | Promise<boolean>;
  /**
   * The next call of `step` fails (`liveMigration.transfer`: the transfer
   * fails after it started, with `MIGRATION_FAILED`).
   */
  migration?(pair: { source: DriverBase; destination: DriverBase }, step: MigrationStep): boolean | Promise<boolean>;
}
