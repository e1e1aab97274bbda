import type { DriverBase } from '@virtkit/core';
import { runModelBased } from '../model/run-model-based.js';
import { RecordingLogger } from './recording-logger.js';
import type { ConformanceOptions, ModelBasedSummary, TestResult } from './types.js';

/** Sequences on a driver whose kit tests are fast (in-memory). */
export const DEFAULT_SEQUENCES = 300;
/** Sequences on a slow driver (kit tests averaging over {@link SLOW_TEST_MS}). */
export const SLOW_DRIVER_SEQUENCES = 20;
/** A kit test slower than this on average marks a slow driver. */
export const SLOW_TEST_MS = 100;
const DEFAULT_TIME_LIMIT_MS = 60_000;

/** The name of the model-based result in reports. */
export const MODEL_TEST_NAME = 'model-based: random call sequences agree with the contract model';

/**
 * The model-based part of a run: random call sequences against the contract
 * model, on fresh drivers from the factory (or migration pairs from the
 * fixtures), with volumes from the fixtures. How many: the option, else the
 * fixtures' hint, else {@link DEFAULT_SEQUENCES} ({@link SLOW_DRIVER_SEQUENCES}
 * when the kit tests took more than {@link SLOW_TEST_MS} each on average).
 */
export async function runModelPhase<D extends DriverBase>(
  options: ConformanceOptions<D>,
  lifecycle: boolean,
  averageTestMs: number,
): Promise<{ summary: ModelBasedSummary; result: TestResult }> {
  const o = options.modelBased === false ? { sequences: 0 } : (options.modelBased ?? {});
  const hints = options.fixtures?.modelBased ?? {};
  const requested =
    o.sequences ?? hints.sequences ?? (averageTestMs > SLOW_TEST_MS ? SLOW_DRIVER_SEQUENCES : DEFAULT_SEQUENCES);
  const base = { capability: 'core' as const, name: MODEL_TEST_NAME };
  const empty = { passed: true, sequences: 0, requested, seed: o.seed ?? 0, commands: 0, hosts: 0, durationMs: 0 };
  if (!lifecycle || requested <= 0) {
    const why = !lifecycle
      ? 'the driver does not advertise lifecycle (the sequences spawn instances)'
      : 'turned off (--sequences 0)';
    return { summary: { ...empty, skipped: why }, result: { ...base, status: 'skipped', reason: why, durationMs: 0 } };
  }
  const started = Date.now();
  const logger = new RecordingLogger();
  const fixtures = {
    ...options.fixtures,
    createMigrationPair: hints.createMigrationPair ?? options.fixtures?.createMigrationPair,
  };
  try {
    const report = await runModelBased({
      factory: () => options.factory({ logger }),
      dispose: async (driver: D) => {
        await driver
          .cleanupHost({ requestId: 'kit-model-cleanup' }, { host: driver.hostApi.hostname ?? 'kit-host' })
          .catch(() => undefined);
        await options.dispose?.(driver);
      },
      fixtures,
      numRuns: requested,
      seed: o.seed,
      path: o.path,
      timeLimitMs: o.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
      maxCommands: hints.maxCommands,
      simulateGuest: hints.simulateGuest?.bind(hints),
      exactUsage: hints.exactUsage ?? true,
    });
    const summary: ModelBasedSummary = {
      passed: report.passed,
      sequences: report.numRuns,
      requested,
      seed: report.seed,
      commands: report.stats.commands,
      hosts: report.hosts,
      durationMs: report.durationMs,
      ...(report.path ? { path: report.path } : {}),
      ...(report.counterexample ? { counterexample: report.counterexample } : {}),
      ...(report.error ? { error: report.error } : {}),
    };
    const ran =
      `${report.numRuns} of ${requested} sequences (${report.stats.commands} calls, ${report.hosts} ` +
      `host(s)), seed ${report.seed}${report.interrupted ? ', stopped by the time limit' : ''}`;
    if (report.passed)
      return { summary, result: { ...base, status: 'passed', reason: ran, durationMs: Date.now() - started } };
    const replay = `replay: --seed ${report.seed}${report.path ? ` (path ${report.path})` : ''}`;
    return {
      summary,
      result: {
        ...base,
        status: 'failed',
        durationMs: Date.now() - started,
        reason:
          `${report.error ?? 'a sequence diverged from the contract model'}\n  shrunk counterexample: ` +
          `${report.counterexample ?? '?'}\n  ${replay}; ${ran}`,
        ...(report.counterexample ? { step: report.counterexample } : {}),
      },
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      summary: { ...empty, passed: false, error: why, durationMs: Date.now() - started },
      result: {
        ...base,
        status: 'failed',
        reason: `the model-based run could not run: ${why}`,
        durationMs: Date.now() - started,
      },
    };
  }
}
