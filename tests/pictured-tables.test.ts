/**
 * Tables pasted into a report as pictures, beside a text layer that quotes figures: the pages with a large picture
 * no text covers are read by OCR when the text layer prints no table at all — and only then (a banner, a photo or
 * a seal beside tables in text is left alone).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableAsPicture } from '../scripts/generate/make-pdf-fixtures.js';
import { renderPage } from '../src/extract/ocr/ocr-image.js';
import { extractPdf, loadPdfJsForRendering, openPdf } from '../src/extract/pdf/pdf.js';
import { processLoaded } from '../src/pipeline.js';
import { loadFile } from '../src/stages/load.js';
import type { LoadedFile } from '../src/stages/load.js';
import { loadGold } from './helpers/gold.js';

function pdf(name: string, bytes: Buffer): LoadedFile {
  return { path: name, bytes, sha256: name, format: 'pdf', sizeBytes: bytes.length };
}

/** 004's section 四 table (page 5, 68–528 × 535–619 pt in its text-layer PDF) as a 200 dpi JPEG. */
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

  it('leaves the page to its text layer when the text prints a table, or the picture is small', async () => {
    for (const bytes of [tableAsPicture(undefined, 105, true), tableAsPicture(undefined, 30)]) {
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
