/**
 * The samples' web pages printed to PDF by Chromium (tests/fixtures/chromium/README.md): radicals in the text layer
 * where the page has ideographs (人⺠政府), a menu column on the title's baseline. Every figure as the gold, the
 * title's agency and year.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

const COPIES = join(import.meta.dirname, 'fixtures', 'chromium');

describe('Chromium prints of the samples\' web pages', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.pdf reproduces the gold`, async () => {
      const doc = await processFile(join(COPIES, `${base}.pdf`));
      expect(doc.error).toBeNull();
      expect(diffAgainstGold(doc, gold)).toEqual([]);
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }
});
