import { randomUUID } from 'node:crypto';
import { isUUID } from 'class-validator';
import { UUID_ALL, isAnyUuid } from './uuid-pattern.js';

// Issue 16, sixth pass: a character check answers the common UUIDs before the regex. It may only say yes where
// validator.js's pattern (what `@IsUUID()` runs) says yes; everything else is the regex's answer.
const BASE = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';

/** Every single-character change of a UUID at every position, to characters near the edges of each class. */
function mutations(uuid: string): string[] {
  const chars = ['0', '9', 'a', 'f', 'A', 'F', 'g', 'G', '-', ' ', '\u0018', '\u0019', '\u0000', '/', ':', '@', '`'];
  chars.push('\u00e9', '\u0661', '\uff10', '8', 'b', 'B', '1', '7', '9');
  const out: string[] = [];
  for (let i = 0; i < uuid.length; i++) for (const c of chars) out.push(uuid.slice(0, i) + c + uuid.slice(i + 1));
  return out;
}

describe('isAnyUuid', () => {
  it('answers as the pattern and as class-validator do', () => {
    const corpus = [
      BASE,
      BASE.toUpperCase(),
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      '00000000-0000-0000-0000-000000000001',
      '',
      BASE.slice(1),
      `${BASE}0`,
      `${BASE}\n`,
      ` ${BASE}`,
      BASE.replaceAll('-', ''),
      ...Array.from({ length: 200 }, () => randomUUID()),
      ...mutations(BASE),
      ...mutations('00000000-0000-0000-0000-000000000000'),
      ...mutations('ffffffff-ffff-ffff-ffff-ffffffffffff'),
    ];
    for (const s of corpus) {
      const expected = UUID_ALL.test(s);
      if (isAnyUuid(s) !== expected || isUUID(s) !== expected)
        throw new Error(`disagree on ${JSON.stringify(s)}: ${isAnyUuid(s)} / pattern ${expected} / ${isUUID(s)}`);
    }
  });

  it('knows every version 1-8 and variant digit, and no other', () => {
    for (let v = 0; v < 128; v++) {
      for (const variant of '0123456789abcdefABCDEF\u0018') {
        const s = `${BASE.slice(0, 14)}${String.fromCharCode(v)}${BASE.slice(15, 19)}${variant}${BASE.slice(20)}`;
        expect([s, isAnyUuid(s)]).toEqual([s, UUID_ALL.test(s)]);
      }
    }
  });
});
