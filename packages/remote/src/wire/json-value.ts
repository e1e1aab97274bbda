import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
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
