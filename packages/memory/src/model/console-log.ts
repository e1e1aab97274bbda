import type { InstanceRecord } from './instance-record.js';
import { nowMs } from './clock.js';

/**
 * Append one line to the instance's console log, dropping the oldest lines
 * once the log passes `limit` bytes (the output is bounded).
 */
export function appendLog(record: InstanceRecord, line: string, limit: number): void {
  const extras = record.more();
  const stamped = `[${(nowMs() / 1000).toFixed(3).padStart(11)}] ${line}`;
  const log = (extras.log ??= []);
  log.push(stamped);
  extras.logBytes += Buffer.byteLength(stamped) + 1;
  while (extras.logBytes > limit && log.length > 1) {
    extras.logBytes -= Buffer.byteLength(log.shift()!) + 1;
    extras.logTruncated = true;
  }
}
