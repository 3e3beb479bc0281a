/**
 * normalizeText skips its replacements for a text without any character they look for: that skip must never
 * leave a character unreplaced. Every character of the Basic Multilingual Plane is tried in the places a
 * replacement may look at (before a digit, after a space, after another such character).
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../scripts/generate/corpus.js';
import { textToDocument } from '../src/extract/text/text.js';
import { normalizeText, removeMarkup, replaceOddCharacters, stripMarkdown, tabFieldsMayHaveMarkup } from '../src/stages/normalize.js';

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

describe('stripMarkdown', () => {
  /** `count` lines of up to eleven pieces each, drawn by a seeded generator (a failure can be replayed). */
  function generatedLines(pieces: readonly string[], seed: number, count: number): string[] {
    const r = rng(seed);
    const lines: string[] = [];
    for (let n = 0; n < count; n++) {
      const length = Math.floor(r() * 12);
      let line = '';
      for (let k = 0; k < length; k++) line += pieces[Math.floor(r() * pieces.length)];
      lines.push(line);
    }
    return lines;
  }

  it('skips only lines that its replacements leave as they are (200,000 lines of markup pieces, spaces and words)', () => {
    // Every character a replacement names, and others around them.
    const alphabet = ['#', '*', '_', '[', ']', '(', ')', '<', '>', '\\', '!', '+', '-', '.', '`', '{', '}', '|', ':', '/', ' ', '\u3000', '\t', 'a', '1', '报', '告', '\n', '<http://a.cn>', '<mailto:x@y.cn>', 'https:', '![', '](', '**', '__', '# ', '> ', '- ', '* ', '+ '];
    let stripped = 0;
    for (const line of generatedLines(alphabet, 7, 200_000)) {
      const expected = removeMarkup(line);
      expect(stripMarkdown(line)).toBe(expected);
      if (expected !== line) stripped++;
    }
    expect(stripped).toBeGreaterThan(10_000);
  });

  it('says a tab-separated line may have markup whenever one of its fields has some (200,000 generated lines)', () => {
    const pieces = ['#', '*', '_', '[', ']', '(', ')', '<', '>', '\\', '!', '+', '-', ' ', '\u3000', '\t', '\t', '\t', 'a', '1', '报', '<http://a.cn>', '](', '**', '# ', '> ', '- ', '+ '];
    let fieldsWithMarkup = 0;
    for (const line of generatedLines(pieces, 11, 200_000)) {
      const withMarkup = line.split('\t').some((f) => removeMarkup(f) !== f);
      if (withMarkup) {
        fieldsWithMarkup++;
        expect(tabFieldsMayHaveMarkup(line)).toBe(true);
      }
    }
    expect(fieldsWithMarkup).toBeGreaterThan(10_000);
    // A heading or a bullet starts a field, not the line.
    expect(tabFieldsMayHaveMarkup('标题\t# 一、总体情况')).toBe(true);
    expect(tabFieldsMayHaveMarkup('予以公开\t - 3')).toBe(true);
    expect(tabFieldsMayHaveMarkup('2021-2022年\t同比+3件')).toBe(false);
  });

  it('leaves prose with dashes and plus signs as it is, and strips markup', () => {
    expect(stripMarkdown('2021-2022年，同比+3件！')).toBe('2021-2022年，同比+3件！');
    expect(stripMarkdown('## 一、总体情况')).toBe('一、总体情况');
    expect(stripMarkdown('- **予以公开** [附件](http://a.gov.cn/x)')).toBe('予以公开 附件');
  });
});

describe('a tab-separated line of text', () => {
  it('loses the markup that starts a field, though the line itself starts with none', () => {
    const block = textToDocument('标题\t# 一、总体情况\t - 3\n').blocks[0]!;
    expect(block.kind === 'row' ? block.fields.map((f) => f.text) : null).toEqual(['标题', '一、总体情况', '3']);
  });
});
