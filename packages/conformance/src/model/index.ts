export { runModelBased, type ModelBasedOptions, type ModelBasedReport } from './run-model-based.js';
export { contractCommands, type ContractCommand, type ContractCommandOptions } from './contract-commands.js';
export { CONTRACT_RULES, matchOutcome, describeOutcomes } from './contract-rules.js';
export {
  emptyModel,
  expectedTransition,
  type ContractModel,
  type ModelInstance,
  type Outcome,
} from './contract-model.js';
export {
  createModelEnv,
  ModelDivergenceError,
  type ModelEnv,
  type ModelEnvOptions,
  type ModelStats,
} from './model-env.js';
