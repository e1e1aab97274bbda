import { RecordFlag, type InstanceRecord } from './instance-record.js';
import { nowMs } from './clock.js';

/** Up to this many entries, a log grows by exact-size copies; past it, by `push` (amortized). */
const SMALL_LOG = 8;

/**
 * Append one line to the instance's console log, dropping the oldest lines
 * once the log passes `limit` bytes (the output is bounded). The line is kept
 * as its time and text and stamped only when the log is read: power calls
 * append on every call, and formatting the stamp there was most of their cost.
 */
export function appendLog(record: InstanceRecord, line: string, limit: number, now: number = nowMs()): void {
  const log = record.log;
  // Small logs (most instances: a boot, a power off) are exact-size arrays: `push` on a short array reserves 17
  // more slots, which every instance would keep (and the scavenger would copy) at 100k instances.
  if (log === undefined) record.log = [now, line];
  else if (log.length < SMALL_LOG * 2) record.log = [...log, now, line];
  else log.push(now, line);
  record.logBytes += entryBytes(now, line);
  const kept = record.log!;
  while (record.logBytes > limit && kept.length > 2) {
    // shift(), not splice(0, 2): V8 trims the front of an array in place for shift, splice copies the rest.
    const ms = kept.shift() as number;
    record.logBytes -= entryBytes(ms, kept.shift() as string);
    record.set(RecordFlag.LOG_TRUNCATED, true);
  }
}

/** The log's lines as the console shows them: `[   12.345] text`, oldest first. */
export function logLines(record: InstanceRecord): string[] {
  const log = record.log ?? [];
  const lines: string[] = [];
  for (let i = 0; i < log.length; i += 2) lines.push(stamped(log[i] as number, log[i + 1] as string));
  return lines;
}

function stamped(ms: number, line: string): string {
  return `[${(ms / 1000).toFixed(3).padStart(11)}] ${line}`;
}

/** UTF-8 bytes of the stamped line plus its newline, without building it. */
function entryBytes(ms: number, line: string): number {
  // The stamp is `[` + seconds with 3 decimals padded to 11 + `] `; wider only past ~115 days of uptime.
  const stampWidth = ms < 1e10 ? 11 : (ms / 1000).toFixed(3).length;
  return stampWidth + 3 + utf8Length(line) + 1;
}

/** `Buffer.byteLength(s)`, without the native call for ASCII (every line the driver writes itself). */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s);
  return s.length;
}
