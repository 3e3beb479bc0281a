/**
 * Label matching: fold a label to a comparable key, and score how well two labels agree.
 * Used for section headings, table row labels and column headers alike.
 */

const NUMBERING = /^\s*(?:第?[一二三四五六七八九十]{1,3}(?:部分)?\s*[、.．，,:：\s]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[.．、,，](?!\d)|\d{1,2}\s+(?=[\u4e00-\u9fff])|[①-⑳])\s*/;

/** Removes one leading numbering (一、 （一） 1. 1、 ①) and returns the rest. */
export function stripNumbering(s: string): string {
  return s.replace(NUMBERING, '');
}

/** The leading numbering of a label, folded (e.g. "(三)" → "(三)", "1、" → "1."), or null. */
export function leadingNumbering(s: string): string | null {
  const m = NUMBERING.exec(s);
  if (!m) return null;
  return m[0].replace(/\s+/g, '').replace(/[（]/g, '(').replace(/[）]/g, ')').replace(/[、．，,:：]/g, '.');
}

const keyCache = new Map<string, string>();
const KEY_CACHE_LIMIT = 20_000;
/** Longer texts are prose, seldom repeated: not worth keeping. */
const MAX_CACHED_CHARS = 80;

/**
 * Folds a label for comparison: NFKC, numbering removed (repeatedly: "三、(一) 予以公开"), whitespace,
 * brackets, quotes and punctuation removed. Memoised for short texts: a batch of reports repeats the
 * same labels and headings thousands of times, and folding (NFKC and three regexps) is the costly part.
 */
export function labelKey(s: string): string {
  if (s.length > MAX_CACHED_CHARS) return foldLabel(s);
  let key = keyCache.get(s);
  if (key === undefined) {
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    key = foldLabel(s);
    keyCache.set(s, key);
  }
  return key;
}

/** What folding removes from a label: whitespace, brackets, quotes and punctuation. */
const FOLDED_AWAY = /[\s()（）[\]【】〔〕<>〈〉《》"'“”‘’「」『』、，,。.．:：;；!！?？/／\\\-—_*#|·…]/;
const FOLDED_AWAY_ALL = new RegExp(FOLDED_AWAY.source, 'g');

function foldLabel(s: string): string {
  let t = s.normalize('NFKC');
  for (let i = 0; i < 3; i++) {
    const next = stripNumbering(t);
    if (next === t) break;
    t = next;
  }
  return t.replace(FOLDED_AWAY_ALL, '');
}

/** A text folded as labels are (numbering kept), with where each folded character stands in the text. */
export interface FoldedText {
  folded: string;
  /** at[i]: index in the original text of folded character i; at[folded.length] is the text's length. */
  at: readonly number[];
}

/**
 * Folds a whole text character by character — NFKC, whitespace, brackets and punctuation removed, as
 * labelKey does, but without removing numbering — keeping each character's place in the text, so that a
 * label found in the folded text can be cut out of the original.
 * The folded text is built from the runs of characters kept as they are, and the places in a plain array:
 * typed arrays cost more to allocate (off the heap) than this whole loop (3× slower on one-paragraph copies).
 */
export function foldWithOffsets(text: string): FoldedText {
  const length = text.length;
  // Allocated at its largest (a folded text is seldom longer than the text) and cut to size: cheaper than
  // growing it by push. Places past it, for a character NFKC lengthens, extend it.
  const at: number[] = new Array<number>(length + 1);
  let n = 0;
  // Joined once at the end: a string built by += is a tree of pieces, slower to read character by character.
  const pieces: string[] = [];
  /** Where the run of characters kept as they are, not yet appended, starts; -1 when none. */
  let runStart = -1;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    // CJK ideographs (most of the text) are their own NFKC form and never folded away; nor is plain ASCII
    // other than what folding removes.
    if ((code >= 0x4e00 && code <= 0x9fff) || (code < 0x80 && ASCII_FOLDED_AWAY[code] === 0)) {
      if (runStart < 0) runStart = i;
      at[n++] = i;
      continue;
    }
    if (runStart >= 0) {
      pieces.push(text.slice(runStart, i));
      runStart = -1;
    }
    if (code < 0x80) continue;
    const point = text.codePointAt(i)!;
    const c = foldedChar(point);
    const from = i;
    if (point > 0xffff) i++;
    if (c === '') continue; // folded away (CJK punctuation, full-width brackets): most characters that get here
    pieces.push(c);
    for (let k = 0; k < c.length; k++) at[n++] = from; // one entry per UTF-16 unit of the folded text
  }
  if (runStart >= 0) pieces.push(text.slice(runStart));
  at[n++] = length;
  at.length = n;
  return { folded: pieces.join(''), at };
}

/** ASCII characters that folding removes (whitespace, brackets, punctuation). */
const ASCII_FOLDED_AWAY = Uint8Array.from({ length: 0x80 }, (_, c) => (FOLDED_AWAY.test(String.fromCharCode(c)) ? 1 : 0));

const foldedChars = new Map<number, string>();

/** A non-ASCII, non-ideograph character folded: its NFKC form without what folding removes (memoised). */
function foldedChar(point: number): string {
  let folded = foldedChars.get(point);
  if (folded === undefined) {
    folded = '';
    for (const c of String.fromCodePoint(point).normalize('NFKC')) if (!FOLDED_AWAY.test(c)) folded += c;
    if (foldedChars.size < 10_000) foldedChars.set(point, folded);
  }
  return folded;
}

/** Dice coefficient on character bigrams of two folded keys (1 = same). */
export function dice(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let common = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      common++;
      grams.set(g, n - 1);
    }
  }
  return (2 * common) / (a.length - 1 + b.length - 1);
}

/**
 * How well a source label matches a template label (both folded): 1 for equal, high when one is a
 * truncation of the other (labels cut by a cell border or a page break), else bigram similarity.
 */
export function labelScore(source: string, template: string): number {
  if (source === '' || template === '') return 0;
  if (source === template) return 1;
  const short = source.length <= template.length ? source : template;
  const long = short === source ? template : source;
  // A truncated label (cut by a cell border or a page break) scores by how much of the label survives.
  const ratio = short.length / long.length;
  let score = dice(source, template);
  if (short.length >= 2 && long.startsWith(short)) score = Math.max(score, 0.5 + 0.45 * ratio);
  else if (short.length >= 4 && long.includes(short)) score = Math.max(score, 0.45 + 0.4 * ratio);
  return score;
}

/** Best score of a source label against several template labels. */
export function bestLabelScore(source: string, templates: readonly string[]): number {
  let best = 0;
  for (const t of templates) best = Math.max(best, labelScore(source, labelKey(t)));
  return best;
}

/** Levenshtein distance of two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
}
