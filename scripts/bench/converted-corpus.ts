/**
 * Generated reports converted by the programs that make most of the files people download — printed to PDF,
 * saved as Word 97 or as a web page — then read by ogi: cells exact, wrong but flagged, wrong without a finding,
 * metadata.
 *
 * - `--via chromium`: the report's web page (scripts/bench/bench.ts reportAsHtml, every site style) printed by
 *   headless Chromium (`page.pdf()`, A4) — a page saved with "Print → Save as PDF".
 * - `--via libreoffice`: the report's Word file (scripts/generate/make-html-docx-samples.ts) converted by
 *   `soffice --headless --convert-to pdf` — a Word document exported to PDF, as the samples' PDF fixtures were.
 * - `--via libreoffice-doc`, `libreoffice-html`, `libreoffice-txt`: the same Word file saved by LibreOffice as a
 *   Word 97–2003 .doc, as a web page, as plain text.
 *
 * Printing: scripts/generate/print-pdf.ts (needs Chromium or LibreOffice and a CJK font; ogi itself needs neither).
 *
 *   npm run build && node dist/scripts/bench/converted-corpus.js [count] [firstSeed] --via chromium|libreoffice|libreoffice-doc|libreoffice-html|libreoffice-txt [--keep DIR]
 *
 * --keep DIR writes the copies with a wrong cell without a finding, wrong metadata or a failure to DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processLoaded } from '../../src/pipeline.js';
import { sniffFormat } from '../../src/stages/load.js';
import type { ProcessedDocument } from '../../src/types.js';
import { generateReport } from '../generate/corpus.js';
import type { GeneratedReport } from '../generate/corpus.js';
import { STYLES, makeDocx, renderDocumentXml } from '../generate/make-html-docx-samples.js';
import { convertDocxWithLibreOffice, printPagesWithChromium } from '../generate/print-pdf.js';
import { reportAsHtml, reportModel } from './bench.js';
import { compareWithTruth } from './robustness.js';

const VIAS = { chromium: 'pdf', libreoffice: 'pdf', 'libreoffice-doc': 'doc', 'libreoffice-html': 'html', 'libreoffice-txt': 'txt' } as const;
type Via = keyof typeof VIAS;

interface Printed {
  report: GeneratedReport;
  bytes: Buffer;
  style: string;
}

interface Tally {
  documents: number;
  cells: number;
  exact: number;
  flagged: number;
  silent: string[];
  metaWrong: string[];
  failed: string[];
  silentDocs: Set<string>;
}

function option(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The reports of seeds first… that the web-page and Word builders take, up to `count`. */
function reportsFrom(first: number, count: number): { report: GeneratedReport; index: number }[] {
  const out: { report: GeneratedReport; index: number }[] = [];
  for (let seed = first; out.length < count && seed < first + count * 10; seed++) {
    const report = generateReport(seed);
    if (reportModel(report)) out.push({ report, index: out.length });
  }
  return out;
}

async function printWithChromium(items: { report: GeneratedReport; index: number }[]): Promise<Printed[]> {
  const pdfs = await printPagesWithChromium(items.map(({ report, index }) => reportAsHtml(report, index)!));
  return items.map(({ report, index }, i) => {
    const style = STYLES[index % STYLES.length]!;
    return { report, bytes: pdfs[i]!, style: `${style.site},${style.charset}` };
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

function tallyDocument(t: Tally, p: Printed, doc: ProcessedDocument): void {
  const name = p.report.name;
  t.documents++;
  if (doc.meta.agency !== p.report.agency || doc.meta.year !== p.report.year) t.metaWrong.push(`${name} (${p.style}): ${doc.meta.agency} ${doc.meta.year}, want ${p.report.agency} ${p.report.year}`);
  // The page prints the truth: whatever the print loses is the printer's or ogi's, not the generator's.
  const c = compareWithTruth(doc, { ...p.report, damaged: [] });
  t.cells += c.cells;
  t.exact += c.exact;
  for (const w of c.wrong) {
    if (w.flagged) t.flagged++;
    else {
      t.silent.push(`${name} (${p.style}) ${w.cell}: got ${w.got}, want ${w.want}`);
      t.silentDocs.add(name);
    }
  }
}

async function main(argv: string[]): Promise<void> {
  const [count, first] = argv.filter((a) => /^\d+$/.test(a)).map(Number);
  const via = (option(argv, '--via') ?? 'chromium') as Via;
  if (!(via in VIAS)) throw new Error(`--via ${via}: use ${Object.keys(VIAS).join(', ')}`);
  const ext = VIAS[via];
  const keep = option(argv, '--keep');
  const items = reportsFrom(first ?? 3001, count ?? 100);
  const started = Date.now();
  const printed = via === 'chromium' ? await printWithChromium(items) : convertWithLibreOffice(items, ext);
  const printedIn = (Date.now() - started) / 1000;
  const t: Tally = { documents: 0, cells: 0, exact: 0, flagged: 0, silent: [], metaWrong: [], failed: [], silentDocs: new Set() };
  for (const p of printed) {
    const name = p.report.name.replace(/\.txt$/, `.${ext}`);
    try {
      const doc = await processLoaded({ path: name, bytes: p.bytes, sha256: name, format: sniffFormat(p.bytes, name), sizeBytes: p.bytes.length });
      tallyDocument(t, p, doc);
    } catch (e) {
      t.failed.push(`${name}: ${(e as Error).message}`);
    }
    const metaWrong = t.metaWrong.some((m) => m.startsWith(p.report.name));
    if (keep && (t.silentDocs.has(p.report.name) || metaWrong || t.failed.some((f) => f.startsWith(name)))) {
      mkdirSync(keep, { recursive: true });
      writeFileSync(join(keep, name), p.bytes);
    }
  }
  const pct = ((100 * t.exact) / Math.max(1, t.cells)).toFixed(2);
  console.log(
    `${t.documents} generated reports converted by ${via} (${printedIn.toFixed(0)} s): ${t.cells} cells, ${t.exact} exact (${pct}%), ${t.flagged} wrong but flagged, ${t.silent.length} wrong without a finding (${t.silentDocs.size} documents); metadata wrong ${t.metaWrong.length}; failed ${t.failed.length}`,
  );
  for (const s of t.silent.slice(0, 30)) console.log(`  ${s}`);
  for (const m of t.metaWrong.slice(0, 10)) console.log(`  meta ${m}`);
  for (const f of t.failed.slice(0, 10)) console.log(`  failed ${f}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
