/**
 * A text layer that does not read as Chinese. A PDF whose CJK font has no usable Unicode map (no ToUnicode,
 * or one made by a tool that got it wrong) still draws the right glyphs, but its text layer gives glyph
 * numbers as characters: "䷓䈢⟔䕜⪝䋯╈㱕⹁" for 政府信息公开. Such a page is read by OCR, like a scan.
 *
 * The test: a report's characters are, nearly all, in GB2312 — the 6,763 common hanzi with Chinese
 * punctuation and full-width forms — or ASCII digits and the few ASCII signs printed beside figures, while
 * glyph numbers read as characters fall on ASCII letters and symbols or scatter over the rest of Unicode
 * (CJK extension A, rare hanzi, symbols, box drawing, Latin accents), where little is GB2312.
 */
import { OgiError } from '../../findings.js';
import { normalizeText } from '../../stages/normalize.js';

/** Fewer characters than this (white space and digits aside) say nothing either way (a page of figures, a cover with a date). */
const MIN_CHARS = 40;
/**
 * A page whose characters are this much foreign (garbleScore) is garbled. Measured on 585 pages of text-layer
 * PDFs (the samples', generated ones, and reports printed by Chromium and exported by LibreOffice): at most 6%
 * (a web address, a rare character in a name), 19% on a short page of the "not a report" fixture; the same
 * PDFs without their Unicode maps: 70–90% (LibreOffice's fonts give ASCII letters and symbols, Chromium's
 * CJK extension A and rare hanzi).
 */
const MAX_FOREIGN_SHARE = 0.4;

let gb2312: Uint8Array | null = null;

/** Code points (BMP) of GB2312's characters, decoded once per thread from its code table. */
function gb2312Set(): Uint8Array {
  if (gb2312) return gb2312;
  // GB2312 rows 0xA1–0xF7, cells 0xA1–0xFE, decoded in one call by the runtime's ICU (~10 ms; iconv-lite, a call
  // per pair, took ~120 ms to build its table first): every pair is in GBK's double-byte range, so each gives
  // one character. The table is GBK's, whose user-defined rows (0xAA–0xAF, 0xF8–) decode to the Private Use
  // Area and are not GB2312.
  const pairs: number[] = [];
  for (let hi = 0xa1; hi <= 0xf7; hi++) for (let lo = 0xa1; lo <= 0xfe; lo++) pairs.push(hi, lo);
  const chars = new TextDecoder('gbk').decode(Uint8Array.from(pairs));
  if (chars.length !== pairs.length / 2) throw new OgiError(`GB2312 table: ${pairs.length / 2} code pairs decoded to ${chars.length} characters`);
  const set = new Uint8Array(0x10000);
  for (let i = 0; i < chars.length; i++) {
    const cp = chars.charCodeAt(i);
    if (cp !== 0xfffd && (cp < 0xe000 || cp > 0xf8ff)) set[cp] = 1;
  }
  gb2312 = set;
  return set;
}

export interface GarbleScore {
  /** Characters other than white space and ASCII digits. */
  chars: number;
  /** Of those, the share that is neither in GB2312 nor ASCII punctuation a report prints ("1." "(2)" "2.5%"). */
  foreignShare: number;
}

/** ASCII a Chinese report's text layer prints beside its figures: item numbers, brackets, decimals, per cent, dates. */
const PLAIN_ASCII = new Set('.,:;()%-/'.split('').map((c) => c.charCodeAt(0)));

export function garbleScore(raw: string): GarbleScore {
  const set = gb2312Set();
  // As the pipeline will read it: radicals written for ideographs (Chromium's 人⺠政府) are the ideographs.
  const text = normalizeText(raw);
  let chars = 0;
  let foreign = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.charCodeAt(i);
    if (cp <= 0x20 || (cp >= 0x30 && cp <= 0x39) || cp === 0xa0 || cp === 0x3000 || cp === 0xfeff) continue;
    chars++;
    // Glyph numbers read as characters fall on ASCII letters and symbols (small numbers) or anywhere beyond
    // (large ones: CJK extension A, rare hanzi, symbols); a surrogate (beyond the BMP) is never GB2312.
    if (cp < 0x80 ? !PLAIN_ASCII.has(cp) : set[cp] !== 1) foreign++;
  }
  return { chars, foreignShare: chars === 0 ? 0 : foreign / chars };
}

/** The page's text layer is glyph numbers, not text: it must be read from the picture. */
export function isGarbledText(text: string): boolean {
  const { chars, foreignShare } = garbleScore(text);
  return chars >= MIN_CHARS && foreignShare >= MAX_FOREIGN_SHARE;
}
