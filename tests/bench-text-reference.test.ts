/** The bench's text comparison (scripts/bench/text-reference.ts): the figure against ogi's before issue 13 and the issue's targets. */
import { describe, expect, it } from 'vitest';
import { TEXT_BEFORE_ISSUE_13, compareText, describeTextComparison } from '../scripts/bench/text-reference.js';

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
});
