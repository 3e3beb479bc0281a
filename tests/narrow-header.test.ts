/**
 * A table printed with other columns than the template: fewer (section 三 as 自然人 | 法人或其他组织 | 总计,
 * or with some of the five 法人 columns left out) or more (a 小计 column). Narrower grid rows were
 * right-aligned, which put the 自然人 count under 法律服务机构 without a word, since the row sums still held;
 * wider ones lost every figure. The header says which column is which: the figures go where it says, the
 * columns it does not print stay empty, and one finding says so.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../src/stages/load.js';
import { processLoaded } from '../src/pipeline.js';
import type { ProcessedDocument } from '../src/types.js';
import { analyseBytes, cell, reportText, SEC3_LABELS_2021 } from './helpers/report.js';
import { asDocx, asHtml } from '../scripts/generate/tab-forms.js';
import { generateReport } from '../scripts/generate/corpus.js';
import { renderReportPdf } from '../scripts/generate/pdf-corpus.js';
import type { PrintedColumn } from '../scripts/generate/pdf-corpus.js';

/** Each row's label over three label columns (every row of the grid has the same label width). */
function labelFields(label: string): string {
  const parts = label.split('\t');
  while (parts.length < 3) parts.push('');
  return parts.join('\t');
}

/** Section 三 printed with the given header columns and, per row, one figure per header column. */
function narrowSec3(header: string[] | null, figures: (key: string) => (number | string)[]): string[] {
  const head = header ? ['(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t\t' + header.join('\t')] : [];
  return [...head, ...SEC3_LABELS_2021.map(([key, label]) => `${labelFields(label)}\t${figures(key).join('\t')}`)];
}

/** A consistent table: 14 requests from natural persons and 3 from organisations, all granted. */
const BY_ROW: Record<string, [number, number]> = { new_received: [14, 3], granted: [14, 3], total: [14, 3] };
const personsOrgsTotal = (key: string): number[] => {
  const [n, o] = BY_ROW[key] ?? [0, 0];
  return [n, o, n + o];
};

const FORMATS: [string, (text: string) => Promise<ProcessedDocument>][] = [
  ['HTML', (t) => analyseBytes(asHtml(t), 'test.html')],
  ['DOCX', (t) => analyseBytes(asDocx(t), 'test.docx')],
];

const LEGAL_PERSONS = ['commercial', 'research', 'social', 'legal', 'other'];
const SEVEN = ['自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他', '总计'];
const SEVEN_KEYS = ['natural', ...LEGAL_PERSONS, 'total'];

describe('a table whose header prints fewer columns than the template', () => {
  for (const [format, analyse] of FORMATS) {
    it(`places each figure under its header and leaves the columns not printed empty, with one error (${format})`, async () => {
      const doc = await analyse(reportText({ sec3Lines: narrowSec3(['自然人', '法人或其他组织', '总计'], personsOrgsTotal) }));
      for (const row of ['new_received', 'granted', 'total']) {
        expect(cell(doc, 'sec3', row, 'natural')).toMatchObject({ value: 14, method: 'grid' });
        expect(cell(doc, 'sec3', row, 'total')).toMatchObject({ value: 17, method: 'grid' });
        // The 法人或其他组织 sum belongs to no single cell: the five columns under it were not printed.
        for (const col of LEGAL_PERSONS) expect(cell(doc, 'sec3', row, col)).toMatchObject({ value: null, method: 'unresolved' });
      }
      const errors = doc.findings.filter((f) => f.severity === 'error');
      expect(errors.map((f) => f.rule)).toEqual(['table/columns-not-printed']);
      expect(errors[0]!.message).toContain('商业企业、科研机构、社会公益组织、法律服务机构、其他');
      expect(doc.status).toBe('findings');
    });

    it(`places the columns a partial header names, and only those (${format})`, async () => {
      const doc = await analyse(
        reportText({ sec3Lines: narrowSec3(['自然人', '法律服务机构', '其他', '总计'], (key) => (key === 'granted' || key === 'new_received' || key === 'total' ? [5, 0, 1, 6] : [0, 0, 0, 0])) }),
      );
      expect(['natural', 'legal', 'other', 'total'].map((col) => cell(doc, 'sec3', 'granted', col)?.value)).toEqual([5, 0, 1, 6]);
      for (const col of ['commercial', 'research', 'social']) expect(cell(doc, 'sec3', 'granted', col)).toMatchObject({ value: null, method: 'unresolved' });
      expect(doc.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['table/columns-not-printed']);
    });

    it(`reads a table with a column the template does not have by its header, and says the column's figures are not stored (${format})`, async () => {
      const seven = ['自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他'];
      // Rows without requests leave their zeros blank but print 小计 and 总计 as 0: cutting one blank off the
      // front would fit seven fields, and put 小计's 0 in 其他.
      const blankZeros = (key: string): (number | string)[] => (key === 'granted' || key === 'new_received' || key === 'total' ? [5, 1, 0, 0, 0, 2, 3, 8] : ['', '', '', '', '', '', 0, 0]);
      const doc = await analyse(reportText({ sec3Lines: narrowSec3([...seven, '小计', '总计'], blankZeros) }));
      expect(['natural', ...LEGAL_PERSONS, 'total'].map((col) => cell(doc, 'sec3', 'granted', col)?.value)).toEqual([5, 1, 0, 0, 0, 2, 8]);
      expect(['natural', ...LEGAL_PERSONS, 'total'].map((col) => cell(doc, 'sec3', 'denied_state_secret', col)?.value)).toEqual([null, null, null, null, null, null, 0]);
      expect(cell(doc, 'sec3', 'denied_state_secret', 'other')).toMatchObject({ method: 'blank' });
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(doc.findings.find((f) => f.rule === 'table/extra-columns')).toMatchObject({ severity: 'warning', table: 'sec3', actual: '小计' });
    });

    it(`says so when no header names the columns of rows narrower than the template (${format})`, async () => {
      const doc = await analyse(reportText({ sec3Lines: narrowSec3(null, personsOrgsTotal) }));
      const warning = doc.findings.find((f) => f.rule === 'table/columns-assumed');
      expect(warning).toMatchObject({ severity: 'warning', table: 'sec3' });
      expect(warning!.message).toContain('may belong to others');
    });

    // Five figure columns under three label columns: a row whose label stands in the first label column has two
    // empty label fields before its figures, and looks as wide as the template. Read by their positions, every
    // figure moves two columns right (自然人 under 科研机构) and the row sums still hold.
    const fiveColumns = (key: string): number[] => (key === 'granted' || key === 'new_received' || key === 'total' ? [14, 1, 2, 0, 17] : [0, 0, 0, 0, 0]);

    it(`reports figures read in other columns than the header names, when the header cannot place them (${format})`, async () => {
      // A garbled header (two labels in one cell, one column without a label) places no row.
      const doc = await analyse(reportText({ sec3Lines: narrowSec3(['自然人', '', '商业企业科研机构', '社会公益组织', '总计'], fiveColumns) }));
      const error = doc.findings.find((f) => f.rule === 'table/header-contradicts');
      expect(error).toMatchObject({ severity: 'error', table: 'sec3', actual: '科研机构', expected: '自然人' });
      expect(error!.message).toContain('new_received');
      expect(doc.status).toBe('findings');
    });

    it(`says the columns are a guess when a grid's figures stand in fewer columns than the template, though some rows look as wide (${format})`, async () => {
      const doc = await analyse(reportText({ sec3Lines: narrowSec3(null, fiveColumns) }));
      const warning = doc.findings.find((f) => f.rule === 'table/columns-assumed');
      expect(warning).toMatchObject({ severity: 'warning', table: 'sec3' });
      expect(warning!.message).toContain('new_received');
    });

    it(`says the columns are a guess when rows are fitted by dropping blank fields in a grid wider than the template, without a header (${format})`, async () => {
      // Eight figure columns (a 小计 before 总计) and no header: a row of blank zeros and a 小计 and 总计 of 0
      // fits seven columns by dropping a blank, and puts 小计's 0 under 其他.
      const eight = (key: string): (number | string)[] => (key === 'granted' || key === 'new_received' || key === 'total' ? [5, 1, 0, 0, 0, 2, 3, 8] : ['', '', '', '', '', '', 0, 0]);
      const doc = await analyse(reportText({ sec3Lines: narrowSec3(null, eight) }));
      const warning = doc.findings.find((f) => f.rule === 'table/columns-assumed' && /more fields/.test(f.message));
      expect(warning).toMatchObject({ severity: 'warning', table: 'sec3' });
      expect(warning!.message).toContain('denied_state_secret');
      // The rows of eight figures are not made seven by joining two of them: "5 1 0 …" is no 51.
      expect(cell(doc, 'sec3', 'granted', 'natural')?.value).toBeNull();
      expect(doc.findings.map((f) => f.rule)).not.toContain('table/split-number');
    });
  }

  it('reads a Word table whose merged header cell was printed over two lines (法人或其他组织 / 商业企业), .doc and .docx', async () => {
    for (const name of ['hard-table.docx', 'hard-table.doc']) {
      const doc = await processLoaded(await loadFile(join(import.meta.dirname, 'fixtures', 'doc', name)));
      expect(['natural', 'commercial', 'total'].map((col) => cell(doc, 'sec3', 'granted', col)?.value), name).toEqual([3, 1, 4]);
      expect(cell(doc, 'sec3', 'partial', 'commercial'), name).toMatchObject({ value: null, method: 'blank' });
      expect(cell(doc, 'sec3', 'granted', 'legal'), name).toMatchObject({ value: null, method: 'unresolved' });
      expect(doc.findings.find((f) => f.rule === 'table/columns-not-printed')?.message, name).toContain('科研机构、社会公益组织、法律服务机构、其他');
    }
  });

  it('reads the header of a ruled PDF table the same way (text layer)', async () => {
    const read = async (name: string) => processLoaded(await loadFile(join(import.meta.dirname, 'fixtures', 'pdf', 'gen', `${name}.pdf`)));
    // Header 项目 | 自然人 | 法律服务机构 | 其他 | 总计.
    const wrapped = await read('wrapped-labels');
    expect(['natural', 'legal', 'other', 'total'].map((col) => cell(wrapped, 'sec3', 'granted', col)?.value)).toEqual([5, 0, 1, 6]);
    expect(cell(wrapped, 'sec3', 'granted', 'social')).toMatchObject({ value: null, method: 'unresolved' });
    // Header 自然人 | 商业企业 | 总计, over two pages.
    const across = await read('table-across-pages');
    expect(['natural', 'commercial', 'total'].map((col) => cell(across, 'sec3', 'new_received', col)?.value)).toEqual([3, 1, 4]);
    expect(['natural', 'commercial', 'total'].map((col) => cell(across, 'sec3', 'denied_three_safety', col)?.value)).toEqual([0, 12, 12]);
    for (const doc of [wrapped, across]) expect(doc.findings.map((f) => f.rule)).toContain('table/columns-not-printed');
  });
});

describe('a table with a 小计 column printed over two pages, the second without its header (text-layer PDF)', () => {
  it('reads the first page by its header, and says the wider rows of the second were fitted by guess', async () => {
    // scripts/generate/pdf-corpus.ts, seed 449: ruled, the table breaks after 二、上年结转 and page 2 repeats no header.
    const seed = 449;
    const report = generateReport(seed);
    const own = (i: number): PrintedColumn => ({ header: SEVEN[i]!, value: (row) => row[SEVEN_KEYS[i]!] ?? null });
    const sum = (row: Record<string, number | null>): number => LEGAL_PERSONS.reduce((s, k) => s + (row[k] ?? 0), 0);
    const bytes = renderReportPdf(report, seed, [...[0, 1, 2, 3, 4, 5].map(own), { header: '小计', value: sum }, own(6)]).bytes;
    const doc = await processLoaded({ path: 'subtotal.pdf', bytes, sha256: 'subtotal', format: 'pdf', sizeBytes: bytes.length });
    const truth = report.tables.sec3!;
    // The first page: every cell as printed, 小计 not stored.
    for (const col of SEVEN_KEYS) expect(cell(doc, 'sec3', 'new_received', col)?.value, col).toBe(truth.new_received![col]);
    expect(doc.findings.find((f) => f.rule === 'table/extra-columns')).toMatchObject({ table: 'sec3', actual: '小计' });
    // The second page: wider rows fitted by dropping a blank — which may have been the 小计 — are reported.
    const warning = doc.findings.find((f) => f.rule === 'table/columns-assumed');
    expect(warning?.message).toMatch(/more fields than the table's 7 columns .*dropping blank fields/);
    expect(warning?.message).toContain('denied_state_secret');
  });
});

// Rows narrower than the template in a table whose other rows fill every column (a borderless table's band
// that lost its empty columns on the next page) stay right-aligned without a finding: gold-pdf.test.ts, the
// borderless reading of 002, checks it.
