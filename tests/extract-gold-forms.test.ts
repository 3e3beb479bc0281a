import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');

describe('gold: the HTML and DOCX forms of the samples reproduce the figures read by hand', () => {
  for (const { base, gold } of loadGold()) {
    for (const ext of ['html', 'docx']) {
      it(`${base}.${ext}`, async () => {
        const doc = await processFile(join(SAMPLES, `${base}.${ext}`));
        expect(doc.error).toBeNull();
        expect(doc.format).toBe(ext);
        expect(diffAgainstGold(doc, gold)).toEqual([]);
        expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
      });
    }
  }
});
