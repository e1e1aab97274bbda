import type { DriverLogger } from '@virtkit/core';
import { textOf } from './text-of.js';

/** One line a driver logged. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

/**
 * The logger the kit hands every driver it makes (through the host API): it
 * keeps every line, so the kit can scan them for the secrets a test handed
 * the driver (admin passwords, console secrets, connection credentials).
 */
export class RecordingLogger implements DriverLogger {
  readonly lines: LoggedLine[] = [];

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#record('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#record('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#record('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#record('error', message, fields);
  }

  /** Lines that mention `secret` (in the message or any field, errors included). */
  mentioning(secret: string): LoggedLine[] {
    return this.lines.filter((line) => line.message.includes(secret) || render(line.fields).includes(secret));
  }

  #record(level: LoggedLine['level'], message: unknown, fields?: Record<string, unknown>): void {
    this.lines.push({ level, message: String(message), ...(fields === undefined ? {} : { fields }) });
  }
}

/** Fields as text, errors (message, stack, cause) included; never throws. */
function render(value: unknown, depth = 0): string {
  if (value === null || value === undefined || depth > 6) return '';
  if (typeof value !== 'object') return textOf(value);
  const parts: string[] = [];
  if (value instanceof Error)
    parts.push(value.message, value.stack ?? '', render((value as { cause?: unknown }).cause, depth + 1));
  try {
    for (const v of Object.values(value)) parts.push(render(v, depth + 1));
  } catch {
    parts.push(Object.prototype.toString.call(value));
  }
  return parts.join('\n');
}
