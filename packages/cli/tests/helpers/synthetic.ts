import type { ConformanceReport, TestResult } from '@virtkit/conformance';
import {
  CAPABILITY_NAMES,
  FEATURE_FLAGS,
  type CapabilityMap,
  type CapabilityName,
  type FeatureFlag,
  type FeatureState,
} from '@virtkit/core';

/** A capability map advertising `caps`, for matrix tests that need no real driver. */
export function fakeMap(
  name: string,
  caps: readonly CapabilityName[],
  features: Partial<Record<FeatureFlag, FeatureState>> = {},
): CapabilityMap {
  return {
    contractVersion: '1.0.0',
    driver: { name, version: '9.9.9' },
    capabilities: Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, caps.includes(c)])) as Record<
      CapabilityName,
      boolean
    >,
    features: Object.fromEntries(
      Object.keys(FEATURE_FLAGS).map((f) => [f, features[f as FeatureFlag] ?? 'unsupported']),
    ) as Record<FeatureFlag, FeatureState>,
    imageTypes: [],
  };
}

/** A kit report made of the given results. */
export function fakeReport(map: CapabilityMap, results: TestResult[]): ConformanceReport {
  const n = (s: TestResult['status']): number => results.filter((r) => r.status === s).length;
  return {
    driver: map.driver,
    contractVersion: map.contractVersion,
    capabilities: [],
    results,
    summary: { passed: n('passed'), failed: n('failed'), skipped: n('skipped') },
    durationMs: 1,
  };
}

/** One kit result. */
export function result(
  capability: TestResult['capability'],
  name: string,
  status: TestResult['status'],
  reason?: string,
): TestResult {
  return { capability, name, status, durationMs: 1, ...(reason ? { reason } : {}) };
}
