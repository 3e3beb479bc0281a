/**
 * Text copies of the samples' PDFs made by poppler's pdftotext (tests/fixtures/pdftotext/README.md): the form
 * a user holds after converting PDFs with the most common tool. With -layout every figure is read or flagged;
 * in reading order (no -layout) some rows print two labels before their figures, which nothing can place —
 * those cells are empty with an error — but no figure is wrong or missing without a finding.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import type { ProcessedDocument } from '../src/types.js';
import { loadGold } from './helpers/gold.js';

const COPIES = join(import.meta.dirname, 'fixtures', 'pdftotext');

/** The gold cells the document does not reproduce, and which of them no finding names (table, row, cell). */
function compare(doc: ProcessedDocument, tables: Record<string, Record<string, Record<string, number | null>>>): { wrong: string[]; silent: string[] } {
  const got = new Map(doc.tables.flatMap((t) => t.cells.map((c) => [`${c.table}.${c.row}.${c.col}`, c.value] as const)));
  const wrong: string[] = [];
  const silent: string[] = [];
  for (const [table, rows] of Object.entries(tables)) {
    for (const [row, cols] of Object.entries(rows)) {
      for (const [col, want] of Object.entries(cols)) {
        const key = `${table}.${row}.${col}`;
        if (got.get(key) === want) continue;
        wrong.push(key);
        const named = doc.findings.some((f) => f.severity !== 'info' && f.table === table && (f.row === undefined || f.row === row) && (f.col === undefined || f.col === col));
        if (!named) silent.push(`${key}: got ${got.get(key)}, gold ${want}`);
      }
    }
  }
  return { wrong, silent };
}

describe('pdftotext copies of the samples', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.layout.txt: the gold figures, or a finding; the title's agency and year`, async () => {
      const doc = await processFile(join(COPIES, `${base}.layout.txt`));
      expect(doc.error).toBeNull();
      expect(doc.meta).toMatchObject({ agency: gold.agency, year: gold.year });
      const { wrong, silent } = compare(doc, gold.tables);
      expect(silent).toEqual([]);
      expect(wrong.length).toBeLessThanOrEqual(1);
    });

    it(`${base}.raw.txt: no figure wrong or missing without a finding; the title's agency and year`, async () => {
      const doc = await processFile(join(COPIES, `${base}.raw.txt`));
      expect(doc.error).toBeNull();
      expect(doc.meta).toMatchObject({ agency: gold.agency, year: gold.year });
      expect(compare(doc, gold.tables).silent).toEqual([]);
    });
  }
});
