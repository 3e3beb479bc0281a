/**
 * Generated reports converted by the programs that make most of the files people download — printed to PDF,
 * saved as Word 97 or as a web page — then read by ogi: cells exact, wrong but flagged, wrong without a finding,
 * metadata.
 *
 * - `--via chromium`: the report's web page (scripts/bench/bench.ts reportAsHtml, every site style) printed by
 *   headless Chromium (`page.pdf()`, A4) — a page saved with "Print → Save as PDF". `--via chromium-pictures`:
 *   the same with every table pasted as a picture of itself (ogi must read them by OCR).
 * - `--via libreoffice`: the report's Word file (scripts/generate/make-html-docx-samples.ts) converted by
 *   `soffice --headless --convert-to pdf` — a Word document exported to PDF, as the samples' PDF fixtures were.
 * - `--via libreoffice-doc`, `libreoffice-html`, `libreoffice-txt`: the same Word file saved by LibreOffice as a
 *   Word 97–2003 .doc, as a web page, as plain text.
 * - `--via html-pictures`: the report's web page with every table replaced by a screenshot of itself (Chromium),
 *   saved with its pictures beside it ("Save page, complete"); `html-inline-pictures`: the pictures inline as
 *   data: URIs (a site editor's pasted images); `docx-pictures`: the report's Word file with the same pictures in
 *   its tables' places. ogi must find and read the pictures by OCR. `docx-sec3-picture`: only the section 三 table
 *   (the tallest) a picture, the others typed.
 * - `--via mhtml`: the report's web page saved by Chromium as a web archive (.mhtml, "Webpage, Single File");
 *   `mhtml-pictures`: the same with every table a screenshot of itself, archived as a part beside the page.
 *
 * Printing: scripts/generate/print-pdf.ts (needs Chromium or LibreOffice and a CJK font; ogi itself needs neither).
 *
 *   npm run build && node dist/scripts/bench/converted-corpus.js [count] [firstSeed] --via chromium|chromium-pictures|libreoffice|libreoffice-doc|libreoffice-html|libreoffice-txt|html-pictures|html-inline-pictures|docx-pictures|docx-sec3-picture|mhtml|mhtml-pictures [--keep DIR]
 *
 * --keep DIR writes the copies with a wrong cell without a finding, wrong metadata or a failure to DIR.
 * --garble takes the Unicode maps out of each PDF's fonts (scripts/generate/garble-pdf.ts): the "乱码" PDF of
 * converters that write no map, which ogi must find and read by OCR.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processLoaded } from '../../src/pipeline.js';
import { loadFile, sniffFormat } from '../../src/stages/load.js';
import type { GeneratedReport } from '../generate/corpus.js';
import { STYLES, encodeHtml, makeDocx, renderDocumentXml } from '../generate/make-html-docx-samples.js';
import { withoutUnicodeMaps } from '../generate/garble-pdf.js';
import { convertDocxWithLibreOffice, pagesAsWebArchives, pagesWithTablesAsPictures, printPagesWithChromium, printPagesWithTablesAsPictures } from '../generate/print-pdf.js';
import { modelledReports, reportAsHtml, reportModel } from './bench.js';
import { CopyTally } from './robustness.js';

const VIAS = {
  chromium: 'pdf',
  'chromium-pictures': 'pdf',
  libreoffice: 'pdf',
  'libreoffice-doc': 'doc',
  'libreoffice-html': 'html',
  'libreoffice-txt': 'txt',
  'html-pictures': 'html',
  'html-inline-pictures': 'html',
  'docx-pictures': 'docx',
  'docx-sec3-picture': 'docx',
  mhtml: 'mhtml',
  'mhtml-pictures': 'mhtml',
} as const;
type Via = keyof typeof VIAS;

interface Printed {
  report: GeneratedReport;
  bytes: Buffer;
  style: string;
  /** Files saved beside the document (a web page's pictures), read from a folder with it. */
  beside?: { name: string; bytes: Buffer }[];
}

/** Web pages (or Word files) whose tables are screenshots of themselves: beside the page, inline, or in the Word file. */
async function withTablesAsPictures(items: { report: GeneratedReport; index: number }[], via: 'html-pictures' | 'html-inline-pictures' | 'docx-pictures' | 'docx-sec3-picture'): Promise<Printed[]> {
  const pictured = await pagesWithTablesAsPictures(items.map(({ report, index }) => reportAsHtml(report, index)!));
  const out: Printed[] = [];
  items.forEach(({ report, index }, i) => {
    const { html, pictures } = pictured[i]!;
    const style = STYLES[index % STYLES.length]!;
    if (via === 'docx-pictures' || via === 'docx-sec3-picture') {
      const model = reportModel(report)!;
      const tallest = Math.max(...pictures.map((p) => p.height));
      const shown = pictures.map((p) => (via === 'docx-pictures' || p.height === tallest ? { bytes: p.png, width: p.width * 0.75, height: p.height * 0.75 } : null));
      if (model.parts.filter((p) => p.kind === 'table').length !== shown.length) return console.warn(`${report.name}: the page's tables are not the Word file's`);
      out.push({ report, bytes: makeDocx(renderDocumentXml(model, shown), shown), style: 'docx' });
      return;
    }
    const inline = via === 'html-inline-pictures';
    const page = inline ? html.replace(/src="table(\d+)\.png"/g, (_, n: string) => `src="data:image/png;base64,${pictures[Number(n) - 1]!.png.toString('base64')}"`) : html;
    // The browser's serialisation keeps the page's charset declaration: encoded in that charset again.
    const bytes = encodeHtml(page, style);
    out.push({ report, bytes, style: `${style.site},${style.charset}`, ...(inline ? {} : { beside: pictures.map((p, k) => ({ name: `table${k + 1}.png`, bytes: p.png })) }) });
  });
  return out;
}

async function printWithChromium(items: { report: GeneratedReport; index: number }[], tablesAsPictures = false): Promise<Printed[]> {
  const pages = items.map(({ report, index }) => reportAsHtml(report, index)!);
  const pdfs = tablesAsPictures ? await printPagesWithTablesAsPictures(pages) : await printPagesWithChromium(pages);
  return items.map(({ report, index }, i) => {
    const style = STYLES[index % STYLES.length]!;
    return { report, bytes: pdfs[i]!, style: `${style.site},${style.charset}` };
  });
}

async function savedAsWebArchives(items: { report: GeneratedReport; index: number }[], tablesAsPictures: boolean): Promise<Printed[]> {
  const archives = await pagesAsWebArchives(items.map(({ report, index }) => reportAsHtml(report, index)!), tablesAsPictures);
  return items.map(({ report, index }, i) => {
    const style = STYLES[index % STYLES.length]!;
    return { report, bytes: archives[i]!, style: `${style.site},${style.charset}` };
  });
}

function convertWithLibreOffice(items: { report: GeneratedReport; index: number }[], to: 'pdf' | 'doc' | 'html' | 'txt'): Printed[] {
  const copies = convertDocxWithLibreOffice(items.map(({ report }) => makeDocx(renderDocumentXml(reportModel(report)!))), to);
  const printed: Printed[] = [];
  items.forEach(({ report }, i) => {
    const bytes = copies[i];
    if (bytes) printed.push({ report, bytes, style: 'docx' });
    else console.warn(`soffice made no .${to} of ${report.name}`);
  });
  return printed;
}

/** Writes a document and the files beside it to a folder of its own, and loads it from there. */
async function loadSaved(dir: string, name: string, bytes: Buffer, beside: { name: string; bytes: Buffer }[]): Promise<Awaited<ReturnType<typeof loadFile>>> {
  mkdirSync(dir, { recursive: true });
  for (const f of beside) writeFileSync(join(dir, f.name), f.bytes);
  writeFileSync(join(dir, name), bytes);
  return loadFile(join(dir, name));
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { via: { type: 'string', default: 'chromium' }, keep: { type: 'string' }, garble: { type: 'boolean', default: false } },
  });
  const [count, first] = positionals.map(Number);
  const via = values.via as Via;
  if (!(via in VIAS)) throw new Error(`--via ${via}: use ${Object.keys(VIAS).join(', ')}`);
  const ext = VIAS[via];
  if (values.garble && ext !== 'pdf') throw new Error('--garble is for PDFs: use it with --via chromium or libreoffice');
  const items = modelledReports(first ?? 3001, count ?? 100);
  const started = Date.now();
  const printed = via.startsWith('chromium')
    ? await printWithChromium(items, via === 'chromium-pictures')
    : via === 'html-pictures' || via === 'html-inline-pictures' || via === 'docx-pictures' || via === 'docx-sec3-picture'
      ? await withTablesAsPictures(items, via)
      : via === 'mhtml' || via === 'mhtml-pictures'
        ? await savedAsWebArchives(items, via === 'mhtml-pictures')
      : convertWithLibreOffice(items, ext as 'pdf' | 'doc' | 'html' | 'txt');
  const printedIn = (Date.now() - started) / 1000;
  const t = new CopyTally();
  const folder = mkdtempSync(join(tmpdir(), 'ogi-converted-'));
  for (const p of printed) {
    const name = p.report.name.replace(/\.txt$/, `.${ext}`);
    const bytes = values.garble ? withoutUnicodeMaps(p.bytes) : p.bytes;
    // A page with files beside it is read from a folder of its own, as it was saved.
    const loaded = p.beside ? await loadSaved(join(folder, name.replace(/\.\w+$/, '')), name, bytes, p.beside) : { path: name, bytes, sha256: name, format: sniffFormat(bytes, name), sizeBytes: bytes.length };
    // With one worker on two cores, OCR (garbled pages) prepares its next page on the spare one, as `ogi ingest` does.
    const doc = await processLoaded(loaded, { ocrOverlap: true });
    if (t.add(`${name} (${p.style})`, p.report, doc) && values.keep) {
      mkdirSync(values.keep, { recursive: true });
      writeFileSync(join(values.keep, name), bytes);
    }
  }
  rmSync(folder, { recursive: true, force: true });
  const [headline, ...rest] = t.lines(30);
  console.log(`${t.documents} generated reports converted by ${via}${values.garble ? ', Unicode maps taken out' : ''} (${printedIn.toFixed(0)} s): ${headline}`);
  for (const line of rest) console.log(line);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
