/**
 * The bench's text-layer PDF comparison (scripts/bench/pdf-reference.ts): the figure next to ogi's before
 * issue 13 for the same worker count and pdfplumber's quoted figure, with the ratios, labelled as such.
 */
import { describe, expect, it } from 'vitest';
import { PDF_BEFORE_ISSUE_13, PDFPLUMBER_PAGES_PER_S, comparePdf, describePdfComparison } from '../scripts/bench/pdf-reference.js';

describe('comparePdf', () => {
  it('gives the ratios to the figure before issue 13 and to pdfplumber, and the target with one worker', () => {
    const before = PDF_BEFORE_ISSUE_13[1]!;
    const c = comparePdf(2 * before.pagesPerS, 1, before.copies);
    expect(c.timesBefore).toBe(2);
    expect(c.timesPdfplumber).toBeCloseTo((2 * before.pagesPerS) / PDFPLUMBER_PAGES_PER_S, 2);
    expect(c.targetPagesPerS).toBe(57.6);
    const text = describePdfComparison(c).join('\n');
    expect(text).toMatch(/before issue 13: [\d.]+ pages\/s with 1 worker \(main's code, measured here .*\) → 2×/);
    expect(text).toMatch(/pdfplumber: 19\.2 pages\/s \(quoted from issue 13, not measured here\)/);
    expect(text).toMatch(/target: ≥ 3× pdfplumber = 57\.6 pages\/s with one worker: not met; as the issue also puts it, ≥ 50 pages\/s per worker: not met/);
  });

  it('judges the two forms of the target apart: 53 pages/s is under 3× the quoted pdfplumber but over 50 a worker', () => {
    const text = describePdfComparison(comparePdf(53, 1, 32)).join('\n');
    expect(text).toMatch(/57\.6 pages\/s with one worker: not met; .* ≥ 50 pages\/s per worker: met/);
    expect(describePdfComparison(comparePdf(60, 1, 32)).join('\n')).toMatch(/with one worker: met; .* per worker: met/);
  });

  it('says so when no figure before issue 13 was recorded for the worker count', () => {
    const c = comparePdf(30, 7, 32);
    expect(c.before).toBeNull();
    expect(describePdfComparison(c).join('\n')).toMatch(/no figure recorded for 7 workers/);
  });
});
