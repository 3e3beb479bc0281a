/**
 * The review server's response times on a collection: time to first byte (fetch, in-process server) and
 * time to a rendered page (headless Chromium's load event) for the collection's first page, a filtered
 * and sorted page, and a PDF document page — each the median of several requests after one warm-up.
 *
 *   npm run build && node dist/scripts/bench/bench-serve.js --db /tmp/c20k.sqlite --pdf 000_e7764d80f1cd94c2.text.pdf
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { serve } from '../../src/commands/serve.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    pdf: { type: 'string', default: '.pdf' },
    runs: { type: 'string', default: '7' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
if (!values.db) throw new Error('--db is required');
const runs = Number(values.runs);
const server = await serve({ db: values.db, host: '127.0.0.1', port: 0, open: false, reviewer: 'bench', lockTimeoutS: 5, stdout: { write: () => true } as unknown as NodeJS.WritableStream });
const base = server.url.replace(/\/$/, '');
const list = (await (await fetch(`${base}/api/documents?q=${encodeURIComponent(values.pdf)}`)).json()) as { total: number; documents: { id: string }[] };
const total = ((await (await fetch(`${base}/api/documents`)).json()) as { total: number }).total;
const pdfId = list.documents[0]?.id;
if (!pdfId) throw new Error(`no document matching ${values.pdf}`);
const pages: [string, string][] = [
  ['collection, first page', '/'],
  ['collection, has errors, by warnings', '/?errors=1&sort=warnings&order=desc&page=3'],
  ['collection, text search', '/?q=%E4%B9%A1'],
  ['PDF document page', `/documents/${pdfId}`],
  ['PDF page image, cached', `/documents/${pdfId}/pages/4.png`],
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function ttfb(path: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(base + path);
  const t = performance.now() - t0;
  await r.arrayBuffer();
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return t;
}

const browser = await chromium.launch({
  executablePath: values.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
async function rendered(path: string): Promise<number> {
  await page.goto('about:blank');
  const t0 = performance.now();
  await page.goto(base + path, { waitUntil: 'load' });
  return performance.now() - t0;
}

// Page images not rendered before (before any page load renders them): each page once.
const cold: number[] = [];
for (const n of [1, 2, 3, 5, 6]) cold.push(await ttfb(`/documents/${pdfId}/pages/${n}.png`));
console.log(`${total} documents in ${values.db}; median of ${runs} after one warm-up`);
console.log(`PDF page image, first render: ${median(cold).toFixed(0)} ms (median of pages 1, 2, 3, 5, 6)`);
console.log('page                                   first byte   rendered (load event)');
for (const [name, path] of pages) {
  await ttfb(path);
  const first: number[] = [];
  for (let i = 0; i < runs; i++) first.push(await ttfb(path));
  let shown = '';
  if (!path.endsWith('.png')) {
    await rendered(path);
    const r: number[] = [];
    for (let i = 0; i < runs; i++) r.push(await rendered(path));
    shown = `${median(r).toFixed(0)} ms`;
  }
  console.log(`${name.padEnd(38)} ${`${median(first).toFixed(1)} ms`.padStart(10)}   ${shown}`);
}
await browser.close();
await server.close();
