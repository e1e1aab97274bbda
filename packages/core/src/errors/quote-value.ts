/** The longest request value an error message quotes; longer ones are cut and end in `…`. */
export const MAX_QUOTED_CHARS = 80;

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators: anything that could start a
// new log line or move a terminal's cursor.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text safe to put into an error message or a log line: control characters
 * escaped (`\n`, `\u0000`, ...) so a value cannot forge a log line, and at
 * most `max` characters (then cut, ending in `…`), so a 1 MiB value makes a
 * short message.
 */
export function boundedText(text: string, max = MAX_QUOTED_CHARS): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(CONTROL, escapeChar);
  return text.length > max ? `${escaped}…` : escaped;
}

/**
 * A request value quoted for an error message: strings in double quotes
 * through {@link boundedText}; numbers, booleans, null and undefined as
 * written; anything else by its kind only (`[object]`, `[array]`,
 * `[function]`), never by reading it: the value may be a hostile object.
 */
export function quoteValue(value: unknown, max = MAX_QUOTED_CHARS): string {
  switch (typeof value) {
    case 'string':
      return `"${boundedText(value, max)}"`;
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'bigint':
      return String(value);
    case 'function':
      return '[function]';
    case 'symbol':
      return '[symbol]';
    default:
      return value === null ? 'null' : Array.isArray(value) ? '[array]' : '[object]';
  }
}

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}
