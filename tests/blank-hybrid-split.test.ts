/**
 * Three everyday cases that gave wrong findings (issue 10): a table printed with every figure blank, the
 * 2021 "hybrid" layout of 2023/2024 reports, and a group label cut by a page break into a blank marker —
 * each in the input formats where it occurs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateReport } from '../scripts/generate/corpus.js';
import { renderReportPdf } from '../scripts/generate/pdf-corpus.js';
import { markerLabelAcrossPages } from '../scripts/generate/make-pdf-fixtures.js';
import type { ProcessedDocument } from '../src/types.js';
import { analyseBytes, analyseText, defaultSec3, reportText, rowValues, SEC3_LABELS_2021 } from './helpers/report.js';
import { asDocx, asHtml } from '../scripts/generate/tab-forms.js';
import { scanOfPage } from './helpers/scan.js';
import { loadFile } from '../src/stages/load.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'pdf');

const asMarkdown = (text: string): string =>
  text
    .split('\n')
    .map((l) => (l.includes('\t') ? `| ${l.split('\t').join(' | ')} |` : l))
    .join('\n');

const FORMATS: [string, (text: string) => Promise<ProcessedDocument>][] = [
  ['text', (t) => analyseText(t)],
  ['markdown', (t) => analyseBytes(Buffer.from(asMarkdown(t)), 'test.md')],
  ['HTML', (t) => analyseBytes(asHtml(t), 'test.html')],
  ['DOCX', (t) => analyseBytes(asDocx(t), 'test.docx')],
];

const rules = (doc: ProcessedDocument): string[] => doc.findings.map((f) => f.rule);

describe('a table printed with every figure blank', () => {
  const blank = new Map(SEC3_LABELS_2021.map(([key]) => [key, '\t\t\t\t\t\t']));
  for (const [format, analyse] of FORMATS) {
    it(`comes out as a table of blank cells with an info finding (${format})`, async () => {
      const doc = await analyse(reportText({ sec3: blank }));
      const sec3 = doc.tables.find((t) => t.table === 'sec3');
      expect(sec3?.cells).toHaveLength(175);
      expect(sec3!.cells.every((c) => c.value === null && c.method === 'blank')).toBe(true);
      expect(rules(doc)).not.toContain('table/missing');
      expect(rules(doc)).not.toContain('table/missing-row');
      expect(doc.findings.find((f) => f.rule === 'table/blank')).toMatchObject({ severity: 'info', table: 'sec3' });
      expect(doc.status).toBe('ok');
    });
  }

  it('keeps a single row printed empty blank, not missing (text)', async () => {
    const sec3 = defaultSec3();
    sec3.set('denied_query', '\t\t\t\t\t\t');
    const doc = await analyseText(reportText({ sec3 }));
    expect(rowValues(doc, 'sec3', 'denied_query')).toEqual([null, null, null, null, null, null, null]);
    expect(rules(doc)).not.toContain('table/missing-row');
    // The rest of the table prints its zeros: an empty row is kept blank, and pointed out.
    expect(doc.findings.find((f) => f.rule === 'table/empty-row')).toMatchObject({ severity: 'warning', row: 'denied_query' });
  });

  it('comes out as a table of blank cells in a text-layer PDF', async () => {
    const report = generateReport(11);
    for (const row of Object.values(report.tables.sec3!)) for (const col of Object.keys(row)) row[col] = null;
    const { bytes } = renderReportPdf(report, 11);
    const doc = await analyseBytes(bytes, 'blank.pdf');
    const sec3 = doc.tables.find((t) => t.table === 'sec3');
    expect(sec3?.cells.every((c) => c.value === null && c.method === 'blank')).toBe(true);
    expect(rules(doc)).not.toContain('table/missing');
    expect(rules(doc)).toContain('table/blank');
  });

  it('comes out as a table of blank cells in a scanned PDF (OCR)', async () => {
    // 004's fifth page (the tail of sec3, then sec4 under its heading) scanned at 150 dpi with every figure
    // printed blank: the scan has the sec4 grid and its headers, and no figure in it.
    const text = await loadFile(join(FIXTURES, '004_3f2d163066b69b0a.text.pdf'));
    const scan = await scanOfPage(text, 5, 150, (s) => /^\s*\d+\s*$/.test(s));
    const doc = await analyseBytes(scan, 'blank.scan.pdf');
    expect(doc.extractMeta).toMatchObject({ ocrUsed: true });
    const sec4 = doc.tables.find((t) => t.table === 'sec4');
    expect(sec4?.cells).toHaveLength(15);
    expect(sec4!.cells.every((c) => c.value === null && c.method === 'blank')).toBe(true);
    const aboutSec4 = doc.findings.filter((f) => f.table === 'sec4');
    expect(aboutSec4.map((f) => `${f.severity} ${f.rule}`)).toEqual(['info table/blank']);
  }, 180_000);
});

describe('the 2021 hybrid layout (section 二 of 2021, a single （六） row in section 三)', () => {
  const single = (): string[] => {
    const lines = reportText().split('\n');
    const start = lines.findIndex((l) => l.includes('（六）其他处理'));
    lines.splice(start, 3, '\t（六）其他处理\t\t0\t0\t0\t0\t0\t0\t0');
    return lines;
  };
  for (const [format, analyse] of FORMATS) {
    it(`raises no table/missing for 第二十条第（九）项 (${format})`, async () => {
      const text = single().join('\n').replace('2021年政府信息公开', '2023年政府信息公开');
      const doc = await analyse(text);
      expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2019');
      expect(doc.tables.find((t) => t.table === 'sec2_art20_1')?.layout).toBe('2021');
      expect(rules(doc)).not.toContain('table/missing');
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }

  it('still reports 第二十条第（九）项 missing from a report whose section 二 is of the 2019 layout', async () => {
    const sec2 = ['第二十条第（一）项', '信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量', '规章\t0\t0\t0', '规范性文件\t1\t1\t9'].join('\n');
    const doc = await analyseText(reportText({ sec2 }).replace('2021年政府信息公开', '2020年政府信息公开'));
    expect(doc.findings.filter((f) => f.rule === 'table/missing').map((f) => f.table)).toContain('sec2_art20_9');
  });
});

describe('a group label cut by a page break into a blank marker', () => {
  const cut = (row: string): Map<string, string> => {
    const sec3 = defaultSec3();
    sec3.set('unable_not_held', '3\t0\t0\t0\t0\t0\t3');
    sec3.set('new_received', '7\t0\t0\t0\t0\t0\t7');
    sec3.set('total', '7\t0\t0\t0\t0\t0\t7');
    void row;
    return sec3;
  };
  /** The report with the 无法提供 row's label printed as "（四） 无" (the rest of the label on the next page). */
  const withCutLabel = (labelCell: string): string =>
    reportText({ sec3: cut('') })
      .split('\n')
      .map((l) => (l.startsWith('\t（四）无法提供\t1.本机关不掌握相关政府信息') ? `\t${labelCell}\t1.本机关不掌握相关政府信息\t3\t0\t0\t0\t0\t0\t3` : l))
      .join('\n');
  for (const [format, analyse] of FORMATS.filter(([f]) => f === 'text' || f === 'markdown')) {
    it(`reads "（四） 无" as label text, not a blank cell (${format})`, async () => {
      const doc = await analyse(withCutLabel('（四） 无'));
      expect(rowValues(doc, 'sec3', 'unable_not_held')).toEqual([3, 0, 0, 0, 0, 0, 3]);
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }

  it('reads "无" left alone in a label cell as label text (text)', async () => {
    const doc = await analyseText(
      reportText({ sec3: cut('') })
        .split('\n')
        .flatMap((l) => (l.startsWith('\t（四）无法提供\t1.本机关不掌握相关政府信息') ? ['\t（四）\t无', '- 5 -', '\t法提供\t1.本机关不掌握相关政府信息\t3\t0\t0\t0\t0\t0\t3'] : [l]))
        .join('\n'),
    );
    expect(rowValues(doc, 'sec3', 'unable_not_held')).toEqual([3, 0, 0, 0, 0, 0, 3]);
    expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('reads "(四)无" cut by a page break in a ruled PDF as the start of 无法提供: the cell is joined across the break', async () => {
    const doc = await analyseBytes(markerLabelAcrossPages(), 'split.pdf');
    expect(rowValues(doc, 'sec3', 'unable_not_held')).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(rowValues(doc, 'sec3', 'unable_need_create')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(rowValues(doc, 'sec3', 'unable_unclear')).toEqual([0, 2, 0, 0, 0, 0, 2]);
    expect(rowValues(doc, 'sec3', 'total')).toEqual([3, 2, 0, 0, 0, 0, 5]);
    // The fixture prints only some rows: the others are missing, but nothing is said about the rows it prints.
    const printed = new Set(['new_received', 'granted', 'unable_not_held', 'unable_need_create', 'unable_unclear', 'total', 'carried_forward']);
    expect(doc.findings.filter((f) => f.table === 'sec3' && (f.row === undefined || printed.has(f.row)))).toEqual([]);
  });

  it('still reads 无 after a label as a blank marker ("行政许可 无")', async () => {
    const sec2 = ['第二十条第（五）项', '信息内容\t本年处理决定数量', '行政许可\t无'].join('\n');
    const doc = await analyseText(reportText({ sec2 }));
    expect(doc.tables.find((t) => t.table === 'sec2_art20_5')!.cells[0]).toMatchObject({ value: null, raw: '无', method: 'blank' });
  });
});

describe('a header repeated inside the table, as a table over two pages prints it', () => {
  // A 2019 table (a single （六）其他处理 row) whose header is printed again before its last rows: the header's
  // "其他" (the column) is no row 3.其他 printed empty, which would make the table 2021 and lose （六）'s figures.
  const withRepeatedHeader = (): string => {
    const lines = reportText().split('\n');
    const start = lines.findIndex((l) => l.includes('（六）其他处理'));
    lines.splice(start, 3, '\t（六）其他处理\t\t1\t0\t0\t0\t0\t0\t1');
    const header = reportText()
      .split('\n')
      .filter((l) => l.includes('申请人情况') || l.includes('法人或其他组织') || l.includes('商业企业'));
    lines.splice(start, 0, ...header);
    return lines.join('\n').replace('2021年政府信息公开', '2019年政府信息公开');
  };
  for (const [format, analyse] of FORMATS) {
    it(`reads the single （六） row of the 2019 layout (${format})`, async () => {
      const doc = await analyse(withRepeatedHeader());
      expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2019');
      expect(rowValues(doc, 'sec3', 'other')).toEqual([1, 0, 0, 0, 0, 0, 1]);
      expect(rules(doc)).not.toContain('table/missing-row');
    });
  }

  it('reads the single （六） row of the 2019 layout after a header repeated on the next page (borderless PDF)', async () => {
    // scripts/generate/pdf-corpus.ts, seed 50076: borderless, the 2019 layout, the table breaks before （六）其他处理
    // and page 3 repeats the header (its wrapped fragments 人 | 公益 | 服务 | 其他 on one line).
    const seed = 50076;
    const report = generateReport(seed);
    const { bytes, features } = renderReportPdf(report, seed);
    expect(features).toContain('repeat-header');
    const doc = await analyseBytes(bytes, 'repeated-header.pdf');
    expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2019');
    const truth = report.tables.sec3!.other!;
    expect(rowValues(doc, 'sec3', 'other')).toEqual(['natural', 'commercial', 'research', 'social', 'legal', 'other', 'total'].map((c) => truth[c]));
    expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('a header repeated inside a grid is no row printed empty', () => {
  // A 2021 table whose row 3.其他 was lost, with the header printed again where that row stood: the header's
  // 其他 stands in the figure columns — it is the column, so the row is reported missing, not read as blank.
  const lostRowUnderHeader = (): string => {
    const header = reportText()
      .split('\n')
      .filter((l) => l.includes('申请人情况') || l.includes('法人或其他组织') || l.includes('商业企业'));
    return reportText()
      .split('\n')
      .flatMap((l) => (l.includes('\t3.其他\t') ? header : [l]))
      .join('\n');
  };
  for (const [format, analyse] of FORMATS.filter(([f]) => f === 'HTML' || f === 'DOCX')) {
    it(`reports the lost row 3.其他 missing (${format})`, async () => {
      const doc = await analyse(lostRowUnderHeader());
      expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2021');
      expect(doc.findings.find((f) => f.rule === 'table/missing-row')).toMatchObject({ table: 'sec3', row: 'other_other' });
    });
  }
});
