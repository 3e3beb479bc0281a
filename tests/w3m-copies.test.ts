/**
 * The samples' web pages dumped as text by w3m (tests/fixtures/w3m/README.md): tables drawn with box-drawing
 * characters, a menu column beside the title. Every figure as the gold, the title's agency and year.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

const COPIES = join(import.meta.dirname, 'fixtures', 'w3m');

describe('w3m dumps of the samples\' web pages', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.txt reproduces the gold`, async () => {
      const doc = await processFile(join(COPIES, `${base}.txt`));
      expect(doc.error).toBeNull();
      expect(diffAgainstGold(doc, gold)).toEqual([]);
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }
});
