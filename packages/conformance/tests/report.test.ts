import {
  formatReport,
  runConformance,
  unverifiedCapabilities,
  type ConformanceReport,
  diffMaps,
} from '@virtkit/conformance';
import { TinyDriver } from './helpers/tiny-driver';

/** Pause that changes nothing: gives the report failures next to passes and skips. */
class NoopPauseDriver extends TinyDriver {
  protected override async _pause(): Promise<void> {}
}

let report: ConformanceReport;

beforeAll(async () => {
  report = await runConformance({
    factory: () => new NoopPauseDriver({ hostname: 'tiny-host' }),
    only: ['lifecycle', 'lifecycle.pause', 'volume', 'volume.extend'],
    skip: ['volume'],
  });
});

describe('the conformance report', () => {
  it('has passed, failed and skipped results whose counts make the summary', () => {
    const count = (s: string): number => report.results.filter((r) => r.status === s).length;
    const unverified = count('unverified');
    expect(report.summary).toEqual({
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      ...(unverified > 0 ? { unverified } : {}),
    });
    expect(report.summary.passed).toBeGreaterThan(0);
    expect(report.summary.failed).toBeGreaterThan(0);
    expect(report.summary.skipped).toBeGreaterThanOrEqual(1);
  });

  it('as text, ends with exactly `N passed, N failed, N skipped`', () => {
    const text = formatReport(report);
    const lines = text.split('\n');
    const { passed, failed, skipped, unverified } = report.summary;
    expect(lines[lines.length - 1]).toBe(
      `${passed} passed, ${failed} failed, ${skipped} skipped${unverified ? `, ${unverified} unverified` : ''}`,
    );
    expect(lines[lines.length - 1]).toMatch(/^\d+ passed, \d+ failed, \d+ skipped(, \d+ unverified)?$/);
    expect(text).toMatch(/^ {2}FAIL pause and unpause, both ways \(\d+ ms\) -- .*PAUSED/m);
    expect(text).toMatch(/^ {2}skip not advertised: 3 call\(s\) answer NOT_SUPPORTED \(0 ms\) -- skipped by --skip$/m);
    expect(text).toMatch(/^capability\s+passed\s+failed\s+skipped$/m);
    expect(text).not.toContain('\u001b[');
  });

  it('as JSON, has driver, capabilities, results (capability, name, status, reason, durationMs) and summary', () => {
    const json = JSON.parse(JSON.stringify(report));
    expect(json.driver).toEqual({ name: 'tiny', version: '1.2.3' });
    expect(json.capabilities).toEqual(['lifecycle', 'lifecycle.pause']);
    expect(json.summary).toEqual(report.summary);
    expect(typeof json.contractVersion).toBe('string');
    for (const r of json.results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['capability', 'name', 'status', 'durationMs']));
      expect(['passed', 'failed', 'skipped', 'unverified']).toContain(r.status);
      expect(typeof r.durationMs).toBe('number');
      if (r.status === 'passed') expect(r.reason).toBeUndefined();
      else expect(typeof r.reason).toBe('string');
    }
    expect(json.results.find((r: { capability: string }) => r.capability === 'volume')).toMatchObject({
      status: 'skipped',
      reason: 'skipped by --skip',
    });
    expect(json.results.find((r: { capability: string }) => r.capability === 'volume.extend')).toMatchObject({
      status: 'passed',
    });
  });
});

describe('unverified capabilities', () => {
  it('are none when every advertised capability ran a behaviour test (a skipped negative test does not count)', () => {
    expect(report.unverified).toEqual([]);
    expect(formatReport(report)).not.toMatch(/^unverified/m);
  });

  it('are the advertised capabilities whose behaviour tests were all skipped, in the JSON and the text', async () => {
    const skipped = await runConformance({
      factory: () => new TinyDriver({ hostname: 'tiny-host' }),
      only: ['lifecycle', 'lifecycle.pause'],
      skip: ['lifecycle.pause'],
    });
    expect(skipped.unverified).toEqual(['lifecycle.pause']);
    expect(JSON.parse(JSON.stringify(skipped)).unverified).toEqual(['lifecycle.pause']);
    const lines = formatReport(skipped).split('\n');
    expect(lines).toContain('unverified (every behaviour test skipped or unverified): lifecycle.pause');
    const { passed, failed, skipped: n, unverified } = skipped.summary;
    expect(lines[lines.length - 1]).toBe(
      `${passed} passed, ${failed} failed, ${n} skipped${unverified ? `, ${unverified} unverified` : ''}`,
    );
  });

  it('do not include a capability with at least one behaviour test that ran, nor negative tests', () => {
    const t = (name: string) => ({ name, run: async () => undefined });
    expect(
      unverifiedCapabilities([
        { capability: 'lifecycle', kind: 'behaviour', test: t('a'), skipReason: 'needs fixture x' },
        { capability: 'lifecycle', kind: 'behaviour', test: t('b') },
        { capability: 'lifecycle.pause', kind: 'behaviour', test: t('c'), skipReason: 'skipped by --skip' },
        { capability: 'volume', kind: 'negative', test: t('d'), skipReason: 'skipped by --skip' },
      ]),
    ).toEqual(['lifecycle.pause']);
  });
});

describe('a changed capability map', () => {
  it('is reported with the keys that changed', () => {
    expect(
      diffMaps(
        { capabilities: { a: true, b: false }, features: { x: 'supported' } },
        { capabilities: { a: false, b: false }, features: { x: 'supported', y: 'unknown' } },
      ),
    ).toEqual(['capabilities.a: true -> false', 'features.y: undefined -> "unknown"']);
  });
});
