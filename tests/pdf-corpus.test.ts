/**
 * The PDF path on generated reports it has never seen (scripts/generate/pdf-corpus.ts): official tables laid out as
 * an office suite prints them, ruled or borderless, over page breaks, with wrapped and spaced-out labels.
 */
import { describe, expect, it } from 'vitest';
import { measurePdf, renderReportPdf } from '../scripts/generate/pdf-corpus.js';
import { generateReport } from '../scripts/generate/corpus.js';

describe('generated text-layer PDFs (scripts/generate/pdf-corpus.ts)', () => {
  it('renders deterministically', () => {
    expect(renderReportPdf(generateReport(3), 3).bytes.equals(renderReportPdf(generateReport(3), 3).bytes)).toBe(true);
  });

  it('reads 40 unseen PDFs: nothing failed, metadata right, no silent wrong figure, ≥ 99.9% exact', async () => {
    const res = await measurePdf(40, 1001);
    expect(res.failed).toEqual([]);
    expect(res.metaWrong).toEqual([]);
    expect(res.wrong.filter((w) => !w.flagged)).toEqual([]);
    expect(res.cells).toBeGreaterThan(7000);
    expect(res.exact / res.cells).toBeGreaterThanOrEqual(0.999);
  });
});
