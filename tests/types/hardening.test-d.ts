// Type tests for the hardening API of issue #12, compiled against the built packages.
import { expectTypeOf } from 'expect-type';
import {
  AbortedError,
  TimeoutError,
  boundedText,
  checkContext,
  needsReconciliation,
  quoteValue,
  type DriverBase,
  type OperationContext,
} from '@virtkit/core';

declare const driver: DriverBase;
expectTypeOf(needsReconciliation(driver, '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f')).toEqualTypeOf<boolean>();
expectTypeOf(new TimeoutError('x').abandoned).toEqualTypeOf<boolean>();
expectTypeOf(new AbortedError('x', { abandoned: true }).abandoned).toEqualTypeOf<boolean>();
expectTypeOf(checkContext(undefined, 'op')).toEqualTypeOf<OperationContext>();
expectTypeOf(boundedText('x')).toEqualTypeOf<string>();
expectTypeOf(quoteValue(1)).toEqualTypeOf<string>();

// @ts-expect-error -- abandoned is read-only: set by the SDK
new TimeoutError('x').abandoned = true;
// @ts-expect-error -- a signal must be an AbortSignal, not a look-alike
const fake: OperationContext = { signal: { aborted: false } };
void fake;
// @ts-expect-error -- the deadline is a number of epoch milliseconds
const late: OperationContext = { deadline: '2030-01-01' };
void late;
