/**
 * OCR of scanned PDFs: the bitmap steps (skew, rulings, cells) on synthetic images, the OCR checks on
 * hand-made tables, and one real scanned page read end to end (the slow part: one page, not 25, so the
 * suite stays within CI's limits; scripts/bench/ocr-accuracy.ts measures all five scanned samples).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { OGI_ANNUAL_REPORT } from '../pipelines/ogi-annual-report/index.js';
import { checkOcrCells } from '../src/extract/ocr/ocr-check.js';
import { cropGrey, deskew, eraseRulings, greyOf, pgmOf, whitenPaper } from '../src/extract/ocr/ocr-image.js';
import { chunkByHeight, slotOf, stackImages } from '../src/extract/ocr/ocr-mosaic.js';
import { binarize, cellsFromRulings, directionalMask, estimateSkew, findRulings, type GreyImage } from '../src/extract/ocr/ocr-rulings.js';
import { chiSimLangPath, hasFigureInk, isLabel, isSurePageFigure, ocrPdfFile, ocrPdfPages, passSettings, type OcrEngine } from '../src/extract/ocr/ocr.js';
import { buildBlocks } from '../src/extract/pdf/pdf-geometry.js';
import { extractDocument } from '../src/extract/index.js';
import { loadFile } from '../src/stages/load.js';
import type { Cell, ExtractedTable, RowBlock, SourceDocument } from '../src/types.js';
import { analyse } from '../src/pipeline.js';
import { cell } from './helpers/documents.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'pdf');

/** A white page with a 4×3 ruled grid (light grey lines, as on a faded scan), rotated by `degrees`. */
function ruledPage(degrees: number) {
  const canvas = createCanvas(1200, 900);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 1200, 900);
  ctx.translate(600, 450);
  ctx.rotate((degrees * Math.PI) / 180);
  ctx.translate(-600, -450);
  ctx.strokeStyle = '#b4b4b4';
  ctx.lineWidth = 2;
  const xs = [100, 400, 650, 900, 1100];
  const ys = [200, 300, 400, 500];
  for (const y of ys) {
    ctx.beginPath();
    ctx.moveTo(xs[0]!, y);
    ctx.lineTo(xs[xs.length - 1]!, y);
    ctx.stroke();
  }
  for (const [i, x] of xs.entries()) {
    ctx.beginPath();
    // The second column line stops after the first row: the cells below it span two columns.
    ctx.moveTo(x, ys[0]!);
    ctx.lineTo(x, i === 2 ? ys[1]! : ys[ys.length - 1]!);
    ctx.stroke();
  }
  // Some text-like ink inside a cell, which must not become a ruling.
  ctx.fillStyle = '#202020';
  for (let k = 0; k < 6; k++) ctx.fillRect(130 + k * 30, 340, 22, 3);
  return canvas;
}

describe('rulings on a scanned page', () => {
  it('estimates the skew of a rotated page', () => {
    for (const degrees of [0.6, -0.45, 0]) {
      const grey = greyOf(ruledPage(degrees));
      expect(estimateSkew(grey, binarize(grey))).toBeCloseTo(degrees, 1);
    }
  });

  it('finds the rulings of the deskewed page and the cells they frame, spans merged, text ignored', () => {
    const rotated = ruledPage(0.6);
    const grey = greyOf(rotated);
    const upright = greyOf(deskew(rotated, estimateSkew(grey, binarize(grey))));
    const { horizontal, vertical } = findRulings(upright);
    expect(horizontal).toHaveLength(4);
    expect(vertical).toHaveLength(5);
    for (const h of horizontal) expect(h.x1 - h.x0).toBeGreaterThan(950);
    const cells = cellsFromRulings(horizontal, vertical);
    // Row 1: four cells; rows 2 and 3: the middle two columns merged into one cell each.
    expect(cells).toHaveLength(4 + 3 + 3);
    const wide = cells.filter((c) => c.x1 - c.x0 > 450);
    expect(wide).toHaveLength(2);
  });

  it('keeps a row rule whose start is touched by the group label beside it, cut back to the column line', () => {
    // A group label ("(五)不予处理") in a merged cell of two rows, centred on the rule that parts them; the rule
    // starts at the merged cell's edge (x 300), and the label's last stroke runs into it.
    const canvas = createCanvas(1200, 700);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, 1200, 700);
    ctx.fillStyle = '#000000';
    for (const y of [200, 500]) ctx.fillRect(100, y, 1000, 3);
    ctx.fillRect(300, 350, 800, 3);
    for (const x of [100, 300, 700, 1100]) ctx.fillRect(x, 200, 3, 303);
    // The label's strokes: a glyph box, and a horizontal stroke at the rule's height reaching it.
    ctx.fillRect(180, 330, 40, 3);
    ctx.fillRect(180, 330, 3, 40);
    ctx.fillRect(230, 350, 72, 3);
    const { horizontal, vertical } = findRulings(greyOf(canvas));
    expect(vertical).toHaveLength(4);
    const rows = horizontal.map((h) => [Math.round(h.y0), Math.round(h.x0), Math.round(h.x1)]);
    expect(rows.map((r) => r[0])).toEqual([201, 351, 501]);
    // The row rule starts at the column line, not at the label's stroke.
    expect(Math.abs(rows[1]![1]! - 301)).toBeLessThanOrEqual(2);
    // So the two rows right of the label are two cells each, not one cell two rows high.
    const cells = cellsFromRulings(horizontal, vertical);
    expect(cells.filter((c) => c.x0 > 250)).toHaveLength(4);
  });
});

/** The image turned a quarter: rows become columns. */
function transpose(img: GreyImage): GreyImage {
  const data = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) data[x * img.height + y] = img.data[y * img.width + x]!;
  return { width: img.height, height: img.width, data };
}

function transposeMask(mask: Uint8Array, width: number, height: number): Uint8Array {
  return transpose({ width, height, data: mask }).data;
}

describe('which cells hold a figure', () => {
  /** A 100×60 cell mask at 300 dpi with the given rectangles inked. */
  function cellMask(...rects: [number, number, number, number][]): Uint8Array {
    const mask = new Uint8Array(100 * 60);
    for (const [x0, y0, w, h] of rects) for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) mask[y * 100 + x] = 1;
    return mask;
  }
  const cell = [0, 0, 99, 59] as const;

  it('counts a thin, tall "1" of a scaled-down picture as a figure, and a flat smudge of the same ink as none', () => {
    // minFigureInk at 300 dpi is 108 pixels: the "1" has 3 × 30 = 90, the smudge 10 × 9 = 90.
    expect(hasFigureInk(cellMask([48, 15, 3, 30]), 100, cell, 300)).toBe(true);
    expect(hasFigureInk(cellMask([45, 25, 10, 9]), 100, cell, 300)).toBe(false);
    // Less than a third of the ink a figure needs is nothing, however tall; enough ink is a figure, however flat.
    expect(hasFigureInk(cellMask([48, 10, 1, 30]), 100, cell, 300)).toBe(false);
    expect(hasFigureInk(cellMask([20, 25, 60, 2]), 100, cell, 300)).toBe(true);
  });
});

describe('tesseract parameters', () => {
  it('turns off the inverted second reading of doubtful lines in every pass, unless asked', () => {
    for (const { params } of Object.values(passSettings())) expect(params.tessedit_do_invert).toBe('0');
    for (const { params } of Object.values(passSettings({ invert: true }))) expect(params.tessedit_do_invert).toBe('1');
  });
});

describe('page images for tesseract', () => {
  it('averages along columns exactly as along the rows of the turned image', () => {
    const grey = greyOf(ruledPage(0.4));
    for (const reach of [1, 3]) {
      const vertical = directionalMask(grey, 'v', 180, reach);
      const viaRows = transposeMask(directionalMask(transpose(grey), 'h', 180, reach), grey.height, grey.width);
      expect(Buffer.compare(Buffer.from(vertical), Buffer.from(viaRows))).toBe(0);
    }
  });

  it('cuts a cell out of the grey page with a white border, pixel for pixel as a canvas draws it', () => {
    const canvas = ruledPage(0);
    const grey = greyOf(canvas);
    const crop = cropGrey(grey, 120.4, 310.6, 330, 372, 5);
    const drawn = createCanvas(crop.width, crop.height);
    const ctx = drawn.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, drawn.width, drawn.height);
    ctx.drawImage(canvas, 120, 311, 210, 61, 5, 5, 210, 61);
    expect(Buffer.compare(Buffer.from(crop.data), Buffer.from(greyOf(drawn).data))).toBe(0);
    const pgm = pgmOf(crop);
    const header = `P5\n${crop.width} ${crop.height}\n255\n`;
    expect(pgm.subarray(0, header.length).toString('latin1')).toBe(header);
    expect(pgm.length).toBe(header.length + crop.width * crop.height);
  });

  it('makes a cell image\'s grey paper white and keeps its ink dark; white or dark cells stay as they are', () => {
    // A 40×30 cell of scanned paper (220, with noise) holding a stroke of ink (40), inside a white border of 5.
    const pad = 5;
    const cellImage = (paper: number): GreyImage => {
      const width = 50;
      const height = 40;
      const data = new Uint8Array(width * height).fill(255);
      for (let y = pad; y < height - pad; y++) for (let x = pad; x < width - pad; x++) data[y * width + x] = paper + ((x * 7 + y * 3) % 9) - 4;
      for (let y = 12; y < 28; y++) for (let x = 22; x < 26; x++) data[y * width + x] = 40;
      return { width, height, data };
    };
    const grey = whitenPaper(cellImage(220), pad);
    const at = (x: number, y: number) => grey.data[y * grey.width + x]!;
    // Paper was 216–224: now within a few levels of white (its darker specks stay a little grey).
    for (let y = pad; y < 35; y++) for (let x = pad; x < 20; x++) expect(at(x, y)).toBeGreaterThanOrEqual(245);
    expect(at(0, 0)).toBe(255);
    expect(at(23, 20)).toBeLessThanOrEqual(50);
    for (const paper of [252, 100]) {
      const before = cellImage(paper);
      const copy = Uint8Array.from(before.data);
      expect(Buffer.compare(Buffer.from(whitenPaper(before, pad).data), Buffer.from(copy))).toBe(0);
    }
  });

  it('erases rulings and updates the grey page in place, pixel for pixel as converting the whole canvas again', () => {
    const canvas = deskew(ruledPage(0.3), 0.3);
    const grey = greyOf(canvas);
    const { horizontal, vertical } = findRulings(grey);
    // Odd widths give half-pixel edges, which the canvas blends: those pixels must be converted again too.
    const rulings = [...horizontal, ...vertical, { x0: 20, y0: 33, x1: 80, y1: 33, width: 3 }];
    eraseRulings(canvas, rulings, 2, grey);
    expect(Buffer.compare(Buffer.from(grey.data), Buffer.from(greyOf(canvas).data))).toBe(0);
  });

  it('stacks cell images into one mosaic and gives each word back to its image', () => {
    const img = (width: number, height: number, value: number): GreyImage => ({ width, height, data: new Uint8Array(width * height).fill(value) });
    const mosaic = stackImages([img(30, 10, 0), img(50, 20, 100), img(10, 5, 200)], 8);
    expect(mosaic.image.width).toBe(50);
    expect(mosaic.image.height).toBe(8 + 10 + 8 + 20 + 8 + 5 + 8);
    expect(mosaic.slots).toEqual([
      { top: 8, height: 10 },
      { top: 26, height: 20 },
      { top: 54, height: 5 },
    ]);
    // Left-aligned on white: the first image's row ends at its width.
    expect(mosaic.image.data[9 * 50 + 29]).toBe(0);
    expect(mosaic.image.data[9 * 50 + 30]).toBe(255);
    expect(mosaic.image.data[30 * 50 + 49]).toBe(100);
    expect(slotOf(mosaic.slots, 27, 40)).toBe(1);
    // A box across a gap goes to the slot nearest its centre.
    expect(slotOf(mosaic.slots, 44, 52)).toBe(1);
    expect(slotOf(mosaic.slots, 50, 60)).toBe(2);
    expect(chunkByHeight([img(1, 10, 0), img(1, 10, 0), img(1, 30, 0), img(1, 10, 0)], 40, 5)).toEqual([[0, 1], [2], [3]]);
  });
});

function ocrCell(table: string, row: string, col: string, value: number | null, confidence = 95): Cell {
  return cell(table, row, col, value, { method: 'grid', prov: { page: 4, confidence, box: { x0: 1, y0: 2, x1: 3, y1: 4 } } });
}

function sec4(values: Record<string, [number, number?]>): ExtractedTable {
  const cols = ['upheld', 'corrected', 'other', 'pending', 'total'];
  const cells: Cell[] = [];
  for (const row of ['review', 'direct', 'after_review']) {
    for (const col of cols) {
      const [v, conf] = values[`${row}.${col}`] ?? [0];
      cells.push(ocrCell('sec4', row, col, v, conf));
    }
  }
  return { table: 'sec4', layout: '2021', cells, prov: {} };
}

describe('OCR checks', () => {
  it('reports a low-confidence figure with its cell, and proposes what the row sum implies without changing it', () => {
    const table = sec4({ 'review.upheld': [7, 41], 'review.total': [1] });
    const findings = checkOcrCells([table], OGI_ANNUAL_REPORT);
    const low = findings.find((f) => f.rule === 'ocr/low-confidence');
    expect(low).toMatchObject({ table: 'sec4', row: 'review', col: 'upheld', actual: '7', page: 4 });
    const proposal = findings.find((f) => f.rule === 'ocr/identity-proposal');
    expect(proposal).toMatchObject({ row: 'review', col: 'upheld', actual: '7', expected: '1' });
    expect(proposal?.message).toContain('OCR read 7, the row sum of review implies 1');
    // Never overwritten.
    expect(table.cells.find((c) => c.row === 'review' && c.col === 'upheld')?.value).toBe(7);
  });

  it('says nothing about confident figures whose identities hold', () => {
    const table = sec4({ 'direct.upheld': [2], 'direct.total': [2] });
    expect(checkOcrCells([table], OGI_ANNUAL_REPORT)).toEqual([]);
  });

  it('marks every OCR figure of a broken identity when no single cell can be blamed', () => {
    const table = sec4({ 'after_review.corrected': [3], 'after_review.total': [5] });
    const findings = checkOcrCells([table], OGI_ANNUAL_REPORT);
    const marked = findings.filter((f) => f.rule === 'ocr/in-broken-identity' && f.row === 'after_review').map((f) => f.col);
    expect(marked.sort()).toEqual(['corrected', 'other', 'pending', 'total', 'upheld']);
  });

  it('reports an OCR cell whose text is not a figure', () => {
    const table = sec4({});
    const cell = table.cells.find((c) => c.row === 'direct' && c.col === 'other')!;
    cell.value = null;
    cell.raw = '?';
    cell.prov.confidence = 0;
    const findings = checkOcrCells([table], OGI_ANNUAL_REPORT);
    expect(findings.find((f) => f.rule === 'ocr/unreadable')).toMatchObject({ row: 'direct', col: 'other' });
  });

  it('reports a blank marker OCR read unsurely (what it kept of "-5"), and not one it read surely', () => {
    const table = sec4({});
    const cell = table.cells.find((c) => c.row === 'direct' && c.col === 'other')!;
    cell.value = null;
    cell.raw = '-';
    cell.method = 'blank';
    cell.prov.confidence = 12;
    expect(checkOcrCells([table], OGI_ANNUAL_REPORT).find((f) => f.rule === 'ocr/low-confidence')).toMatchObject({ row: 'direct', col: 'other', actual: '-' });
    cell.prov.confidence = 93;
    expect(checkOcrCells([table], OGI_ANNUAL_REPORT)).toEqual([]);
  });

  it('ignores cells that were not read by OCR', () => {
    const table = sec4({ 'review.total': [9] });
    for (const c of table.cells) delete c.prov.confidence;
    expect(checkOcrCells([table], OGI_ANNUAL_REPORT)).toEqual([]);
  });
});

describe('OCR grid rows with cells it could not read', () => {
  /** A scanned page's grid row: every field with the confidence OCR gave it (empty fields have none). */
  function ocrRow(line: number, texts: string[]): RowBlock {
    const fields = texts.map((text, col) => ({ text, col, prov: { page: 3, line, gridCol: col, ...(text === '' ? {} : { confidence: /^\d+$/.test(text) ? 95 : 0 }) } }));
    return { kind: 'row', positions: 'grid', gridWidth: texts.length, fields, prov: { page: 3, line } };
  }
  const paragraph = (line: number, text: string) => ({ kind: 'paragraph' as const, text, prov: { page: 1, line } });
  const report = (sec3: RowBlock[], sec4: RowBlock[]): SourceDocument => ({
    format: 'pdf',
    findings: [],
    meta: {},
    blocks: [
      paragraph(1, '测试县人民政府2021年政府信息公开工作年度报告'),
      paragraph(2, '一、总体情况'),
      paragraph(3, '二、主动公开政府信息情况'),
      paragraph(4, '三、收到和处理政府信息公开申请情况'),
      ...sec3,
      paragraph(5, '四、政府信息公开行政复议、行政诉讼情况'),
      ...sec4,
      paragraph(20, '五、存在的主要问题及改进情况'),
      paragraph(21, '六、其他需要报告的事项'),
    ],
  });
  const loaded = { path: 'scan.pdf', bytes: Buffer.alloc(0), sha256: 'x', format: 'pdf' as const, sizeBytes: 0 };

  it('places a misread figure between figures as an unreadable cell, reported with what the identities imply', () => {
    // "Wn" where the scan prints 5 (review's total): as a label it hid the whole row — the table was lost.
    const figures = ['0', '1', '4', '0', 'Wn', '0', '0', '0', '0', '0', '0', '0', '0', '2', '2'];
    const doc = analyse(loaded, report([], [ocrRow(10, figures)]), OGI_ANNUAL_REPORT);
    const sec4 = doc.tables.find((t) => t.table === 'sec4')!;
    const at = (row: string, col: string) => sec4.cells.find((c) => c.row === row && c.col === col)!;
    expect(at('review', 'other')).toMatchObject({ value: 4 });
    expect(at('after_review', 'total')).toMatchObject({ value: 2 });
    expect(at('review', 'total')).toMatchObject({ value: null, raw: 'Wn' });
    expect(doc.findings.find((f) => f.rule === 'ocr/unreadable')).toMatchObject({ table: 'sec4', row: 'review', col: 'total', actual: 'Wn' });
    expect(doc.findings.find((f) => f.rule === 'ocr/identity-proposal')).toMatchObject({ row: 'review', col: 'total', expected: '5' });
  });

  it('keeps a row\'s figures before cells OCR read nothing in ("?"), and reports those cells', () => {
    // Before: the "?" fields were taken for labels, the figures before them dropped and their cells left blank
    // without a word — blank is not zero, and not "unread" either.
    const rows = [
      ocrRow(6, ['', '', '一、本年新收政府信息公开申请数量', '3', '0', '0', '0', '0', '0', '3']),
      ocrRow(7, ['', '', '二、上年结转政府信息公开申请数量', '0', '0', '0', '0', '0', '0', '0']),
      ocrRow(8, ['', '', '四、结转下年度继续办理', '0', '0', '0', '?', '?', '0', '0']),
    ];
    const doc = analyse(loaded, report(rows, []), OGI_ANNUAL_REPORT);
    const sec3 = doc.tables.find((t) => t.table === 'sec3');
    const cells = sec3?.cells.filter((c) => c.row === 'carried_forward') ?? [];
    expect(cells.find((c) => c.col === 'natural')).toMatchObject({ value: 0 });
    expect(cells.find((c) => c.col === 'social')).toMatchObject({ value: null, raw: '?' });
    const unreadable = doc.findings.filter((f) => f.rule === 'ocr/unreadable').map((f) => f.col);
    expect(unreadable.sort()).toEqual(['legal', 'social']);
  });
});

describe('OCR grid rows that do not fit', () => {
  function ocrRow(line: number, texts: string[]): RowBlock {
    const fields = texts.map((text, col) => ({ text, col, prov: { page: 3, line, gridCol: col, tableIndex: 7, ...(text === '' ? {} : { confidence: /^\d+$/.test(text) ? 95 : 0 }) } }));
    return { kind: 'row', positions: 'grid', gridWidth: texts.length, fields, prov: { page: 3, line, tableIndex: 7 } };
  }
  const p = (line: number, text: string) => ({ kind: 'paragraph' as const, text, prov: { page: 1, line } });
  const loaded = { path: 'scan.pdf', bytes: Buffer.alloc(0), sha256: 'x', format: 'pdf' as const, sizeBytes: 0 };
  const withSec4 = (rows: RowBlock[]): SourceDocument => ({
    format: 'pdf',
    findings: [],
    meta: {},
    blocks: [p(1, '测试县人民政府2021年政府信息公开工作年度报告'), p(2, '一、总体情况'), p(3, '四、政府信息公开行政复议、行政诉讼情况'), ...rows, p(20, '五、存在的主要问题及改进情况')],
  });

  it('says that sec4\'s figures were right-aligned when its grid has fewer cells than the table', () => {
    // Two cells of the scan merged into one: 14 figures in a 15-column grid, placed from the right, the row sums
    // broken — the cells left of the merge hold their neighbours' figures.
    const figures = ['9', '0', '0', '8', '17', '0', '3', '0', '7', '0', '0', '0', '1', '1'];
    const doc = analyse(loaded, withSec4([ocrRow(10, figures)]), OGI_ANNUAL_REPORT);
    const assumed = doc.findings.find((f) => f.rule === 'table/columns-assumed');
    expect(assumed).toMatchObject({ table: 'sec4', severity: 'warning' });
    // The finding covers every cell of the table: a flat table's figures fill all its rows.
    expect(assumed?.row).toBeUndefined();
    expect(assumed?.message).toContain("fewer columns than the table's 15");
  });

  it('says that a scanned band of narrow rows was right-aligned (rulings OCR did not see), unlike a text layer\'s tail', () => {
    // 自然人 … 其他 read as one cell: its first figure and the total are all the row has. Right-aligned, 98 became 其他.
    const wide = ocrRow(6, ['', '', '一、本年新收政府信息公开申请数量', '98', '0', '0', '4', '1', '4', '107']);
    const narrow = { ...ocrRow(7, ['', '', '二、上年结转政府信息公开申请数量', '98', '107']) };
    for (const f of narrow.fields) f.prov.tableIndex = 8;
    narrow.prov.tableIndex = 8;
    const doc: SourceDocument = { ...withSec4([]), blocks: [p(1, '测试县人民政府2021年政府信息公开工作年度报告'), p(2, '三、收到和处理政府信息公开申请情况'), wide, narrow, p(20, '四、政府信息公开行政复议、行政诉讼情况')] };
    const out = analyse(loaded, doc, OGI_ANNUAL_REPORT);
    expect(out.findings.find((f) => f.rule === 'table/columns-assumed')).toMatchObject({ table: 'sec3', row: 'carried_over', severity: 'warning' });
  });

  it('reads a cell with a ruling\'s trace before the row\'s first clean figure as an unreadable figure, not a label', () => {
    const rows = [
      ocrRow(6, ['', '', '一、本年新收政府信息公开申请数量', '3', '0', '0', '0', '0', '0', '3']),
      ocrRow(7, ['', '', '四、结转下年度继续办理', '|0', 'Il0', '0', '0', '0', '0', '0']),
    ];
    const doc: SourceDocument = { ...withSec4([]), blocks: [p(1, '测试县人民政府2021年政府信息公开工作年度报告'), p(2, '三、收到和处理政府信息公开申请情况'), ...rows, p(20, '四、政府信息公开行政复议、行政诉讼情况')] };
    const out = analyse(loaded, doc, OGI_ANNUAL_REPORT);
    const cells = out.tables.find((t) => t.table === 'sec3')!.cells.filter((c) => c.row === 'carried_forward');
    expect(cells.find((c) => c.col === 'natural')).toMatchObject({ value: null, raw: '|0' });
    expect(cells.find((c) => c.col === 'commercial')).toMatchObject({ value: null, raw: 'Il0' });
    expect(cells.find((c) => c.col === 'research')).toMatchObject({ value: 0 });
    expect(out.findings.filter((f) => f.rule === 'ocr/unreadable').map((f) => f.col).sort()).toEqual(['commercial', 'natural']);
  });
});

describe('the agency of a scanned report', () => {
  const p = (line: number, text: string) => ({ kind: 'paragraph' as const, text, prov: { page: 1, line } });
  const loaded = { path: 'scan.pdf', bytes: Buffer.alloc(0), sha256: 'x', format: 'pdf' as const, sizeBytes: 0 };
  const scanned = (title: string, body: string, signature: string, ocrUsed = true): SourceDocument => ({
    format: 'pdf',
    findings: [],
    meta: ocrUsed ? { ocrUsed } : {},
    blocks: [p(1, title), p(2, '一、总体情况'), p(3, body), p(4, '六、其他需要报告的事项'), p(5, '无。'), p(6, signature), p(7, '2022年1月20日')],
  });

  it('takes the body\'s reading when OCR misread the title\'s, and says so', () => {
    const doc = analyse(loaded, scanned('贾兰县通贵乡人民政府2021年政府信息公开工作年度报告', '2021年，贺兰县通贵乡人民政府认真贯彻落实《条例》。', '贺兰县通贵乡人民政府'), OGI_ANNUAL_REPORT);
    // Not 兰县通贵乡人民政府: a reading cut short at the front is no reading of its own.
    expect(doc.meta.agency).toBe('贺兰县通贵乡人民政府');
    expect(doc.findings.find((f) => f.rule === 'meta/agency-ocr')).toMatchObject({ severity: 'warning', actual: '贾兰县通贵乡人民政府', expected: '贺兰县通贵乡人民政府' });
  });

  it('keeps the title\'s reading when the body misreads the name in two ways', () => {
    const doc = analyse(loaded, scanned('平罗县红星乡人民政府2023年政府信息公开工作年度报告', '2023年，平罗县红星人民政府认真贯彻落实《条例》。', '平寻县红星乡人民政府'), OGI_ANNUAL_REPORT);
    expect(doc.meta.agency).toBe('平罗县红星乡人民政府');
    expect(doc.findings.map((f) => f.rule)).not.toContain('meta/agency-ocr');
  });

  it('keeps the title\'s reading when the body prints it too, or when the report was not read by OCR', () => {
    const same = analyse(loaded, scanned('贺兰县通贵乡人民政府2021年政府信息公开工作年度报告', '2021年，贺兰县通贵乡人民政府认真贯彻落实。', '贺兰县通贵乡人民政府'), OGI_ANNUAL_REPORT);
    expect(same.meta.agency).toBe('贺兰县通贵乡人民政府');
    expect(same.findings.map((f) => f.rule)).not.toContain('meta/agency-ocr');
    const text = analyse(loaded, scanned('贾兰县通贵乡人民政府2021年政府信息公开工作年度报告', '2021年，贺兰县通贵乡人民政府认真贯彻落实。', '贺兰县通贵乡人民政府', false), OGI_ANNUAL_REPORT);
    expect(text.meta.agency).toBe('贾兰县通贵乡人民政府');
  });
});

describe('OCR reading', () => {
  it('tells a label from a figure misread as Chinese', () => {
    const word = (text: string, confidence: number) => ({ text, confidence, box: { x0: 0, y0: 0, x1: 1, y1: 1 } });
    expect(isLabel([word('行政许可', 92)], 50)).toBe(true);
    expect(isLabel([word('人', 70)], 50)).toBe(false);
    expect(isLabel([word('汪汪', 3)], 50)).toBe(false);
  });

  it('keeps a figure the page pass read surely — one word of digits, confident, across the ink — and no other', () => {
    // Box in points; at scale 2 a box 0..20 spans 40 pixels.
    const word = (text: string, confidence: number, x1 = 20) => ({ text, confidence, box: { x0: 0, y0: 0, x1, y1: 10 } });
    expect(isSurePageFigure([word('1115', 95)], 40, 2)).toBe(true);
    expect(isSurePageFigure([word('115', 95, 15)], 40, 2)).toBe(false); // a digit lost: ink left unread
    expect(isSurePageFigure([word('4', 85)], 40, 2)).toBe(false);
    expect(isSurePageFigure([word('4', 95), word('0', 95)], 40, 2)).toBe(false);
    expect(isSurePageFigure([word('4人', 95)], 40, 2)).toBe(false);
    expect(isSurePageFigure([], 40, 2)).toBe(false);
  });

  it('prepares the next page while tesseract reads this one only with the overlap option', async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, '000_e7764d80f1cd94c2.scan.pdf')));
    const maxInFlight = async (overlap: boolean) => {
      const pdf = await pdfjs.getDocument({ data: bytes.slice(), isEvalSupported: false, verbosity: 0 }).promise;
      let inFlight = 0;
      let max = 0;
      // A stand-in engine with one worker: each reading takes a while and reads nothing.
      const engine = {
        workers: 1,
        read: async () => {
          max = Math.max(max, ++inFlight);
          await new Promise((r) => setTimeout(r, 1000));
          inFlight -= 1;
          return { blocks: [] };
        },
      } as unknown as OcrEngine; // only `workers` and `read` are used by ocrPdfPages
      try {
        const read = await ocrPdfPages(pdf, [1, 2, 3], { overlap }, engine);
        expect(read.pages).toHaveLength(3);
      } finally {
        await pdf.destroy();
      }
      return max;
    };
    expect(await maxInFlight(false)).toBe(1);
    expect(await maxInFlight(true)).toBe(2);
  }, 60_000);

  it('uses the chi_sim data shipped in node_modules (no download)', () => {
    for (const model of ['best_int', 'standard'] as const) {
      const path = chiSimLangPath(model);
      expect(path).toContain('node_modules');
      expect(readFileSync(join(path, 'chi_sim.traineddata.gz')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    }
  });

  it('routes the pages of a PDF without a usable text layer to OCR by default, and not when OCR is off', async () => {
    const file = await loadFile(join(FIXTURES, 'gen', 'needs-ocr.pdf'));
    const doc = await extractDocument(file, {});
    expect(doc.meta).toMatchObject({ needsOcr: true, ocrPages: '2,3,4', ocrUsed: true });
    expect(doc.findings.filter((f) => f.rule === 'ocr/page-unread' || f.rule === 'pdf/needs-ocr')).toEqual([]);
    const off = await extractDocument(file, { ocr: false });
    expect(off.meta.ocrUsed).toBeUndefined();
    expect(off.findings.map((f) => f.rule)).toEqual(['pdf/needs-ocr']);
  }, 180_000);

  it('reads a figure at the top of a tall cell (a label wrapped over four lines beside it), not "?"', async () => {
    // Page 2 of an unseen generated report made a scan by scripts/bench/scan-corpus.ts (seed 7651): ten rows of
    // "0" figures, each at the top of a cell four label lines tall. Read from the whole cell, every one was "?".
    const read = await ocrPdfFile(await loadFile(join(FIXTURES, 'tall-cells.scan.pdf')), [1]);
    const texts = read.pages[0]!.words.map((w) => w.text);
    expect(texts.filter((t) => t === '?')).toEqual([]);
    expect(texts.filter((t) => t === '0').length).toBeGreaterThanOrEqual(70);
  }, 120_000);

  it('reads lone digits on a scan\'s grey paper ("1", "3"), not nothing or 工 and 归', async () => {
    // Page 1 of an unseen generated report made a scan by scripts/bench/scan-corpus.ts (seed 7679): grey paper
    // (~220), figures in a sans face. Cut out with a white border, the paper read as ink: 1, 1 and 3 were lost.
    const read = await ocrPdfFile(await loadFile(join(FIXTURES, 'grey-paper.scan.pdf')), [1]);
    const rows = buildBlocks(read.pages).filter((b): b is RowBlock => b.kind === 'row');
    const figuresAfter = (label: string) => {
      const row = rows.find((r) => r.fields.some((f) => f.text.includes(label)));
      return row?.fields.filter((f) => /^\d+$/.test(f.text)).map((f) => Number(f.text));
    };
    expect(figuresAfter('本年新收')).toEqual([259, 5, 1, 1, 9, 3, 278]);
    expect(figuresAfter('上年结转')).toEqual([0, 0, 0, 3, 0, 0, 3]);
  }, 120_000);

  it('reads a scanned table page: the 15 figures of sec4 in one grid row, each with its page, box and confidence', async () => {
    // 004's fifth page: the end of the sec3 table and the whole sec4 table, scanned at 150 dpi and rotated.
    const read = await ocrPdfFile(await loadFile(join(FIXTURES, '004_3f2d163066b69b0a.scan.pdf')), [5]);
    expect(read.findings).toEqual([]);
    const page = read.pages[0]!;
    expect(Math.abs(page.skewDegrees)).toBeGreaterThan(0.05);
    expect(Math.abs(page.skewDegrees)).toBeLessThan(1);
    expect(page.rulings.length).toBeGreaterThan(20);
    const rows = buildBlocks(read.pages).filter((b): b is RowBlock => b.kind === 'row');
    const figures = rows.map((r) => r.fields.filter((f) => /^\d+$/.test(f.text)));
    const sec4 = figures.find((f) => f.length === 15);
    expect(sec4?.map((f) => Number(f.text))).toEqual([4, 1, 0, 0, 5, 4, 1, 0, 3, 8, 4, 0, 2, 0, 6]);
    for (const f of sec4 ?? []) {
      expect(f.prov.page).toBe(5);
      expect(f.prov.box).toBeDefined();
      expect(f.prov.confidence).toBeGreaterThan(0);
    }
    // The tail of sec3 above it: rows of seven figures, wrapped labels joined in their cell.
    expect(figures.filter((f) => f.length === 7).length).toBeGreaterThanOrEqual(15);
    const labels = rows.map((r) => r.fields.map((f) => f.text).join('|'));
    expect(labels.some((l) => l.includes('2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请'))).toBe(true);
  }, 240_000);
});

describe('OCR grid rows whose labels OCR misread', () => {
  /** A scanned page's sec3 grid: [group, sub-label, 7 figures]; every field with the confidence OCR gave it. */
  function ocrRow(line: number, texts: string[]): RowBlock {
    const fields = texts.map((text, col) => ({ text, col, prov: { page: 3, line, gridCol: col, tableIndex: 2, ...(text === '' ? {} : { confidence: /^\d+$/.test(text) ? 95 : 60 }) } }));
    return { kind: 'row', positions: 'grid', gridWidth: texts.length, fields, prov: { page: 3, line, tableIndex: 2 } };
  }
  const figures = (n: number): string[] => [String(n), '0', '0', '0', '0', '0', String(n)];
  const group = (label: string) => (sub: string, n: number): string[] => [label, sub, ...figures(n)];
  const denied = group('（三）不予公开');
  const unable = group('（四）无法提供');
  const rejected = group('（五）不予处理');
  const other = group('（六）其他处理');
  /** The 2021 table as printed: 10 requests, 9 granted, 1 denied for 三安全一稳定; every identity holds. */
  const rows = (): string[][] => [
    ['', '', '自然人', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他', '总计'],
    ['一、本年新收政府信息公开申请数量', '', ...figures(10)],
    ['二、上年结转政府信息公开申请数量', '', ...figures(0)],
    ['三、本年度办理结果', '（一）予以公开', ...figures(9)],
    ['三、本年度办理结果', '（二）部分公开（区分处理的，只计这一情形，不计其他情形）', ...figures(0)],
    denied('1.属于国家秘密', 0),
    denied('2.其他法律行政法规禁止公开', 0),
    denied('3.危及“三安全一稳定”', 1),
    denied('4.保护第三方合法权益', 0),
    denied('5.属于三类内部事务信息', 0),
    denied('6.属于四类过程性信息', 0),
    denied('7.属于行政执法案卷', 0),
    denied('8.属于行政查询事项', 0),
    unable('1.本机关不掌握相关政府信息', 0),
    unable('2.没有现成信息需要另行制作', 0),
    unable('3.补正后申请内容仍不明确', 0),
    rejected('1.信访举报投诉类申请', 0),
    rejected('2.重复申请', 0),
    rejected('3.要求提供公开出版物', 0),
    rejected('4.无正当理由大量反复申请', 0),
    rejected('5.要求行政机关确认或重新出具已获取信息', 0),
    other('1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', 0),
    other('2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', 0),
    other('3.其他', 0),
    ['三、本年度办理结果', '（七）总计', ...figures(10)],
    ['四、结转下年度继续办理', '', ...figures(0)],
  ];
  const paragraph = (line: number, text: string) => ({ kind: 'paragraph' as const, text, prov: { page: 1, line } });
  const read = (table: string[][]) => {
    const doc: SourceDocument = {
      format: 'pdf',
      findings: [],
      meta: {},
      blocks: [
        paragraph(1, '测试县人民政府2022年政府信息公开工作年度报告'),
        paragraph(2, '一、总体情况'),
        paragraph(3, '二、主动公开政府信息情况'),
        paragraph(4, '三、收到和处理政府信息公开申请情况'),
        ...table.map((texts, i) => ocrRow(10 + i, texts)),
        paragraph(60, '四、政府信息公开行政复议、行政诉讼情况'),
        paragraph(61, '五、存在的主要问题及改进情况'),
        paragraph(62, '六、其他需要报告的事项'),
      ],
    };
    const out = analyse({ path: 'scan.pdf', bytes: Buffer.alloc(0), sha256: 'x', format: 'pdf', sizeBytes: 0 }, doc, OGI_ANNUAL_REPORT);
    const sec3 = out.tables.find((t) => t.table === 'sec3')!;
    const row = (key: string) => sec3.cells.filter((c) => c.row === key).map((c) => c.value);
    return { doc: out, row };
  };
  const at = (table: string[][], key: string): number => table.findIndex((r) => r[1] === key || r[0] === key);
  /** The table with one row printed as two grid rows: the figures' row, and the rest of its label below without figures. */
  const cutRow = (label: string, withFigures: string[], below: [string, string]): string[][] => {
    const table = rows();
    table.splice(at(table, label), 1, withFigures, [...below, '', '', '', '', '', '', '']);
    return table;
  };

  it('the table as printed reads whole, without a finding on its rows', () => {
    const { doc, row } = read(rows());
    expect(row('denied_three_safety')).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(doc.findings.filter((f) => f.table === 'sec3' && f.severity !== 'info')).toEqual([]);
  });

  it('reads a column header with one character misread (社会公蔓组织) as its column', () => {
    // A 备注 column after 总计, with a figure in one row: that row is placed by the header. With 社会公益组织 misread,
    // the header named six columns of seven: social's cells were left empty, "not printed", and 社会公蔓组织 taken
    // for a column the template does not have.
    const table = rows().map((r, i) => [...r, i === 0 ? '备注' : i === 1 ? '1' : '']);
    table[0] = table[0]!.map((h) => (h === '社会公益组织' ? '社会公蔓组织' : h));
    const { doc, row } = read(table);
    expect(row('new_received')).toEqual([10, 0, 0, 0, 0, 0, 10]);
    const rules = doc.findings.filter((f) => f.table === 'sec3').map((f) => `${f.rule} ${f.message}`);
    expect(rules.filter((r) => r.startsWith('table/columns-not-printed'))).toEqual([]);
    expect(rules.filter((r) => r.includes('社会公蔓组织'))).toEqual([]);
    expect(rules.some((r) => r.startsWith('table/extra-columns') && r.includes('备注'))).toBe(true);
  });

  it('places a row whose label OCR garbled by where it stands, with a warning', () => {
    // "3.危及人全一稳人": no row's label is close enough; before, its figures were dropped and the row reported missing.
    const table = rows();
    table[at(table, '3.危及“三安全一稳定”')]![1] = '3.危及人全一稳人';
    const { doc, row } = read(table);
    expect(row('denied_three_safety')).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(doc.findings.find((f) => f.rule === 'table/row-by-place')).toMatchObject({ severity: 'warning', table: 'sec3', row: 'denied_three_safety', actual: '（三）不予公开 3.危及人全一稳人' });
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/missing-row');
  });

  it('does not place a row by where it stands when its item number names another row, or two rows are missing there', () => {
    const numbered = rows();
    numbered[at(numbered, '3.危及“三安全一稳定”')]![1] = '5.危及人全一稳人';
    expect(read(numbered).doc.findings.map((f) => f.rule)).not.toContain('table/row-by-place');
    const two = rows();
    two[at(two, '3.危及“三安全一稳定”')]![1] = '3.危及人全一稳人';
    two[at(two, '4.保护第三方合法权益')]![1] = '4.保护人人人人';
    const { doc } = read(two);
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/row-by-place');
    expect(doc.findings.filter((f) => f.rule === 'table/missing-row').map((f) => f.row).sort()).toEqual(['denied_third_party', 'denied_three_safety']);
  });

  it('reads a label cell OCR read as a mark ("ED" for （七）总计) as the row between its neighbours, the mark as its label', () => {
    const table = rows();
    table[at(table, '（七）总计')] = ['', 'ED', ...figures(10)];
    const { doc, row } = read(table);
    expect(row('total')).toEqual([10, 0, 0, 0, 0, 0, 10]);
    expect(doc.findings.find((f) => f.rule === 'table/row-by-place')).toMatchObject({ row: 'total' });
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/unplaceable-row');
  });

  it('reads a label cell OCR read as a figure, left of the figures\' columns, as label: "2" for 2.重复申请, its words below', () => {
    const { doc, row } = read(cutRow('2.重复申请', ['（五）不予处理', '2', ...figures(0)], ['（五）不予处理', '复申请']));
    expect(row('rejected_repeat')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(doc.findings.find((f) => f.rule === 'table/row-by-place')).toMatchObject({ row: 'rejected_repeat' });
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/unplaceable-row');
  });

  it('takes digits at the end of a label cell, before the figures\' cells, as the label\'s misread characters', () => {
    // "3.危及“三安全一稳二33" (定” misread): the 33 made the row 8 figures for 7 cells, unplaceable.
    const table = rows();
    table[at(table, '3.危及“三安全一稳定”')]![1] = '3.危及“三安全一稳二33';
    const { doc, row } = read(table);
    expect(row('denied_three_safety')).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/unplaceable-row');
  });

  it('joins a label cell cut in two between grid rows ("(三)|1.属于" with the figures, "国家秘密" below)', () => {
    const { doc, row } = read(cutRow('1.属于国家秘密', ['三、本年度办理结果', '(三)|1.属于', ...figures(0)], ['（三）不予公开', '国家秘密']));
    expect(row('denied_state_secret')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(doc.findings.filter((f) => f.table === 'sec3' && f.severity === 'error')).toEqual([]);
  });

  it('does not join a label that no row starts with to the label of an empty row below it', () => {
    // "人" with granted's figures over （二）部分公开 printed empty: joined, the two labels read as 部分公开 and
    // granted's figures went to it without a word.
    const table = rows();
    table[at(table, '（一）予以公开')]![1] = '人';
    const empty = at(table, '（二）部分公开（区分处理的，只计这一情形，不计其他情形）');
    table[empty] = [...table[empty]!.slice(0, 2), '', '', '', '', '', '', ''];
    const { doc, row } = read(table);
    expect(row('partial')).not.toContain(9);
    expect(doc.findings.find((f) => f.rule === 'table/missing-row')).toMatchObject({ severity: 'error', row: 'granted' });
  });
});
