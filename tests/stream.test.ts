/**
 * Reports saved as one paragraph (a crawler's textContent behind a crawl header): the header as metadata,
 * headings found inside the text, tables rebuilt from the token stream — on hand-made cases and on
 * generated copies of reports never seen (scripts/bench/stream-corpus.ts).
 */
import { describe, expect, it } from 'vitest';
import { streamCopy, measureStream } from '../scripts/bench/stream-corpus.js';
import type { StreamMeasure } from '../scripts/bench/stream-corpus.js';
import { generateReport } from '../scripts/generate/corpus.js';
import { readCrawlHeader } from '../src/extract/text/crawl-header.js';
import { parseField, withOffset } from '../src/stages/rows.js';
import { packedMap } from '../src/arrays.js';
import { foldWithOffsets, labelKey } from '../src/stages/labels.js';
import { requiredWords } from '../src/stages/quotes.js';
import type { Provenance } from '../src/types.js';
import { analyseText, cell, rowValues } from './helpers/report.js';

const HEADER = ['标题: 某某县2022年度政府信息公开工作年度报告', '发布时间: 2023-01-20 09:30', '文号: ', '发布机构: 某某县人民政府办公室', '原文链接: https://www.example.gov.cn/a.htm'];

describe('crawl header', () => {
  it('reads the fields and runs to the separator past a crawler note', () => {
    const lines = [...HEADER, '页面链接与图片详见 links.tsv(同目录)', '==================== 正文 ====================', '本报告根据……'];
    expect(readCrawlHeader(lines)).toEqual({
      title: '某某县2022年度政府信息公开工作年度报告',
      published: '2023-01-20 09:30',
      publisher: '某某县人民政府办公室',
      url: 'https://www.example.gov.cn/a.htm',
      lines: 7,
    });
  });

  it('ends at the first line that is not a field when there is no separator, and needs a title or a link', () => {
    expect(readCrawlHeader([...HEADER.slice(0, 2), '本报告根据《条例》编制。', '联系电话：0951-1234567'])?.lines).toBe(2);
    expect(readCrawlHeader(['发布时间: 2023-01-20', '来源: 某某县'])).toBeNull();
    expect(readCrawlHeader(['某某县2022年政府信息公开工作年度报告', '', '一、总体情况'])).toBeNull();
  });
});

/** A small report as one paragraph: headings inline, every table's cells glued. */
function oneParagraph(sec2Normative: string, overview = ''): string {
  const sec3Rows = [
    ['一、本年新收政府信息公开申请数量', '713000074'],
    ['二、上年结转政府信息公开申请数量', '1000001'],
    ['三、本年度办理结果（一）予以公开', '210000021'],
    ['（二）部分公开（区分处理的，只计这一情形，不计其他情形）', '8100009'],
    ['（三）不予公开1.属于国家秘密', '0000000'],
    ['2.其他法律行政法规禁止公开', '0000000'],
    ['3.危及“三安全一稳定”', '0000000'],
    ['4.保护第三方合法权益', '0000000'],
    ['5.属于三类内部事务信息', '1000001'],
    ['6.属于四类过程性信息', '2000002'],
    ['7.属于行政执法案卷', '1000001'],
    ['8.属于行政查询事项', '0000000'],
    ['（四）无法提供1.本机关不掌握相关政府信息', '370000037'],
    ['2.没有现成信息需要另行制作', '0000000'],
    ['3.补正后申请内容仍不明确', '0000000'],
    ['（五）不予处理1.信访举报投诉类申请', '0000000'],
    ['2.重复申请', '0000000'],
    ['3.要求提供公开出版物', '0000000'],
    ['4.无正当理由大量反复申请', '0000000'],
    ['5.要求行政机关确认或重新出具已获取信息', '0000000'],
    ['（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', '2000002'],
    ['2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', '0000000'],
    ['3.其他', '0200002'],
    ['（七）总计', '723000075'],
    ['四、结转下年度继续办理', '0000000'],
  ];
  const body = [
    `本报告根据《条例》编制。 一、总体情况 2022年，某某县扎实推进政务公开工作。${overview}`,
    ' 二、主动公开政府信息情况第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章000',
    `行政规范性文件${sec2Normative}第二十条第（五）项信息内容本年处理决定数量行政许可10690第二十条第（六）项信息内容本年处理决定数量行政处罚2113行政强制0`,
    '第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费9116.36',
    ' 三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况 自然人 法人或其他组织 总计 商业 企业 科研 机构 社会公益组织 法律服务机构 其他 ',
    sec3Rows.map(([label, digits]) => `${label}${digits}`).join(''),
    ' 四、政府信息公开行政复议、行政诉讼情况行政复议 行政诉讼 结果维持结果纠正其他结果尚未审结总计 未经复议直接起诉 复议后起诉 结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计110024001510102',
    '五、存在的主要问题及改进情况 一是公开内容还不够丰富。 六、其他需要报告的事项 无。',
  ].join('');
  return [...HEADER, '==================== 正文 ====================', body, ''].join('\n');
}

/** Issue 10's bar for generated copies: no failed document, no wrong metadata, no wrong figure without a finding; sections 三/四 ≥ 99%, all cells ≥ 90%. */
function expectReadAsIssue10Asks(m: StreamMeasure): void {
  expect(m.silent).toEqual([]);
  expect(m.failed).toEqual([]);
  expect(m.metaWrong).toEqual([]);
  expect(m.sec34Exact / m.sec34Cells).toBeGreaterThan(0.99);
  expect(m.exact / m.cells).toBeGreaterThan(0.9);
}

describe('a text folded with the place of each character (foldWithOffsets)', () => {
  it('folds as labelKey does, numbering kept, and points every folded character at its place in the text', () => {
    const text = '（一）行政 复议，１２３件“予以公开”';
    const { folded, at } = foldWithOffsets(text);
    expect(folded).toBe('一行政复议123件予以公开');
    expect(folded).toBe('一' + labelKey('行政 复议，１２３件“予以公开”'));
    expect(at).toHaveLength(folded.length + 1);
    expect(at.at(-1)).toBe(text.length);
    for (let i = 0; i < folded.length; i++) expect(text[at[i]!]!.normalize('NFKC')).toBe(folded[i]);
  });

  it('keeps both halves of a character outside the BMP at its place, and skips one that folds away whole', () => {
    // 𝟘 (U+1D7D8) folds to 0; 𠀀 (U+20000) is kept as it is, two UTF-16 units at one place.
    expect(foldWithOffsets('a𝟘b')).toEqual({ folded: 'a0b', at: [0, 1, 3, 4] });
    expect(foldWithOffsets('𠀀x')).toEqual({ folded: '𠀀x', at: [0, 0, 2, 3] });
    // ﬁ lengthens under NFKC: both units point at it.
    expect(foldWithOffsets('ﬁ件')).toEqual({ folded: 'fi件', at: [0, 0, 1, 2] });
    expect(foldWithOffsets('，、（）')).toEqual({ folded: '', at: [4] });
  });
});

describe('packedMap (arrays of one kind for optimised code, src/arrays.ts)', () => {
  it('maps as Array.prototype.map does, index included, into a new array', () => {
    const xs = ['a', 'bb', 'ccc'];
    expect(packedMap(xs, (x, i) => `${i}:${x.length}`)).toEqual(xs.map((x, i) => `${i}:${x.length}`));
    expect(packedMap([], (x: number) => x * 2)).toEqual([]);
    // A new array (never the one given), with no holes.
    const given = [1, 2];
    const out = packedMap(given, (x) => x);
    expect(out).not.toBe(given);
    expect(Object.keys(out)).toEqual(['0', '1']);
  });
});

describe('provenance of a figure cut out of a line', () => {
  it('moves a line-only provenance to the figure, and keeps every other field of any other', () => {
    expect(withOffset({ line: 12, offset: 40 }, 47)).toEqual({ line: 12, offset: 47 });
    expect(withOffset({ line: 12 }, 3)).toEqual({ line: 12, offset: 3 });
    // Every field of Provenance set (a new field must be added here, and checked in withOffset).
    const full: Required<Provenance> = { line: 3, offset: 1, page: 2, box: { x0: 1, y0: 2, x1: 3, y1: 4 }, tableIndex: 0, gridRow: 5, gridCol: 6, confidence: 91 };
    for (const [field, value] of Object.entries(full)) {
      if (field === 'line' || field === 'offset') continue;
      expect(withOffset({ line: 3, offset: 1, [field]: value }, 9)).toEqual({ line: 3, offset: 9, [field]: value });
    }
    expect(withOffset(full, 9)).toEqual({ ...full, offset: 9 });
  });
});

describe('one paragraph', () => {
  it('finds the six sections inside the text and rebuilds every table from its labels', async () => {
    const doc = await analyseText(oneParagraph('8855698'));
    expect(doc.status).toBe('findings');
    expect(doc.meta).toMatchObject({ agency: '某某县', year: 2022, layout: '2021', publisher: '某某县人民政府办公室', publishedDate: '2023-01-20' });
    expect(doc.sections.map((s) => s.key)).toEqual(['overview', 'proactive', 'requests', 'review_litigation', 'problems', 'other']);
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([71, 3, 0, 0, 0, 0, 74]);
    // "00000002.其他法律…": the 2 numbers the next label, it is not a figure of this row.
    expect(rowValues(doc, 'sec3', 'denied_state_secret')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(rowValues(doc, 'sec3', 'other_other')).toEqual([0, 2, 0, 0, 0, 0, 2]);
    expect(rowValues(doc, 'sec4', 'direct')).toEqual([4, 0, 0, 1, 5]);
    expect(rowValues(doc, 'sec2_art20_1', 'rules')).toEqual([0, 0, 0]);
    expect(cell(doc, 'sec2_art20_5', 'license', 'decisions')).toMatchObject({ value: 10690 });
    expect(cell(doc, 'sec2_art20_8', 'fees', 'amount')).toMatchObject({ value: 9116.36, unit: '万元' });
    expect(cell(doc, 'sec3', 'new_received', 'natural')).toMatchObject({ method: 'glued-split', raw: '71' });
    // 15 cuts of "8855698" into three counts, nothing to choose between them: empty, with the cuts listed.
    expect(rowValues(doc, 'sec2_art20_1', 'normative')).toEqual([null, null, null]);
    const f = doc.findings.find((x) => x.rule === 'table/ambiguous-row');
    expect(f).toMatchObject({ severity: 'error', table: 'sec2_art20_1', row: 'normative', actual: '8855698' });
    expect(f!.expected!.split('; ')).toContain('88 | 55 | 698');
  });

  it('uses figures the prose quotes to choose a cut, and only among the cuts', async () => {
    const quoted = await analyseText(oneParagraph('8855698', '集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。'));
    expect(rowValues(quoted, 'sec2_art20_1', 'normative')).toEqual([88, 55, 698]);
    // A quote no cut agrees with is no evidence: the row stays ambiguous rather than half-settled.
    const contradicted = await analyseText(oneParagraph('8855698', '现行有效行政规范性文件393件，制发的规范性文件88件。'));
    expect(rowValues(contradicted, 'sec2_art20_1', 'normative')).toEqual([null, null, null]);
  });

  it('searches a paragraph for a quote only when it holds the words every match of the quote holds', () => {
    // Outside groups, not made optional, no alternation at the top: those words are in every match.
    expect(requiredWords('(?:新|本年度?|全年|年内)?(?:制发|制定)(?:了|的)?(?:政府)?规章(?:共|计)?\\s*(\\d+)\\s*件')).toBe('规章');
    expect(requiredWords('现行有效(?:的)?(?:行政)?规范性文件\\s*(\\d+)\\s*件')).toBe('规范性文件');
    // A character a quantifier makes optional is left out; so is what an escape may run into.
    expect(requiredWords('本年度?制发')).toBe('本年');
    expect(requiredWords('a{0,2}bc')).toBe('bc');
    expect(requiredWords('\\u4e00abc件')).toBe('件');
    expect(requiredWords('[规章]+件')).toBe('件');
    // An alternation at the top: no word is in every match.
    expect(requiredWords('规章|规范性文件')).toBeNull();
  });
});

/**
 * A 2020 report (2019 layout) as a page's textContent keeps it when the markup breaks lines between table rows
 * but not between cells (BeautifulSoup's get_text(), a browser's textContent): each row on a line of its own,
 * its label and figures glued, header words glued to each other. `header`: the crawler's lines before the body.
 */
function rowsOnLines(header: string[]): string {
  const sec3 = [
    '申请人情况',
    '自然人法人或其他组织总计',
    '商业企业科研机构社会公益组织法律服务机构其他',
    '一、本年新收政府信息公开申请数量14905111157',
    '二、上年结转政府信息公开申请数量0000000',
    '三、本年度办理结果（一）予以公开120000012',
    '（二）部分公开（区分处理的，只计这一情形，不计其他情形）0000000',
    '（三）不予公开1.属于国家秘密0000000',
    ...['2.其他法律行政法规禁止公开', '3.危及“三安全一稳定”', '4.保护第三方合法权益', '5.属于三类内部事务信息', '6.属于四类过程性信息', '7.属于行政执法案卷', '8.属于行政查询事项'].map((l) => `${l}0000000`),
    '（四）无法提供1.本机关不掌握相关政府信息13705111145',
    ...['2.没有现成信息需要另行制作', '3.补正后申请内容仍不明确'].map((l) => `${l}0000000`),
    '（五）不予处理1.信访举报投诉类申请0000000',
    ...['2.重复申请', '3.要求提供公开出版物', '4.无正当理由大量反复申请', '5.要求行政机关确认或重新出具已获取信息'].map((l) => `${l}0000000`),
    '（六）其他处理0000000',
    '（七）总计14905111157',
    '四、结转下年度继续办理0000000',
  ];
  return [
    ...header,
    '本报告根据《条例》编制。',
    '一、总体情况',
    '2020年，某某乡扎实推进政务公开工作。',
    '二、主动公开政府信息情况',
    '第二十条第（一）项',
    '信息内容本年新制作数量本年新公开数量对外公开总数量',
    '规章000',
    '规范性文件23106',
    '第二十条第（五）项',
    '信息内容上一年项目数量本年增/减处理决定数量',
    '行政许可000',
    '其他对外管理服务事项000',
    '第二十条第（六）项',
    '信息内容上一年项目数量本年增/减处理决定数量',
    '行政处罚1195545',
    '行政强制14-943',
    '第二十条第（八）项',
    '信息内容上一年项目数量本年增/减',
    '行政事业性收费00',
    '第二十条第（九）项',
    '信息内容采购项目数量采购总金额',
    '政府集中采购00',
    '三、收到和处理政府信息公开申请情况',
    ...sec3,
    '四、政府信息公开行政复议、行政诉讼情况',
    '行政复议行政诉讼',
    '结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉',
    '结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计',
    '000000000000000',
    '五、存在的主要问题及改进情况',
    '一是公开内容还不够丰富。',
    '六、其他需要报告的事项',
    '无。',
    '',
  ].join('\n');
}

describe('rows on lines, cells glued (a page\'s textContent with the line breaks of its markup)', () => {
  const text = rowsOnLines(['标题: 某某乡2020年政府信息公开工作年度报告', '发布时间: 2021-01-20', '====================']);

  it('reads a table\'s layout from its header words glued on one line', async () => {
    const doc = await analyseText(text);
    // 上一年项目数量 · 本年增/减 · 处理决定数量: the 2019 columns, not 2021's single 本年处理决定数量 (which took
    // "1195545" whole as the decisions of 行政处罚, with no finding).
    expect(doc.tables.find((t) => t.table === 'sec2_art20_6')?.layout).toBe('2019');
    expect(doc.tables.find((t) => t.table === 'sec2_art20_8')?.layout).toBe('2019');
    expect(rowValues(doc, 'sec2_art20_6', 'penalty')).toEqual([null, null, null]);
    const penalty = doc.findings.find((f) => f.rule === 'table/ambiguous-row' && f.row === 'penalty');
    expect(penalty).toMatchObject({ severity: 'error', table: 'sec2_art20_6', actual: '1195545' });
    expect(penalty!.expected!.split('; ')).toContain('119 | 5 | 545');
    expect(penalty!.message).toContain('the table has no identity to choose between them');
  });

  it('says so when no reading of a row fits the identities (a digit lost), and leaves its cells empty', async () => {
    const doc = await analyseText(text.replace('13705111145', '1370511145'));
    expect(rowValues(doc, 'sec3', 'unable_not_held')).toEqual([null, null, null, null, null, null, null]);
    const f = doc.findings.find((x) => x.rule === 'table/ambiguous-row' && x.row === 'unable_not_held');
    expect(f).toMatchObject({ severity: 'error', table: 'sec3', actual: '1370511145' });
    expect(f!.message).toContain('each breaking an identity of the table');
    expect(f!.message).not.toContain('that the identities allow');
  });

  it('does not take glued digits for one figure when choosing the layout: without a header, the year decides', async () => {
    const headless = text
      .split('\n')
      .filter((l) => !l.startsWith('信息内容'))
      .join('\n');
    const doc = await analyseText(headless);
    // "1195545" is one figure (2021's one column) or 119 | 5 | 545 (2019's three): no evidence either way.
    expect(doc.tables.find((t) => t.table === 'sec2_art20_6')?.layout).toBe('2019');
    expect(rowValues(doc, 'sec2_art20_6', 'penalty')).toEqual([null, null, null]);
    const later = await analyseText(headless.replace('某某乡2020年', '某某乡2022年').replace('2020年，', '2022年，'));
    expect(later.tables.find((t) => t.table === 'sec2_art20_6')?.layout).toBe('2021');
  });

  it('finds a row printed after its group\'s label on the same line', async () => {
    const doc = await analyseText(text);
    expect(rowValues(doc, 'sec3', 'granted')).toEqual([12, 0, 0, 0, 0, 0, 12]);
    expect(rowValues(doc, 'sec3', 'unable_not_held')).toEqual([137, 0, 5, 1, 1, 1, 145]);
    expect(doc.findings.filter((f) => f.rule === 'table/missing-row')).toEqual([]);
  });

  it('cuts a signed run with its sign in 本年增/减 only, and traces the cells it cannot settle to their line', async () => {
    const doc = await analyseText(text);
    // "14-943" is 14 | -9 | 43 or 14 | -94 | 3 — never 1 | 4 | -943, a negative 处理决定数量.
    const coercion = doc.findings.find((f) => f.rule === 'table/ambiguous-row' && f.row === 'coercion');
    expect(coercion!.expected!.split('; ').sort()).toEqual(['14 | -9 | 43', '14 | -94 | 3']);
    expect(doc.findings.filter((f) => f.rule === 'cell/negative')).toEqual([]);
    const line = text.split('\n').indexOf('行政强制14-943') + 1;
    for (const col of ['prev_items', 'change', 'decisions']) expect(cell(doc, 'sec2_art20_6', 'coercion', col)).toMatchObject({ value: null, method: 'unresolved', prov: { line } });
  });

  it('reads a signed run on the line below its label as the row\'s figures, not as a label (the row above taken for blank)', async () => {
    const doc = await analyseText(text.replace('行政强制14-943', '行政强制\n14-943'));
    expect(cell(doc, 'sec2_art20_6', 'coercion', 'prev_items')).toMatchObject({ value: null, method: 'unresolved' });
    const coercion = doc.findings.find((f) => f.rule === 'table/ambiguous-row' && f.row === 'coercion');
    expect(coercion!.expected!.split('; ').sort()).toEqual(['14 | -9 | 43', '14 | -94 | 3']);
    // Counts glued with their signs are figures; a date or a telephone number is not.
    expect(parseField('4-32432', { line: 1, offset: 0 }).values.map((v) => [v.value, v.prov.offset])).toEqual([
      [4, 0],
      [-32432, 1],
    ]);
    expect(parseField('行政许可 4-32432', { line: 1 }).values.map((v) => v.value)).toEqual([4, -32432]);
    expect(parseField('2023-01-20', { line: 1 }).values).toEqual([]);
    expect(parseField('0951-1234567', { line: 1 }).values).toEqual([]);
  });

  it('takes the title from a crawler\'s lone 标题 line, with or without a separator after it', async () => {
    for (const header of [['标题: 某某乡2020年政府信息公开工作年度报告', '===================='], ['标题：某某乡2020年政府信息公开工作年度报告']]) {
      const doc = await analyseText(rowsOnLines(header));
      expect(doc.meta).toMatchObject({ agency: '某某乡', year: 2020, title: '某某乡2020年政府信息公开工作年度报告' });
    }
    expect(readCrawlHeader(['标题: 某某乡2020年政府信息公开工作年度报告', '====================', '本报告…'])).toEqual({ title: '某某乡2020年政府信息公开工作年度报告', lines: 2 });
    expect(readCrawlHeader(['标题: 某某乡2020年政府信息公开工作年度报告', '本报告…'])).toBeNull();
  });

  it('reads generated copies of this form as well as one-paragraph copies: sections 三 and 四 ≥ 99%, no wrong figure without a finding', async () => {
    expectReadAsIssue10Asks(await measureStream(60, 1, 'lines'));
  });
});

describe('a misspelt header word before section 四\'s figures in one paragraph', () => {
  it('does not call the table printed empty: its figures are there, under a label it does not have', async () => {
    const doc = await analyseText(oneParagraph('8855698').replace(/尚未审结总计/g, '尚未审结总汁'));
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/blank');
    expect(doc.findings.find((f) => f.table === 'sec4' && f.severity === 'error')).toBeDefined();
  });
});

describe('a whole page saved as one paragraph (its menus, breadcrumb and footer too, no crawl header)', () => {
  const body = oneParagraph('8855698').split('\n').slice(HEADER.length + 1).join(' ').trim();
  const page = [
    '首页 | 政务公开 | 办事服务 | 公众互动 信息公开指南信息公开制度信息公开年报 您现在的位置：首页>>政务公开某某县人民政府2022年政府信息公开工作年度报告【字体：大 中 小】 【打印】 【关闭】',
    body,
    '某某县人民政府 2023年1月20日 主办单位：某某县人民政府办公室 | 联系我们 | 网站地图',
  ].join('     ');

  it('reads its sections and tables: a line this long is no table row, whatever "|" and gaps it holds', async () => {
    const doc = await analyseText(`${page}\n`);
    expect(doc.status).toBe('findings');
    expect(doc.sections.map((s) => s.key)).toEqual(['overview', 'proactive', 'requests', 'review_litigation', 'problems', 'other']);
    expect(rowValues(doc, 'sec3', 'new_received')).toEqual([71, 3, 0, 0, 0, 0, 74]);
  });

  it('takes the title out of the menus: the agency is the name the report repeats, not the breadcrumb before it', async () => {
    const doc = await analyseText(`${page}\n`);
    expect(doc.meta).toMatchObject({ agency: '某某县人民政府', year: 2022, title: '某某县人民政府2022年政府信息公开工作年度报告' });
  });

  it('reads generated copies of this form: no failed document, no wrong agency, no wrong figure without a finding', async () => {
    expectReadAsIssue10Asks(await measureStream(40, 1, 'page'));
  });
});

describe('generated one-paragraph copies (scripts/bench/stream-corpus.ts)', () => {
  it('makes copies as a crawler saves them: a header, then the page text on one line', () => {
    const copy = streamCopy(generateReport(5), 5)!;
    const lines = copy.text.split('\n');
    expect(lines[0]).toMatch(/^标题: /);
    expect(lines.filter((l) => l.trim() !== '')).toHaveLength(8);
  });

  it('reads sections 三 and 四 ≥ 99% exact, all cells ≥ 90%, and no wrong figure without a finding', async () => {
    expectReadAsIssue10Asks(await measureStream(80, 1));
  });
});
