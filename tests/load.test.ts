import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText, utf8String } from '../src/stages/load.js';

describe('utf8String: the fast UTF-8 decode gives what toString gives', () => {
  it('decodes CJK, astral characters and ASCII exactly', () => {
    const texts = ['二〇二三年政府信息公开工作年度报告', '𠀀𪚥 and 😀 beside 第二十条第（五）项', 'plain ASCII, 123\n\t', '', '\u00a0\u3000\ufeff混合 text'];
    for (const s of texts) expect(utf8String(Buffer.from(s, 'utf8'))).toBe(s);
  });

  it('decodes every sample and real copy as toString does', () => {
    for (const dir of ['samples', join('tests', 'fixtures', 'real')]) {
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.txt'))) {
        const bytes = readFileSync(join(dir, name));
        expect(utf8String(bytes), name).toBe(bytes.toString('utf8'));
      }
    }
  });

  it('leaves bytes that are not strict UTF-8 to toString (same replacement characters)', () => {
    const broken = [
      Buffer.from([0xe4, 0xba, 0x8c, 0xe4, 0xba]), // a sequence cut by the end
      Buffer.from([0x41, 0x80, 0x42]), // a lone continuation byte
      Buffer.from([0xc0, 0xaf]), // an overlong form
      Buffer.from([0xed, 0xa0, 0x80]), // a surrogate encoded in UTF-8
    ];
    for (const bytes of broken) expect(utf8String(bytes)).toBe(bytes.toString('utf8'));
  });

  it('is what decodeText uses, with and without a BOM', () => {
    const body = Buffer.from('一、总体情况 𠀀', 'utf8');
    expect(decodeText(body)).toEqual({ text: '一、总体情况 𠀀', encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]))).toEqual({ text: '一、总体情况 𠀀', encoding: 'utf-8-bom' });
  });
});
