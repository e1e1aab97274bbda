import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the hardening tests leave their figures (gitignored); `node scripts/reliability-report.mjs` prints them. */
const RELIABILITY_DIR = join(__dirname, '..', '..', '.cache', 'reliability');

/**
 * Write one section of the reliability figures, one file per section so
 * that jest workers running in parallel never write the same file.
 */
export function recordReliability(section: string, figures: Record<string, unknown>): void {
  mkdirSync(RELIABILITY_DIR, { recursive: true });
  const body = {
    section,
    measuredAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    ...figures,
  };
  writeFileSync(join(RELIABILITY_DIR, `${section}.json`), JSON.stringify(body, null, 2) + '\n');
}
