/**
 * Tables pasted into a report as pictures, beside a text that quotes figures — in a PDF, a Word file, a web page
 * (pictures beside it, inline, or in a web archive): large pictures are read by OCR when the text lacks a table —
 * and only then (a banner, a photo or a seal beside every table in text is left alone).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, makeDocx, pictureParagraph, renderDocumentXml, renderHtml, type Gold, type SampleModel, type TablePicture } from '../scripts/generate/make-html-docx-samples.js';
import { tableAsPicture } from '../scripts/generate/make-pdf-fixtures.js';
import { makeWordWebArchive } from '../scripts/generate/make-web-archive.js';
import { extractHtml } from '../src/extract/html/html.js';
import { extractDocx } from '../src/extract/word/docx.js';
import { renderPage } from '../src/extract/ocr/ocr-image.js';
import { extractPdf, loadPdfJsForRendering, openPdf } from '../src/extract/pdf/pdf.js';
import { processLoaded } from '../src/pipeline.js';
import { loadFile, sniffFormat } from '../src/stages/load.js';
import type { LoadedFile } from '../src/stages/load.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

function pdf(name: string, bytes: Buffer): LoadedFile {
  return { path: name, bytes, sha256: name, format: 'pdf', sizeBytes: bytes.length };
}

/** 004's section 四 table (page 5, 68–528 × 535–619 pt in its text-layer PDF) as a 200 dpi JPEG; `points`: its height when 515 pt wide. */
async function sec4Picture(): Promise<{ bytes: Buffer; width: number; height: number; points: number }> {
  const pdfjs = await loadPdfJsForRendering();
  const doc = await openPdf(pdfjs, await loadFile(join(import.meta.dirname, 'fixtures', 'pdf', '004_3f2d163066b69b0a.text.pdf')));
  try {
    const { canvas, scale } = await renderPage(await doc.getPage(5), 200);
    const [x0, y0, x1, y1] = [62, 529, 534, 625].map((v) => Math.round(v * scale)) as [number, number, number, number];
    const { createCanvas } = await import('@napi-rs/canvas');
    const crop = createCanvas(x1 - x0, y1 - y0);
    crop.getContext('2d').drawImage(canvas, x0, y0, x1 - x0, y1 - y0, 0, 0, x1 - x0, y1 - y0);
    return { bytes: crop.toBuffer('image/jpeg', 92), width: crop.width, height: crop.height, points: (515 * crop.height) / crop.width };
  } finally {
    await doc.destroy();
  }
}

describe('tables pasted as pictures', () => {
  it('sends a page with a large picture no text covers to OCR when the text layer prints no table', async () => {
    const doc = await extractPdf(pdf('pictured.pdf', tableAsPicture(undefined, 105)));
    expect(doc.meta).toMatchObject({ needsOcr: true, ocrPages: '1' });
    expect(doc.findings.map((f) => [f.rule, f.severity])).toEqual([['pdf/pictured-tables', 'warning']]);
  });

  it('sends it to OCR when the text layer prints some tables but not every one (section 三 and 四 missing)', async () => {
    const doc = await extractPdf(pdf('pictured.pdf', tableAsPicture(undefined, 105, 'sec2')));
    expect(doc.meta).toMatchObject({ needsOcr: true, ocrPages: '1' });
    expect(doc.findings.map((f) => f.message)).toEqual([expect.stringContaining('the text layer prints no table of section 三, 四')]);
  });

  it('leaves the page to its text layer when the text prints every table, or the picture is small', async () => {
    for (const bytes of [tableAsPicture(undefined, 105, 'every'), tableAsPicture(undefined, 30)]) {
      const doc = await extractPdf(pdf('pictured.pdf', bytes));
      expect(doc.meta.needsOcr).toBeUndefined();
      expect(doc.findings).toEqual([]);
    }
  });

  it('reads a section 四 table pasted as a picture by OCR: its 15 figures as the gold', async () => {
    const picture = await sec4Picture();
    const doc = await processLoaded(pdf('sec4-picture.pdf', tableAsPicture(picture, picture.points)));
    expect(doc.error).toBeNull();
    expect(doc.extractMeta.ocrUsed).toBe(true);
    expect(doc.findings.filter((f) => f.rule === 'pdf/pictured-tables').map((f) => f.severity)).toEqual(['info']);
    const gold = loadGold().find((g) => g.base.startsWith('004'))!.gold.tables.sec4!;
    const sec4 = doc.tables.find((t) => t.table === 'sec4');
    const read = Object.fromEntries(Object.keys(gold).map((row) => [row, Object.fromEntries(Object.keys(gold[row]!).map((col) => [col, sec4?.cells.find((c) => c.row === row && c.col === col)?.value]))]));
    expect(read).toEqual(gold);
  }, 120_000);
});

const BASE_004 = '004_3f2d163066b69b0a';

/** 004's model with only its section 四 table (the tables are sec2, sec3, sec4 in that order), or with all of them. */
function model004(keepTables: boolean): SampleModel {
  const gold = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'gold', `${BASE_004}.json`), 'utf8')) as Gold;
  const model = buildModel(BASE_004, readFileSync(join(import.meta.dirname, '..', 'samples', `${BASE_004}.txt`), 'utf8'), gold);
  let tables = 0;
  return keepTables ? model : { ...model, parts: model.parts.filter((p) => p.kind !== 'table' || ++tables === 3) };
}

/**
 * 004 as a Word file whose section 四 table is `picture` and whose other tables are left out (so no table is in its
 * text); `typed`: sections 二 and 三 typed as tables beside it; `beside`: every table typed and the picture after them.
 */
function docx004(picture: TablePicture, form: 'alone' | 'typed' | 'beside' = 'alone'): LoadedFile {
  const xml =
    form === 'alone'
      ? renderDocumentXml(model004(false), [picture])
      : form === 'typed'
        ? renderDocumentXml(model004(true), [null, null, picture])
        : renderDocumentXml(model004(true)).replace('<w:sectPr>', `${pictureParagraph(3, picture)}<w:sectPr>`);
  const bytes = makeDocx(xml, form === 'alone' ? [picture] : [null, null, picture]);
  return { path: 'pictured.docx', bytes, sha256: 'pictured.docx', format: 'docx', sizeBytes: bytes.length };
}

/** 004 as a web page whose one table (section 四) is an <img> with this src and CSS size. */
function html004(src: string, picture: TablePicture): string {
  const html = renderHtml(model004(false), { site: 'div', charset: 'utf-8', blank: 'nbsp' });
  const img = `<p><img src="${src}" style="width:${(picture.width / 0.75).toFixed(0)}px" alt="表格"></p>`;
  expect(html.match(/<table[\s>]/g)).toHaveLength(1);
  return html.replace(/<table[\s>][\s\S]*<\/table>/, img);
}

/** The section 四 cells of a processed document, shaped as the gold's. */
function sec4Read(doc: Awaited<ReturnType<typeof processLoaded>>, gold: Record<string, Record<string, number | null>>): Record<string, Record<string, number | null | undefined>> {
  const sec4 = doc.tables.find((t) => t.table === 'sec4');
  return Object.fromEntries(Object.keys(gold).map((row) => [row, Object.fromEntries(Object.keys(gold[row]!).map((col) => [col, sec4?.cells.find((c) => c.row === row && c.col === col)?.value]))]));
}

/** The sec4 picture at the size it has in the PDF (200 dpi): as Word would show it pasted in. */
async function sec4AsShown(): Promise<TablePicture> {
  const p = await sec4Picture();
  return { bytes: p.bytes, width: (p.width * 72) / 200, height: (p.height * 72) / 200 };
}

describe('tables pasted as pictures in a Word file', () => {
  it('reads the section 四 picture of a .docx by OCR: its 15 figures as the gold, on lines of the document', async () => {
    const doc = await processLoaded(docx004(await sec4AsShown()));
    expect(doc.error).toBeNull();
    expect(doc.extractMeta.ocrUsed).toBe(true);
    expect(doc.findings.filter((f) => f.rule === 'docx/pictured-tables').map((f) => [f.severity, f.actual])).toEqual([['info', 'word/media/image1.jpeg']]);
    const gold = loadGold().find((g) => g.base === BASE_004)!.gold.tables.sec4!;
    expect(sec4Read(doc, gold)).toEqual(gold);
    const sec4 = doc.tables.find((t) => t.table === 'sec4');
    // Traceable: each figure's line in the document, its box in the picture, no page (a Word file has none here).
    const cell = sec4!.cells.find((c) => c.value !== null)!;
    expect(cell.prov.line).toBeGreaterThan(1);
    expect(cell.prov.box).toBeDefined();
    expect(cell.prov.page).toBeUndefined();
  }, 120_000);

  it('reads the section 四 picture beside sections 二 and 三 typed as tables: every table as the gold', async () => {
    const doc = await processLoaded(docx004(await sec4AsShown(), 'typed'));
    expect(doc.error).toBeNull();
    const finding = doc.findings.find((f) => f.rule === 'docx/pictured-tables');
    expect(finding?.message).toMatch(/prints no table of section 四,/);
    expect(diffAgainstGold(doc, loadGold().find((g) => g.base === BASE_004)!.gold)).toEqual([]);
  }, 120_000);

  it('leaves a picture alone when the text prints every table, and says a picture needs OCR when OCR is off', async () => {
    const picture = await sec4AsShown();
    const withTables = await extractDocx(docx004(picture, 'beside'));
    expect(withTables.meta.ocrUsed).toBeUndefined();
    expect(withTables.findings).toEqual([]);
    const off = await extractDocx(docx004(picture), { ocr: false });
    expect(off.findings.map((f) => [f.rule, f.severity])).toEqual([['docx/pictured-tables', 'warning']]);
    expect(off.findings[0]!.message).toContain('word/media/image1.jpeg');
  });

  it('takes a picture as wide as a table for one, not a seal or a QR code beside the text', async () => {
    const picture = await sec4AsShown();
    const findings = async (width: number, height: number) => (await extractDocx(docx004({ ...picture, width, height }), { ocr: false })).findings.map((f) => f.rule);
    // A section 四 table across a Word page's text (415 × 60 pt: 5% of A4), and a seal or QR code (120 pt square: 4%).
    expect(await findings(415, 60)).toEqual(['docx/pictured-tables']);
    expect(await findings(120, 120)).toEqual([]);
    expect(await findings(230, 60)).toEqual([]);
  });

  it('names a picture it cannot draw (a Windows metafile) in an error finding, and reads the rest of the document', async () => {
    const wmf = Buffer.alloc(64);
    wmf.writeUInt32LE(0x9ac6cdd7, 0);
    const doc = await processLoaded(docx004({ ...(await sec4AsShown()), bytes: wmf }));
    expect(doc.error).toBeNull();
    const unread = doc.findings.filter((f) => f.rule === 'ocr/picture-unread');
    expect(unread.map((f) => f.severity)).toEqual(['error']);
    expect(unread[0]!.message).toMatch(/WMF/);
    expect(doc.meta.agency).toBe(loadGold().find((g) => g.base === BASE_004)!.gold.agency);
  }, 60_000);
});

describe('tables pasted as pictures in a web page', () => {
  it('reads an <img> saved beside the page ("Save page, complete") and one inline as data: its figures as the gold', async () => {
    const picture = await sec4AsShown();
    const gold = loadGold().find((g) => g.base === BASE_004)!.gold.tables.sec4!;
    const dir = mkdtempSync(join(tmpdir(), 'ogi-pictured-html-'));
    mkdirSync(join(dir, 'report_files'));
    writeFileSync(join(dir, 'report_files', 'table 4.jpg'), picture.bytes);
    writeFileSync(join(dir, 'report.html'), html004('./report_files/table%204.jpg', picture));
    writeFileSync(join(dir, 'inline.html'), html004(`data:image/jpeg;base64,${picture.bytes.toString('base64')}`, picture));
    for (const [name, actual] of [
      ['report.html', './report_files/table%204.jpg'],
      ['inline.html', 'data:image/jpeg;base64,…'],
    ] as const) {
      const doc = await processLoaded(await loadFile(join(dir, name)));
      expect(doc.error).toBeNull();
      expect(doc.findings.filter((f) => f.rule === 'html/pictured-tables').map((f) => [f.severity, f.actual])).toEqual([['info', actual]]);
      expect(sec4Read(doc, gold)).toEqual(gold);
    }
  }, 120_000);

  it('reads a picture archived with its page (a web archive, .mht): its figures as the gold', async () => {
    const picture = await sec4AsShown();
    const gold = loadGold().find((g) => g.base === BASE_004)!.gold.tables.sec4!;
    const page = Buffer.from(html004('report.files/image001.jpg', picture), 'utf8');
    const bytes = makeWordWebArchive(page, 'utf-8', [{ src: 'report.files/image001.jpg', bytes: picture.bytes, contentType: 'image/jpeg' }]);
    const doc = await processLoaded({ path: 'report.mht', bytes, sha256: 'report.mht', format: sniffFormat(bytes, 'report.mht'), sizeBytes: bytes.length });
    expect(doc.format).toBe('mhtml');
    expect(doc.findings.filter((f) => f.rule === 'html/pictured-tables').map((f) => [f.severity, f.actual])).toEqual([['info', 'report.files/image001.jpg']]);
    expect(sec4Read(doc, gold)).toEqual(gold);
  }, 120_000);

  it('says which pictures are not at hand when they are on the web server, and reads nothing', async () => {
    const picture = await sec4AsShown();
    const html = html004('http://www.example.gov.cn/uploads/table4.jpg', picture).replace('style="width:', `height="${(picture.height / 0.75).toFixed(0)}" style="width:`);
    const dir = mkdtempSync(join(tmpdir(), 'ogi-pictured-html-'));
    writeFileSync(join(dir, 'remote.html'), html);
    const doc = await extractHtml(await loadFile(join(dir, 'remote.html')));
    expect(doc.meta.ocrUsed).toBeUndefined();
    expect(doc.findings.map((f) => [f.rule, f.severity])).toEqual([['html/pictured-tables', 'warning']]);
    expect(doc.findings[0]!.message).toContain('http://www.example.gov.cn/uploads/table4.jpg');
    expect(doc.findings[0]!.message).toContain('not at hand');
    // An old table-layout page: the picture sits in a cell of the table that lays out the article.
    const inLayout = html.replace(/<body>([\s\S]*)<\/body>/, '<body><table width="1000"><tr><td>$1</td></tr></table></body>');
    expect(inLayout).not.toBe(html);
    writeFileSync(join(dir, 'layout.html'), inLayout);
    const laidOut = await extractHtml(await loadFile(join(dir, 'layout.html')));
    expect(laidOut.findings.map((f) => [f.rule, f.severity])).toEqual([['html/pictured-tables', 'warning']]);
  });
});
