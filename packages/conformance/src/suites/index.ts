import type { KitSuite } from '../kit/suite.js';
import { consoleOutputSuite, consolePoolSuite, liveConsoleSuites } from './console.js';
import { coreSuite } from './core.js';
import { CONTRACT_DECISION_SUITES } from './contract-decisions.js';
import { diagnosticsSuite, diagnosticsUsageSuite } from './diagnostics.js';
import { guestFilesSuite, guestMetadataSuite, guestPasswordSuite, guestQuiesceSuite } from './guest.js';
import { hostAggregatesSuite, hostMaintenanceSuite, hostPowerSuite, hostStatsSuite } from './host.js';
import { imageCacheSuite, imageSnapshotSuite } from './image.js';
import { inventoryLegacySuite, inventorySuite, inventoryUsageSuite } from './inventory.js';
import { idempotentCreateSuites } from './idempotent-creates.js';
import { INSTANCE_MODEL_SUITES } from './instance-model.js';
import { coldMigrationDestroySuite, lifecycleSuite } from './lifecycle.js';
import { STATE_WALK_SUITES } from './state-walks.js';
import {
  consoleUniquenessSuites,
  crossInstanceSuite,
  hostAddressSuite,
  inventoryMeaningSuite,
  passwordLogSuite,
  volumeIndependenceSuite,
} from './cross-instance.js';
import { migrationFailureSuite, snapshotFailureSuite, spawnFailureSuite } from './failure-paths.js';
import {
  crashDumpSuite,
  pauseSuite,
  rebuildSuite,
  rescueSuite,
  softDeleteSuite,
  suspendSuite,
} from './lifecycle-states.js';
import { coldMigrationSuite, liveMigrationSuite, sharedStorageSuite } from './migration.js';
import { coldMigrationCarriedSuite, liveMigrationEndsSuite } from './migration-carried.js';
import { networkFirewallSuite, networkHotplugSuite, networkMacsSuite, networkSuite } from './network.js';
import {
  deviceNamesSuite,
  fsFormatSuite,
  volumeExtendSuite,
  volumeSnapshotSuite,
  volumeSuite,
  volumeSwapSuite,
} from './volume.js';

/** Every suite of the kit; the planner picks from these by capability. */
export const ALL_SUITES: readonly KitSuite[] = [
  coreSuite,
  lifecycleSuite,
  pauseSuite,
  suspendSuite,
  rescueSuite,
  softDeleteSuite,
  rebuildSuite,
  crashDumpSuite,
  consoleOutputSuite,
  ...liveConsoleSuites,
  consolePoolSuite,
  coldMigrationSuite,
  coldMigrationCarriedSuite,
  liveMigrationEndsSuite,
  coldMigrationDestroySuite,
  liveMigrationSuite,
  sharedStorageSuite,
  volumeSuite,
  volumeSwapSuite,
  volumeExtendSuite,
  volumeSnapshotSuite,
  deviceNamesSuite,
  fsFormatSuite,
  networkSuite,
  networkHotplugSuite,
  networkFirewallSuite,
  networkMacsSuite,
  inventorySuite,
  inventoryLegacySuite,
  inventoryUsageSuite,
  hostPowerSuite,
  hostMaintenanceSuite,
  hostStatsSuite,
  hostAggregatesSuite,
  guestPasswordSuite,
  guestFilesSuite,
  guestMetadataSuite,
  guestQuiesceSuite,
  imageSnapshotSuite,
  imageCacheSuite,
  diagnosticsSuite,
  diagnosticsUsageSuite,
  ...STATE_WALK_SUITES,
  crossInstanceSuite,
  hostAddressSuite,
  inventoryMeaningSuite,
  volumeIndependenceSuite,
  ...consoleUniquenessSuites,
  passwordLogSuite,
  spawnFailureSuite,
  snapshotFailureSuite,
  migrationFailureSuite,
  ...CONTRACT_DECISION_SUITES,
  ...idempotentCreateSuites,
  ...INSTANCE_MODEL_SUITES,
];
