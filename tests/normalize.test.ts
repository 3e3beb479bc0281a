/**
 * normalizeText skips its replacements for a text without any character they look for: that skip must never
 * leave a character unreplaced. Every character of the Basic Multilingual Plane is tried in the places a
 * replacement may look at (before a digit, after a space, after another such character).
 */
import { describe, expect, it } from 'vitest';
import { normalizeText, replaceOddCharacters } from '../src/stages/normalize.js';

describe('normalizeText', () => {
  it('gives what the replacements give, for every character of the Basic Multilingual Plane', () => {
    let changed = 0;
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue; // a lone surrogate is no character
      const c = String.fromCharCode(code);
      const text = `报告${c}5 (${c}${c}1)\t${c}`;
      const expected = replaceOddCharacters(text);
      expect(normalizeText(text)).toBe(expected);
      if (expected !== text) changed++;
    }
    // \r, invisible marks, odd spaces, box rules, full-width digits and signs, radicals, strokes, compatibility ideographs, dashes.
    expect(changed).toBeGreaterThan(500);
  });

  it('replaces what it should in a text that needs it, and leaves a text that needs nothing as it is', () => {
    expect(normalizeText('本年新收\u3000１２件\r\n（－３）')).toBe('本年新收 12件\n（-3）');
    expect(normalizeText('人⺠政府 —5')).toBe('人民政府 -5');
    const plain = '一、总体情况\n本年新收\t3\t0\n';
    expect(normalizeText(plain)).toBe(plain);
  });
});
