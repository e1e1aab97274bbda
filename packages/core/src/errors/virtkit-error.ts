import { VIRTKIT_ERROR_CODES, type VirtkitErrorCode } from './codes.js';
import { boundedText } from './quote-value.js';

/** The longest message a virtkit error carries; longer ones are cut (the values they quote are bounded too). */
export const MAX_ERROR_MESSAGE_CHARS = 2000;

/** Options accepted by every virtkit error. */
export interface VirtkitErrorOptions {
  /** The underlying failure, kept for diagnosis. */
  cause?: unknown;
}

/**
 * Base class of every error virtkit throws. Match on `code`, never on the
 * message: codes are stable, messages are for humans.
 */
export class VirtkitError extends Error {
  readonly code: VirtkitErrorCode;

  constructor(code: VirtkitErrorCode, message: string, options: VirtkitErrorOptions = {}) {
    // Control characters escaped and length bounded: messages end up in logs, and request values
    // (names, ids, hypervisor output) must not forge log lines or make a 1 MiB message (issue #12).
    super(
      boundedText(message, MAX_ERROR_MESSAGE_CHARS),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.name = 'VirtkitError';
  }

  /** A JSON-safe view (no stack, no cause chain) for reports and logs. */
  toJSON(): { name: string; code: VirtkitErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** True for any virtkit error, optionally of one code; works across copies of core bundled by drivers. */
export function isVirtkitError(value: unknown, code?: VirtkitErrorCode): value is VirtkitError {
  if (value instanceof VirtkitError) return code === undefined || value.code === code;
  if (!(value instanceof Error)) return false;
  const c = (value as { code?: unknown }).code;
  // Another copy of core: same shape, a code from the table, a name ending in Error.
  return (
    typeof c === 'string' &&
    c in VIRTKIT_ERROR_CODES &&
    value.name.endsWith('Error') &&
    (code === undefined || c === code)
  );
}
