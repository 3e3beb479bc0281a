/**
 * Benchmark: generates a corpus per format in a temp folder, ingests it with the built CLI
 * (`ogi ingest --timings-json`), and prints per format: documents/s (pages/s for PDF), the share of
 * each stage, peak RSS and database size, with the load average (the machine may be shared).
 * Writes the figures to out/bench-<timestamp>.json and out/bench-latest.json. The PDF figure is printed next to
 * ogi's before issue 13 and pdfplumber's, quoted from the issue, with the ratios (scripts/bench/pdf-reference.ts).
 *
 *   npm run bench -- [--docs N] [--formats text,html,pdf,ocr] [--text-corpus generated|samples] [--concurrency C] [--pdf-copies N]
 *                    [--ocr-docs N] [--timeout S] [--out DIR] [--keep]
 *
 * Defaults: --docs 5000 (text and HTML), --formats text,html,pdf, --concurrency = cores, --pdf-copies 32 (issue 13's set),
 * --ocr-docs 4 (21 pages: enough documents for two workers to share evenly).
 *
 * Corpora:
 * - text: generateReport(seed) (scripts/generate/corpus.ts): both layouts, identity-consistent figures, messy flattenings;
 *   with `--text-corpus samples`, copies of the five sample reports (~11 KB each, scripts/bench/sample-copies.ts),
 *   the corpus issue 13 measured text on.
 * - html: the same generated reports rendered as web pages in the official table layout (rowspan/colspan,
 *   site chrome, three site styles, UTF-8 and GBK) by scripts/generate/make-html-docx-samples.ts.
 * - pdf: copies of the text-layer sample PDFs (/work/shared/fixtures/pdf/*.text.pdf), each made distinct by
 *   a trailing comment so none is a duplicate.
 * - ocr: the scanned sample PDFs, ingested with 1 and then 2 workers: seconds per page and per document, and
 *   the reference of issue 13 measured in the same run on the same pages (bench-ocr.ts --reference): pages ×
 *   the median seconds of a plain full-page tesseract.js recognition at the product's resolution.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { generateReport } from '../generate/corpus.js';
import { loadSampleTexts, sampleCopy } from './sample-copies.js';
import type { GeneratedReport } from '../generate/corpus.js';
import { STYLES, buildModel, encodeHtml, renderHtml } from '../generate/make-html-docx-samples.js';
import type { SampleModel } from '../generate/make-html-docx-samples.js';
import type { TimingsReport } from '../../src/commands/summary.js';
import { comparePdf, describePdfComparison } from './pdf-reference.js';
import type { PdfComparison } from './pdf-reference.js';
import { compareText, describeTextComparison, type TextCorpus } from './text-reference.js';
import type { TextComparison } from './text-reference.js';
import type { PlainOcrReference } from './bench-ocr.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const PDF_FIXTURES = ['/work/shared/fixtures/pdf', join(ROOT, 'tests', 'fixtures', 'pdf')];
const STAGES = ['load', 'extract', 'segment', 'tables', 'validate', 'store'] as const;
const FORMATS = ['text', 'html', 'pdf', 'ocr'] as const;
type Format = (typeof FORMATS)[number];

export interface BenchOptions {
  docs: number;
  formats: Format[];
  textCorpus: TextCorpus;
  concurrency: number;
  pdfCopies: number;
  ocrDocs: number;
  /** Time limit per document passed to ingest (OCR of a page takes seconds to minutes on a busy machine). */
  timeoutS: number;
  outDir: string;
  keep: boolean;
}

export interface FormatResult {
  format: Format;
  concurrency: number;
  documents: number;
  pages: number | null;
  ok: number;
  withFindings: number;
  failed: number;
  corpusBytes: number;
  /** Wall time inside ingest (walk → last commit), and of the whole process (start-up included). */
  wallS: number;
  processS: number;
  documentsPerS: number;
  pagesPerS: number | null;
  secondsPerPage: number | null;
  stageMs: Record<string, number>;
  /** Share of each stage in the summed stage time (worker time for load…validate, main thread for store). */
  stageShare: Record<string, number>;
  peakRssMb: number;
  /** CPU time of the ingest process (all threads) per document: unlike documents/s, barely affected by other load. */
  cpuMsPerDocument: number;
  /** cpuMsPerDocument by thread: the main thread (it stores), each worker, and the rest (V8's compiler and collector threads, the checkpointer); null off Linux. */
  threadCpuMsPerDocument: { main: number; workers: number[]; other: number } | null;
  /** Documents/s the CPU time allows on this machine's cores if nothing else ran (an estimate, not a measurement). */
  cpuBoundDocumentsPerS: number;
  /** CPU time over the wall time of all the machine's cores: how busy the run kept them (text: the main thread and the workers take turns). */
  coresBusy: number;
  dbBytes: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
  /** Documents/s over each 1,000 documents (shows whether time per document grows with the database). */
  windows: { documents: number; documentsPerS: number; storeMsPerDoc: number }[];
  /** The first failed documents with their reasons, as the summary prints them. */
  failures: string[];
}

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memGb: number; node: string; loadavg: number[] };
  options: Omit<BenchOptions, 'outDir' | 'keep'>;
  results: FormatResult[];
  /** The text-layer PDF figure against ogi's before issue 13 and pdfplumber's (scripts/bench/pdf-reference.ts). */
  pdfComparison?: PdfComparison;
  /** The text figure against ogi's before issue 13 and the issue's targets (scripts/bench/text-reference.ts). */
  textComparison?: TextComparison;
  /** The plain full-page recognition of each scanned document ingested (format ocr). */
  ocrReference?: PlainOcrReference[];
}

export function parseArgs(argv: string[]): BenchOptions {
  // 5,000 by default: the first ~500 documents of a run are the workers' JIT warm-up (~1 s), which a
  // 1,000-document run averages in at a third; the figures per 1,000 documents show both.
  const o: BenchOptions = { docs: 5000, formats: ['text', 'html', 'pdf'], textCorpus: 'generated', concurrency: Math.max(1, cpus().length), pdfCopies: 32, ocrDocs: 4, timeoutS: 1800, outDir: join(ROOT, 'out'), keep: false };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`Expected ${flag} to be a whole number from 1 up, got '${v ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--docs') o.docs = num(a, argv[++i]);
    else if (/^\d+$/.test(a)) o.docs = Number(a);
    else if (a === '--concurrency') o.concurrency = num(a, argv[++i]);
    else if (a === '--pdf-copies') o.pdfCopies = num(a, argv[++i]);
    else if (a === '--ocr-docs') o.ocrDocs = num(a, argv[++i]);
    else if (a === '--timeout') o.timeoutS = num(a, argv[++i]);
    else if (a === '--out') o.outDir = argv[++i] ?? o.outDir;
    else if (a === '--keep') o.keep = true;
    else if (a === '--text-corpus') {
      const v = argv[++i];
      if (v !== 'generated' && v !== 'samples') throw new Error(`Expected --text-corpus to be generated or samples, got '${v ?? ''}'`);
      o.textCorpus = v;
    }
    else if (a === '--formats') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      for (const f of list) if (!(FORMATS as readonly string[]).includes(f)) throw new Error(`Unknown format '${f}': expected some of ${FORMATS.join(',')}`);
      o.formats = list as Format[];
    } else throw new Error(`Unknown argument '${a}'`);
  }
  return o;
}

// ───────────────────────────── corpora ─────────────────────────────

/** Writes `n` generated text reports, 500 per sub-folder (a collection is a tree of folders). */
export function writeTextCorpus(dir: string, n: number, firstSeed = 1): number {
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const report = generateReport(firstSeed + i);
    bytes += writeCorpusFile(dir, i, report.name, report.bytes);
  }
  return bytes;
}

/** Writes the i-th file of a corpus, 500 files per sub-folder; returns its size. */
function writeCorpusFile(dir: string, i: number, name: string, bytes: Buffer): number {
  const sub = join(dir, `part-${String(Math.floor(i / 500)).padStart(3, '0')}`);
  if (i % 500 === 0) mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, name), bytes);
  return bytes.length;
}

/** Writes `n` copies of the five sample reports, each distinct (sample-copies.ts), 500 per sub-folder. */
export function writeSampleCopies(dir: string, n: number): number {
  const samples = loadSampleTexts();
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const copy = sampleCopy(samples, i);
    bytes += writeCorpusFile(dir, i, copy.name, copy.bytes);
  }
  return bytes;
}

/**
 * A generated report as a web page. Its text gives the paragraphs and labels and its truth gives the
 * figures; reports flattened one cell per line, in full-width digits, with a label wrapped over two
 * lines, or with sec3 in the 2019 layout in a 2021+ report, do not fit the model builder: passed over.
 */
export function reportAsHtml(report: GeneratedReport, index: number): Buffer | null {
  const model = reportModel(report);
  if (!model) return null;
  const style = STYLES[index % STYLES.length]!;
  return encodeHtml(renderHtml(model, style), style);
}

/** The reports of seeds first… that have a web-page and Word form (reportModel), up to `count`, with their index among them. */
export function modelledReports(first: number, count: number): { report: GeneratedReport; index: number }[] {
  const out: { report: GeneratedReport; index: number }[] = [];
  for (let seed = first; out.length < count && seed < first + count * 10; seed++) {
    const report = generateReport(seed);
    if (reportModel(report)) out.push({ report, index: out.length });
  }
  return out;
}

/** A generated report as the model of a web page or Word file (null for the copies the builder cannot take, see above). */
export function reportModel(report: GeneratedReport): SampleModel | null {
  const f = report.features;
  if (!f.includes('style:tabs') || f.includes('fullWidth') || f.includes('wrapPartialLabel') || f.includes('singleSix')) return null;
  // The model builder reads 第二十条 items from table rows, as the samples print them (with tabs).
  const text = report.text.replace(/^(第二十条第[（(][一二三四五六七八九十]+[)）]项)\s*$/gm, '$1\t\t\t');
  const gold = { document: report.name, agency: report.agency, year: report.year, layout: report.layout, tables: report.tables };
  const warn = console.warn;
  console.warn = () => {}; // buildModel warns when a messy copy's rows do not match its truth; it then uses the official labels
  try {
    return buildModel(report.name.replace(/\.txt$/, ''), text, gold);
  } catch {
    return null;
  } finally {
    console.warn = warn;
  }
}

export function writeHtmlCorpus(dir: string, n: number): number {
  let bytes = 0;
  let written = 0;
  for (let seed = 1_000_001; written < n; seed++) {
    const html = reportAsHtml(generateReport(seed), written);
    if (!html) continue;
    bytes += writeCorpusFile(dir, written, `gen_${seed}.html`, html);
    written++;
  }
  return bytes;
}

function pdfFixtures(suffix: '.text.pdf' | '.scan.pdf'): string[] {
  for (const dir of PDF_FIXTURES) {
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => join(dir, f));
    if (files.length) return files;
  }
  throw new Error(`no ${suffix} fixtures in ${PDF_FIXTURES.join(' or ')}`);
}

/** Copies of PDFs, each made a distinct document by a comment after %%EOF (readers ignore it). */
export function writePdfCopies(dir: string, sources: string[], n: number): number {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const src = sources[i % sources.length]!;
    const data = Buffer.concat([readFileSync(src), Buffer.from(`\n%ogi-bench copy ${i}\n`)]);
    writeFileSync(join(dir, `copy-${String(i).padStart(4, '0')}.pdf`), data);
    bytes += data.length;
  }
  return bytes;
}

// ───────────────────────────── running ─────────────────────────────

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
/** Three significant digits: 0.0123 documents/s for OCR, 512 for text. */
const sig = (x: number): number => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(3)));
const loads = (): number[] => loadavg().map((x) => round(x));

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Sum of the PDF pages of the stored documents (from their extract metadata). */
function storedPages(dbPath: string): number | null {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT extract_meta FROM documents').all() as { extract_meta: string | null }[];
    let pages = 0;
    for (const r of rows) {
      const meta = JSON.parse(r.extract_meta ?? '{}') as Record<string, unknown>;
      const p = Number(meta.pdfPages ?? meta.pages ?? 0);
      if (Number.isFinite(p)) pages += p;
    }
    return pages || null;
  } finally {
    db.close();
  }
}

/** A batch's CPU by thread (timings JSON) per document of the batch. */
function perDocument(split: TimingsReport['threadCpuMs'] | undefined, documents: number): FormatResult['threadCpuMsPerDocument'] {
  if (!split) return null;
  const n = Math.max(1, documents);
  return { main: sig(split.main / n), workers: split.workers.map((w) => sig(w / n)), other: sig(split.other / n) };
}

export function runIngest(format: Format, input: string, work: string, concurrency: number, corpusBytes: number, timeoutS = 1800): FormatResult {
  const db = join(work, `${format}-c${concurrency}.sqlite`);
  const json = join(work, `${format}-c${concurrency}.json`);
  const loadavgBefore = loads();
  // Progress lines go to a file, as in a logged batch run (a pipe to a terminal emulator costs more).
  const logPath = join(work, `${format}-c${concurrency}.log`);
  const log = openSync(logPath, 'w');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'ingest', input, '--db', db, '--concurrency', String(concurrency), '--timeout', String(timeoutS), '--timings', '--timings-json', json], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', log],
    maxBuffer: 64 * 1024 * 1024,
  });
  const processS = (performance.now() - t0) / 1000;
  closeSync(log);
  const loadavgAfter = loads();
  if (!existsSync(json)) throw new Error(`ogi ingest (${format}) wrote no timings (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
  const t = JSON.parse(readFileSync(json, 'utf8')) as TimingsReport;
  const stageMs: Record<string, number> = {};
  for (const s of STAGES) stageMs[s] = round(t.stageMs[s] ?? 0, 1);
  const total = Object.values(stageMs).reduce((a, b) => a + b, 0) || 1;
  const stageShare = Object.fromEntries(Object.entries(stageMs).map(([k, v]) => [k, round(v / total, 3)]));
  const wallS = t.wallMs / 1000;
  const pages = format === 'pdf' || format === 'ocr' ? storedPages(db) : null;
  const windows: FormatResult['windows'] = [];
  let prev = { documents: 0, elapsedMs: 0, storeMs: 0 };
  for (const m of t.marks) {
    const n = m.documents - prev.documents;
    windows.push({ documents: m.documents, documentsPerS: round(n / ((m.elapsedMs - prev.elapsedMs) / 1000 || 1e-3), 0), storeMsPerDoc: round((m.storeMs - prev.storeMs) / n, 3) });
    prev = m;
  }
  return {
    format,
    concurrency,
    documents: t.documents,
    pages,
    ok: t.ok,
    withFindings: t.withFindings,
    failed: t.failed,
    corpusBytes,
    wallS: round(wallS),
    processS: round(processS),
    documentsPerS: sig(t.documents / wallS),
    pagesPerS: pages ? sig(pages / wallS) : null,
    secondsPerPage: pages ? sig(wallS / pages) : null,
    stageMs,
    stageShare,
    peakRssMb: t.peakRssMb,
    cpuMsPerDocument: sig(t.cpuMs / Math.max(1, t.documents)),
    threadCpuMsPerDocument: perDocument(t.threadCpuMs, t.documents),
    cpuBoundDocumentsPerS: sig((Math.min(concurrency, cpus().length) * 1000 * Math.max(1, t.documents)) / Math.max(1, t.cpuMs)),
    coresBusy: round(t.cpuMs / Math.max(1, t.wallMs * cpus().length), 3),
    dbBytes: fileSize(db) + fileSize(`${db}-wal`),
    loadavgBefore,
    loadavgAfter,
    windows,
    failures: failedLines(r.stdout),
  };
}

function failedLines(summary: string): string[] {
  const lines = summary.split('\n');
  const start = lines.indexOf('Failed:');
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ') || out.length >= 5) break;
    out.push(line.trim());
  }
  return out;
}

function describe(r: FormatResult): string {
  const rate = r.pagesPerS !== null ? `${r.pagesPerS} pages/s (${r.secondsPerPage} s/page), ${r.documentsPerS} documents/s` : `${r.documentsPerS} documents/s`;
  const share = STAGES.map((s) => `${s} ${(100 * (r.stageShare[s] ?? 0)).toFixed(1)}%`).join(', ');
  const lines = [
    `${r.format} ×${r.documents}${r.pages ? ` (${r.pages} pages)` : ''}, concurrency ${r.concurrency}: ${rate}; ${r.wallS} s in ingest, ${r.processS} s with start-up`,
    `  stage share: ${share}`,
    `  CPU ${r.cpuMsPerDocument} ms/document (all threads; the ${cpus().length} cores ${Math.round(r.coresBusy * 100)}% busy; ${r.cpuBoundDocumentsPerS} documents/s if the cores were free)`,
    ...(r.threadCpuMsPerDocument
      ? [`    by thread: main ${r.threadCpuMsPerDocument.main}, workers ${r.threadCpuMsPerDocument.workers.join(' + ')}, other threads (V8's compiler and collector, the checkpointer) ${r.threadCpuMsPerDocument.other} ms/document`]
      : []),
    `  peak RSS ${r.peakRssMb} MB, database ${(r.dbBytes / 1024 / 1024).toFixed(1)} MB, corpus ${(r.corpusBytes / 1024 / 1024).toFixed(1)} MB; ok ${r.ok}, with findings ${r.withFindings}, failed ${r.failed}`,
    `  load average before ${r.loadavgBefore.join(' ')}, after ${r.loadavgAfter.join(' ')}`,
  ];
  for (const f of r.failures) lines.push(`  failed: ${f}`);
  if (r.windows.length > 1) {
    const first = r.windows[0]!;
    const last = r.windows.at(-1)!;
    lines.push(
      `  per 1,000 documents: first ${first.documentsPerS} documents/s (store ${first.storeMsPerDoc} ms/doc), last (to ${last.documents}) ${last.documentsPerS} documents/s (store ${last.storeMsPerDoc} ms/doc)`,
    );
  }
  return lines.join('\n');
}

// ───────────────────────────── OCR against its reference ─────────────────────────────

/** The scanned PDF each OCR copy was made from (writePdfCopies cycles through the sources). */
function ocrSources(n: number): string[] {
  const sources = pdfFixtures('.scan.pdf');
  return Array.from({ length: n }, (_, i) => sources[i % sources.length]!);
}

/**
 * The plain full-page recognition of the distinct sources, in a child process (its tesseract worker and
 * memory gone before anything else runs); a copy's reference is its source's.
 */
export function runOcrReference(files: string[], log: (line: string) => void): PlainOcrReference[] {
  const distinct = [...new Set(files)];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'bench', 'bench-ocr.js'), '--reference', ...distinct], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`the OCR reference failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  const byFile = new Map(
    r.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as PlainOcrReference)
      .map((ref): [string, PlainOcrReference] => [ref.file, ref]),
  );
  const refs = files.map((f) => byFile.get(f)!);
  for (const ref of [...byFile.values()]) {
    log(
      `ocr reference: ${ref.file.split('/').pop()}, ${ref.pages} pages at ${ref.dpi} dpi: plain tesseract.js ${ref.secondsPerPage.join(' ')} s/page, median ${ref.medianS} → ${ref.referenceS} s` +
        ` (CPU ${ref.referenceCpuS} s)`,
    );
  }
  log(`ocr reference measured in ${((performance.now() - t0) / 1000).toFixed(0)} s; load average now ${loads().join(' ')}`);
  return refs;
}

/** Seconds per document with 1 and 2 workers, against Σ pages × median plain recognition (issue 13's target: ratio ≤ 1). */
export function compareOcr(report: BenchReport): string[] {
  const ocr = report.results.filter((r) => r.format === 'ocr');
  const refs = report.ocrReference ?? [];
  if (ocr.length === 0 || refs.length === 0) return [];
  const referenceS = refs.reduce((s, r) => s + r.referenceS, 0);
  const pages = refs.reduce((s, r) => s + r.pages, 0);
  const lines = [`ocr vs plain tesseract.js (${refs.length} documents, ${pages} pages, reference Σ pages × median = ${round(referenceS, 1)} s = ${round(referenceS / refs.length, 1)} s/document):`];
  for (const r of ocr) {
    const perDoc = r.wallS / Math.max(1, r.documents);
    lines.push(`  ${r.concurrency} worker${r.concurrency > 1 ? 's' : ''}: ${round(r.wallS, 1)} s = ${round(perDoc, 1)} s/document; ${round(r.wallS / referenceS, 2)}× the reference${r.concurrency > 1 ? '' : ' (target ≤ 1)'}`);
  }
  // CPU seconds of every thread, per document: robust to what else runs on a shared machine.
  const referenceCpuS = refs.reduce((s, r) => s + r.referenceCpuS, 0);
  for (const r of ocr) {
    lines.push(`  ${r.concurrency} worker${r.concurrency > 1 ? 's' : ''}, CPU: ${round(r.cpuMsPerDocument / 1000, 1)} s/document against ${round(referenceCpuS / refs.length, 1)} s/document for the plain recognition (Σ pages × median CPU): ${round((r.cpuMsPerDocument / 1000) * refs.length / referenceCpuS, 2)}×`);
  }
  const [one, two] = [ocr.find((r) => r.concurrency === 1), ocr.find((r) => r.concurrency === 2)];
  if (one && two) lines.push(`  2 workers vs 1: speed-up ${(one.wallS / two.wallS).toFixed(2)}× (target ≈ 2; ${twoWorkerCeiling(one, two, report.machine.cpus)})`);
  return lines;
}

/**
 * The most two workers can gain on this machine: they cannot go faster than their CPU per document spread over
 * the cores, nor more than twice one worker (which may already use a spare core: OCR prepares its next page there).
 */
export function twoWorkerCeiling(one: Pick<FormatResult, 'wallS' | 'documents'>, two: Pick<FormatResult, 'cpuMsPerDocument'>, cores: number): string {
  const onePerDoc = one.wallS / Math.max(1, one.documents);
  const bestPerDoc = Math.max(two.cpuMsPerDocument / 1000 / Math.max(1, cores), onePerDoc / 2);
  return `at most ${(onePerDoc / bestPerDoc).toFixed(2)}× on ${cores} core${cores === 1 ? '' : 's'}: two workers need ${round(two.cpuMsPerDocument / 1000, 1)} s of CPU per document`;
}

export function runBench(o: BenchOptions, log: (line: string) => void = console.log): BenchReport {
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memGb: round(totalmem() / 1024 ** 3, 1), node: process.version, loadavg: loads() },
    options: { docs: o.docs, formats: o.formats, textCorpus: o.textCorpus, concurrency: o.concurrency, pdfCopies: o.pdfCopies, ocrDocs: o.ocrDocs, timeoutS: o.timeoutS },
    results: [],
  };
  log(`machine: ${report.machine.cpus} CPUs (${report.machine.cpuModel}), ${report.machine.memGb} GB, node ${report.machine.node}; load average ${report.machine.loadavg.join(' ')}`);
  const work = mkdtempSync(join(tmpdir(), 'ogi-bench-'));
  try {
    for (const format of o.formats) {
      const input = join(work, `in-${format}`);
      const t0 = performance.now();
      let bytes: number;
      if (format === 'text') bytes = o.textCorpus === 'samples' ? writeSampleCopies(input, o.docs) : writeTextCorpus(input, o.docs);
      else if (format === 'html') bytes = writeHtmlCorpus(input, o.docs);
      else if (format === 'pdf') bytes = writePdfCopies(input, pdfFixtures('.text.pdf'), o.pdfCopies);
      else bytes = writePdfCopies(input, pdfFixtures('.scan.pdf'), o.ocrDocs);
      const what = format === 'text' && o.textCorpus === 'samples' ? ' (copies of the five samples)' : '';
      log(`${format}: corpus generated in ${((performance.now() - t0) / 1000).toFixed(1)} s${what}`);
      const levels = format === 'ocr' ? [1, 2] : [o.concurrency];
      for (const c of levels) {
        const result = runIngest(format, input, work, c, bytes, o.timeoutS);
        report.results.push(result);
        log(describe(result));
        if (format === 'pdf' && result.pagesPerS !== null) {
          report.pdfComparison = comparePdf(result.pagesPerS, c, o.pdfCopies);
          for (const line of describePdfComparison(report.pdfComparison)) log(line);
        }
        if (format === 'text') {
          report.textComparison = compareText(result.documentsPerS, result.cpuMsPerDocument, Math.round((result.stageMs.store ?? 0) / result.documents * 1000) / 1000, o.textCorpus);
          for (const line of describeTextComparison(report.textComparison)) log(line);
        }
      }
      if (format === 'ocr') report.ocrReference = runOcrReference(ocrSources(o.ocrDocs), log);
    }
  } finally {
    if (o.keep) log(`corpus and databases kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  for (const line of compareOcr(report)) log(line);
  mkdirSync(o.outDir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const text = JSON.stringify(report, null, 2) + '\n';
  writeFileSync(join(o.outDir, `bench-${stamp}.json`), text);
  writeFileSync(join(o.outDir, 'bench-latest.json'), text);
  log(`figures written to ${join(o.outDir, `bench-${stamp}.json`)} and bench-latest.json`);
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    runBench(parseArgs(process.argv.slice(2)));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}
