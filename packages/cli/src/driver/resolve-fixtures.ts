import type { ConformanceFixtures } from '@virtkit/conformance';
import type { DriverDefinition } from '@virtkit/core';
import { CliError } from '../errors/cli-error.js';

/** What a driver definition's `conformance` field may hold. */
export type FixturesSource = ConformanceFixtures | (() => ConformanceFixtures | Promise<ConformanceFixtures>);

/**
 * The kit fixtures a driver definition declares: its `conformance` field,
 * either a fixtures object or a function returning (a promise of) one.
 *
 * @returns the fixtures, or `undefined` when the driver declares none.
 * @throws `FIXTURES_FAILED` when the function throws or the value is not an object.
 */
export async function resolveFixtures(
  definition: Pick<DriverDefinition, 'name' | 'conformance'>,
): Promise<ConformanceFixtures | undefined> {
  const source = definition.conformance as FixturesSource | undefined | null;
  if (source === undefined || source === null) return undefined;
  let value: unknown;
  try {
    value = typeof source === 'function' ? await source() : source;
  } catch (error) {
    throw new CliError(
      'FIXTURES_FAILED',
      `the conformance fixtures of driver '${definition.name}' failed: ` +
        `${error instanceof Error ? error.message : String(error)}`,
      {
        hint:
          "fix the driver's `conformance` fixtures function (it may need a resource, such as a test image, that " +
          'is missing here)',
        cause: error,
      },
    );
  }
  if (typeof value !== 'object' || value === null) {
    throw new CliError('FIXTURES_FAILED', `the conformance fixtures of driver '${definition.name}' are not an object`, {
      hint: "a driver's `conformance` field is a ConformanceFixtures object or a function returning one",
    });
  }
  return value as ConformanceFixtures;
}
