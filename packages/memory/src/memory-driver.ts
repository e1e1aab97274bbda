import type { FeatureDeclaration } from '@virtkit/core';
import { DiagnosticsHooks } from './capabilities/diagnostics.js';
import { defineReadOnlyFeatures } from './read-only-features.js';

/**
 * The in-memory reference driver with every capability of the contract: a
 * real power-state machine, resource accounting, volumes, NICs, consoles,
 * two-host migrations over a {@link MemoryFabric}, snapshots, diagnostics
 * and failure injection (`driver.failures`).
 *
 * Its hooks live in one file per capability family, like core's folders
 * (`capabilities/lifecycle.ts`, `console.ts`, `migration.ts`, `volume.ts`,
 * `network.ts`, `inventory.ts`, `host.ts`, `guest.ts`, `image.ts`,
 * `diagnostics.ts`); each family's class applies core's mixins of that
 * family on the previous one, starting from {@link MemoryDriverCore}, so this
 * class is the last of them.
 *
 * @example
 * ```ts
 * const driver = new MemoryDriver({ hostname: 'node-1' }, { host: { vcpus: 8 } });
 * await driver.spawn({}, { instance: { uuid, flavor }, imageMeta: { diskFormat: 'raw' } });
 * ```
 */
export class MemoryDriver extends DiagnosticsHooks {
  /** Frozen and read-only (see {@link defineReadOnlyFeatures}), defined right after the class. */
  declare static readonly features: FeatureDeclaration;
}

// Stryker disable all: a driver that advertises a feature as unsupported and refuses it is conformant, and with any of
// these flags off the SDK refuses the requests that need it (NOT_SUPPORTED or VALIDATION_FAILED, which the kit's
// volume and network suites check on the negative side) or the kit skips the tests that need it; the contract leaves
// the refusal of the others (deviceTagging, sameHostMigration, bfvRescue) to the orchestrator, as Nova's API does
defineReadOnlyFeatures(MemoryDriver, {
  multiattach: true,
  taggedVolumeAttach: true,
  taggedInterfaceAttach: true,
  deviceTagging: true,
  sameHostMigration: true,
  recreate: true,
  bfvRescue: true,
  defaultRescueImage: true,
});
