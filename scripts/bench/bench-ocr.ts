/**
 * OCR throughput: seconds per scanned page with 1 and 2 tesseract workers per pass (render, deskew,
 * rulings, page pass, label and figure passes; worker start-up counted apart).
 *
 *   npm run build && node dist/scripts/bench/bench-ocr.js [--file tests/fixtures/pdf/000_e7764d80f1cd94c2.scan.pdf]
 *        [--pages 1,4,5] [--workers 1,2]
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { OcrEngine, ocrPdfPages } from '../../src/extract/ocr/ocr.js';

const { values } = parseArgs({
  options: {
    file: { type: 'string', default: join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'pdf', '000_e7764d80f1cd94c2.scan.pdf') },
    pages: { type: 'string', default: '1,4,5' },
    workers: { type: 'string', default: '1,2' },
  },
});

const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
const { readFile } = await import('node:fs/promises');
const bytes = await readFile(values.file);
const pages = values.pages.split(',').map(Number);
for (const workers of values.workers.split(',').map(Number)) {
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  const t0 = performance.now();
  const engine = await OcrEngine.start({ workers });
  const startup = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  try {
    const read = await ocrPdfPages(pdf, pages, {}, engine);
    const seconds = (performance.now() - t1) / 1000;
    const words = read.pages.reduce((n, p) => n + p.words.length, 0);
    console.log(
      `${workers} worker(s) per pass: ${pages.length} pages in ${seconds.toFixed(1)} s = ${(seconds / pages.length).toFixed(1)} s/page ` +
        `(+${startup.toFixed(1)} s start-up; ${words} words)`,
    );
  } finally {
    await engine.close();
    await pdf.destroy();
  }
}
