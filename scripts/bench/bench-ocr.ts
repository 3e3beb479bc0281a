/**
 * OCR throughput, and the reference it is judged against (issue 13).
 *
 * - Default mode: seconds per scanned page with 1 and 2 tesseract workers per pass (render, deskew,
 *   rulings, page pass, label and figure passes; worker start-up counted apart).
 * - `--reference`: the plain full-page recognition of every page of the given scans — tesseract.js's
 *   `createWorker` with the chi_sim data and model of the product's page pass, its default parameters,
 *   each page rendered by the product's renderer at the product's resolution and given as a PNG; only
 *   the `recognize` call is timed, after one warm-up recognition. Prints one JSON line per document
 *   (`bench.ts` runs it as a child process, in the same run as the ingests it compares).
 *
 *   npm run build && node dist/scripts/bench/bench-ocr.js [--file tests/fixtures/pdf/000_e7764d80f1cd94c2.scan.pdf]
 *        [--pages 1,4,5] [--workers 1,2]
 *   node dist/scripts/bench/bench-ocr.js --reference a.scan.pdf b.scan.pdf [--dpi 300]
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createWorker } from 'tesseract.js';
import { renderPage } from '../../src/extract/ocr/ocr-image.js';
import { OCR_DEFAULTS, OcrEngine, chiSimLangPath, ocrPdfPages } from '../../src/extract/ocr/ocr.js';
import { cpuMsSince } from './cpu-time.js';

/** The plain recognition of one scanned document: seconds per page and their median. */
export interface PlainOcrReference {
  file: string;
  pages: number;
  dpi: number;
  secondsPerPage: number[];
  medianS: number;
  /** pages × median: what the target allows one worker for this document. */
  referenceS: number;
  /** The same in CPU seconds (every thread of the process): less sensitive to other load on the machine. */
  cpuSecondsPerPage: number[];
  referenceCpuS: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function openPdf(path: string) {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs.getDocument({ data: new Uint8Array(await readFile(path)), isEvalSupported: false, verbosity: 0 }).promise;
}

/** Times a plain full-page tesseract.js recognition of every page of each file, with one worker. */
export async function plainOcrReference(files: string[], dpi = OCR_DEFAULTS.dpi, log: (line: string) => void = () => {}): Promise<PlainOcrReference[]> {
  // The page pass's data and model (best_int, the lighter one), as a user of tesseract.js would load it.
  const worker = await createWorker('chi_sim', 1, { langPath: chiSimLangPath(OCR_DEFAULTS.model), gzip: true, cacheMethod: 'none' });
  const out: PlainOcrReference[] = [];
  let warm = false;
  try {
    for (const file of files) {
      const pdf = await openPdf(file);
      const seconds: number[] = [];
      const cpu: number[] = [];
      try {
        for (let n = 1; n <= pdf.numPages; n++) {
          const page = await pdf.getPage(n);
          const png = (await renderPage(page, dpi)).canvas.toBuffer('image/png');
          page.cleanup();
          // The first recognition of a fresh worker is ~2 s slower (wasm warm-up): not the page's cost.
          if (!warm) {
            await worker.recognize(png);
            warm = true;
          }
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          await worker.recognize(png);
          seconds.push((performance.now() - t0) / 1000);
          cpu.push(cpuMsSince(c0) / 1000);
          log(`${basename(file)} page ${n}: ${seconds.at(-1)!.toFixed(2)} s`);
        }
      } finally {
        await pdf.destroy();
      }
      const m = median(seconds);
      const r2 = (x: number) => Math.round(x * 100) / 100;
      out.push({
        file,
        pages: seconds.length,
        dpi,
        secondsPerPage: seconds.map(r2),
        medianS: r2(m),
        referenceS: r2(seconds.length * m),
        cpuSecondsPerPage: cpu.map(r2),
        referenceCpuS: r2(cpu.length * median(cpu)),
      });
    }
  } finally {
    await worker.terminate();
  }
  return out;
}

async function throughput(file: string, pages: number[], workerCounts: number[]): Promise<void> {
  for (const workers of workerCounts) {
    const pdf = await openPdf(file);
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
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      file: { type: 'string', default: join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'pdf', '000_e7764d80f1cd94c2.scan.pdf') },
      pages: { type: 'string', default: '1,4,5' },
      workers: { type: 'string', default: '1,2' },
      reference: { type: 'boolean', default: false },
      dpi: { type: 'string' },
    },
  });
  if (values.reference) {
    const dpi = values.dpi ? Number(values.dpi) : OCR_DEFAULTS.dpi;
    for (const r of await plainOcrReference(positionals, dpi, (line) => console.error(line))) console.log(JSON.stringify(r));
    return;
  }
  await throughput(values.file, values.pages.split(',').map(Number), values.workers.split(',').map(Number));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
