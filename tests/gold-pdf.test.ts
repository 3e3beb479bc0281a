/**
 * Gold on the text-layer PDFs of the five samples: every figure equals the hand-read gold (value and
 * blank-ness), was read from a true grid cell, and carries the page it stands on — checked against the
 * PDF's own text items, independently of the extractor. Then the same pages with their ruling lines taken
 * away — words alone, as OCR gives them — must still give the gold, through the borderless path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { OGI_ANNUAL_REPORT } from '../pipelines/ogi-annual-report/index.js';
import { buildBlocks } from '../src/extract/pdf/pdf-geometry.js';
import { readPdfPages } from '../src/extract/pdf/pdf.js';
import { analyse, processFile } from '../src/pipeline.js';
import { loadFile } from '../src/stages/load.js';
import type { Box } from '../src/types.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

const PDFS = join(import.meta.dirname, 'fixtures', 'pdf');
const PDFJS = join(import.meta.dirname, '..', 'node_modules', 'pdfjs-dist');

interface Item {
  text: string;
  x: number;
  y: number;
}

/** The text items of every page, with their start point in top-left page points. */
async function pageItems(path: string): Promise<Map<number, Item[]>> {
  const doc = await getDocument({
    data: new Uint8Array(readFileSync(path)),
    cMapUrl: join(PDFJS, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(PDFJS, 'standard_fonts') + '/',
    disableFontFace: true,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  const out = new Map<number, Item[]>();
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const height = page.getViewport({ scale: 1 }).height;
    const content = await page.getTextContent();
    out.set(
      n,
      content.items.flatMap((it) => ('str' in it && it.str.trim() !== '' ? [{ text: it.str.trim(), x: it.transform[4] as number, y: height - (it.transform[5] as number) }] : [])),
    );
  }
  await doc.destroy();
  return out;
}

const inside = (b: Box, i: Item) => i.x >= b.x0 - 1 && i.x <= b.x1 + 1 && i.y >= b.y0 - 1 && i.y <= b.y1 + 1;

describe('gold: the text-layer PDFs reproduce the figures read by hand', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.text.pdf`, async () => {
      const path = join(PDFS, `${base}.text.pdf`);
      const doc = await processFile(path);
      expect(doc.error).toBeNull();
      expect(doc.format).toBe('pdf');
      expect(diffAgainstGold(doc, gold)).toEqual([]);
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
      const cells = doc.tables.flatMap((t) => t.cells);
      // Every figure was read from its grid cell: nothing inferred, nothing placed by guesswork.
      expect(cells.filter((c) => c.method !== 'grid' && c.method !== 'blank').map((c) => `${c.table}.${c.row}.${c.col}:${c.method}`)).toEqual([]);
      // Every figure stands on the page and in the box its provenance says.
      const items = await pageItems(path);
      const misplaced = cells
        .filter((c) => c.raw !== null && c.raw !== '')
        .filter((c) => {
          const onPage = c.prov.page !== undefined ? items.get(c.prov.page) ?? [] : [];
          // A figure may be printed as several items ("168" "." "102"): join what lies in the box.
          const text = onPage.filter((i) => c.prov.box && inside(c.prov.box, i)).sort((a, b) => a.x - b.x).map((i) => i.text).join('');
          return text !== c.raw;
        })
        .map((c) => `${c.table}.${c.row}.${c.col}=${c.raw} p${c.prov.page}`);
      expect(misplaced).toEqual([]);
      // Blank cells too know their page (the empty cell's rectangle).
      expect(cells.filter((c) => c.prov.page === undefined).length).toBe(0);
    });
  }
});

describe('gold: the same pages without ruling lines (words only, as from OCR) give the same figures', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.text.pdf, borderless`, async () => {
      const file = await loadFile(join(PDFS, `${base}.text.pdf`));
      const { pages } = await readPdfPages(file);
      const blocks = buildBlocks(pages.map((p) => ({ ...p, rulings: [] })));
      const doc = analyse(file, { format: 'pdf', blocks, findings: [], meta: {} }, OGI_ANNUAL_REPORT);
      expect(diffAgainstGold(doc, gold)).toEqual([]);
      const cells = doc.tables.flatMap((t) => t.cells);
      expect(cells.filter((c) => c.method !== 'grid' && c.method !== 'blank').map((c) => `${c.table}.${c.row}.${c.col}:${c.method}`)).toEqual([]);
      expect(doc.findings.filter((f) => f.severity !== 'info').map((f) => f.message)).toEqual([]);
    });
  }
});
