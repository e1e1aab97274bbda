/**
 * Any value as text for a report or a secret scan: strings as they are, other
 * primitives as `String` writes them, an error as `Name: message`, a function
 * by its name, an array joined with commas (as `String` does), any other object
 * as JSON (or its tag when it cannot be serialized). Never throws.
 */
export function textOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name}]`;
    default:
      return objectText(value as object | null);
  }
}

function objectText(value: object | null): string {
  if (value === null) return 'null';
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? '' : textOf(v))).join(',');
  try {
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
