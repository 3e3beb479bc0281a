/**
 * Real copies as they circulate (tests/fixtures/real, copied from ../shared/real): reports a web archive's
 * crawler saved as one paragraph behind a crawl header. Every cell the text can settle must match the
 * figures read by hand from the original page; the cells it cannot settle (`ambiguous_in_text`) must be
 * right or empty with an error naming them — never a wrong figure without a finding.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { REAL_DIR as REAL, realGoldMisses } from './helpers/gold.js';
import type { RealGold } from './helpers/gold.js';

describe('real copies saved as one paragraph', () => {
  for (const file of readdirSync(REAL).filter((f) => f.endsWith('.txt')).sort()) {
    it(file, async () => {
      const gold = JSON.parse(readFileSync(join(REAL, file.replace(/\.txt$/, '.json')), 'utf8')) as RealGold;
      const doc = await processFile(join(REAL, file));
      expect(doc.status).toBe('findings');
      expect(doc.meta.year).toBe(gold.year);
      expect(doc.meta.layout).toBe(gold.layout);
      // The crawl header is metadata: its title, date and address, never part of the agency.
      expect(doc.meta.agency).toMatch(/^平潭综合实验区/);
      expect(doc.meta.agency).not.toMatch(/标题|:|：/);
      expect(doc.meta.title).toBe(`平潭综合实验区${gold.year}年度政府信息公开工作年度报告`);
      expect(doc.meta.publishedDate).toMatch(new RegExp(`^${gold.year + 1}-\\d\\d-\\d\\d$`));
      expect(doc.meta.sourceUrl).toMatch(/^https:\/\/www\.pingtan\.gov\.cn\//);
      expect(doc.sections.map((s) => s.key)).toEqual(['overview', 'proactive', 'requests', 'review_litigation', 'problems', 'other']);

      const wrong = realGoldMisses(doc, gold);
      expect(wrong).toEqual([]);
    });
  }

  it('traces every figure cut out of the one long line to its own digits', async () => {
    const path = join(REAL, 'pingtan-2023.txt');
    const doc = await processFile(path);
    const lines = readFileSync(path, 'utf8').split('\n');
    const cells = doc.tables.flatMap((t) => t.cells).filter((c) => c.raw !== null);
    expect(cells.length).toBeGreaterThan(190);
    for (const c of cells) {
      expect(c.prov.line).toBe(10);
      expect(lines[c.prov.line! - 1]!.startsWith(c.raw!, c.prov.offset)).toBe(true);
    }
    // 予以公开 "220000022" admits two cuts by its row; only 22|0|0|0|0|0|22 makes the columns add up.
    const granted = doc.tables.find((t) => t.table === 'sec3')!.cells.filter((c) => c.row === 'granted');
    expect(granted.map((c) => c.value)).toEqual([22, 0, 0, 0, 0, 0, 22]);
    expect(granted.every((c) => c.method === 'glued-split')).toBe(true);
  });

  it('leaves a section 二 row the text cannot settle empty, listing the cuts it admits', async () => {
    const doc = await processFile(join(REAL, 'pingtan-2023.txt'));
    const f = doc.findings.find((x) => x.rule === 'table/ambiguous-row' && x.row === 'normative');
    expect(f).toMatchObject({ severity: 'error', table: 'sec2_art20_1', actual: '77132470' });
    // 21 cuts into three counts; the text quotes 393 in force (not any cut's), so its prose settles nothing.
    expect(f!.message).toContain('21 ways');
    expect(f!.expected).toContain('77 | 132 | 470');
  });

  it("settles a section 二 row by the report's own prose when it quotes the figures", async () => {
    const doc = await processFile(join(REAL, 'pingtan-2022.txt'));
    const normative = doc.tables.find((t) => t.table === 'sec2_art20_1')!.cells.filter((c) => c.row === 'normative');
    expect(normative.map((c) => c.value)).toEqual([88, 55, 698]);
    const f = doc.findings.find((x) => x.rule === 'table/glued-digits' && x.row === 'normative');
    expect(f?.message).toContain('现行有效行政规范性文件698件');
  });

  it('takes no sentence for the agency of a copy of the body only, and reads its year from the statistics period', async () => {
    // The crawl header dropped: the text starts with the overview, whose first sentence quotes 年度报告格式 (the
    // name of the State Council's template), and no line of it is the report's title.
    for (const [file, year] of [
      ['pingtan-2022.txt', 2022],
      ['pingtan-2023.txt', 2023],
    ] as const) {
      const text = readFileSync(join(REAL, file), 'utf8');
      const body = text.slice(text.indexOf('\n', text.indexOf('===== 正文')) + 1);
      expect(body.startsWith('本报告根据')).toBe(true);
      const path = join(mkdtempSync(join(tmpdir(), 'ogi-body-')), file);
      writeFileSync(path, body);
      const doc = await processFile(path);
      expect(doc.meta.agency).toBeNull();
      expect(doc.meta.title).toBeNull();
      expect(doc.meta.year).toBe(year);
      const gold = JSON.parse(readFileSync(join(REAL, file.replace(/\.txt$/, '.json')), 'utf8')) as RealGold;
      expect(realGoldMisses(doc, gold)).toEqual([]);
    }
  });
});
