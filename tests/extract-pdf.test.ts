/**
 * The PDF extractor on small PDFs of its edge cases (written by scripts/generate/make-pdf-fixtures.ts and committed
 * under tests/fixtures/pdf/gen/), and the failures a user must understand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../scripts/generate/make-pdf-fixtures.js';
import type { PageWords } from '../src/extract/pdf/geometry-types.js';
import { extractPdf } from '../src/extract/pdf/pdf.js';
import { DocumentError } from '../src/findings.js';
import { processFile } from '../src/pipeline.js';
import { loadFile } from '../src/stages/load.js';
import type { Block, RowBlock, SourceDocument } from '../src/types.js';

const GEN = join(import.meta.dirname, 'fixtures', 'pdf', 'gen');
const fixture = (name: string) => join(GEN, `${name}.pdf`);

async function extract(name: string, ocr?: Parameters<typeof extractPdf>[2]): Promise<SourceDocument> {
  return extractPdf(await loadFile(fixture(name)), {}, ocr);
}

const rows = (blocks: Block[]) => blocks.filter((b): b is RowBlock => b.kind === 'row');
const texts = (row: RowBlock) => row.fields.map((f) => f.text);
const rowWith = (blocks: Block[], label: string) => {
  const row = rows(blocks).find((r) => r.fields.some((f) => f.text === label));
  if (!row) throw new Error(`no row labelled ${label}`);
  return row;
};
const paragraphs = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));

describe('fixtures', () => {
  it('the committed fixtures are what the script writes', () => {
    for (const [name, make] of Object.entries(FIXTURES)) expect(make().equals(readFileSync(fixture(name))), name).toBe(true);
  });
});

describe('extractPdf: tables', () => {
  it('joins a table continuing over a page break: one table, header not repeated, cut label joined, footer dropped', async () => {
    const doc = await extract('table-across-pages');
    const table = rows(doc.blocks);
    expect(new Set(table.map((r) => r.prov.tableIndex))).toEqual(new Set([0]));
    expect(new Set(table.map((r) => r.prov.page))).toEqual(new Set([1, 2]));
    // The header printed again on page 2 is dropped.
    expect(table.filter((r) => r.fields.some((f) => f.text === '自然人'))).toHaveLength(1);
    // Grid rows run on across the break.
    expect(table.map((r) => r.prov.gridRow)).toEqual(table.map((_, i) => i));
    // "(三)不予" on page 1 and "公开" on page 2 are one merged label, repeated into the rows it spans.
    const denied = table.filter((r) => r.fields[1]?.text === '(三)不予公开').map((r) => r.fields[2]?.text);
    expect(denied).toEqual(['1.属于国家秘密', '2.其他法律行政法规禁止公开', '3.危及“三安全一稳定”']);
    expect(table.filter((r) => r.fields[0]?.text === '三、本年度办理结果')).toHaveLength(6);
    // Figures keep their columns and pages.
    const third = rowWith(doc.blocks, '3.危及“三安全一稳定”');
    expect(texts(third).slice(-3)).toEqual(['0', '12', '12']);
    expect(third.fields.slice(-3).map((f) => f.prov.page)).toEqual([2, 2, 2]);
    expect(texts(rowWith(doc.blocks, '一、本年新收政府信息公开申请数量')).slice(-3)).toEqual(['3', '1', '4']);
    // Page numbers are page furniture.
    expect(doc.blocks.some((b) => (b.kind === 'paragraph' ? b.text : texts(b).join('')).includes('— 1 —'))).toBe(false);
    expect(paragraphs(doc.blocks)).toEqual(['某某镇人民政府2022年政府信息公开工作年度报告', '三、收到和处理政府信息公开申请情况', '四、政府信息公开行政复议、行政诉讼情况']);
  });

  it('joins labels wrapped over two lines inside their cells, figures staying in their row', async () => {
    const doc = await extract('wrapped-labels');
    expect(texts(rows(doc.blocks)[0]!)).toEqual(['项目', '自然人', '法律服务机构', '其他', '总计']);
    const partial = rowWith(doc.blocks, '(二)部分公开(区分处理的，只计这一情形，不计其他情形)');
    expect(texts(partial)).toEqual(['(二)部分公开(区分处理的，只计这一情形，不计其他情形)', '2', '', '0', '2']);
    expect(rows(doc.blocks)).toHaveLength(4);
  });

  it('reads a borderless table by the alignment of figures and headers, blanks kept in place', async () => {
    const doc = await extract('borderless');
    const table = rows(doc.blocks);
    expect(table.every((r) => r.positions === 'grid' && r.gridWidth === 5)).toBe(true);
    expect(texts(rowWith(doc.blocks, '信息内容'))).toEqual(['信息内容', '自然人', '商业企业', '科研机构', '总计']);
    expect(texts(rowWith(doc.blocks, '二、上年结转政府信息公开申请数量'))).toEqual(['二、上年结转政府信息公开申请数量', '1', '', '0', '1']);
    // A label wrapped round its figures (figures centred between the two lines) is one row.
    expect(texts(rowWith(doc.blocks, '(二)部分公开(区分处理的，只计这一情形，不计其他情形)')).slice(1)).toEqual(['4', '0', '0', '4']);
    // The group title over two columns is not a column of its own.
    expect(texts(rowWith(doc.blocks, '法人或其他组织'))).toEqual(['', '', '', '法人或其他组织', '']);
    expect(paragraphs(doc.blocks)).toEqual(['二、主动公开政府信息情况', '三、收到和处理政府信息公开申请情况']);
  });

  it('removes the spaces some PDFs put between Chinese characters', async () => {
    const doc = await extract('spaced-chinese');
    expect(paragraphs(doc.blocks)).toEqual(['某县人民政府2021年政府信息公开工作年度报告', '一、总体情况', '本年度主动公开政府信息']);
    expect(texts(rowWith(doc.blocks, '行政规范性文件'))).toEqual(['行政规范性文件', '12', '40']);
    expect(texts(rows(doc.blocks)[0]!)).toEqual(['信息内容', '本年制发件数', '现行有效件数']);
  });

  it('gives every block its page, line and box', async () => {
    const doc = await extract('table-across-pages');
    expect(doc.blocks.map((b) => b.prov.line)).toEqual(doc.blocks.map((_, i) => i + 1));
    for (const b of doc.blocks) {
      expect(b.prov.page).toBeGreaterThan(0);
      expect(b.prov.box).toBeDefined();
    }
    for (const r of rows(doc.blocks)) for (const f of r.fields) expect(f.prov).toMatchObject({ page: r.prov.page, tableIndex: 0, gridRow: r.prov.gridRow, gridCol: f.col });
  });
});

describe('extractPdf: pages without a text layer', () => {
  it('routes pages without usable text to OCR: a picture only, a picture with a digitless text layer, glyphs without Unicode', async () => {
    const doc = await extract('needs-ocr');
    expect(doc.meta).toMatchObject({ needsOcr: true, ocrPages: '2,3,4' });
    expect(doc.findings.map((f) => [f.rule, f.severity, f.page])).toEqual([['pdf/needs-ocr', 'warning', 2]]);
    expect(doc.findings[0]!.message).toMatch(/pages 2, 3, 4 .*need OCR/);
    expect(paragraphs(doc.blocks)).toEqual(['某某局2021年政府信息公开工作年度报告', '三、收到和处理政府信息公开申请情况']);
  });

  it('keeps a page with a text layer as it is', async () => {
    const doc = await extract('table-across-pages');
    expect(doc.meta.needsOcr).toBeUndefined();
    expect(doc.findings).toEqual([]);
  });

  it('reads those pages through the OCR function when one is given, with the same builder', async () => {
    const asked: number[][] = [];
    const ocr = async (_file: unknown, pages: number[]): Promise<PageWords[]> => {
      asked.push(pages);
      const word = (text: string, x0: number, y0: number, confidence: number) => ({ text, box: { x0, y0, x1: x0 + 12 * text.length, y1: y0 + 12 }, confidence });
      return pages.map((page) => ({
        page,
        width: 595,
        height: 842,
        rulings: [],
        words: [word('行政处罚', 72, 100, 91), word(`5${page}`, 300, 100, 88), word('7', 400, 100, 42), word('行政强制', 72, 120, 90), word('0', 300, 120, 95), word(String(page), 400, 120, 93)],
      }));
    };
    const doc = await extract('needs-ocr', ocr);
    expect(asked).toEqual([[2, 3, 4]]);
    expect(doc.meta.ocrUsed).toBe(true);
    expect(doc.findings).toEqual([]);
    const row = rowWith(doc.blocks, '行政处罚');
    expect(texts(row)).toEqual(['行政处罚', '52', '7']);
    expect(rows(doc.blocks).map((r) => r.prov.page)).toEqual([2, 2, 3, 3, 4, 4]);
    // The OCR words replace the page's text layer: page 3's digitless title is gone.
    expect(paragraphs(doc.blocks)).toEqual(['某某局2021年政府信息公开工作年度报告']);
    expect(row.fields.map((f) => f.prov.confidence)).toEqual([91, 88, 42]);
  });
});

describe('extractPdf and processFile: documents that cannot be used', () => {
  it('fails an encrypted PDF alone, saying why', async () => {
    const doc = await processFile(fixture('encrypted'));
    expect(doc).toMatchObject({ status: 'failed', failedStage: 'extract', format: 'pdf' });
    expect(doc.error).toMatch(/encrypted with a password/);
  });

  it('fails a truncated PDF alone, saying why', async () => {
    const doc = await processFile(fixture('truncated'));
    expect(doc).toMatchObject({ status: 'failed', failedStage: 'extract' });
    expect(doc.error).toMatch(/truncated/);
  });

  it('fails a damaged PDF (a valid end marker, garbage inside) with a reason', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog'), Buffer.alloc(200, 0x41), Buffer.from('\n%%EOF\n')]);
    const err = await extractPdf({ path: 'x.pdf', bytes, sha256: '0', format: 'pdf', sizeBytes: bytes.length }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentError);
    expect((err as DocumentError).stage).toBe('extract');
    expect((err as DocumentError).message).toMatch(/PDF/);
  });

  it('reports a PDF that is not an annual report as such', async () => {
    const doc = await processFile(fixture('no-report'));
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/does not look like/);
    expect(doc.tables).toEqual([]);
  });

  it('refuses a PDF over the page limit', async () => {
    const err = await extractPdf(await loadFile(fixture('table-across-pages')), { maxPages: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentError);
    expect((err as Error).message).toMatch(/2 pages, over the limit of 1/);
    await expect(extractPdf(await loadFile(fixture('table-across-pages')), { maxPages: 2 })).resolves.toBeDefined();
  });
});
