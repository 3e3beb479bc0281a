/**
 * The geometric table builder on hand-made pages of positioned words and ruling lines (the currency of
 * both the PDF text layer and OCR), no PDF involved.
 */
import { describe, expect, it } from 'vitest';
import type { PageWords, PositionedWord, RulingLine } from '../src/extract/pdf/geometry-types.js';
import { buildBlocks } from '../src/extract/pdf/pdf-geometry.js';
import type { Block, RowBlock } from '../src/types.js';

/** A word of `size`-point glyphs whose baseline is at `baseline`; CJK characters are 1 em, others ½ em. */
function w(text: string, x: number, baseline: number, size = 10, confidence?: number): PositionedWord {
  const width = [...text].reduce((s, c) => s + (c.charCodeAt(0) > 0x2e80 ? size : size / 2), 0);
  const word: PositionedWord = { text, box: { x0: x, y0: baseline - 0.88 * size, x1: x + width, y1: baseline + 0.12 * size } };
  if (confidence !== undefined) word.confidence = confidence;
  return word;
}

/** A word centred on `cx`. */
function wc(text: string, cx: number, baseline: number, size = 10): PositionedWord {
  const width = [...text].reduce((s, c) => s + (c.charCodeAt(0) > 0x2e80 ? size : size / 2), 0);
  return w(text, cx - width / 2, baseline, size);
}

/** Borders around cells given as [x0, y0, x1, y1] rectangles. */
function boxes(...rects: [number, number, number, number][]): RulingLine[] {
  return rects.flatMap(([x0, y0, x1, y1]) => [
    { x0, y0, x1, y1: y0 },
    { x0, y0: y1, x1, y1 },
    { x0, y0, x1: x0, y1 },
    { x0: x1, y0, x1, y1 },
  ]);
}

const page = (n: number, words: PositionedWord[], rulings: RulingLine[] = []): PageWords => ({ page: n, width: 595, height: 842, words, rulings });
const rows = (blocks: Block[]) => blocks.filter((b): b is RowBlock => b.kind === 'row');
const texts = (r: RowBlock) => r.fields.map((f) => f.text);
const paragraphs = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));

describe('lines', () => {
  it('builds lines by baseline and reading order, merging one-character items', () => {
    const blocks = buildBlocks([page(1, [w('况', 130, 100), w('一、', 72, 100), w('总体情', 92, 100.6), w('第二行', 72, 130)])]);
    expect(paragraphs(blocks)).toEqual(['一、总体情况', '第二行']);
    expect(blocks[0]!.prov).toMatchObject({ page: 1, line: 1 });
    expect(blocks[0]!.prov.box).toMatchObject({ x0: 72, x1: 140 });
  });

  it('drops spaces between Chinese characters, keeps them between words', () => {
    const blocks = buildBlocks([page(1, [w('政 府 信 息', 72, 100), w('公', 140, 100), w('开', 160, 100), w('Open', 72, 130), w('data', 100, 130), w('2021', 72, 160), w('年', 100, 160)])]);
    expect(paragraphs(blocks)).toEqual(['政府信息公开', 'Open data', '2021 年']);
  });

  it('folds Kangxi radicals and full-width digits', () => {
    expect(paragraphs(buildBlocks([page(1, [w('⼀、收到申请１２件', 72, 100)])]))).toEqual(['一、收到申请12件']);
  });

  it('reads radicals of the CJK Radicals Supplement and strokes as the ideographs their glyphs draw', () => {
    // Chromium's PDFs of web pages say 人⺠政府 (U+2EA0) and 东⻛镇 (U+2EDB): the font draws 民 and ⺠ with one glyph.
    // NFKC leaves these as they are; only the Kangxi radicals (⼀, U+2F00) have a compatibility mapping.
    expect(paragraphs(buildBlocks([page(1, [w('大武口区东⻛镇人⺠政府㇐', 72, 100)])]))).toEqual(['大武口区东风镇人民政府一']);
  });

  it('keeps text in columns of the page apart: a menu beside the title of a printed web page', () => {
    const blocks = buildBlocks([page(1, [w('信息公开指南', 40, 100), w('兴庆区通贵乡2020年政府信息公开工作年度报告', 260, 100), w('本报告根据《条例》编制，', 72, 130), w('数据的统计期限自2020年1月1日起。', 215, 130)])]);
    // Three spaces where runs stand farther apart than four characters (the title search reads them as a column
    // break); one space at a narrower gap.
    expect(paragraphs(blocks)).toEqual(['信息公开指南   兴庆区通贵乡2020年政府信息公开工作年度报告', '本报告根据《条例》编制， 数据的统计期限自2020年1月1日起。']);
  });

  it('drops page numbers in the margins, not figures in the body', () => {
    const blocks = buildBlocks([page(1, [w('正文', 72, 100), w('12', 72, 400), w('— 3 —', 280, 800), w('第 3 页', 280, 40)])]);
    expect(paragraphs(blocks)).toEqual(['正文', '12']);
  });
});

describe('ruled tables', () => {
  // Columns: label 60–200 | a 200–300 | b 300–400 | total 400–500. A title row spans all; a group label spans rows.
  const grid = boxes(
    [60, 100, 500, 120], // title over the whole width
    [60, 120, 130, 160], // group label over two rows
    [130, 120, 200, 140],
    [130, 140, 200, 160],
    [200, 120, 300, 140],
    [300, 120, 400, 140],
    [400, 120, 500, 140],
    [200, 140, 300, 160],
    [300, 140, 400, 160],
    [400, 140, 500, 160],
    [60, 160, 200, 180], // a label over two columns
    [200, 160, 500, 180], // one figure over three columns
  );
  const words = [
    w('第二十条第（一）项', 70, 114),
    w('（三）不予', 62, 136),
    w('公开', 62, 149),
    w('1.国家秘密', 132, 134),
    w('2.其他', 132, 154),
    wc('4', 250, 134),
    wc('0', 350, 134),
    wc('4', 450, 134),
    wc('1', 250, 154),
    wc('1', 450, 154),
    w('行政许可', 62, 174),
    wc('47268', 350, 174),
  ];
  const blocks = buildBlocks([page(1, words, grid)]);

  it('gives one grid row per table row, a group label repeated into the rows it spans, wrapped text joined', () => {
    const table = rows(blocks);
    expect(texts(table[1]!)).toEqual(['（三）不予公开', '1.国家秘密', '4', '0', '4']);
    expect(texts(table[2]!)).toEqual(['（三）不予公开', '2.其他', '1', '', '1']);
    expect(table.every((r) => r.positions === 'grid')).toBe(true);
  });

  it('puts a full-width title in the first column and other merged cells in the last column they span', () => {
    const table = rows(blocks);
    expect(texts(table[0]!)).toEqual(['第二十条第（一）项', '', '', '', '']);
    expect(texts(table[3]!)).toEqual(['', '行政许可', '', '', '47268']);
  });

  it('records the cell of every field: table, grid row and column, box of its text', () => {
    const table = rows(blocks);
    const fig = table[1]!.fields[2]!;
    expect(fig.prov).toMatchObject({ page: 1, tableIndex: 0, gridRow: 1, gridCol: 2 });
    expect(fig.prov.box!.x0).toBeGreaterThan(240);
    expect(fig.prov.box!.x1).toBeLessThan(260);
    // An empty cell still knows where it is: its rectangle.
    expect(table[2]!.fields[3]!.prov.box).toMatchObject({ x0: 300, x1: 400 });
  });

  it('gives a sub-table under its own title the columns it draws, not its neighbour\'s', () => {
    const sub = boxes([60, 100, 500, 120], [60, 120, 200, 140], [200, 120, 350, 140], [350, 120, 500, 140], [60, 140, 500, 160], [60, 160, 200, 180], [200, 160, 500, 180]);
    const b = buildBlocks([
      page(1, [w('第（一）项', 62, 114), w('规章', 62, 134), wc('1', 275, 134), wc('2', 425, 134), w('第（五）项', 62, 154), w('行政许可', 62, 174), wc('9', 350, 174)], sub),
    ]);
    const r = rows(b);
    expect(r.map((x) => x.gridWidth)).toEqual([3, 3, 2, 2]);
    expect(texts(r[3]!)).toEqual(['行政许可', '9']);
    expect(new Set(r.map((x) => x.prov.tableIndex)).size).toBe(2);
  });

  it('joins a table over a page break: repeated header dropped, a row cut by the break joined', () => {
    const cols = [60, 200, 300, 400];
    const rowRects = (ys: number[]) => ys.slice(1).flatMap((y1, i) => cols.slice(1).map((x1, j) => [cols[j]!, ys[i]!, x1, y1] as [number, number, number, number]));
    const p1 = page(1, [wc('项目', 130, 714), wc('甲', 250, 714), wc('乙', 350, 714), w('1.本机关不掌握相关', 62, 734), wc('3', 250, 734), wc('4', 350, 734), wc('— 1 —', 297, 800)], boxes(...rowRects([700, 720, 740])));
    const p2 = page(2, [wc('项目', 130, 64), wc('甲', 250, 64), wc('乙', 350, 64), w('政府信息', 62, 84), w('2.重复申请', 62, 104), wc('5', 250, 104), wc('6', 350, 104)], boxes(...rowRects([50, 70, 90, 110])));
    const b = buildBlocks([p1, p2]);
    expect(rows(b).map(texts)).toEqual([
      ['项目', '甲', '乙'],
      ['1.本机关不掌握相关政府信息', '3', '4'],
      ['2.重复申请', '5', '6'],
    ]);
    expect(rows(b).map((r) => r.prov.page)).toEqual([1, 1, 2]);
    expect(paragraphs(b)).toEqual([]);
  });
});

describe('borderless tables (OCR words)', () => {
  it('aligns figures with header columns despite jittered baselines; a column blank in every row survives by its header', () => {
    const jitter = [0, 0.8, -0.6, 0.4, -0.3];
    const hdr = ['自然人', '商业企业', '科研机构', '总计'];
    const cols = [260, 330, 400, 480];
    const words: PositionedWord[] = [w('信息内容', 72, 100, 10, 90), ...hdr.map((h, i) => wc(h, cols[i]!, 100 + jitter[i]!))];
    words.push(w('本年新收申请数量', 72, 120, 10, 85), wc('3', cols[0]!, 120.7), wc('7', cols[3]!, 119.5));
    words.push(w('上年结转申请数量', 72, 140, 10, 80), wc('0', cols[0]!, 139.6), wc('0', cols[3]!, 140.5));
    const b = buildBlocks([page(1, words)]);
    expect(rows(b).map(texts)).toEqual([
      ['信息内容', '自然人', '商业企业', '科研机构', '总计'],
      ['本年新收申请数量', '3', '', '', '7'],
      ['上年结转申请数量', '0', '', '', '0'],
    ]);
    expect(rows(b)[1]!.fields[0]!.prov.confidence).toBe(85);
  });

  it('keeps prose with numbers as prose', () => {
    const b = buildBlocks([page(1, [w('2021年共发布各类信息1630余条，其中政府网站发布信息5条。', 72, 100)])]);
    expect(rows(b)).toEqual([]);
  });
});

describe('ruled boxes that are not tables', () => {
  it('reads a framed one-column box as text', () => {
    const b = buildBlocks([page(1, [w('注：本报告数据截至12月31日。', 72, 114), w('正文', 72, 160)], boxes([60, 100, 500, 120]))]);
    expect(rows(b)).toEqual([]);
    expect(paragraphs(b)).toEqual(['注：本报告数据截至12月31日。', '正文']);
  });
});

describe('ruled tables without outer borders', () => {
  it('takes the outer edges from where the lines end', () => {
    // Horizontal rules from 60 to 400, verticals only between the columns (at 200 and 300).
    const lines: RulingLine[] = [
      ...[100, 120, 140].map((y) => ({ x0: 60, y0: y, x1: 400, y1: y })),
      { x0: 200, y0: 100, x1: 200, y1: 140 },
      { x0: 300, y0: 100, x1: 300, y1: 140 },
    ];
    const b = buildBlocks([page(1, [w('项目', 62, 114), wc('甲', 250, 114), wc('乙', 350, 114), w('行政处罚', 62, 134), wc('5', 250, 134), wc('6', 350, 134)], lines)]);
    expect(rows(b).map(texts)).toEqual([
      ['项目', '甲', '乙'],
      ['行政处罚', '5', '6'],
    ]);
  });
});
