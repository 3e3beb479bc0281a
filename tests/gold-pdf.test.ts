/**
 * Gold on the text-layer PDFs of the five samples: every figure equals the hand-read gold (value and
 * blank-ness), was read from a true grid cell, and carries the page it stands on.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

const PDFS = join(import.meta.dirname, 'fixtures', 'pdf');

describe('gold: the text-layer PDFs reproduce the figures read by hand', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.text.pdf`, async () => {
      const doc = await processFile(join(PDFS, `${base}.text.pdf`));
      expect(doc.error).toBeNull();
      expect(doc.format).toBe('pdf');
      expect(diffAgainstGold(doc, gold)).toEqual([]);
      const cells = doc.tables.flatMap((t) => t.cells);
      // Every figure was read from its grid cell (nothing inferred) and knows its page and box.
      expect(cells.filter((c) => c.method !== 'grid' && c.method !== 'blank').map((c) => `${c.table}.${c.row}.${c.col}:${c.method}`)).toEqual([]);
      expect(cells.filter((c) => c.prov.page === undefined || c.prov.box === undefined).map((c) => `${c.table}.${c.row}.${c.col}`)).toEqual([]);
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }
});
