import type { InstanceRecord } from './instance-record.js';
import type { InstanceExtras } from './instance-extras.js';
import { nowMs } from './clock.js';

/**
 * Append one line to the instance's console log, dropping the oldest lines
 * once the log passes `limit` bytes (the output is bounded). The line is kept
 * as its time and text and stamped only when the log is read: power calls
 * append on every call, and formatting the stamp there was most of their cost.
 */
export function appendLog(record: InstanceRecord, line: string, limit: number, now: number = nowMs()): void {
  const extras = record.more();
  const log = (extras.log ??= []);
  log.push(now, line);
  extras.logBytes += entryBytes(now, line);
  while (extras.logBytes > limit && log.length > 2) {
    // shift(), not splice(0, 2): V8 trims the front of an array in place for shift, splice copies the rest.
    const ms = log.shift() as number;
    extras.logBytes -= entryBytes(ms, log.shift() as string);
    extras.logTruncated = true;
  }
}

/** The log's lines as the console shows them: `[   12.345] text`, oldest first. */
export function logLines(extras: InstanceExtras | undefined): string[] {
  const log = extras?.log ?? [];
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
  return stampWidth + 3 + Buffer.byteLength(line) + 1;
}
