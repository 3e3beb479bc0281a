/**
 * stream-share.js reads from a sampled CPU profile how much of the pipeline's time goes to placing and settling
 * figures: a sample counts once, however deep the functions it is under nest, and only under the whole.
 */
import { describe, expect, it } from 'vitest';
import { inclusiveShare } from '../scripts/bench/stream-share.js';

const frame = (functionName: string): { functionName: string; url: string } => ({ functionName, url: 'file:///x.js' });

describe('inclusiveShare', () => {
  it('counts a sample under the named functions once, and only samples under the whole', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 6] },
        { id: 2, callFrame: frame('processLoaded'), children: [3, 5] },
        { id: 3, callFrame: frame('solveTable'), children: [4] },
        // A named function under another: its samples are not counted twice.
        { id: 4, callFrame: frame('rowCandidates') },
        { id: 5, callFrame: frame('segment') },
        // Outside the whole: neither part nor whole.
        { id: 6, callFrame: frame('solveTable') },
      ],
      samples: [2, 3, 4, 5, 6, 1],
      timeDeltas: [10, 20, 30, 40, 50, 60],
    };
    // Under processLoaded: 10 + 20 + 30 + 40 = 100; of it under solveTable or rowCandidates: 20 + 30.
    expect(inclusiveShare(profile, ['rowCandidates', 'solveTable'], 'processLoaded')).toBeCloseTo(0.5);
    expect(inclusiveShare(profile, ['segment'], 'processLoaded')).toBeCloseTo(0.4);
    expect(inclusiveShare(profile, ['solveTable'], 'nothing')).toBe(0);
  });
});
