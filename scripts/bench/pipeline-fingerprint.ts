/**
 * A fingerprint of what the pipeline produces, to prove that a performance change leaves every result
 * byte-identical: runs processLoaded over generated reports (text, and the HTML form of those that
 * have one), the files in samples/ and the input fixtures of the tests, and prints one sha256 over all
 * of them. Each document's digest is written to a list, so two runs can be diffed to name the first
 * document that differs.
 *
 *   npm run build && node dist/scripts/bench/pipeline-fingerprint.js [--text N] [--html N] [--stream N] [--ocr] [--pdf [--pdf-generated N]] [--out FILE]
 *
 * --stream adds N of the generated reports as a crawler saves them (one paragraph: stream-corpus.ts).
 *
 * --ocr adds the scanned PDF fixtures (OCR: slow, seconds per page).
 * --pdf fingerprints the PDFs alone (a few seconds): the text-layer PDFs of samples/, of the tests' fixtures
 * (tests/fixtures/pdf, its gen/ folder) and of the shared fixtures the bench copies (/work/shared/fixtures/pdf,
 * when present); with --ocr, the scanned ones too; and --pdf-generated N (default 100) generated reports rendered
 * as text-layer PDFs (scripts/generate/pdf-corpus.ts: ruled or borderless tables, page breaks, wrapped and spaced
 * labels, seeds from 1001 as tests/pdf-corpus.test.ts). No generated text or HTML reports.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processLoaded } from '../../src/pipeline.js';
import { loadFile, sniffFormat } from '../../src/stages/load.js';
import type { LoadedFile } from '../../src/stages/load.js';
import type { ProcessedDocument } from '../../src/types.js';
import { reportAsHtml } from './bench.js';
import { streamCopy } from './stream-corpus.js';
import { generateReport } from '../generate/corpus.js';
import { renderReportPdf } from '../generate/pdf-corpus.js';

interface FingerprintOptions {
  text: number;
  html: number;
  stream: number;
  ocr: boolean;
  pdf: boolean;
  pdfGenerated: number;
  out: string | null;
}

function parseArgs(argv: string[]): FingerprintOptions {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const pdf = argv.includes('--pdf');
  return {
    text: Number(value('--text') ?? (pdf ? 0 : 3000)),
    html: Number(value('--html') ?? (pdf ? 0 : 500)),
    stream: Number(value('--stream') ?? 0),
    ocr: argv.includes('--ocr'),
    pdf,
    pdfGenerated: pdf ? Number(value('--pdf-generated') ?? 100) : 0,
    out: value('--out') ?? null,
  };
}

function loadedFromBytes(name: string, bytes: Buffer): LoadedFile {
  return { path: name, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), format: sniffFormat(bytes, name), sizeBytes: bytes.length };
}

/** Generated reports: `text` of them as text, the HTML form of the first `html` that have one, and the one-paragraph form of the first `stream` that have one. */
function* generatedInputs(text: number, html: number, stream: number): Generator<LoadedFile> {
  let htmlCount = 0;
  let streamCount = 0;
  for (let seed = 1; seed <= text || htmlCount < html || streamCount < stream; seed++) {
    const report = generateReport(seed);
    if (seed <= text) yield loadedFromBytes(`text/${seed}/${report.name}`, report.bytes);
    if (htmlCount < html) {
      const bytes = reportAsHtml(report, htmlCount);
      if (bytes) yield loadedFromBytes(`html/${htmlCount++}/${report.name}`, bytes);
    }
    if (streamCount < stream) {
      const copy = streamCopy(report, seed);
      if (copy) yield loadedFromBytes(`stream/${streamCount++}/${report.name}`, copy.bytes);
    }
  }
}

/** Generated reports rendered as text-layer PDFs, from seed 1001 (tests/pdf-corpus.test.ts reads the same). */
function* generatedPdfs(count: number): Generator<LoadedFile> {
  for (let seed = 1001; seed < 1001 + count; seed++) {
    const report = generateReport(seed);
    yield loadedFromBytes(`pdf/${seed}/${report.name.replace(/\.txt$/, '.pdf')}`, renderReportPdf(report, seed).bytes);
  }
}

/** The PDFs the bench copies (scripts/bench/bench.ts), when this machine has them. */
const SHARED_PDF_FIXTURES = '/work/shared/fixtures/pdf';

/** Real files: the samples and the tests' input fixtures (scanned PDFs only with --ocr; PDFs only with --pdf). */
function fixturePaths(ocr: boolean, pdfOnly: boolean): string[] {
  const dirs = ['samples', 'tests/fixtures/doc', 'tests/fixtures/pdf', 'tests/fixtures/pdf/gen', 'tests/fixtures/real'];
  if (pdfOnly && existsSync(SHARED_PDF_FIXTURES)) dirs.push(SHARED_PDF_FIXTURES);
  const paths: string[] = [];
  for (const dir of dirs) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.json')) continue;
      if (!ocr && entry.name.endsWith('.scan.pdf')) continue;
      if (pdfOnly && !entry.name.endsWith('.pdf')) continue;
      paths.push(join(dir, entry.name));
    }
  }
  return paths.sort();
}

/**
 * The JSON of a document without its timings. Numbers JSON cannot tell apart (-0 from 0, NaN and
 * Infinity from null) are spelled out, so a change between them shows too.
 */
export function documentDigest(doc: ProcessedDocument): string {
  const { timings: _timings, ...rest } = doc;
  const json = JSON.stringify(rest, (_key, v: unknown) => {
    if (typeof v !== 'number') return v;
    if (Object.is(v, -0)) return '#-0';
    return Number.isFinite(v) ? v : `#${String(v)}`;
  });
  return createHash('sha256').update(json).digest('hex');
}

async function main(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  const lines: string[] = [];
  const all = createHash('sha256');
  const record = (name: string, doc: ProcessedDocument): void => {
    const digest = documentDigest(doc);
    lines.push(`${name}\t${digest}`);
    all.update(`${name}\t${digest}\n`);
  };
  const t0 = Date.now();
  for (const loaded of generatedInputs(o.text, o.html, o.stream)) record(loaded.path, await processLoaded(loaded));
  for (const loaded of generatedPdfs(o.pdfGenerated)) record(loaded.path, await processLoaded(loaded));
  for (const path of fixturePaths(o.ocr, o.pdf)) record(path, await processLoaded(await loadFile(path)));
  if (o.out) writeFileSync(o.out, lines.join('\n') + '\n');
  console.log(`${lines.length} documents in ${((Date.now() - t0) / 1000).toFixed(1)} s; fingerprint ${all.digest('hex')}`);
}

void main(process.argv.slice(2));
