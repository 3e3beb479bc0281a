import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');

describe('gold: the text samples reproduce the figures read by hand', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.txt`, async () => {
      const doc = await processFile(join(SAMPLES, `${base}.txt`));
      expect(doc.status).not.toBe('failed');
      expect(diffAgainstGold(doc, gold)).toEqual([]);
      // The samples print consistent figures: no error-severity finding.
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }
});
