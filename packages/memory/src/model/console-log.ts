import { RecordFlag, type InstanceRecord } from './instance-record.js';
import { nowMs } from './clock.js';

// Mutation testing: which lines a console log keeps is not fixed by the contract (only that it is the guest's
// console output), so no kit test can tell a log that kept one line from one that kept all.
// Stryker disable all: console log content is not fixed by the contract
/**
 * Append one line to the instance's console log, dropping the oldest lines
 * once the log passes `limit` bytes (the output is bounded). The line is kept
 * as its time and text and stamped only when the log is read: power calls
 * append on every call, and formatting the stamp there was most of their cost.
 */
export function appendLog(record: InstanceRecord, line: string, limit: number, now: number = nowMs()): void {
  let log = record.log;
  if (log === undefined) {
    // Room for two entries (a power off, then a power on) that never grows: `[]` plus `push` reserves 17 slots that
    // every instance would keep, and a copy on the second entry would make a new array to promote (100k instances).
    log = [now, line, 0, ''];
    log.length = 2; // V8 keeps the capacity of 4 when an array shrinks this little
    record.log = log;
  } else {
    log.push(now, line);
  }
  // Stryker restore all
  // Mutation testing: truncation is out of the kit's reach (the limit is this driver's configuration, not the
  // contract's, so no kit test fills a log to it).
  // Stryker disable all: log truncation, out of the kit's reach (the limit is configuration)
  record.logBytes += entryBytes(now, line);
  while (record.logBytes > limit && log.length > 2) {
    // shift(), not splice(0, 2): V8 trims the front of an array in place for shift, splice copies the rest.
    const ms = log.shift() as number;
    record.logBytes -= entryBytes(ms, log.shift() as string);
    record.set(RecordFlag.LOG_TRUNCATED, true);
  }
  // Stryker restore all
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
