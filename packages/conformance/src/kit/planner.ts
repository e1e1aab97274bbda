import { CAPABILITY_METHODS, CAPABILITY_NAMES, type CapabilityMap, type CapabilityName } from '@virtkit/core';
import { ALL_SUITES } from '../suites/index.js';
import { negativeTest } from '../suites/negative.js';
import type { KitTest } from './suite.js';
import type { ConformanceOptions, SuiteName } from './types.js';

/** One test of the plan, with the reason when it will be skipped. */
export interface PlannedTest {
  readonly capability: SuiteName;
  readonly test: KitTest;
  readonly kind: 'behaviour' | 'negative';
  readonly skipReason?: string;
  /** Set when the fixtures cannot drive what the test checks: it is reported `unverified` without running. */
  readonly unverifiedReason?: string;
}

/**
 * Plan the kit from a capability map: every advertised capability runs its
 * behaviour tests; every capability that is not advertised runs a negative
 * test (each of its calls must answer NOT_SUPPORTED). An advertised
 * capability the kit has no tests for is a planned failure, never a pass.
 */
export function planConformance(
  map: CapabilityMap,
  options: Pick<ConformanceOptions, 'only' | 'skip' | 'fixtures'> = {},
): PlannedTest[] {
  const plan: PlannedTest[] = [];
  const advertised = (c: CapabilityName): boolean => map.capabilities[c] === true;
  const selected = (c: SuiteName): boolean => c === 'core' || !options.only || options.only.includes(c);
  const skipped = (c: SuiteName): boolean => c !== 'core' && (options.skip?.includes(c) ?? false);
  const order: SuiteName[] = ['core', ...CAPABILITY_NAMES];
  for (const capability of order) {
    if (!selected(capability)) continue;
    if (capability !== 'core' && !advertised(capability)) {
      plan.push({
        capability,
        test: negativeTest(capability, CAPABILITY_METHODS[capability]),
        kind: 'negative',
        skipReason: skipped(capability) ? 'skipped by --skip' : undefined,
      });
      continue;
    }
    const suites = ALL_SUITES.filter((s) => s.capability === capability);
    const flag = (f: 'combinedWalks'): boolean => options.fixtures?.[f] === true;
    const tests = suites
      .flatMap((s) => s.tests)
      .filter(
        (t) => (t.onlyWith === undefined || flag(t.onlyWith)) && (t.unlessWith === undefined || !flag(t.unlessWith)),
      );
    if (tests.length === 0) {
      plan.push({
        capability,
        kind: 'behaviour',
        test: {
          name: 'has kit tests',
          run: async () => {
            throw new Error(`the kit has no tests for advertised capability '${capability}'`);
          },
        },
      });
      continue;
    }
    for (const test of tests) {
      const skipReason = skipReasonFor(capability, test, advertised, skipped(capability), options, map.features);
      const failures = options.fixtures?.failures as Record<string, unknown> | undefined;
      const unverifiedReason =
        skipReason === undefined &&
        test.failureFixture !== undefined &&
        typeof failures?.[test.failureFixture] !== 'function'
          ? `the driver's kit fixtures cannot make it fail (no fixtures.failures.${test.failureFixture})`
          : undefined;
      plan.push({ capability, test, kind: 'behaviour', skipReason, ...(unverifiedReason ? { unverifiedReason } : {}) });
    }
  }
  return plan;
}

function skipReasonFor(
  capability: SuiteName,
  test: KitTest,
  advertised: (c: CapabilityName) => boolean,
  skippedByUser: boolean,
  options: Pick<ConformanceOptions, 'fixtures'>,
  features: CapabilityMap['features'],
): string | undefined {
  if (skippedByUser) return 'skipped by --skip';
  const missing = (test.requires ?? []).filter((c) => !advertised(c));
  if (missing.length > 0) return `needs ${missing.join(', ')}, which the driver does not advertise`;
  if (test.requiresAny && !test.requiresAny.some((c) => advertised(c)))
    return `needs one of ${test.requiresAny.join(', ')}, which the driver does not advertise`;
  const absent = (test.needs ?? []).filter((f) => options.fixtures?.[f] === undefined);
  if (absent.length > 0) return `needs fixture ${absent.join(', ')}, which the driver's kit fixtures do not provide`;
  const flags = (test.features ?? []).filter((f) => features[f] !== 'supported');
  if (flags.length > 0) return `needs feature ${flags.join(', ')}, which the driver does not declare 'supported'`;
  void capability;
  return undefined;
}
