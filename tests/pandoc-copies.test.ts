/**
 * Text copies of the samples' DOCX and HTML forms made by pandoc (tests/fixtures/pandoc/README.md): markdown
 * with HTML tables inside, multiline tables laid out with spaces, plain text, web pages' menus before the title.
 * Every figure is the gold's or carries a finding; the title gives the agency and year.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { goldMisses, loadGold } from './helpers/gold.js';

const COPIES = join(import.meta.dirname, 'fixtures', 'pandoc');
const PAGES = new Set(['000_e7764d80f1cd94c2', '002_8df272ac7a397eaf', '004_3f2d163066b69b0a']);
/** Pages built of layout tables: pandoc writes them as grid tables, each cell's text wrapped at its width. */
const GRID_PAGES = new Set(['001_896bea92d5be09c0', '003_3b18a393dc797b1b']);

describe('pandoc copies of the samples', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.docx-gfm.txt: markdown with the tables as HTML reproduces the gold`, async () => {
      const doc = await processFile(join(COPIES, `${base}.docx-gfm.txt`));
      expect(doc.meta).toMatchObject({ agency: gold.agency, year: gold.year });
      expect(goldMisses(doc, gold.tables).wrong).toEqual([]);
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
    });

    for (const form of ['docx-markdown', 'docx-plain', ...(PAGES.has(base) ? ['html-markdown', 'html-plain'] : [])]) {
      it(`${base}.${form}.txt: the gold figures, or a finding; the agency and year`, async () => {
        const doc = await processFile(join(COPIES, `${base}.${form}.txt`));
        expect(doc.meta).toMatchObject({ agency: gold.agency, year: gold.year });
        const { wrong, silent } = goldMisses(doc, gold.tables);
        expect(silent).toEqual([]);
        // Only where pandoc wrote [TABLE] for a table are more than a cell or two lost (and reported).
        if (!(form === 'docx-plain' && ['001_896bea92d5be09c0', '003_3b18a393dc797b1b'].includes(base))) expect(wrong.length).toBeLessThanOrEqual(1);
      });
    }

    if (GRID_PAGES.has(base)) {
      it(`${base}.html-markdown.txt: a page of layout tables as grid tables — the gold figures, or a finding; the agency and year`, async () => {
        const doc = await processFile(join(COPIES, `${base}.html-markdown.txt`));
        expect(doc.meta).toMatchObject({ agency: gold.agency, year: gold.year });
        const { wrong, silent } = goldMisses(doc, gold.tables);
        expect(silent).toEqual([]);
        // 001's section 二 tables, laid out with spaces inside a 25-character cell, lose their rows' columns.
        expect(wrong.length).toBeLessThanOrEqual(base.startsWith('001') ? 23 : 0);
      });
    }
  }
});
