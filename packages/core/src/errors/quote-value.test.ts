import { DriverError, InstanceNotFoundError, InvalidStateError, NotFoundError, ValidationError } from './errors.js';
import { boundedText, quoteValue } from './quote-value.js';

// Issue #12 item 11: error messages quote request values bounded in length, with control characters escaped,
// so a 1 MiB value makes a short message and a newline cannot forge a log line.
const HUGE = 'x'.repeat(1 << 20);
const FORGE = 'id\n2026-12-04T10:00:00Z ERROR forged line\r\u0000\u2028';

describe('bounded, escaped messages', () => {
  it('boundedText and quoteValue cut at 80 characters with … and escape control characters', () => {
    expect(boundedText(HUGE)).toBe(`${'x'.repeat(80)}…`);
    expect(boundedText(FORGE)).toBe('id\\n2026-12-04T10:00:00Z ERROR forged line\\r\\u0000\\u2028');
    expect(quoteValue('a\nb')).toBe('"a\\nb"');
    expect(
      quoteValue({
        toString: () => {
          throw new Error('never read');
        },
      }),
    ).toBe('[object]');
    expect(quoteValue([1])).toBe('[array]');
  });

  it.each([
    ['NotFoundError', () => new NotFoundError('volume', HUGE + FORGE)],
    ['InstanceNotFoundError', () => new InstanceNotFoundError(FORGE + HUGE)],
    [
      'InvalidStateError',
      () => new InvalidStateError({ instanceUuid: FORGE, operation: 'pause', detail: HUGE + FORGE }),
    ],
    ['DriverError (hypervisor output)', () => new DriverError('spawn', HUGE + FORGE)],
    [
      'ValidationError (paths from request keys)',
      () => new ValidationError('spawn', [{ path: `metadata.${FORGE}${HUGE}`, messages: [FORGE] }]),
    ],
  ])('%s: no control character, bounded length', (_what, make) => {
    const error = make();
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(error.message).not.toMatch(/[\u0000-\u001f\u2028]/);
    expect(error.message.length).toBeLessThanOrEqual(2001);
  });
});
