/**
 * Opens the HTML matrix in headless Chromium (the Debian package at
 * /usr/bin/chromium; no browser is ever downloaded) and checks that it renders
 * and filters. Fails when Chromium is missing on CI; skips with a warning
 * elsewhere. Leaves a screenshot in tests/artifacts/matrix.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CAPABILITY_NAMES } from '@virtkit/core';
import { BROKEN_DRIVER, runCli, SAMPLE } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/use-temp-dirs.js';

/** One matrix row per capability, plus the `core` row. */
const ROWS = CAPABILITY_NAMES.length + 1;

const tempDir = useTempDirs();

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = resolve(__dirname, 'artifacts');
const haveChromium = existsSync(CHROMIUM);
const mustRun = haveChromium || Boolean(process.env.CI);
if (!mustRun)
  console.warn(
    `matrix-html.browser.test: skipped, ${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium)`,
  );

(mustRun ? describe : describe.skip)('matrix HTML in a browser', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!haveChromium)
      throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y --no-install-recommends chromium`);
    const file = join(tempDir('virtkit-html-'), 'matrix.html');
    const run = await runCli(['matrix', SAMPLE, BROKEN_DRIVER, '--format', 'html', '--verify', '--out', file]);
    expect(run.code).toBe(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(pathToFileURL(file).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const visibleRows = (): Promise<number> => page.locator('tr[data-capability]:visible').count();

  it('renders every capability row, the lifecycle row complete for the sample driver', async () => {
    expect(await visibleRows()).toBe(ROWS);
    const cell = page.locator('tr[data-capability="lifecycle"] td[data-driver="sample"]');
    expect(await cell.getAttribute('data-state')).toBe('complete');
    expect(await cell.innerText()).toContain('complete');
    expect(await cell.getAttribute('title')).toMatch(/^(\d+) of \1 kit tests passed/);
    const broken = page.locator('tr[data-capability="core"] td[data-driver="broken"]');
    expect(await broken.getAttribute('data-state')).toBe('partial');
    expect(await page.locator('#row-count').innerText()).toBe(`${ROWS} of ${ROWS} capabilities shown`);
  });

  it('saves a screenshot', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'matrix.png') });
    expect(existsSync(join(ARTIFACTS, 'matrix.png'))).toBe(true);
  });

  it('the header row and capability column stay in place when the table scrolls', async () => {
    const header = page.locator('thead th').first();
    const before = await header.boundingBox();
    await page.locator('.table-wrap').evaluate((el) => el.scrollTo(400, 600));
    const after = await header.boundingBox();
    expect(after?.y).toBeCloseTo(before!.y, 0);
    expect(after?.x).toBeCloseTo(before!.x, 0);
    await page.locator('.table-wrap').evaluate((el) => el.scrollTo(0, 0));
  });

  it('the family filter shows only that family', async () => {
    await page.selectOption('#family-filter', 'lifecycle');
    expect(await visibleRows()).toBe(7);
    expect(
      await page
        .locator('tr[data-capability]:visible')
        .evaluateAll((rows) => rows.every((r) => r.getAttribute('data-family') === 'lifecycle')),
    ).toBe(true);
    expect(await page.locator('tr[data-family-header="volume"]').isVisible()).toBe(false);
    await page.selectOption('#family-filter', '');
    expect(await visibleRows()).toBe(ROWS);
  });

  it('unchecking a state hides rows with no cell in that state', async () => {
    const before = await visibleRows();
    await page.uncheck('.state-filter input[value="missing"]');
    const after = await visibleRows();
    expect(after).toBeLessThan(before);
    // both drivers advertise only core, lifecycle and lifecycle.pause
    expect(after).toBe(3);
    for (const box of ['complete', 'partial', 'unknown']) await page.uncheck(`.state-filter input[value="${box}"]`);
    expect(await visibleRows()).toBe(0);
    expect(await page.locator('#empty').isVisible()).toBe(true);
    for (const box of ['complete', 'partial', 'missing', 'unknown'])
      await page.check(`.state-filter input[value="${box}"]`);
    expect(await visibleRows()).toBe(before);
  });
});
