/**
 * The review application in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core; `.ci/run` installs it when missing). Open the collection, filter it, open a PDF, select
 * a flagged cell and see its box highlighted on the page image, submit a correction, see the finding
 * resolved, export and find the corrected value; a report titled with a script runs nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../src/commands/serve.js';
import { assertBuilt, runCli } from './helpers/cli.js';
import { makeReviewFixture } from './helpers/review.js';
import type { ReviewFixture } from './helpers/review.js';

const CHROMIUM = process.env.OGI_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// CI installs Chromium and sets OGI_REQUIRE_BROWSER: there, a missing browser fails instead of skipping.
if (!available && process.env.OGI_REQUIRE_BROWSER) throw new Error(`Chromium is required for the browser tests and is not at ${CHROMIUM}`);
if (!available) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set OGI_CHROMIUM)`);

let fx: ReviewFixture;
let base: string;
let close: () => Promise<void>;
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  assertBuilt();
  fx = makeReviewFixture();
  const s = await serve({ db: fx.db, host: '127.0.0.1', port: 0, open: false, reviewer: 'tester', lockTimeoutS: 5, stdout: { write: () => true } as unknown as NodeJS.WritableStream });
  base = s.url.replace(/\/$/, '');
  close = s.close;
  // The flags this machine's closed network needs (no background connections), as root without a sandbox.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(base + path);
  return page;
}

describe.skipIf(!available)('review in the browser', () => {
  it('opens the collection and filters it', async () => {
    const page = await openPage('/');
    expect(await page.locator('table.docs tbody tr').count()).toBe(4);
    await page.selectOption('select[name=status]', 'findings');
    await Promise.all([page.waitForURL(/status=findings/), page.click('form.filters button[type=submit]')]);
    const statuses = await page.locator('table.docs tbody tr td:nth-child(5)').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s.includes('findings'))).toBe(true);
    await page.close();
  });

  it('highlights a flagged cell on the page image, corrects it, shows the finding resolved, and exports the corrected value', async () => {
    const page = await openPage('/?q=flagged');
    await Promise.all([page.waitForURL(/\/documents\//), page.click('table.docs tbody a')]);
    const key = 'sec3|granted|total';
    const td = page.locator(`td[data-cell="${key}"]`);
    expect(await td.getAttribute('class')).toContain('flagged');
    await page.locator(`.page img`).first().waitFor();
    await td.click();
    const box = page.locator(`.box[data-cell="${key}"]`);
    await expect.poll(async () => box.getAttribute('class')).toContain('sel');
    // Scrolled into the source pane's view, and drawn over the page image.
    await expect.poll(async () => box.isVisible()).toBe(true);
    const pane = await page.locator('.source').boundingBox();
    await expect
      .poll(async () => {
        const b = await box.boundingBox();
        return b !== null && pane !== null && b.y >= pane.y && b.y + b.height <= pane.y + pane.height;
      })
      .toBe(true);
    // Clicking a box selects its cell.
    const other = page.locator('.box[data-cell="sec3|new_received|total"]');
    await other.scrollIntoViewIfNeeded();
    await other.click();
    expect(await page.locator('td[data-cell="sec3|new_received|total"]').getAttribute('class')).toContain('sel');

    await td.click();
    const extracted = Number(await td.textContent());
    await page.fill('#c-value', String(extracted - 1));
    await page.fill('#c-reason', '总计 misprinted: the row adds up to one less');
    await Promise.all([page.waitForEvent('load'), page.click('#correction button[type=submit]')]);
    expect(await page.locator(`td[data-cell="${key}"]`).getAttribute('class')).toContain('m-corrected');
    const rowSum = page.locator('ul.findings li', { hasText: 'sec3/row-sum' }).first();
    expect(await rowSum.getAttribute('class')).toContain('resolved');
    await page.close();

    const out = join(fx.dir, 'browser-export');
    expect(runCli(['export', '--db', fx.db, '--out', out]).code).toBe(0);
    const cells = parse(readFileSync(join(out, 'cells.csv')), { bom: true, columns: true }) as Record<string, string>[];
    expect(cells.find((c) => c.file === 'flagged.pdf' && c.table === 'sec3' && c.row === 'granted' && c.col === 'total')).toMatchObject({
      value: String(extracted - 1),
      method: 'corrected',
      extracted_value: String(extracted),
    });
  });

  it('runs nothing from a report titled with a script', async () => {
    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${base}/?q=hostile`);
    await Promise.all([page.waitForURL(/\/documents\//), page.click('table.docs tbody a')]);
    expect(await page.locator('h1').textContent()).toContain('<script>alert(1)</script>');
    await page.waitForTimeout(200);
    expect(dialogs).toBe(0);
    await page.close();
  });
});
