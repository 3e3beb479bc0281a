/** The bench's text comparison (scripts/bench/text-reference.ts): the figure against ogi's before issue 13 and the issue's targets. */
import { describe, expect, it } from 'vitest';
import { TEXT_BEFORE_ISSUE_13, TEXT_SAMPLES_BEFORE_ISSUE_13, compareText, describeTextComparison } from '../scripts/bench/text-reference.js';

describe('compareText', () => {
  it('gives the ratios to the figures before issue 13 and says whether the targets are met', () => {
    const c = compareText(2 * TEXT_BEFORE_ISSUE_13.documentsPerS, TEXT_BEFORE_ISSUE_13.cpuMsPerDocument / 2, 0.5);
    expect(c.timesBefore).toBe(2);
    expect(c.cpuTimesBefore).toBe(0.5);
    const text = describeTextComparison(c).join('\n');
    expect(text).toMatch(/before issue 13: 362 documents\/s, CPU 5\.16 ms\/document \(main's code, .*\) → 2×, CPU 0\.5×/);
    expect(text).toMatch(/target: ≥ 1000 documents\/s: not met; store 0\.5 ms\/document/);
    expect(describeTextComparison(compareText(1001, 1.9, 0.5)).join('\n')).toMatch(/≥ 1000 documents\/s: met/);
  });

  it('compares a run on copies of the samples with the figure before issue 13 on the same corpus', () => {
    const c = compareText(TEXT_SAMPLES_BEFORE_ISSUE_13.documentsPerS * 1.5, TEXT_SAMPLES_BEFORE_ISSUE_13.cpuMsPerDocument, 0.7, 'samples');
    expect(c).toMatchObject({ corpus: 'samples', timesBefore: 1.5, cpuTimesBefore: 1 });
    const text = describeTextComparison(c).join('\n');
    expect(text).toMatch(/text \(copies of the samples\)/);
    expect(text).toMatch(/before issue 13: 567 documents\/s, CPU 3\.02 ms\/document \(main's code, 3000 copies of the samples/);
    expect(compareText(567, 3.02, 0.7).timesBefore).not.toBe(1);
  });
});
