/**
 * Measures the pipeline on generated reports it has never seen (scripts/generate/corpus.ts): cell accuracy
 * against the known truth, and whether every wrong or missing figure is covered by a finding.
 * Run: npm run build && node dist/scripts/bench/robustness.js [count] [firstSeed]
 */
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { analyse } from '../../src/pipeline.js';
import { extractDocument } from '../../src/extract/index.js';
import { sniffFormat } from '../../src/stages/load.js';
import type { ProcessedDocument } from '../../src/types.js';
import { generateReport } from '../generate/corpus.js';
import type { GeneratedReport } from '../generate/corpus.js';

export interface RobustnessResult {
  documents: number;
  cells: number;
  exact: number;
  wrongFlagged: number;
  silent: { doc: string; cell: string; got: number | null | undefined; want: number | null; features: string[] }[];
  metaWrong: { doc: string; what: string }[];
  failed: string[];
}

export async function runDoc(report: GeneratedReport): Promise<ProcessedDocument> {
  const loaded = { path: report.name, bytes: report.bytes, sha256: report.name, format: sniffFormat(report.bytes, report.name), sizeBytes: report.bytes.length };
  return analyse(loaded, await extractDocument(loaded), OGI_ANNUAL_REPORT);
}

export interface TruthComparison {
  cells: number;
  exact: number;
  wrong: { cell: string; got: number | null | undefined; want: number | null; flagged: boolean }[];
}

/**
 * Every cell of a generated report's truth against what the pipeline extracted; a wrong cell is
 * `flagged` when a warning or error finding points at its table and (if given) its row and column.
 */
export function compareWithTruth(doc: ProcessedDocument, report: GeneratedReport): TruthComparison {
  const out: TruthComparison = { cells: 0, exact: 0, wrong: [] };
  const got = new Map<string, number | null>();
  for (const t of doc.tables) for (const c of t.cells) got.set(`${c.table}.${c.row}.${c.col}`, c.value);
  for (const [table, rows] of Object.entries(report.tables)) {
    for (const [row, cols] of Object.entries(rows)) {
      for (const [col, want] of Object.entries(cols)) {
        out.cells++;
        const cell = `${table}.${row}.${col}`;
        const value = got.get(cell);
        if (value === want) {
          out.exact++;
          continue;
        }
        const flagged = doc.findings.some(
          (f) => f.severity !== 'info' && f.table === table && (f.row === undefined || f.row === row) && (f.col === undefined || f.col === col),
        );
        out.wrong.push({ cell, got: value, want, flagged });
      }
    }
  }
  return out;
}

/**
 * A corpus of copies read against the reports they print (converted, printed, scanned copies: the copy prints the
 * truth, so whatever it loses is the converter's or ogi's): cells exact, wrong but flagged, wrong without a
 * finding, metadata wrong, failures.
 */
export class CopyTally {
  documents = 0;
  cells = 0;
  exact = 0;
  flagged = 0;
  readonly silent: string[] = [];
  readonly metaWrong: string[] = [];
  readonly failed: string[] = [];

  /** Adds one copy (`name` says which); true when it failed, or has wrong metadata or a wrong cell without a finding. */
  add(name: string, report: GeneratedReport, doc: ProcessedDocument): boolean {
    if (doc.error) {
      this.failed.push(`${name}: ${doc.error}`);
      return true;
    }
    this.documents++;
    let bad = false;
    if (doc.meta.agency !== report.agency || doc.meta.year !== report.year) {
      this.metaWrong.push(`${name}: ${doc.meta.agency} ${doc.meta.year}, want ${report.agency} ${report.year}`);
      bad = true;
    }
    const c = compareWithTruth(doc, { ...report, damaged: [] });
    this.cells += c.cells;
    this.exact += c.exact;
    for (const w of c.wrong) {
      if (w.flagged) this.flagged++;
      else {
        this.silent.push(`${name} ${w.cell}: got ${w.got}, want ${w.want}`);
        bad = true;
      }
    }
    return bad;
  }

  /** "N cells, X exact (p%), F wrong but flagged, S wrong without a finding; metadata wrong M; failed K", then up to `show` silent cells and the first metadata and failures. */
  lines(show: number): string[] {
    const pct = ((100 * this.exact) / Math.max(1, this.cells)).toFixed(2);
    return [
      `${this.cells} cells, ${this.exact} exact (${pct}%), ${this.flagged} wrong but flagged, ${this.silent.length} wrong without a finding; metadata wrong ${this.metaWrong.length}; failed ${this.failed.length}`,
      ...this.silent.slice(0, show).map((x) => `  ${x}`),
      ...this.metaWrong.slice(0, 10).map((x) => `  meta ${x}`),
      ...this.failed.slice(0, 10).map((x) => `  failed ${x}`),
    ];
  }
}

export async function measure(count: number, first = 1): Promise<RobustnessResult> {
  const res: RobustnessResult = { documents: 0, cells: 0, exact: 0, wrongFlagged: 0, silent: [], metaWrong: [], failed: [] };
  for (let seed = first; seed < first + count; seed++) {
    const report = generateReport(seed);
    const doc = await runDoc(report);
    res.documents++;
    if (doc.status === 'failed') res.failed.push(`${report.name}: ${doc.error}`);
    if (doc.meta.year !== report.year) res.metaWrong.push({ doc: report.name, what: `year ${doc.meta.year} ≠ ${report.year}` });
    if (doc.meta.agency !== report.agency) res.metaWrong.push({ doc: report.name, what: `agency ${doc.meta.agency} ≠ ${report.agency}` });
    if (doc.meta.layout !== report.layout) res.metaWrong.push({ doc: report.name, what: `layout ${doc.meta.layout} ≠ ${report.layout}` });
    const comparison = compareWithTruth(doc, report);
    res.cells += comparison.cells;
    res.exact += comparison.exact;
    for (const w of comparison.wrong) {
      if (w.flagged) res.wrongFlagged++;
      else res.silent.push({ doc: report.name, cell: w.cell, got: w.got, want: w.want, features: report.features });
    }
  }
  return res;
}

if (process.argv[1]?.endsWith('robustness.js')) {
  const count = Number(process.argv[2] ?? 500);
  const first = Number(process.argv[3] ?? 1);
  const r = await measure(count, first);
  console.log(`${r.documents} generated reports, ${r.cells} cells`);
  console.log(`exact: ${r.exact} (${((100 * r.exact) / r.cells).toFixed(2)}%), wrong but flagged: ${r.wrongFlagged}, wrong and silent: ${r.silent.length}`);
  console.log(`metadata wrong: ${r.metaWrong.length}, failed documents: ${r.failed.length}`);
  for (const s of r.silent.slice(0, 20)) console.log('  silent', s.doc, s.cell, 'got', s.got, 'want', s.want, s.features.join(','));
  for (const m of r.metaWrong.slice(0, 10)) console.log('  meta', m.doc, m.what);
  for (const f of r.failed.slice(0, 10)) console.log('  failed', f);
}
