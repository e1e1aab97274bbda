import type { KitSuite } from '../kit/suite.js';
import { coreSuite } from './core.js';
import { lifecycleSuite } from './lifecycle.js';
import { crashDumpSuite, pauseSuite, rebuildSuite, rescueSuite, softDeleteSuite, suspendSuite } from './lifecycle-states.js';

/** Every suite of the kit; the planner picks from these by capability. */
export const ALL_SUITES: readonly KitSuite[] = [
  coreSuite, lifecycleSuite, pauseSuite, suspendSuite, rescueSuite, softDeleteSuite, rebuildSuite, crashDumpSuite,
];
