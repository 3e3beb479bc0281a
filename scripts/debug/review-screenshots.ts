/**
 * Screenshots of the review application for the README: the collection, and a PDF document with a cell
 * selected (its box highlighted on the page). Runs against a server that is already up.
 *
 *   npx ogi serve --db out/ogi.sqlite &
 *   npm run build && node dist/scripts/debug/review-screenshots.js --url http://127.0.0.1:8377 --q 000_e7764d80f1cd94c2.text --cell 'sec3|granted|natural' --out docs/screenshots
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8377' },
    q: { type: 'string', default: '.pdf' },
    cell: { type: 'string', default: 'sec3|granted|total' },
    out: { type: 'string', default: 'docs/screenshots' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
mkdirSync(values.out, { recursive: true });
const browser = await chromium.launch({
  executablePath: values.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(values.url);
await page.screenshot({ path: join(values.out, 'collection.png') });
await page.goto(`${values.url}/?q=${encodeURIComponent(values.q)}`);
await Promise.all([page.waitForURL(/\/documents\//), page.click('table.docs tbody a')]);
await page.locator('.page img').first().waitFor();
await page.click(`td[data-cell="${values.cell}"]`);
await page.waitForTimeout(1500);
await page.screenshot({ path: join(values.out, 'document.png') });
await browser.close();
console.log(`wrote ${join(values.out, 'collection.png')} and ${join(values.out, 'document.png')}`);
