/**
 * @packageDocumentation
 * The virtkit conformance kit: run it against any driver, from jest
 * (`describeConformance`) or programmatically (`runConformance`).
 */
export { runConformance, runPlannedTest, unverifiedCapabilities } from './kit/runner.js';
export { PhaseTimeoutError, PHASE_FLOOR_MS, SETTLE_AFTER_TIMEOUT_MS } from './kit/time-limit.js';
export { planConformance, type PlannedTest } from './kit/planner.js';
export { describeConformance, type TestApi } from './jest/describe-conformance.js';
export {
  formatReport,
  formatResultLine,
  failureDetailLines,
  summaryLine,
  groupLines,
  modelLine,
  type FormatOptions,
} from './report/format-text.js';
export { groupFailures, rootCause } from './report/failure-groups.js';
export { diffMaps } from './kit/map-diff.js';
export { RecordingLogger, type LoggedLine } from './kit/recording-logger.js';
export { MIGRATION_STEPS, type FailureFixtures, type MigrationStep } from './kit/failure-fixtures.js';
export { runModelPhase, MODEL_TEST_NAME, DEFAULT_SEQUENCES, SLOW_DRIVER_SEQUENCES } from './kit/model-phase.js';
export {
  KitContext,
  KitClosedError,
  type EventRecorder,
  type KitDriver,
  type KitInstance,
  type MigrationPair,
  type ProgressRecorder,
} from './kit/kit-context.js';
export {
  POWER_TRAITS,
  inStates,
  spawnIn,
  destroyedInstance,
  unknownInstance,
  type PowerTrait,
  type TraitSpec,
  type TraitTest,
  type SpawnInOptions,
} from './kit/traits.js';
export { defineSuite, type KitSuite, type KitTest } from './kit/suite.js';
export {
  KitAssertionError,
  KitUnverifiedError,
  check,
  checkEqual,
  checkRejects,
  checkCounters,
  checkNoSecret,
  malformed,
} from './kit/assertions.js';
export { ALL_SUITES } from './suites/index.js';
export type {
  ConformanceOptions,
  ConformanceFixtures,
  ConformanceReport,
  TestResult,
  SuiteName,
  KitHostApi,
  ModelBasedFixtures,
  ModelBasedRunOptions,
  ModelBasedSummary,
  FailureGroup,
} from './kit/types.js';
export {
  runModelBased,
  contractCommands,
  CONTRACT_RULES,
  emptyModel,
  createModelEnv,
  ModelDivergenceError,
  type ModelBasedOptions,
  type ModelBasedReport,
  type ContractCommand,
  type ContractCommandOptions,
  type ContractModel,
  type ModelInstance,
  type Outcome,
  type ModelEnv,
  type ModelEnvOptions,
  type ModelStats,
} from './model/index.js';
