/** Request keys whose string values are secrets (passwords, tokens, volume credentials). */
export const SECRET_KEY_PATTERN = /pass(word|wd|phrase)?$|passw|secret|token|credential|private_?key|auth_?key/i;

const REDACTED = '[redacted]';

/** The secret strings of a request: values of secret-looking keys, at any depth (bounded). */
export function secretsIn(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8 || value === null || typeof value !== 'object' || out.length > 64) return out;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') {
      if (v.length >= 3 && SECRET_KEY_PATTERN.test(key)) out.push(v);
    } else if (v !== null && typeof v === 'object') {
      secretsIn(v, out, depth + 1);
    }
  }
  return out;
}

/**
 * Remove the request's secrets from an error's message and from the messages
 * of its causes (a hypervisor error may echo a command line that held a
 * password). Returns the same error, edited in place.
 */
export function redactSecrets<E extends Error>(error: E, secrets: readonly string[]): E {
  if (secrets.length === 0) return error;
  const forms = secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]);
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    let message = current.message;
    for (const form of forms)
      if (form.length > 0 && message.includes(form)) message = message.split(form).join(REDACTED);
    if (message !== current.message) {
      current.message = message;
      if (typeof current.stack === 'string') current.stack = `${current.name}: ${message}`;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

/**
 * The message of a failure to log while handling `request` (a compensating
 * step that failed): an Error's message with the request's secrets removed
 * (the error is edited in place, as {@link redactSecrets} does), anything
 * else as a string.
 */
export function loggableMessage(error: unknown, request: unknown): string {
  return error instanceof Error ? redactSecrets(error, secretsIn(request)).message : String(error);
}
