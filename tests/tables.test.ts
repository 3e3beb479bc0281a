import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { rowView } from '../src/stages/rows.js';
import { analyseBytes, analyseText, cell, DEFAULT_SEC2, defaultSec3, reportText, rowValues, SEC3_LABELS_2021, SEC4_HEADER } from './helpers/report.js';

const rulesOf = (doc: { findings: { rule: string }[] }) => doc.findings.map((f) => f.rule);

describe('tables: a sound report', () => {
  it('reads every table of the 2021 layout with direct placement and no findings', async () => {
    const doc = await analyseText(reportText());
    expect(doc.status).toBe('ok');
    expect(doc.meta).toMatchObject({ agency: '南乐县人民政府', year: 2021, layout: '2021' });
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([4, 0, 0, 0, 0, 0, 4]);
    expect(rowValues(doc, 'sec2_art20_1', 'normative')).toEqual([5, 1, 20]);
    expect(cell(doc, 'sec2_art20_8', 'fees', 'amount')).toMatchObject({ value: 24252.311082, unit: '万元', raw: '24252.311082' });
    expect(rowValues(doc, 'sec4', 'review')).toEqual([1, 0, 0, 0, 1]);
    expect(cell(doc, 'sec3', 'granted', 'natural')).toMatchObject({ method: 'position', prov: { line: expect.any(Number) } });
    expect(doc.findings).toEqual([]);
  });
});

describe('tables: hard cases of flattened copies', () => {
  it('keeps a blank cell blank (NULL), distinct from a printed 0', async () => {
    const sec3 = defaultSec3();
    sec3.set('carried_forward', '0\t0\t0\t0\t\t0\t0');
    const doc = await analyseText(reportText({ sec3 }));
    expect(cell(doc, 'sec3', 'carried_forward', 'legal')).toMatchObject({ value: null, method: 'blank' });
    expect(cell(doc, 'sec3', 'carried_forward', 'other')).toMatchObject({ value: 0, raw: '0' });
    expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('puts a lone figure after many tabs in 总计 and leaves the other cells blank', async () => {
    const sec3 = defaultSec3();
    sec3.set('carried_over', '\t\t\t\t\t\t2\t');
    sec3.set('new_received', '4\t0\t0\t0\t0\t0\t4');
    sec3.set('carried_forward', '2\t0\t0\t0\t0\t0\t2');
    const doc = await analyseText(reportText({ sec3 }));
    expect(rowValues(doc, 'sec3', 'carried_over')).toEqual([null, null, null, null, null, null, 2]);
  });

  it('puts a lone figure on a space-separated line in 总计 (rule of the format) and says so', async () => {
    const lines = reportText().replace('二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0', '二、上年结转政府信息公开申请数量 0');
    const doc = await analyseText(lines);
    expect(rowValues(doc, 'sec3', 'carried_over')).toEqual([null, null, null, null, null, null, 0]);
    expect(cell(doc, 'sec3', 'carried_over', 'total')?.method).toBe('lone-total');
    expect(rulesOf(doc)).toContain('table/lone-total');
  });

  it('settles a short row (a lost cell) with the identities and flags the inferred cell', async () => {
    const sec3 = defaultSec3();
    sec3.set('granted', '3\t0\t0\t0\t0\t3'); // one 0 lost
    const doc = await analyseText(reportText({ sec3 }));
    expect(rowValues(doc, 'sec3', 'granted')).toEqual([3, 0, 0, 0, 0, 0, 3]);
    // Which 0 was lost cannot be told, but every placement gives the same figures: the row is flagged.
    expect(doc.findings.filter((f) => f.rule === 'table/short-row')).toEqual([
      expect.objectContaining({ table: 'sec3', row: 'granted', severity: 'warning', line: expect.any(Number), actual: '3 0 0 0 0 3' }),
    ]);
    expect(cell(doc, 'sec3', 'granted', 'natural')?.method).toBe('identity-placed');
    expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('infers a lost cell that no placement reads, and flags that cell', async () => {
    const sec3 = defaultSec3();
    sec3.set('new_received', '4\t0\t0\t0\t0\t0'); // 总计 lost at the end of the line
    const doc = await analyseText(reportText({ sec3 }));
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([4, 0, 0, 0, 0, 0, 4]);
    const inferred = doc.findings.filter((f) => f.rule === 'table/inferred-cell');
    expect(inferred).toEqual([expect.objectContaining({ table: 'sec3', row: 'new_received', col: 'total', expected: '4', severity: 'warning' })]);
    expect(cell(doc, 'sec3', 'new_received', 'total')).toMatchObject({ method: 'identity-inferred', raw: null });
  });

  it('reports a short row that the identities cannot settle, and leaves its cells empty', async () => {
    const sec3 = defaultSec3();
    // 3 figures for 7 columns, and the column totals do not pin them down.
    sec3.set('granted', '2\t1\t3');
    sec3.set('partial', '1\t0\t0\t0\t0\t0\t1');
    const doc = await analyseText(reportText({ sec3 }));
    const errors = doc.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.rule)).toContain('table/ambiguous-row');
    expect(rowValues(doc, 'sec3', 'granted').filter((v) => v !== null)).toEqual([]);
  });

  it('cuts glued digits of sec4 (15 cells) the only way the identities allow', async () => {
    const doc = await analyseText(reportText({ sec4: '10203120001200000' }));
    expect(rowValues(doc, 'sec4', 'review')).toEqual([1, 0, 2, 0, 3]);
    expect(rowValues(doc, 'sec4', 'direct')).toEqual([12, 0, 0, 0, 12]);
    expect(rowValues(doc, 'sec4', 'after_review')).toEqual([0, 0, 0, 0, 0]);
    expect(cell(doc, 'sec4', 'direct', 'upheld')?.method).toBe('glued-split');
    expect(doc.findings.find((f) => f.rule === 'table/glued-digits')).toMatchObject({ actual: '10203120001200000', severity: 'warning' });
  });

  it('cuts a glued sec3 row (640020470 = 64,0,0,2,0,4,70)', async () => {
    const sec3 = defaultSec3();
    sec3.set('new_received', '640020470');
    sec3.set('granted', '64\t0\t0\t2\t0\t4\t70');
    sec3.set('partial', '0\t0\t0\t0\t0\t0\t0');
    sec3.set('total', '64\t0\t0\t2\t0\t4\t70');
    const doc = await analyseText(reportText({ sec3 }));
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([64, 0, 0, 2, 0, 4, 70]);
    expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('joins a figure split over two cells (10 read as "1","0")', async () => {
    const sec3 = defaultSec3();
    sec3.set('new_received', '1\t0\t0\t0\t0\t0\t0\t10');
    sec3.set('granted', '9\t0\t0\t0\t0\t0\t9');
    sec3.set('total', '10\t0\t0\t0\t0\t0\t10');
    const doc = await analyseText(reportText({ sec3 }));
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([10, 0, 0, 0, 0, 0, 10]);
    expect(cell(doc, 'sec3', 'new_received', 'natural')?.method).toBe('joined');
    expect(rulesOf(doc)).toContain('table/split-number');
  });

  it('does not join two cells into a figure the row sum rejects ("4 0 0 0 0 0 0 4" is no 40 with a total of 4)', async () => {
    const sec3 = defaultSec3();
    sec3.set('granted', '4\t0\t0\t0\t0\t0\t0\t4');
    const doc = await analyseText(reportText({ sec3 }));
    expect(rowValues(doc, 'sec3', 'granted')).toEqual([null, null, null, null, null, null, null]);
    expect(doc.findings.find((f) => f.rule === 'table/unplaceable-row')).toMatchObject({ severity: 'error', table: 'sec3', row: 'granted' });
    expect(rulesOf(doc)).not.toContain('table/split-number');
  });

  it('matches a label split over two lines and a parent label split by a page break with a footer', async () => {
    const text = reportText()
      .replace('\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t', '\t（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）\t')
      .replace('\t（三）不予公开\t1.属于国家秘密', '\t（三）不予\t1.属于国家秘密')
      .replace('\t\t2.其他法律行政法规禁止公开', '\n- 7 -\n\n公开\t2.其他法律行政止公开');
    const doc = await analyseText(text);
    expect(rowValues(doc, 'sec3', 'partial')).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(rowValues(doc, 'sec3', 'denied_law_forbidden')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(rulesOf(doc).filter((r) => r.startsWith('table/'))).toEqual([]);
  });

  it('reads markdown pipe tables and full-width digits', async () => {
    const sec2 = [
      '第二十条第（一）项',
      '| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |',
      '| --- | --- | --- | --- |',
      '| 规章 | ０ | ０ | ０ |',
      '| 行政规范性文件 | １２ | ３ | ４５ |',
    ].join('\n');
    const doc = await analyseText(reportText({ sec2 }));
    expect(rowValues(doc, 'sec2_art20_1', 'normative')).toEqual([12, 3, 45]);
  });

  it('keeps the note of an annotated cell and the signed change of the 2019 layout', async () => {
    const sec2 = [
      '第二十条第（一）项',
      '信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量',
      '规章\t0\t0\t0',
      '规范性文件\t22（其中修订16件）\t22\t140',
      '第二十条第（五）项',
      '信息内容\t上一年项目数量\t本年增/减\t处理决定数量',
      '行政许可\t61\t-3\t1200',
      '其他对外管理服务事项\t5\t+2\t10',
    ].join('\n');
    const doc = await analyseText(reportText({ sec2, title: '测试县人民政府2020年政府信息公开工作年度报告' }));
    expect(cell(doc, 'sec2_art20_1', 'normative', 'new_made')).toMatchObject({ value: 22, note: '其中修订16件' });
    expect(rowValues(doc, 'sec2_art20_5', 'license')).toEqual([61, -3, 1200]);
    expect(rowValues(doc, 'sec2_art20_5', 'other_services')).toEqual([5, 2, 10]);
    expect(doc.tables.find((t) => t.table === 'sec2_art20_5')?.layout).toBe('2019');
    expect(rulesOf(doc)).not.toContain('cell/negative');
  });

  it('does not guess the split of a label glued to a signed change (行政处罚2648-18538)', async () => {
    const sec2 = ['第二十条第（六）项', '信息内容\t上一年项目数量\t本年增/减\t处理决定数量', '行政处罚2648-18538', '行政强制\t3\t0\t1'].join('\n');
    const doc = await analyseText(reportText({ sec2 }));
    expect(rowValues(doc, 'sec2_art20_6', 'coercion')).toEqual([3, 0, 1]);
    expect(rowValues(doc, 'sec2_art20_6', 'penalty')).toEqual([null, null, null]);
    expect(doc.findings.find((f) => f.row === 'penalty')).toMatchObject({ severity: 'error', actual: '2648 -18538' });
  });

  it('decides the sec3 layout from its rows: 2021 rows with a single （六） row are the 2019 variant', async () => {
    const lines = reportText()
      .split('\n')
      .filter((l) => !l.includes('申请人逾期未按收费通知') && !l.includes('\t\t3.其他'))
      .map((l) => (l.includes('申请人无正当理由逾期不补正') ? '\t（六）其他处理\t0\t0\t0\t0\t0\t0\t0' : l))
      .join('\n');
    const doc = await analyseText(lines);
    const sec3 = doc.tables.find((t) => t.table === 'sec3')!;
    expect(sec3.layout).toBe('2019');
    expect(sec3.cells).toHaveLength(23 * 7);
    expect(rowValues(doc, 'sec3', 'other')).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('does not call a table printed empty when figures under a label it does not know stand in it', async () => {
    // "合计" is no row of sec4: whether its figures are sec4's is not known. Before, the header alone made the
    // table "printed with every cell empty" (blank cells, an info finding) while 15 figures stood under it.
    const doc = await analyseText(reportText({ sec4: '合计\t0\t1\t4\t0\t5\t0\t0\t0\t0\t0\t0\t0\t0\t2\t2' }));
    expect(rulesOf(doc)).not.toContain('table/blank');
    expect(doc.findings.find((f) => f.table === 'sec4')).toMatchObject({ rule: 'table/missing', severity: 'error' });
  });

  it('reads a section 二 table without a readable header in the layout of the report\'s year, not sec3\'s', async () => {
    // A 2020 report: its 第二十条 tables can only be the 2019 layout, whatever a mangled copy's sec3 seems to hold
    // (here the 2021 rows of the helper's sec3). The header is lost (a converter wrapped it into fragments).
    const sec2 = ['第二十条第（一）项', '信息内容 本年新', '规章\t0\t0\t0', '规范性文件\t2\t0\t58'].join('\n');
    const doc = await analyseText(reportText({ sec2, title: '测试县人民政府2020年政府信息公开工作年度报告' }));
    expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2021');
    expect(doc.tables.find((t) => t.table === 'sec2_art20_1')?.layout).toBe('2019');
    expect(cell(doc, 'sec2_art20_1', 'normative', 'total_published')).toMatchObject({ value: 58 });
  });

  it('reports a missing row of a found table as an error, cells empty', async () => {
    const doc = await analyseText(reportText().replace(/\n\t\t2\.重复申请[^\n]*/, ''));
    expect(doc.findings.find((f) => f.rule === 'table/missing-row')).toMatchObject({ table: 'sec3', row: 'rejected_repeat', severity: 'error' });
    expect(cell(doc, 'sec3', 'rejected_repeat', 'total')).toMatchObject({ value: null, method: 'unresolved' });
  });
});

describe('validate: identities as printed', () => {
  it('reports a broken row sum with actual, expected and the source line — and keeps the printed figures', async () => {
    const sec4 = '10\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0';
    const text = reportText({ sec4 });
    const doc = await analyseText(text);
    expect(rowValues(doc, 'sec4', 'review')).toEqual([10, 1, 0, 0, 0]);
    const f = doc.findings.find((x) => x.rule === 'sec4/row-sum');
    const line = text.split('\n').indexOf(sec4) + 1;
    expect(f).toMatchObject({ severity: 'error', table: 'sec4', row: 'review', col: 'total', actual: '0', expected: '11', line });
    expect(doc.status).toBe('findings');
  });

  it('reports a broken column balance (rule 1) and outcome sum (rule 2)', async () => {
    const sec3 = defaultSec3();
    sec3.set('carried_forward', '1\t0\t0\t0\t0\t0\t1');
    sec3.set('granted', '2\t0\t0\t0\t0\t0\t2');
    const doc = await analyseText(reportText({ sec3 }));
    const rules = rulesOf(doc);
    expect(rules).toContain('sec3/balance');
    expect(rules).toContain('sec3/outcome-sum');
    const balance = doc.findings.find((f) => f.rule === 'sec3/balance' && f.col === 'natural');
    expect(balance).toMatchObject({ actual: '5', expected: '4' });
  });

  it('flags a fractional count and a negative count (rule 5)', async () => {
    const sec2 = ['第二十条第（六）项', '信息内容\t本年处理决定数量', '行政处罚\t3.5', '行政强制\t-2'].join('\n');
    const doc = await analyseText(reportText({ sec2 }));
    expect(doc.findings.find((f) => f.rule === 'cell/not-integer')).toMatchObject({ row: 'penalty', col: 'decisions' });
    expect(doc.findings.find((f) => f.rule === 'cell/negative')).toMatchObject({ row: 'coercion', col: 'decisions' });
  });
});

describe('a text table that prints a column the template does not have', () => {
  // 自然人 | five 法人 columns | 小计 | 总计, tab-separated; 予以公开 prints 其他 blank and a 小计 of 0, the other rows 0.
  const sec3Lines = (header: string): string[] => [
    header,
    ...SEC3_LABELS_2021.map(([key, label]) => {
      const figures = key === 'granted' ? ['', '', '', '', '', '', '0', '0'] : key === 'new_received' || key === 'carried_forward' ? ['3', '1', '0', '2', '0', '0', '3', '6'] : ['0', '0', '0', '0', '0', '0', '0', '0'];
      return `${label}\t${label.includes('\t') ? '' : '\t'}${figures.join('\t')}`;
    }),
  ];

  it('reads the rows by the header line, the 小计 field dropped, when the header stands over its fields', async () => {
    const doc = await analyseText(reportText({ sec3Lines: sec3Lines('\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t小计\t总计') }));
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([3, 1, 0, 2, 0, 0, 6]);
    expect(rowValues(doc, 'sec3', 'carried_forward')).toEqual([3, 1, 0, 2, 0, 0, 6]);
    // 其他 printed blank stays blank: the 0 of 小计 is not read into it.
    expect(rowValues(doc, 'sec3', 'granted')).toEqual([null, null, null, null, null, null, 0]);
    expect(doc.findings.find((f) => f.rule === 'table/extra-columns')).toMatchObject({ severity: 'warning', table: 'sec3', actual: '小计' });
    expect(doc.findings.filter((f) => f.table === 'sec3' && f.severity === 'error')).toEqual([]);
  });

  it('reads the rows by a header line shifted against them, counted from the right', async () => {
    // The header line lost its first field: 小计 stands over 总计's field counted from the left, over its own from the right.
    const doc = await analyseText(reportText({ sec3Lines: sec3Lines('\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t小计\t总计') }));
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([3, 1, 0, 2, 0, 0, 6]);
    expect(rowValues(doc, 'sec3', 'granted')).toEqual([null, null, null, null, null, null, 0]);
  });

  it('warns on a row whose blank field was dropped when the 小计 line names too few columns to line up with the rows', async () => {
    // 小计 on a header line that names only 总计 besides: nothing shows where the rows' fields stand under it, and
    // they are left as they were. Dropping 予以公开's first blank as a spanned label column put the 0 of 小计 in 其他: warned.
    const header = '\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n\t\t\t\t\t\t\t\t小计\t总计';
    const doc = await analyseText(reportText({ sec3Lines: sec3Lines(header) }));
    const warning = doc.findings.find((f) => f.rule === 'table/extra-fields' && f.row === 'granted');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toContain('小计');
    expect(doc.findings.some((f) => f.rule === 'table/extra-columns')).toBe(false);
  });
});

describe('a text table whose header prints fewer columns than the template', () => {
  const rows = (figures: (key: string) => string[]): string[] =>
    SEC3_LABELS_2021.map(([key, label]) => `${label}\t${label.includes('\t') ? '' : '\t'}${figures(key).join('\t')}`);

  it('reads 自然人 | 法人或其他组织 | 总计 by its header: two cells a row, the others not printed, one error', async () => {
    const header = '\t\t自然人\t法人或其他组织\t总计';
    const figures = (key: string): string[] => (key === 'new_received' || key === 'carried_forward' ? ['3', '2', '5'] : ['0', '0', '0']);
    const doc = await analyseText(reportText({ sec3Lines: [header, ...rows(figures)] }));
    // The 法人 figure is the sum of five columns: no cell of its own; they are not printed.
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([3, null, null, null, null, null, 5]);
    const error = doc.findings.find((f) => f.rule === 'table/columns-not-printed');
    expect(error).toMatchObject({ severity: 'error', table: 'sec3', actual: '自然人 | 总计' });
    expect(error?.message).toContain('group sums');
    // One error for the table, not one per cell.
    expect(doc.findings.filter((f) => f.rule === 'table/unresolved-cell' || f.rule === 'table/ambiguous-row')).toEqual([]);
  });

  it('reads a header that prints some of the 法人 columns, counted from the right for a sub-row', async () => {
    const header = '\t\t自然人\t商业企业\t社会公益组织\t总计';
    const figures = (key: string): string[] => (key === 'new_received' || key === 'carried_forward' ? ['3', '1', '2', '6'] : ['0', '0', '0', '0']);
    const doc = await analyseText(reportText({ sec3Lines: [header, ...rows(figures)] }));
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([3, 1, null, 2, null, null, 6]);
    // A sub-row ("（三）不予公开" | "1.属于国家秘密") has a label field more than the header line.
    expect(rowValues(doc, 'sec3', 'denied_state_secret')).toEqual([0, 0, null, 0, null, null, 0]);
    expect(doc.findings.find((f) => f.rule === 'table/columns-not-printed')?.actual).toBe('自然人 | 商业企业 | 社会公益组织 | 总计');
  });

  it('does not read rows by a header with a gap: a word lost to wrapping says nothing about where the figures stand', async () => {
    // 科研机构 wrapped away: the header names 自然人, 商业企业, 社会公益组织… with a gap. A row that lost a cell stays a
    // short row for the identities to place, not a row read by a header that may be missing a word.
    const header = '\t\t自然人\t商业企业\t\t社会公益组织\t法律服务机构\t其他\t总计';
    const figures = (key: string): string[] => (key === 'new_received' ? ['3', '1', '0', '2', '0', '6'] : key === 'carried_forward' ? ['3', '1', '0', '2', '0', '0', '6'] : ['0', '0', '0', '0', '0', '0', '0']);
    const doc = await analyseText(reportText({ sec3Lines: [header, ...rows(figures)] }));
    expect(doc.findings.some((f) => f.rule === 'table/columns-not-printed')).toBe(false);
    expect(doc.findings.some((f) => f.table === 'sec3' && f.row === 'new_received' && f.severity !== 'info')).toBe(true);
  });
});

describe('a table that was not found', () => {
  it('is an error that points at the section it belongs in, or says that section is missing too', async () => {
    // Section 四 with its heading and prose but no table: the finding points at the heading's line.
    const printed = reportText().replace(`${SEC4_HEADER}\n1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0`, '本年度未发生行政复议、行政诉讼案件。');
    const lines = printed.split('\n');
    const doc = await analyseText(printed);
    const missing = doc.findings.find((f) => f.rule === 'table/missing' && f.table === 'sec4');
    expect(missing?.severity).toBe('error');
    expect(missing?.message).toContain('in its section ("四、政府信息公开行政复议、行政诉讼情况")');
    expect(lines[missing!.line! - 1]).toBe('四、政府信息公开行政复议、行政诉讼情况');
    // No section 四 at all: nothing to point at, and the message says so.
    const omitted = await analyseText(reportText({ omit: ['review_litigation'] }));
    const none = omitted.findings.find((f) => f.rule === 'table/missing' && f.table === 'sec4');
    expect(none?.message).toMatch(/was not found, nor its section$/);
    expect(none?.line).toBeUndefined();
  });
});

describe('load and segment', () => {
  it('reads a title whose last words a PDF text put on a line of their own ("…工作年度" / "报告")', async () => {
    for (const [first, rest] of [
      ['  中宁县徐套乡人民政府 2021 年政府信息公开工作年度', '                         报告'],
      ['   睢县白楼乡人民政府 2021 年政府信息公开工作年度报', '                         告'],
    ]) {
      const text = reportText({ title: `${first}\n\n${rest}` }).replace('2021年，本县', '本县');
      const doc = await analyseText(text);
      expect(doc.meta, first).toMatchObject({ agency: first.trim().split(' ')[0], year: 2021 });
    }
  });

  it('reads the agency of titles worded every way: the year first or last, 关于 (印发), a year in words, 工作报告, 年报, the issuer below', async () => {
    for (const title of [
      '2021年南乐县人民政府政府信息公开工作年度报告',
      '2021年度南乐县人民政府信息公开工作年度报告',
      '《2021年南乐县人民政府政府信息公开工作年度报告》',
      '2021年政府信息公开工作年度报告\n南乐县人民政府',
      '南乐县人民政府信息公开工作年度报告（2021年度）',
      '关于南乐县人民政府2021年政府信息公开工作年度报告',
      '南乐县人民政府关于印发2021年政府信息公开工作年度报告的通知',
      '南乐县人民政府二〇二一年政府信息公开工作年度报告',
      '南乐县人民政府2021年度政府信息公开工作报告',
      '南乐县人民政府2021年政府信息公开年报',
      '2021年南乐县人民政府政府信息公开年报',
      '2021年度南乐县人民政府政务公开工作年报',
    ]) {
      const doc = await analyseText(reportText({ title }));
      expect(doc.meta, title).toMatchObject({ agency: '南乐县人民政府', year: 2021 });
    }
    // The line below a title that names its agency is not taken instead of it.
    const named = await analyseText(reportText({ title: '南乐县财政局2021年政府信息公开工作年度报告\n南乐县人民政府' }));
    expect(named.meta.agency).toBe('南乐县财政局');
  });

  it('decodes GB18030 text and gives the same figures as UTF-8', async () => {
    const text = reportText();
    const utf8 = await analyseText(text);
    const gbk = await analyseBytes(iconv.encode(text, 'gb18030'));
    expect(gbk.tables).toEqual(utf8.tables);
    expect(gbk.extractMeta.encoding).toBe('gb18030');
  });

  it('decodes UTF-16 with a BOM and UTF-8 with a BOM', async () => {
    const text = reportText();
    const le = await analyseBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const bom = await analyseBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    expect(rowValues(le, 'sec3', 'new_received')).toEqual([4, 0, 0, 0, 0, 0, 4]);
    expect(rowValues(bom, 'sec3', 'new_received')).toEqual([4, 0, 0, 0, 0, 0, 4]);
  });

  it('finds sections by their words, not by nested numbering in the body', async () => {
    const overview = ['一、完善工作措施，深化政务公开工作', '二、政务公开专区建设工作', '（一）政府信息主动公开情况。', '三、存在问题'].join('\n\n');
    const doc = await analyseText(reportText({ overview }));
    expect(doc.sections.map((s) => s.key)).toEqual(['overview', 'proactive', 'requests', 'review_litigation', 'problems', 'other']);
    expect(doc.sections[0]!.text).toContain('二、政务公开专区建设工作');
  });

  it('recognises heading variants (markdown, 一．numbering, longer wording)', async () => {
    const text = reportText()
      .replace('一、总体情况', '## **一．总体情况**')
      .replace('四、政府信息公开行政复议、行政诉讼情况', '四、因政府信息公开工作被申请行政复议、提起行政诉讼情况')
      .replace('五、存在的主要问题及改进情况', '五、政府信息公开工作存在的主要问题及改进情况');
    const doc = await analyseText(text);
    expect(doc.sections.map((s) => s.key)).toEqual(['overview', 'proactive', 'requests', 'review_litigation', 'problems', 'other']);
  });

  it('reports a missing section as a finding and still extracts the rest', async () => {
    const doc = await analyseText(reportText({ omit: ['problems'] }));
    expect(doc.findings.find((f) => f.rule === 'segment/missing-section')).toMatchObject({ severity: 'warning' });
    expect(rowValues(doc, 'sec3', 'total')).toEqual([4, 0, 0, 0, 0, 0, 4]);
  });

  it('recognises a pre-2019 report as unsupported rather than extracting garbage', async () => {
    const text = [
      '某县人民政府2015年政府信息公开工作年度报告',
      '一、概述',
      '本年度，我县……',
      '二、主动公开政府信息情况',
      '全年主动公开政府信息1200条。',
      '三、依申请公开政府信息情况',
      '全年共受理申请12件。',
      '四、政府信息公开的收费及减免情况',
      '未收取任何费用。',
      '五、因政府信息公开申请行政复议、提起行政诉讼的情况',
      '无。',
    ].join('\n');
    const doc = await analyseText(text);
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/pre-2019/);
    expect(doc.tables).toEqual([]);
  });

  it('says a document without report content is not a report', async () => {
    const doc = await analyseText('会议通知\n\n请各单位于下周一上午九点参加会议。');
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/does not look like/);
  });
});


describe('tables: one cell per line (tables copied from web pages)', () => {
  it('collects figures printed on the lines after their label', async () => {
    const sec2 = DEFAULT_SEC2.replace(/\t/g, '\n').replace('行政规范性文件\n5\n1\n20', '行政规范性文件\n7\n1\n30');
    const sec3 = defaultSec3();
    const lines = reportText({ sec2, sec3 }).replace('一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t4', '一、本年新收政府信息公开申请数量\n4\n0\n0\n0\n0\n0\n4');
    const doc = await analyseText(lines);
    expect(rowValues(doc, 'sec2_art20_1', 'normative')).toEqual([7, 1, 30]);
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([4, 0, 0, 0, 0, 0, 4]);
    expect(rowValues(doc, 'sec2_art20_8', 'fees')).toEqual([24252.311082]);
    expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('tables: figures printed before their label (a PDF text in reading order, as pdftotext gives it)', () => {
  const fees = (lines: string[]): string =>
    reportText({ sec2: DEFAULT_SEC2.replace(/第二十条第（八）项[\s\S]*$/, ['第二十条第（八）项', '信息内容', '上一年项目数量', '本年增/减', ...lines].join('\n')) }).replace(
      '2021年政府信息公开',
      '2020年政府信息公开',
    );

  it("reads figure lines no row took as the next label's row, with a warning", async () => {
    const doc = await analyseText(fees(['2', '', '-1', '', '行政事业性收费']));
    expect(rowValues(doc, 'sec2_art20_8', 'fees')).toEqual([2, -1]);
    expect(doc.findings.find((f) => f.rule === 'table/figures-before-label')).toMatchObject({ severity: 'warning', table: 'sec2_art20_8', row: 'fees', actual: '2 -1' });
  });

  it('leaves them when the label has figures of its own after it', async () => {
    const doc = await analyseText(fees(['2', '行政事业性收费', '3', '-1']));
    expect(rowValues(doc, 'sec2_art20_8', 'fees')).toEqual([3, -1]);
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/figures-before-label');
  });

  it('leaves them when they are not as many as the table has columns (a page number)', async () => {
    const doc = await analyseText(fees(['5', '行政事业性收费']));
    expect(rowValues(doc, 'sec2_art20_8', 'fees')).toEqual([null, null]);
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/figures-before-label');
  });
});

describe('cross-check: figures quoted in the text', () => {
  it('warns when the overview quotes a request count the table does not print', async () => {
    const doc = await analyseText(reportText({ overview: '2021年，共收到政府信息公开申请9件，均按时答复。' }));
    expect(doc.findings.find((f) => f.rule === 'report/quoted-requests')).toMatchObject({ severity: 'warning', actual: '9', expected: '4' });
  });
  it('stays quiet when the quoted count agrees', async () => {
    const doc = await analyseText(reportText({ overview: '2021年，共收到政府信息公开申请4件。' }));
    expect(doc.findings.map((f) => f.rule)).not.toContain('report/quoted-requests');
  });
});

describe('segment: headings joined to their paragraph', () => {
  it('recognises "一、总体情况2021年，……" as the overview heading', async () => {
    const text = reportText().replace('一、总体情况\n\n2021年，本县认真贯彻落实《条例》。', '一、总体情况2021年，本县认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作，取得了明显成效。');
    const doc = await analyseText(text);
    expect(doc.sections.map((s) => s.key)).toEqual(['overview', 'proactive', 'requests', 'review_litigation', 'problems', 'other']);
  });
});

describe('tables: a header row misread as figures (OCR of tight header cells)', () => {
  it('does not take a header row ending in the 总计 column for the （七）总计 row', async () => {
    const sec3 = defaultSec3();
    const text = reportText({ sec3 });
    // The column labels' row as OCR read tight cells: 商业企业 as "3", 科研机构 unread, 社会公益组织 as "55".
    const misread = text.replace('\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他', '\t\t自然人\t3\t?\t55\t法律服务机构\t其他\t总计');
    expect(misread).not.toBe(text);
    const [read, asPrinted] = await Promise.all([analyseText(misread), analyseText(text)]);
    expect(rowValues(read, 'sec3', 'total')).toEqual(rowValues(asPrinted, 'sec3', 'total'));
    expect(read.findings.filter((f) => f.rule === 'table/duplicate-row')).toEqual([]);
  });
});

describe('tables: pathological rows', () => {
  it('reads a table run onto one line of hundreds of fields at its labels, instead of enumerating its splits', async () => {
    const sec3 = defaultSec3();
    const line = SEC3_LABELS_2021.map(([key, label]) => `${label}\t${sec3.get(key)}`).join('\t');
    const lines = reportText().split('\n');
    const start = lines.findIndex((l) => l.startsWith('一、本年新收'));
    const end = lines.findIndex((l) => l.startsWith('四、结转下年度'));
    lines.splice(start, end - start + 1, line);
    // A line this long is no row of a table (src/extract/text/text.ts): it is read as a one-paragraph copy is,
    // cut at the template's labels, each label's figures its row's.
    const doc = await analyseText(lines.join('\n'));
    for (const [key] of SEC3_LABELS_2021) expect(rowValues(doc, 'sec3', key)).toEqual(sec3.get(key)!.split('\t').map(Number));
    expect(doc.findings.filter((f) => f.table === 'sec3')).toEqual([]);
  });
});

describe('tables: a misread leaf label under a group label', () => {
  it('keeps "（六）其他处理 | 2.申请人和逾期未按…" (one character misread) as other_no_fee, not the 2019 row', async () => {
    const text = reportText().replace('2.申请人逾期未按收费通知要求缴纳费用', '2.申请人和逾期未按收费通知要求缴纳费用').replace('\t\t2.申请人和逾期', '\t（六）其他处理\t2.申请人和逾期');
    const doc = await analyseText(text);
    expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2021');
    expect(rowValues(doc, 'sec3', 'other_no_fee')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('rows: a markdown table row printed as a line of text (PDF, web page, Word)', () => {
  const view = (text: string) => rowView({ kind: 'paragraph', text, prov: { line: 1 } }, 0);

  it('is a row of its cells, blank cells kept in their place, closing pipe or not', () => {
    const row = view('| 行政规范性文件 | 9 |  | 40 |');
    expect(row.positions).toBe('tab');
    expect(row.labels.map((l) => l.text)).toEqual(['行政规范性文件']);
    expect(row.dataFields?.map((f) => f?.raw ?? null)).toEqual(['9', null, '40']);
    // A long row the page wrapped before its closing pipe, and its rest on the next line.
    expect(view('| 1.申请人无正当理由逾期不补正 | 0 | 0 | 0').values.map((v) => v.raw)).toEqual(['0', '0', '0']);
    expect(view('| 0 | 0 | 24 |').values.map((v) => v.raw)).toEqual(['0', '0', '24']);
  });

  it('leaves a site menu set with pipes and the rule under a header as text', () => {
    expect(view('首页 | 政务公开 | 办事服务 | 互动交流').positions).toBe('none');
    expect(view('| --- | --- |').positions).toBe('none');
  });
});

describe('tables: a table marker and its header on one row', () => {
  it('reads the header words beside the marker, which tell the layout', async () => {
    // A report typed with tabs in Word and saved as PDF: "第二十条第（八）项" and its header line come out as one
    // row, and the fee row as its label, the figure and an empty field after it (two fields, as the 2019 layout's
    // two columns). The header, 本年收费金额, is the 2021 layout's; it was not read, and 0 was stored as the 2019
    // layout's 上一年项目数量, without a finding. The same grid here as an HTML table inside the text.
    const grid = '<table><tr><td>第二十条第（八）项信息内容</td><td></td><td>本年收费金额（单位：万元）</td></tr><tr><td>行政事业性收费</td><td>0</td><td></td></tr></table>';
    const sec2 = DEFAULT_SEC2.replace('第二十条第（八）项\n信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t24252.311082', grid);
    expect(sec2).toContain(grid);
    const doc = await analyseText(reportText({ sec2 }));
    const fees = doc.tables.find((t) => t.table === 'sec2_art20_8')!;
    expect(fees.layout).toBe('2021');
    expect(cell(doc, 'sec2_art20_8', 'fees', 'amount')?.value).toBe(0);
  });
});

describe('tables: letters printed for digits (a copy of an OCR-read text, a typo)', () => {
  it('reads O, Ｏ, 〇 as 0 and l or I among digits as 1, each cell with a warning, instead of shifting the row', async () => {
    const sec3 = defaultSec3();
    // 本年新收: 10 | 0 | 0 | 0 | 1 | 0 | 11 printed with letters, and its neighbours as usual.
    sec3.set('new_received', '1O\tO\tＯ\t〇\t1\t0\t1I');
    const doc = await analyseText(reportText({ sec3 }));
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([10, 0, 0, 0, 1, 0, 11]);
    const flagged = doc.findings.filter((f) => f.rule === 'table/letter-for-digit' && f.row === 'new_received').map((f) => f.col);
    expect(flagged).toEqual(['natural', 'commercial', 'research', 'social', 'total']);
    // A lone l or I is no figure: a label's item or a Roman numeral.
    expect(rowView({ kind: 'paragraph', text: '第 I 部分', prov: { line: 1 } }, 0).values).toEqual([]);
  });
});
