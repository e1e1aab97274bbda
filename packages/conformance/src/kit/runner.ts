import { advertisedCapabilities, isVirtkitError, type DriverBase } from '@virtkit/core';
import { groupFailures } from '../report/failure-groups.js';
import { KitAssertionError, KitUnverifiedError } from './assertions.js';
import { KitContext, driverLabel } from './kit-context.js';
import { diffMaps } from './map-diff.js';
import { runModelPhase } from './model-phase.js';
import { handlesLeftOpen, openHandles } from './open-handles.js';
import { planConformance, type PlannedTest } from './planner.js';
import { RecordingLogger } from './recording-logger.js';
import { PhaseTimeoutError, SETTLE_AFTER_TIMEOUT_MS, phaseLimit, settlesWithin, withTimeLimit } from './time-limit.js';
import type { ConformanceOptions, ConformanceReport, SuiteName, TestResult } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Run the kit against a driver and return the structured report. Each test
 * gets a fresh driver from `factory`; after it, the kit destroys what the test
 * created (on every driver it used, migration pairs included) and fails the
 * test if anything is left behind.
 */
export async function runConformance<D extends DriverBase>(options: ConformanceOptions<D>): Promise<ConformanceReport> {
  const started = Date.now();
  let map = options.map;
  if (!map) {
    const phaseMs = phaseLimit(options.fixtures?.testTimeoutMs ?? DEFAULT_TIMEOUT_MS);
    const probe = await createDriver(options, phaseMs, new RecordingLogger());
    map = probe.capabilities;
    await withTimeLimit('dispose', phaseMs, () => options.dispose?.(probe));
  }
  const plan = planConformance(map, options);
  const results: TestResult[] = [];
  for (const planned of plan) {
    const result = await runPlannedTest(planned, options);
    results.push(result);
    options.onResult?.(result);
  }
  const ran = results.filter((r) => r.status !== 'skipped');
  const averageMs = ran.length === 0 ? 0 : ran.reduce((t, r) => t + r.durationMs, 0) / ran.length;
  const model =
    options.modelBased === false || (options.modelBased === undefined && options.only !== undefined)
      ? // turned off by the caller; or a partial run (--only) checks what it was asked for
        // (the sequences use every call)
        undefined
      : await runModelPhase(options, map.capabilities.lifecycle === true, averageMs);
  if (model) {
    results.push(model.result);
    options.onResult?.(model.result);
  }
  const count = (s: TestResult['status']): number => results.filter((r) => r.status === s).length;
  const failureGroups = groupFailures(results);
  const unverified = count('unverified');
  return {
    driver: { name: options.name ?? map.driver.name, version: map.driver.version },
    contractVersion: map.contractVersion,
    capabilities: advertisedCapabilities(map),
    results,
    summary: {
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      ...(unverified > 0 ? { unverified } : {}),
    },
    unverified: unverifiedCapabilities(plan, results),
    ...(failureGroups.length > 0 ? { failureGroups } : {}),
    ...(model ? { modelBased: model.summary } : {}),
    durationMs: Date.now() - started,
  };
}

/**
 * Capabilities with behaviour tests in the plan, all of them skipped (or,
 * given the results, skipped or unverified): nothing of theirs was checked.
 */
export function unverifiedCapabilities(plan: readonly PlannedTest[], results: readonly TestResult[] = []): SuiteName[] {
  const behaviour = new Map<SuiteName, boolean>();
  const unchecked = new Set(
    results.filter((r) => r.status === 'unverified').map((r) => `${r.capability}\u0000${r.name}`),
  );
  for (const p of plan) {
    if (p.kind !== 'behaviour') continue;
    const none =
      p.skipReason !== undefined ||
      p.unverifiedReason !== undefined ||
      unchecked.has(`${p.capability}\u0000${p.test.name}`);
    behaviour.set(p.capability, (behaviour.get(p.capability) ?? true) && none);
  }
  return [...behaviour].filter(([, allSkipped]) => allSkipped).map(([capability]) => capability);
}

/**
 * Run one planned test in isolation: fresh driver, cleanup, leak check. Every
 * phase has a time limit (the test `testTimeoutMs`; factory, initHost, each
 * cleanup destroy, the leak check, each release and dispose `testTimeoutMs`
 * too, at least `PHASE_FLOOR_MS`), so a call that never settles fails
 * the test instead of hanging the run. When the test times out, the kit aborts
 * `kit.ctx.signal`, closes the context (no new instances, volumes or pairs),
 * waits a little for the test to stop, then cleans up what it tracked.
 */
export async function runPlannedTest<D extends DriverBase>(
  planned: PlannedTest,
  options: ConformanceOptions<D>,
): Promise<TestResult> {
  const base = { capability: planned.capability, name: planned.test.name };
  if (planned.skipReason) return { ...base, status: 'skipped', reason: planned.skipReason, durationMs: 0 };
  if (planned.unverifiedReason)
    return { ...base, status: 'unverified', reason: planned.unverifiedReason, durationMs: 0 };
  const started = Date.now();
  const fixtures = options.fixtures ?? {};
  const testMs = fixtures.testTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const phaseMs = phaseLimit(testMs);
  const handlesBefore = options.checkOpenHandles === false ? undefined : openHandles();
  const logger = new RecordingLogger();
  let driver: D;
  try {
    driver = await createDriver(options, phaseMs, logger);
  } catch (error) {
    return {
      ...base,
      status: 'failed',
      reason: `factory failed: ${describe(error)}`,
      durationMs: Date.now() - started,
    };
  }
  const kit = new KitContext(driver, fixtures, planned.test.name, logger);
  const mapBefore = JSON.parse(JSON.stringify(driver.capabilities)) as unknown;
  let failure: unknown;
  const problems: string[] = [];
  /** Problems that are things left behind (reported as the test's leaks). */
  const leaks: string[] = [];
  try {
    await withTimeLimit('initHost', phaseMs, () =>
      driver.initHost(kit.ctx, { host: driver.hostApi.hostname ?? 'kit-host' }),
    );
  } catch (error) {
    failure = error;
    kit.abort(error);
  }
  if (failure === undefined) {
    const run = Promise.resolve().then(() => planned.test.run(kit));
    try {
      await withTimeLimit('test', testMs, () => run, `test '${planned.test.name}' did not finish within ${testMs} ms`);
    } catch (error) {
      failure = error;
      if (error instanceof PhaseTimeoutError) {
        kit.abort(error);
        if (!(await settlesWithin(run, SETTLE_AFTER_TIMEOUT_MS))) {
          problems.push(
            `the test still had not stopped ${SETTLE_AFTER_TIMEOUT_MS} ms after its signal was aborted; cleaning up ` +
              `anyway`,
          );
        }
      }
    }
  }
  kit.close();
  const changed = diffMaps(mapBefore, JSON.parse(JSON.stringify(driver.capabilities)));
  if (changed.length > 0)
    problems.push(`the capability map changed during the test (it must never change): ${changed.join(', ')}`);
  problems.push(...(await kit.cleanup(phaseMs)));
  leaks.push(...(await leftBehind(kit, phaseMs, fixtures.leakCheck)));
  leaks.push(...kit.secretsInLog());
  problems.push(...(await kit.release(phaseMs)));
  try {
    await withTimeLimit('cleanupHost', phaseMs, (signal) =>
      driver.cleanupHost(kit.cleanupContext(signal), { host: driver.hostApi.hostname ?? 'kit-host' }),
    );
  } catch (error) {
    problems.push(
      error instanceof PhaseTimeoutError
        ? `cleanupHost timed out after ${phaseMs} ms`
        : `cleanupHost failed: ${describe(error)}`,
    );
  }
  if (options.dispose) {
    try {
      await withTimeLimit('dispose', phaseMs, () => options.dispose!(driver));
    } catch (error) {
      problems.push(
        error instanceof PhaseTimeoutError
          ? `dispose timed out after ${phaseMs} ms`
          : `dispose failed: ${describe(error)}`,
      );
    }
  }
  if (handlesBefore) {
    const open = await handlesLeftOpen(handlesBefore, fixtures.allowedOpenHandles);
    if (open.length > 0) leaks.push(`the driver left handles open after cleanupHost and dispose: ${open.join(', ')}`);
  }
  const durationMs = Date.now() - started;
  const detail = failureDetail(failure, kit.currentStep);
  if (failure instanceof KitUnverifiedError && problems.length === 0 && leaks.length === 0) {
    return { ...base, status: 'unverified', reason: failure.message, durationMs };
  }
  if ((failure === undefined || failure instanceof KitUnverifiedError) && problems.length === 0 && leaks.length === 0)
    return { ...base, status: 'passed', durationMs };
  const reasons = [
    failure === undefined || failure instanceof KitUnverifiedError ? undefined : describe(failure),
    ...problems,
    ...leaks,
  ].filter(Boolean);
  const code = isVirtkitError(failure) ? failure.code : (failure as { code?: string } | undefined)?.code;
  return {
    ...base,
    status: 'failed',
    reason: reasons.join('; '),
    durationMs,
    ...(code ? { code } : {}),
    ...detail,
    ...(leaks.length > 0 ? { leaks } : {}),
  };
}

/** Step, expected and actual of a failure, when the test said them. */
function failureDetail(failure: unknown, step: string | undefined): Pick<TestResult, 'step' | 'expected' | 'actual'> {
  if (failure === undefined || failure instanceof KitUnverifiedError) return {};
  const out: Pick<TestResult, 'step' | 'expected' | 'actual'> = step ? { step } : {};
  if (failure instanceof KitAssertionError) {
    if (failure.expected !== undefined) out.expected = failure.expected;
    if (failure.actual !== undefined) out.actual = failure.actual;
  } else if (isVirtkitError(failure)) {
    out.actual = `${failure.code}: ${failure.message}`;
  }
  return out;
}

/**
 * A driver from the factory (given the kit's host API with `logger`), within `ms`; one that arrives later is disposed
 * of.
 */
async function createDriver<D extends DriverBase>(
  options: ConformanceOptions<D>,
  ms: number,
  logger: RecordingLogger,
): Promise<D> {
  const pending = Promise.resolve().then(() => options.factory({ logger }));
  try {
    return await withTimeLimit('factory', ms, () => pending);
  } catch (error) {
    if (error instanceof PhaseTimeoutError) {
      pending
        .then(
          (late) => options.dispose?.(late),
          () => undefined,
        )
        .catch(() => undefined);
    }
    throw error;
  }
}

/**
 * Instances still listed after cleanup on any driver the test used, plus what
 * the driver's own leak check finds; each driver's check runs within `ms`.
 * Instances found are destroyed (each within `ms`), except those whose cleanup
 * destroy already timed out (still queued behind a stuck call).
 */
async function leftBehind(
  kit: KitContext,
  ms: number,
  leakCheck?: (d: DriverBase) => Promise<string[]>,
): Promise<string[]> {
  const problems: string[] = [];
  const many = kit.drivers.length > 1;
  for (const [i, driver] of kit.drivers.entries()) {
    const where = many ? ` on ${driverLabel(driver, i)}` : '';
    try {
      const uuids: string[] = await withTimeLimit('leak check', ms, (signal) =>
        driver.listInstanceUuids(kit.cleanupContext(signal)),
      );
      if (uuids.length > 0) {
        problems.push(
          `left behind after destroy${where}: ${uuids.length} instance(s) (${uuids.slice(0, 3).join(', ')})`,
        );
        for (const uuid of uuids) {
          if (kit.cleanupTimedOut(driver, uuid)) continue;
          await withTimeLimit('destroy', ms, (signal) =>
            driver.destroy(kit.cleanupContext(signal), { instance: { uuid } }),
          ).catch(() => undefined);
        }
      }
      if (leakCheck)
        problems.push(...(await withTimeLimit('leak check', ms, () => leakCheck(driver))).map((p) => `${p}${where}`));
    } catch (error) {
      problems.push(
        error instanceof PhaseTimeoutError
          ? `leak check timed out after ${ms} ms${where}`
          : `leak check failed${where}: ${describe(error)}`,
      );
    }
  }
  return problems;
}

function describe(error: unknown): string {
  if (isVirtkitError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
