/**
 * Tables that print other columns than the template, measured on generated reports: each report's section 三
 * is printed as an HTML (or DOCX) table with one of four headers, the rest of the report as it is —
 *   - "collapsed": 自然人 | 法人或其他组织 | 总计 (the five 法人 columns as their sum);
 *   - "partial":   自然人, two or three of the five 法人 columns, 总计;
 *   - "subtotal":  the seven columns and a 小计 (the 法人 sum) before 总计;
 *   - "remarks":   the seven columns and a 备注 column after 总计.
 * For every cell of section 三 it checks: a column the header prints is read exactly (a wrong one is counted
 * silent unless a finding names its table and row or cell); a column it does not print is empty (never a
 * figure that is not the truth) and the table carries table/columns-not-printed. The other tables are compared
 * with the truth as robustness.ts does.
 *
 * --text keeps them as the tab-separated text the tables are made from (a table copied out of a page or a PDF).
 * --pdf prints the reports as text-layer PDFs instead (scripts/generate/pdf-corpus.ts: ruled or borderless
 * tables, page breaks; section 三 with a one-row header of these columns).
 *
 * It lists the first 20 cells wrong or empty without a finding, or all of them with --all; --keep DIR writes the
 * documents with such cells there, to be read with `ogi show`.
 *
 *   npm run build && node dist/scripts/bench/header-corpus.js [count] [--docx | --pdf | --text] [--all] [--keep DIR]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { processLoaded } from '../../src/pipeline.js';
import { sniffFormat } from '../../src/stages/load.js';
import type { ProcessedDocument } from '../../src/types.js';
import { generateReport } from '../generate/corpus.js';
import type { GeneratedReport } from '../generate/corpus.js';
import { asDocx, asHtml } from '../generate/tab-forms.js';
import { renderReportPdf } from '../generate/pdf-corpus.js';
import type { PrintedColumn } from '../generate/pdf-corpus.js';
import { compareWithTruth } from './robustness.js';

const COLS = ['natural', 'commercial', 'research', 'social', 'legal', 'other', 'total'] as const;
const LABELS = ['自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他', '总计'];
const LEGAL = [1, 2, 3, 4, 5];

type Variant = 'collapsed' | 'partial' | 'subtotal' | 'remarks';
const VARIANTS: Variant[] = ['collapsed', 'partial', 'subtotal', 'remarks'];

/**
 * A printed column (pdf-corpus.ts's PrintedColumn, which the PDF form is rendered with): its header, its figure in
 * a row (the truth), and which template column it is — null for a column the template does not have.
 */
interface Column extends PrintedColumn {
  col: number | null;
}

const cellText = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));
const legalSum = (row: Record<string, number | null>): number => LEGAL.reduce((s, i) => s + (row[COLS[i]!] ?? 0), 0);

function columnsOf(variant: Variant, seed: number): Column[] {
  const own = (i: number): Column => ({ header: LABELS[i]!, col: i, value: (row) => row[COLS[i]!] ?? null });
  switch (variant) {
    case 'collapsed':
      return [own(0), { header: '法人或其他组织', col: null, value: legalSum }, own(6)];
    case 'partial': {
      const kept = LEGAL.filter((_, k) => (seed >> k) % 2 === 1 || k === seed % 5).slice(0, 3);
      return [own(0), ...kept.map(own), own(6)];
    }
    case 'subtotal':
      return [...[0, 1, 2, 3, 4, 5].map(own), { header: '小计', col: null, value: legalSum }, own(6)];
    case 'remarks':
      return [...[0, 1, 2, 3, 4, 5, 6].map(own), { header: '备注', col: null, value: () => null }];
  }
}

/** The template's rows of a layout, with their group label: what the label columns print. */
function templateRows(layout: '2019' | '2021'): { key: string; label: string; group: string }[] {
  const def = OGI_ANNUAL_REPORT.tables.find((t) => t.key === 'sec3')!;
  const variant = def.variants.find((v) => v.layout === layout)!;
  return variant.rows.map((r) => ({ key: r.key, label: r.labels[0]!, group: r.group ?? '' }));
}

/** The report's text with section 三's table printed with these columns (two label columns, then the figures). */
function withSec3(report: GeneratedReport, columns: Column[]): string {
  const lines = report.text.split('\n');
  const start = lines.findIndex((l) => l.includes('收到和处理政府信息公开申请情况'));
  const end = lines.findIndex((l, i) => i > start && l.includes('政府信息公开行政复议、行政诉讼情况'));
  if (start < 0 || end < 0) throw new Error(`${report.name}: section 三 not found`);
  const truth = report.tables.sec3!;
  const table = [
    ['(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)', '', ...columns.map((c) => c.header)].join('\t'),
    ...templateRows(report.layout).map((r) => [r.group || r.label, r.group ? r.label : '', ...columns.map((c) => cellText(c.value(truth[r.key] ?? {})))].join('\t')),
  ];
  return [...lines.slice(0, start + 1), '', ...table, '', ...lines.slice(end)].join('\n');
}

interface Tally {
  documents: number;
  printedCells: number;
  printedExact: number;
  printedWrongFlagged: number;
  notPrintedCells: number;
  notPrintedEmptyFlagged: number;
  notPrintedInferredRight: number;
  silent: string[];
  otherCells: number;
  otherExact: number;
  otherSilent: number;
}

function tallySec3(doc: ProcessedDocument, report: GeneratedReport, columns: Column[], t: Tally): void {
  const truth = report.tables.sec3!;
  const printed = new Set<string>(columns.flatMap((c) => (c.col === null ? [] : [COLS[c.col]!])));
  const cells = new Map((doc.tables.find((x) => x.table === 'sec3')?.cells ?? []).map((c) => [`${c.row}.${c.col}`, c]));
  const tableError = doc.findings.some((f) => f.rule === 'table/columns-not-printed' && f.table === 'sec3');
  // Table-wide warnings that the figures' columns are a guess, or that the header puts them elsewhere.
  const assumed = doc.findings.some((f) => (f.rule === 'table/columns-assumed' || f.rule === 'table/header-contradicts') && f.table === 'sec3');
  // The columns the pipeline says the header prints: a cell of another column left empty is reported, not silent.
  const readAsPrinted = doc.findings.find((f) => f.rule === 'table/columns-not-printed' && f.table === 'sec3')?.actual?.split(' | ') ?? null;
  const reportedMissing = (col: string): boolean => readAsPrinted !== null && !readAsPrinted.includes(LABELS[COLS.indexOf(col as (typeof COLS)[number])]!);
  for (const [row, cols] of Object.entries(truth)) {
    for (const [col, want] of Object.entries(cols)) {
      const got = cells.get(`${row}.${col}`);
      // A finding on the cell or its row; or the warning that the table's figures were right-aligned for want of a header.
      const cellFlagged = assumed || doc.findings.some((f) => f.severity !== 'info' && f.table === 'sec3' && f.row === row && (f.col === undefined || f.col === col));
      if (printed.has(col)) {
        t.printedCells++;
        if (got?.value === want) t.printedExact++;
        else if (cellFlagged || ((got?.value ?? null) === null && reportedMissing(col))) t.printedWrongFlagged++;
        else t.silent.push(`${report.name} sec3.${row}.${col}: got ${got?.value}, want ${want}`);
        continue;
      }
      t.notPrintedCells++;
      if (got?.value === null || got?.value === undefined) {
        if (tableError || cellFlagged) t.notPrintedEmptyFlagged++;
        else t.silent.push(`${report.name} sec3.${row}.${col}: not printed, empty without a finding`);
      } else if (got.value === (want ?? 0)) t.notPrintedInferredRight++; // a count not printed, implied: a blank printed elsewhere is 0
      else if (cellFlagged) t.notPrintedEmptyFlagged++;
      else t.silent.push(`${report.name} sec3.${row}.${col}: not printed, got ${got.value}, want ${want}`);
    }
  }
}

async function main(argv: string[]): Promise<void> {
  const count = Number(argv.find((a) => /^\d+$/.test(a)) ?? 200);
  const form = argv.includes('--pdf') ? 'PDF' : argv.includes('--docx') ? 'DOCX' : argv.includes('--text') ? 'TXT' : 'HTML';
  const t: Tally = { documents: 0, printedCells: 0, printedExact: 0, printedWrongFlagged: 0, notPrintedCells: 0, notPrintedEmptyFlagged: 0, notPrintedInferredRight: 0, silent: [], otherCells: 0, otherExact: 0, otherSilent: 0 };
  const byVariant = new Map<Variant, number>();
  const keepAt = argv.indexOf('--keep');
  const keepDir = keepAt >= 0 ? argv[keepAt + 1] : undefined;
  if (keepDir) mkdirSync(keepDir, { recursive: true });
  for (let seed = 1; t.documents < count; seed++) {
    const report = generateReport(seed);
    // Copies whose section 三 was damaged in other ways (lost or glued cells) are robustness.ts's matter.
    if (report.damaged.some((d) => d.startsWith('sec3.')) || !report.features.includes('style:tabs')) continue;
    const variant = VARIANTS[t.documents % VARIANTS.length]!;
    const columns = columnsOf(variant, seed);
    const pdf = form === 'PDF' ? renderReportPdf(report, seed, columns) : null;
    const bytes = pdf ? pdf.bytes : form === 'TXT' ? Buffer.from(withSec3(report, columns)) : (form === 'DOCX' ? asDocx : asHtml)(withSec3(report, columns));
    // Each silent cell says which header, and for a PDF which table style (ruled or borderless).
    const tag = `[${variant}${pdf ? ` ${pdf.features[0]}` : ''}]`;
    const name = report.name.replace(/\.txt$/, `.${form.toLowerCase()}`);
    const doc = await processLoaded({ path: name, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), format: sniffFormat(bytes, name), sizeBytes: bytes.length });
    t.documents++;
    byVariant.set(variant, (byVariant.get(variant) ?? 0) + 1);
    const before = t.silent.length;
    tallySec3(doc, report, columns, t);
    for (let i = before; i < t.silent.length; i++) t.silent[i] = `${tag} ${t.silent[i]}`;
    if (keepDir && t.silent.length > before) writeFileSync(join(keepDir, name), bytes);
    const others = compareWithTruth(doc, { ...report, tables: Object.fromEntries(Object.entries(report.tables).filter(([k]) => k !== 'sec3')) });
    t.otherCells += others.cells;
    t.otherExact += others.exact;
    t.otherSilent += others.wrong.filter((w) => !w.flagged).length;
  }
  const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(2)}%`;
  console.log(`${t.documents} ${form} reports (${[...byVariant].map(([v, n]) => `${n} ${v}`).join(', ')})`);
  console.log(`section 三, columns printed: ${t.printedExact}/${t.printedCells} exact (${pct(t.printedExact, t.printedCells)}), ${t.printedWrongFlagged} wrong and flagged`);
  console.log(`section 三, columns not printed: ${t.notPrintedCells} cells, ${t.notPrintedEmptyFlagged} empty with table/columns-not-printed, ${t.notPrintedInferredRight} implied right by the identities`);
  console.log(`other tables: ${t.otherExact}/${t.otherCells} exact (${pct(t.otherExact, t.otherCells)}), ${t.otherSilent} wrong without a finding`);
  console.log(`wrong or empty without a finding in section 三: ${t.silent.length}`);
  const listed = argv.includes('--all') ? t.silent : t.silent.slice(0, 20);
  for (const s of listed) console.log(`  ${s}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
