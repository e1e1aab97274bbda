import { RecordFlag, type InstanceRecord } from './instance-record.js';
import { nowMs } from './clock.js';

// Mutation testing: which lines a console log keeps is not fixed by the contract (only that it is the guest's
// console output), so no kit test can tell a log that kept one line from one that kept all.
// Stryker disable all: console log content is not fixed by the contract
/**
 * Append one line to the instance's console log, dropping the oldest lines
 * once the log passes `limit` bytes (the output is bounded; the newest line
 * is always kept). The line is kept as its time and text and stamped only
 * when the log is read: power calls append on every call, and formatting the
 * stamp there was most of their cost. The first two lines go to the record's
 * own fields (`log0`, `log1`), later ones to its `log` array: a power off
 * and a power on make no object.
 */
export function appendLog(record: InstanceRecord, line: string, limit: number, now: number = nowMs()): void {
  if (record.log0 === undefined) {
    record.log0At = now;
    record.log0 = line;
  } else if (record.log1 === undefined) {
    record.log1At = now;
    record.log1 = line;
  } else if (record.log === undefined) {
    record.log = [now, line];
  } else {
    record.log.push(now, line);
  }
  // Stryker restore all
  // Mutation testing: truncation is out of the kit's reach (the limit is this driver's configuration, not the
  // contract's, so no kit test fills a log to it).
  // Stryker disable all: log truncation, out of the kit's reach (the limit is configuration)
  record.logBytes += entryBytes(now, line);
  while (record.logBytes > limit && record.log1 !== undefined) dropOldest(record);
}
// Stryker restore all

// Stryker disable all: log truncation, out of the kit's reach (above)
/** Drop the oldest line (there are at least two): the second moves to the first fields, the array's first up. */
function dropOldest(record: InstanceRecord): void {
  record.logBytes -= entryBytes(record.log0At, record.log0!);
  record.log0At = record.log1At;
  record.log0 = record.log1;
  const log = record.log;
  if (log === undefined || log.length === 0) {
    record.log1 = undefined;
  } else {
    // shift(), not splice(0, 2): V8 trims the front of an array in place for shift, splice copies the rest.
    record.log1At = log.shift() as number;
    record.log1 = log.shift() as string;
  }
  record.set(RecordFlag.LOG_TRUNCATED, true);
}
// Stryker restore all

/** The log's lines as the console shows them: `[   12.345] text`, oldest first. */
export function logLines(record: InstanceRecord): string[] {
  // Stryker disable next-line ArrayDeclaration: a line of the driver's own before the log (content is the driver's)
  const lines: string[] = [];
  if (record.log0 !== undefined) lines.push(stamped(record.log0At, record.log0));
  if (record.log1 !== undefined) lines.push(stamped(record.log1At, record.log1));
  const log = record.log ?? [];
  for (let i = 0; i < log.length; i += 2) lines.push(stamped(log[i] as number, log[i + 1] as string));
  return lines;
}

function stamped(ms: number, line: string): string {
  return `[${(ms / 1000).toFixed(3).padStart(11)}] ${line}`;
}

// Stryker disable all: the byte count only drives the truncation, out of the kit's reach (above)
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
// Stryker restore all
