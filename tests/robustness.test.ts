import { describe, expect, it } from 'vitest';
import { generateReport } from '../scripts/generate/corpus.js';
import { measure } from '../scripts/bench/robustness.js';

describe('generated reports never seen before (scripts/generate/corpus.ts)', () => {
  it('generates reports whose truth obeys the identities', () => {
    const r = generateReport(7);
    const sec3 = r.tables.sec3!;
    for (const row of Object.values(sec3)) {
      const parts = ['natural', 'commercial', 'research', 'social', 'legal', 'other'].reduce((s, c) => s + (row[c] ?? 0), 0);
      expect(parts).toBe(row.total);
    }
    expect(generateReport(7).text).toBe(r.text);
  });

  it('extracts every figure right or flags it: no silent wrong number, ≥ 99.5% exact', async () => {
    const result = await measure(400, 1);
    expect(result.silent).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(result.metaWrong).toEqual([]);
    expect(result.exact / result.cells).toBeGreaterThan(0.995);
  });
});
