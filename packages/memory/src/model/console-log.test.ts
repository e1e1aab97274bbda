import { appendLog, logLines } from './console-log.js';
import { InstanceRecord, RecordFlag } from './instance-record.js';

const AMOUNTS = { vcpus: 1, memoryMb: 64, diskGb: 1 };
const newRecord = (): InstanceRecord =>
  new InstanceRecord({ uuid: 'u', name: undefined, seq: 1, flavor: 'f', image: 'i' }, AMOUNTS);
const stamp = (ms: number, text: string): string => `[${(ms / 1000).toFixed(3).padStart(11)}] ${text}`;

/** The log as a plain list: every line kept, the oldest dropped while over the limit (never the last one). */
function modelLog(entries: readonly [number, string][], limit: number): { lines: string[]; truncated: boolean } {
  const lines: string[] = [];
  let bytes = 0;
  let truncated = false;
  for (const [ms, text] of entries) {
    lines.push(stamp(ms, text));
    bytes += Buffer.byteLength(stamp(ms, text)) + 1;
    while (bytes > limit && lines.length > 1) {
      bytes -= Buffer.byteLength(lines.shift()!) + 1;
      truncated = true;
    }
  }
  return { lines, truncated };
}

describe('the console log (first two lines in the record, the rest in an array)', () => {
  it('makes no array for a power off and a power on', () => {
    const record = newRecord();
    appendLog(record, 'power off', 1 << 20, 1500);
    appendLog(record, 'boot', 1 << 20, 2750);
    expect(record.log).toBeUndefined();
    expect(logLines(record)).toEqual([stamp(1500, 'power off'), stamp(2750, 'boot')]);
    appendLog(record, 'power off', 1 << 20, 3000);
    expect(record.log).toEqual([3000, 'power off']);
  });

  it('keeps the same lines as a plain list would, at every limit, and copies them with the record', () => {
    const texts = ['power off', 'boot', 'ACPI shutdown', 'héllo wörld', 'interface 52:54:00:00:00:01 attached'];
    for (const limit of [1, 30, 60, 100, 250, 1000]) {
      const record = newRecord();
      const entries: [number, string][] = [];
      for (let i = 0; i < 40; i++) {
        const entry: [number, string] = [i * 997, texts[(i * 7) % texts.length]!];
        entries.push(entry);
        appendLog(record, entry[1], limit, entry[0]);
        const model = modelLog(entries, limit);
        expect(logLines(record)).toEqual(model.lines);
        expect(record.has(RecordFlag.LOG_TRUNCATED)).toBe(model.truncated);
      }
      const copy = record.cloneAs(2);
      expect(logLines(copy)).toEqual(logLines(record));
      appendLog(copy, 'only in the copy', limit, 99_999);
      expect(logLines(record)).toEqual(modelLog(entries, limit).lines);
    }
  });
});
