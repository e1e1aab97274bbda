import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { ValidationError } from '@virtkit/core';
import { ValueSchema, type Value } from '@bufbuild/protobuf/wkt';

/**
 * A JavaScript value as a `google.protobuf.Value`: what `JSON.stringify`
 * would keep (undefined fields dropped, no functions). Absent for `undefined`.
 */
export function toValue(value: unknown): Value | undefined {
  if (value === undefined) return undefined;
  return fromJson(ValueSchema, toPlainJson(value));
}

/** The JavaScript value of a `google.protobuf.Value`; `undefined` when absent (a null stays null). */
export function fromValue(value: Value | undefined): unknown {
  if (value === undefined) return undefined;
  return toJson(ValueSchema, value);
}

/** JSON-safe copy (what JSON.stringify keeps): toJSON respected, undefined dropped. */
export function toPlainJson(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/** The wire feature (Describe's `wire_features`) of capability payloads as JSON text: see CallRequest.request_json. */
export const JSON_TEXT_FEATURE = 'json-text';

/** A JavaScript value as JSON text, what {@link toValue} would carry: `''` for `undefined`, `'null'` for a function. */
export function toJsonText(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value) ?? 'null';
}

/**
 * The JavaScript value of JSON text from the wire: `undefined` for `''`.
 * @throws `VALIDATION_FAILED` (naming `field`) when the text is not JSON
 */
export function fromJsonText(text: string, op: string, field: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(op, [{ path: field, messages: [`not JSON text: ${(error as Error).message}`] }]);
  }
}
