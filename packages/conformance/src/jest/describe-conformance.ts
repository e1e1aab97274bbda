import { RecordingLogger } from '../kit/recording-logger.js';
import { MODEL_TEST_NAME, runModelPhase } from '../kit/model-phase.js';
import type { DriverBase } from '@virtkit/core';
import { planConformance } from '../kit/planner.js';
import { runPlannedTest } from '../kit/runner.js';
import { SETTLE_AFTER_TIMEOUT_MS, phaseLimit } from '../kit/time-limit.js';
import type { ConformanceOptions } from '../kit/types.js';

/** The few jest (or vitest, mocha) globals the adapter uses. */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeout?: number): void;
  skip(name: string): void;
}

function globalTestApi(): TestApi {
  const g = globalThis as unknown as {
    describe?: TestApi['describe'];
    it?: TestApi['it'] & { skip?: (n: string, fn: () => void) => void };
  };
  if (typeof g.describe !== 'function' || typeof g.it !== 'function') {
    throw new Error(
      'describeConformance needs a test runner with global describe/it (jest); use runConformance() otherwise',
    );
  }
  const it = g.it;
  return { describe: g.describe, it, skip: (name) => (it.skip ? it.skip(name, () => undefined) : undefined) };
}

/**
 * Register the kit as jest tests, one per planned test, grouped by
 * capability. Skips show their reason in the test name.
 *
 * ```ts
 * describeConformance({ factory: () => new AcmeDriver({ hostname: 'test' }) });
 * ```
 */
export function describeConformance<D extends DriverBase>(
  options: ConformanceOptions<D>,
  api: TestApi = globalTestApi(),
): void {
  let map = options.map;
  if (!map) {
    const probe = options.factory({ logger: new RecordingLogger() });
    if (probe instanceof Promise)
      throw new Error('describeConformance plans at collection time: give a synchronous factory, or pass `map`');
    map = probe.capabilities;
    void options.dispose?.(probe);
  }
  const plan = planConformance(map, options);
  // Every phase of runPlannedTest is bounded: the test, the wait for it to stop, and
  // factory, initHost, cleanup, leak check, release, cleanupHost and dispose (a few phase limits).
  const testMs = options.fixtures?.testTimeoutMs ?? 30_000;
  const timeout = testMs + SETTLE_AFTER_TIMEOUT_MS + 7 * phaseLimit(testMs) + 10_000;
  api.describe(`virtkit conformance: ${options.name ?? map.driver.name}`, () => {
    for (const capability of new Set(plan.map((p) => p.capability))) {
      api.describe(capability, () => {
        for (const planned of plan.filter((p) => p.capability === capability)) {
          if (planned.skipReason) {
            api.skip(`${planned.test.name} [skipped: ${planned.skipReason}]`);
            continue;
          }
          if (planned.unverifiedReason) {
            api.skip(`${planned.test.name} [UNVERIFIED: ${planned.unverifiedReason}]`);
            continue;
          }
          api.it(
            planned.test.name,
            async () => {
              const result = await runPlannedTest(planned, options);
              if (result.status === 'failed') throw new Error(result.reason ?? 'failed');
              // an unverified test vouches for nothing: jest has no such status, so it must not show as passed
              if (result.status === 'unverified') throw new Error(`UNVERIFIED: ${result.reason ?? ''}`);
            },
            timeout,
          );
        }
      });
    }
    if (
      options.modelBased !== false &&
      map.capabilities.lifecycle &&
      (options.modelBased !== undefined || options.only === undefined)
    ) {
      api.it(
        MODEL_TEST_NAME,
        async () => {
          const { result } = await runModelPhase(options, true, 0);
          if (result.status === 'failed') throw new Error(result.reason ?? 'failed');
        },
        120_000,
      );
    }
  });
}
