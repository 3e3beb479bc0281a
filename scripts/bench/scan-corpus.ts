/**
 * OCR on reports it has never seen: generated reports exported to PDF by LibreOffice (a Word file's PDF),
 * rasterised by poppler's pdftoppm and made into scans as the samples' scans were (grey, 150–200 dpi, turned
 * by up to ±0.7°, blurred, noised, contrast shifted, JPEG), then read by ogi through OCR: cells exact, wrong but
 * flagged, wrong without a finding, metadata. ocr-accuracy.ts measures the five samples' scans; this measures
 * unseen ones.
 *
 * Needs LibreOffice (libreoffice-writer-nogui), a CJK font (fonts-noto-cjk) and pdftoppm (poppler-utils);
 * ogi itself needs none of them.
 *
 *   npm run build && node dist/scripts/bench/scan-corpus.js [count] [firstSeed] [--keep DIR]
 *
 * --keep DIR writes the scans with a wrong cell without a finding or wrong metadata to DIR.
 * --save DIR writes every scan, and beside it its report's truth (NAME.truth.json: agency, year, layout,
 * tables), so that the same scans can be read again after a change without LibreOffice.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { processLoaded } from '../../src/pipeline.js';
import { makeDocx, renderDocumentXml } from '../generate/make-html-docx-samples.js';
import { pdfFile } from '../generate/make-pdf-fixtures.js';
import { printDocxWithLibreOffice } from '../generate/print-pdf.js';
import { modelledReports, reportModel } from './bench.js';
import { CopyTally } from './robustness.js';

interface ScanPage {
  jpeg: Buffer;
  width: number;
  height: number;
  dpi: number;
}

/** A small deterministic generator: the same seed makes the same scan. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/** One rendered page made a scan: turned, blurred, noised, contrast shifted, grey JPEG. */
async function scanPage(png: Buffer, dpi: number, rnd: () => number): Promise<ScanPage> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, img.width, img.height);
  ctx.translate(img.width / 2, img.height / 2);
  ctx.rotate(((rnd() * 1.4 - 0.7) * Math.PI) / 180);
  ctx.translate(-img.width / 2, -img.height / 2);
  ctx.filter = `blur(${(0.3 + rnd() * 0.4).toFixed(2)}px)`;
  ctx.drawImage(img, 0, 0);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height);
  const px = data.data;
  const contrast = 0.8 + rnd() * 0.2;
  const lift = 10 + rnd() * 25;
  const noise = 6 + rnd() * 10;
  for (let i = 0; i < px.length; i += 4) {
    const grey = 0.299 * px[i]! + 0.587 * px[i + 1]! + 0.114 * px[i + 2]!;
    const v = Math.max(0, Math.min(255, grey * contrast + lift + (rnd() - 0.5) * 2 * noise));
    px[i] = px[i + 1] = px[i + 2] = v;
  }
  ctx.putImageData(data, 0, 0);
  return { jpeg: canvas.encodeSync('jpeg', 70 + Math.floor(rnd() * 15)), width: img.width, height: img.height, dpi };
}

/** An image-only PDF of the pages, each drawn over a whole A4-sized page at its resolution. */
function scanPdf(pages: ScanPage[]): Buffer {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids: number[] = [];
  for (const p of pages) {
    const w = (p.width * 72) / p.dpi;
    const h = (p.height * 72) / p.dpi;
    const image = objects.push(`<< /Type /XObject /Subtype /Image /Width ${p.width} /Height ${p.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${p.jpeg.length} >>\nstream\n${p.jpeg.toString('latin1')}\nendstream`);
    const ops = `q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} 0 0 cm /Im0 Do Q`;
    const content = objects.push(`<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
    kids.push(objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}] /Resources << /XObject << /Im0 ${image} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  return pdfFile(objects, '/Root 1 0 R');
}

/** The scan of one exported PDF: pdftoppm at the scan's resolution, each page degraded. */
async function scanOf(pdf: Buffer, seed: number): Promise<Buffer> {
  const rnd = random(seed * 7919);
  const dpi = [150, 150, 180, 200][Math.floor(rnd() * 4)]!;
  const dir = mkdtempSync(join(tmpdir(), 'ogi-scan-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-png', join(dir, 'in.pdf'), join(dir, 'page')]);
    const pngs = readdirSync(dir).filter((f) => f.startsWith('page')).sort();
    const pages: ScanPage[] = [];
    for (const f of pngs) pages.push(await scanPage(readFileSync(join(dir, f)), dpi, rnd));
    return scanPdf(pages);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { keep: { type: 'string' }, save: { type: 'string' } } });
  const [count, first] = positionals.map(Number);
  const reports = modelledReports(first ?? 7001, count ?? 20).map((x) => x.report);
  const pdfs = printDocxWithLibreOffice(reports.map((r) => makeDocx(renderDocumentXml(reportModel(r)!))));
  const t = new CopyTally();
  let pages = 0;
  const started = Date.now();
  for (const [i, report] of reports.entries()) {
    const pdf = pdfs[i];
    if (!pdf) continue;
    const seed = Number(/(\d+)/.exec(report.name)?.[1] ?? i);
    const scan = await scanOf(pdf, seed);
    const name = report.name.replace(/\.txt$/, '.scan.pdf');
    // With one worker on two cores the OCR prepares its next page on the spare one, as `ogi ingest` does.
    const doc = await processLoaded({ path: name, bytes: scan, sha256: name, format: 'pdf', sizeBytes: scan.length }, { ocrOverlap: true });
    pages += Number(doc.extractMeta.pages ?? 0);
    const [cells, exact, flagged, silent] = [t.cells, t.exact, t.flagged, t.silent.length];
    const bad = t.add(name, report, doc);
    console.log(`${name}: ${t.exact - exact}/${t.cells - cells} exact, ${t.flagged - flagged} flagged, ${t.silent.length - silent} silent (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    if (values.save) {
      mkdirSync(values.save, { recursive: true });
      writeFileSync(join(values.save, name), scan);
      const truth = { agency: report.agency, year: report.year, layout: report.layout, tables: report.tables };
      writeFileSync(join(values.save, name.replace(/\.pdf$/, '.truth.json')), JSON.stringify(truth));
    }
    if (bad && values.keep) {
      mkdirSync(values.keep, { recursive: true });
      writeFileSync(join(values.keep, name), scan);
    }
  }
  const [headline, ...rest] = t.lines(40);
  console.log(`${t.documents} generated reports as scans (${pages} pages, ${((Date.now() - started) / 1000).toFixed(0)} s): ${headline}`);
  for (const line of rest) console.log(line);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
