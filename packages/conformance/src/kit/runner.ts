import { advertisedCapabilities, isVirtkitError, type DriverBase } from '@virtkit/core';
import { KitContext, driverLabel } from './kit-context.js';
import { planConformance, type PlannedTest } from './planner.js';
import type { ConformanceOptions, ConformanceReport, TestResult } from './types.js';

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
    const probe = await options.factory();
    map = probe.capabilities;
    await options.dispose?.(probe);
  }
  const plan = planConformance(map, options);
  const results: TestResult[] = [];
  for (const planned of plan) {
    const result = await runPlannedTest(planned, options);
    results.push(result);
    options.onResult?.(result);
  }
  const count = (s: TestResult['status']): number => results.filter((r) => r.status === s).length;
  return {
    driver: { name: options.name ?? map.driver.name, version: map.driver.version },
    contractVersion: map.contractVersion,
    capabilities: advertisedCapabilities(map),
    results,
    summary: { passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
    durationMs: Date.now() - started,
  };
}

/** Run one planned test in isolation: fresh driver, timeout, cleanup, leak check. */
export async function runPlannedTest<D extends DriverBase>(planned: PlannedTest, options: ConformanceOptions<D>): Promise<TestResult> {
  const base = { capability: planned.capability, name: planned.test.name };
  if (planned.skipReason) return { ...base, status: 'skipped', reason: planned.skipReason, durationMs: 0 };
  const started = Date.now();
  const fixtures = options.fixtures ?? {};
  let driver: D;
  try {
    driver = await options.factory();
  } catch (error) {
    return { ...base, status: 'failed', reason: `factory failed: ${describe(error)}`, durationMs: Date.now() - started };
  }
  const kit = new KitContext(driver, fixtures, planned.test.name);
  let failure: unknown;
  try {
    await driver.initHost(kit.ctx, { host: driver.hostApi.hostname ?? 'kit-host' });
    await withTimeout(planned.test.run(kit), fixtures.testTimeoutMs ?? DEFAULT_TIMEOUT_MS, planned.test.name);
  } catch (error) {
    failure = error;
  }
  const problems = await kit.cleanup();
  problems.push(...(await leftBehind(kit, fixtures.leakCheck)));
  problems.push(...(await kit.release()));
  try {
    await options.dispose?.(driver);
  } catch (error) {
    problems.push(`dispose failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const durationMs = Date.now() - started;
  if (failure === undefined && problems.length === 0) return { ...base, status: 'passed', durationMs };
  const reasons = [failure === undefined ? undefined : describe(failure), ...problems].filter(Boolean);
  const code = isVirtkitError(failure) ? failure.code : (failure as { code?: string } | undefined)?.code;
  return { ...base, status: 'failed', reason: reasons.join('; '), durationMs, ...(code ? { code } : {}) };
}

/** Instances still listed after cleanup on any driver the test used, plus what the driver's own leak check finds. */
async function leftBehind(kit: KitContext, leakCheck?: (d: DriverBase) => Promise<string[]>): Promise<string[]> {
  const problems: string[] = [];
  const many = kit.drivers.length > 1;
  for (const [i, driver] of kit.drivers.entries()) {
    const where = many ? ` on ${driverLabel(driver, i)}` : '';
    try {
      const uuids: string[] = await driver.listInstanceUuids(kit.ctx);
      if (uuids.length > 0) {
        problems.push(`left behind after destroy${where}: ${uuids.length} instance(s) (${uuids.slice(0, 3).join(', ')})`);
        for (const uuid of uuids) await driver.destroy(kit.ctx, { instance: { uuid } }).catch(() => undefined);
      }
      if (leakCheck) problems.push(...(await leakCheck(driver)).map((p) => `${p}${where}`));
    } catch (error) {
      problems.push(`leak check failed${where}: ${describe(error)}`);
    }
  }
  return problems;
}

function describe(error: unknown): string {
  if (isVirtkitError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test '${name}' did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
