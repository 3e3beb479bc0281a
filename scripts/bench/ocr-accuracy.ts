/**
 * OCR accuracy on the scanned copies of the five samples: runs each `*.scan.pdf` through the whole
 * pipeline (OCR → geometric table builder → table stage → validate → OCR checks) and compares every
 * cell with the gold figures read by hand. Prints the cell accuracy, and for every wrong figure
 * whether a finding names its cell (the rule: no silent error).
 *
 *   npm run build && node dist/scripts/bench/ocr-accuracy.js [--dir tests/fixtures/pdf] [--model best_int|standard] [--figure-model standard|best_int] [--label-model standard|best_int]
 *        [--psm 3] [--figure-psm 6]
 *        [--dpi 300] [--page-dpi 300] [--workers N] [--invert] [--only 000,003] [--verbose] [--garble]
 *
 * --garble reads the samples' text-layer PDFs (`*.text.pdf`) with their fonts' Unicode maps taken out
 * (scripts/generate/garble-pdf.ts) instead of the scans: pages ogi must find garbled and read by OCR.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { withoutUnicodeMaps } from '../generate/garble-pdf.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import type { OcrModel, OcrOptions } from '../../src/extract/ocr/ocr.js';
import { extractPdfWithOcr } from '../../src/extract/pdf/pdf-ocr.js';
import { analyse } from '../../src/pipeline.js';
import { loadFile } from '../../src/stages/load.js';
import type { Cell, ProcessedDocument } from '../../src/types.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'pdf') },
    model: { type: 'string' },
    'figure-model': { type: 'string' },
    'label-model': { type: 'string' },
    psm: { type: 'string' },
    'figure-psm': { type: 'string' },
    dpi: { type: 'string' },
    'page-dpi': { type: 'string' },
    workers: { type: 'string' },
    invert: { type: 'boolean' },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    garble: { type: 'boolean', default: false },
  },
});

const ocrOptions: OcrOptions = {};
if (values.model) ocrOptions.model = values.model as OcrModel;
if (values['label-model']) ocrOptions.labelModel = values['label-model'] as OcrModel;
if (values['figure-model']) ocrOptions.figureModel = values['figure-model'] as OcrModel;
if (values.psm) ocrOptions.pagePsm = values.psm;
if (values['figure-psm']) ocrOptions.figurePsm = values['figure-psm'];
if (values.dpi) ocrOptions.dpi = Number(values.dpi);
if (values['page-dpi']) ocrOptions.pageDpi = Number(values['page-dpi']);
if (values.workers) ocrOptions.workers = Number(values.workers);
if (values.invert !== undefined) ocrOptions.invert = values.invert;

interface CellOutcome {
  key: string;
  gold: number | null;
  got: number | null | undefined;
  raw: string | null;
  confidence: number | undefined;
  flaggedBy: string[];
}

function compare(doc: ProcessedDocument, gold: Gold): CellOutcome[] {
  const cells = new Map<string, Cell>(doc.tables.flatMap((t) => t.cells.map((c): [string, Cell] => [`${c.table}.${c.row}.${c.col}`, c])));
  const out: CellOutcome[] = [];
  for (const [table, rows] of Object.entries(gold.tables)) {
    for (const [row, cols] of Object.entries(rows)) {
      for (const [col, value] of Object.entries(cols)) {
        const key = `${table}.${row}.${col}`;
        const c = cells.get(key);
        // A finding names a cell, or its whole row (a row not found), or its whole table (a table not found).
        const flaggedBy = doc.findings
          .filter((f) => f.table === table && (f.row === undefined || f.row === row) && (f.col === undefined || f.col === col))
          .map((f) => f.rule);
        out.push({ key, gold: value, got: c ? c.value : undefined, raw: c?.raw ?? null, confidence: c?.prov.confidence, flaggedBy });
      }
    }
  }
  return out;
}

/** The figures read by hand, per sample: table → row → col → value (null = empty cell). */
interface Gold {
  tables: Record<string, Record<string, Record<string, number | null>>>;
}

/** Gold lives in the repo's tests/fixtures/gold; this script runs from dist/scripts. */
function loadGold(): { base: string; gold: Gold }[] {
  const dir = join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'gold');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ base: f.replace(/\.json$/, ''), gold: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Gold }));
}

const suffix = values.garble ? '.text.pdf' : '.scan.pdf';
const files = readdirSync(values.dir).filter((f) => f.endsWith(suffix)).sort();
const gold = new Map(loadGold().map((g) => [g.base, g.gold]));
let total = 0;
let right = 0;
let wrong = 0;
let silent = 0;
let falseAlarms = 0;
let pages = 0;
const started = performance.now();
for (const f of files) {
  const base = f.slice(0, -suffix.length);
  if (values.only && !values.only.split(',').some((p) => base.startsWith(p))) continue;
  const g = gold.get(base);
  if (!g) continue;
  const t0 = performance.now();
  const file = await loadFile(join(values.dir, f));
  const loaded = values.garble ? { ...file, bytes: withoutUnicodeMaps(file.bytes) } : file;
  const source = await extractPdfWithOcr(loaded, {}, ocrOptions);
  const doc = analyse(loaded, source, OGI_ANNUAL_REPORT);
  const seconds = (performance.now() - t0) / 1000;
  pages += source.pages ?? 0;
  const outcomes = compare(doc, g);
  const bad = outcomes.filter((o) => o.got !== o.gold);
  const unflagged = bad.filter((o) => o.flaggedBy.length === 0);
  const alarms = outcomes.filter((o) => o.got === o.gold && o.flaggedBy.length > 0);
  total += outcomes.length;
  right += outcomes.length - bad.length;
  wrong += bad.length;
  silent += unflagged.length;
  falseAlarms += alarms.length;
  console.log(
    `${f}: ${outcomes.length - bad.length}/${outcomes.length} cells right, ${bad.length} wrong (${unflagged.length} without a finding), ` +
      `${alarms.length} right cells flagged; ${source.pages} pages in ${seconds.toFixed(1)} s; status ${doc.status}${doc.error ? ` (${doc.error})` : ''}`,
  );
  for (const o of bad) {
    console.log(
      `  ✗ ${o.key}: got ${o.got === undefined ? 'nothing' : o.got} (raw ${JSON.stringify(o.raw)}, conf ${o.confidence ?? '-'}), gold ${o.gold}` +
        ` — ${o.flaggedBy.length ? `finding: ${[...new Set(o.flaggedBy)].join(', ')}` : 'NO FINDING'}`,
    );
  }
  if (values.verbose) for (const o of alarms) console.log(`  ? ${o.key}: right (${o.got}) but flagged by ${o.flaggedBy.join(', ')}`);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `\ncell accuracy: ${right}/${total} = ${((100 * right) / Math.max(1, total)).toFixed(2)}%; wrong ${wrong}, wrong without a finding ${silent}` +
    ` (${silent === 0 ? 'no silent error' : 'SILENT ERRORS'}); right cells flagged ${falseAlarms}; ${pages} pages in ${seconds.toFixed(0)} s`,
);
process.exitCode = silent === 0 ? 0 : 1;
