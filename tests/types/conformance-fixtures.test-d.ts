// Type tests: kit fixtures typed ConformanceFixtures go straight into a driver definition (#17), compiled against dist.
import { expectTypeOf } from 'expect-type';
import { defineDriverClass, type ConformanceFixturesSource } from '@virtkit/core';
import type { ConformanceFixtures } from '@virtkit/conformance';
import { MemoryDriver } from '@virtkit/memory';

declare const fixtures: ConformanceFixtures;

// a variable typed ConformanceFixtures is assignable to the definition's `conformance` field, no spread or cast
defineDriverClass(MemoryDriver, { conformance: fixtures });
// and so is a function preparing them
defineDriverClass(MemoryDriver, { conformance: async (): Promise<ConformanceFixtures> => fixtures });
expectTypeOf(fixtures).toMatchTypeOf<ConformanceFixturesSource>();

// @ts-expect-error -- the field still takes objects only, not a bare value
defineDriverClass(MemoryDriver, { conformance: 42 });
