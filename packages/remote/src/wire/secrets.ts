import type { JsonValue } from '@bufbuild/protobuf';

/** Keys whose string values are secrets (same rule as core's redaction). */
export const SECRET_KEY_PATTERN = /pass(word|wd|phrase)?$|passw|secret|token|credential|private_?key|auth_?key/i;

/** The secret strings of a request: values of secret-looking keys, at any depth (bounded). */
export function secretsOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8 || value === null || typeof value !== 'object' || out.length > 64) return out;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') {
      if (v.length >= 3 && SECRET_KEY_PATTERN.test(key)) out.push(v);
    } else if (v !== null && typeof v === 'object') {
      secretsOf(v, out, depth + 1);
    }
  }
  return out;
}

/** A JSON value with secret-keyed strings and known secret strings replaced by `[redacted]`. */
export function redactJson(value: JsonValue, secrets: readonly string[], depth = 0): JsonValue {
  if (typeof value === 'string') {
    let out = value;
    for (const s of secrets) if (s.length > 0 && out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  }
  if (value === null || typeof value !== 'object' || depth > 16) return value;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, secrets, depth + 1));
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      typeof v === 'string' && SECRET_KEY_PATTERN.test(k)
        ? '[redacted]'
        : redactJson(v as JsonValue, secrets, depth + 1);
  }
  return out;
}
