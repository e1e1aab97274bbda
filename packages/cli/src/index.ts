/**
 * @packageDocumentation
 * The virtkit command line. `main` runs it in-process with injectable IO;
 * the pure pieces (option parsing, matrix model, renderers) are exported for
 * tests and for tools that want the same output.
 */
export { main } from './main.js';
export { createProgram } from './program.js';
export { colorEnabled, processIo, type CliIo, type TextSink } from './cli-io.js';
export { CLI_VERSION } from './version.js';
export {
  CLI_ERROR_CODES,
  CliError,
  EXIT_CODES,
  isCliError,
  type CliErrorCode,
  type CliErrorOptions,
} from './errors/cli-error.js';
export type { CommandContext } from './commands/command-context.js';
export {
  DEFAULT_CONFORMANCE_DRIVER,
  runConformanceCommand,
  type ConformanceCommandOptions,
} from './commands/conformance.js';
export { runInitCommand, type InitCommandOptions } from './commands/init.js';
export { prerequisitesOf, resolveInitCapabilities } from './commands/init-capabilities.js';
export { readHookCatalogue, type HookDeclaration } from './commands/init-hook-catalogue.js';
export {
  fixturesNeeded,
  INIT_PACKAGES,
  renderInitFiles,
  type InitPlan,
  type VirtkitPackage,
} from './commands/init-render.js';
export { runInspectCommand, type InspectCommandOptions } from './commands/inspect.js';
export { runContractCommand, type ContractCommandOptions } from './commands/contract.js';
export {
  DEFAULT_MATRIX_DRIVERS,
  MATRIX_FORMATS,
  runMatrixCommand,
  type MatrixCommandOptions,
} from './commands/matrix.js';
export { CLI_HOST_API, disposeDriver, loadCliDriver } from './driver/load-cli-driver.js';
export { resolveFixtures, type FixturesSource } from './driver/resolve-fixtures.js';
export { closestCapability, parseCapabilityList } from './options/capability-list.js';
export { buildMatrix, type BuildMatrixOptions } from './matrix/build-matrix.js';
export {
  CONSOLE_CHOICE,
  CHOICE_GROUPS,
  MANDATORY_CAPABILITIES,
  STATUS_DESCRIPTIONS,
  capabilityStatus,
  choiceGroupOf,
} from './matrix/capability-status.js';
export { CELL_LABELS } from './matrix/cell-labels.js';
export { isRoutineNote, matrixCell } from './matrix/matrix-cell.js';
export { renderMatrixHtml } from './matrix/matrix-html.js';
export { renderMatrixMarkdown } from './matrix/matrix-markdown.js';
export {
  CELL_STATES,
  type CapabilityStatus,
  type CellState,
  type MatrixCapability,
  type MatrixCell,
  type MatrixDriverInput,
  type MatrixFamily,
  type MatrixFamilyGroup,
  type MatrixRow,
  type SupportMatrix,
} from './matrix/matrix-types.js';
export { createColors, type Colors } from './render/colors.js';
export { formatConformanceSummary } from './render/conformance-summary.js';
export { formatContractTable } from './render/contract-table.js';
export { escapeHtml } from './render/escape-html.js';
export { buildInspectReport, type InspectReport } from './render/inspect-report.js';
export { formatInspect, type InspectSource } from './render/inspect-text.js';
export { formatTable, type TextTableOptions } from './render/text-table.js';
