/**
 * Stage `normalise`: make text comparable without changing what it says. Full-width digits and signs
 * become ASCII, radicals and strokes become their CJK ideographs (a PDF's 人⺠政府 is 人民政府), odd spaces become
 * spaces, markdown markup goes.
 * Chinese punctuation in prose is kept; label matching folds it separately (see `labelKey`).
 */

import { RADICAL_EQUIVALENTS } from './radicals.js';

const FULLWIDTH_NUMERIC = /[\uFF10-\uFF19\uFF0B\uFF0D\uFF0E\uFF05]/g;
const RADICALS_STROKES_AND_COMPAT = /[\u2E80-\u2FDF\u31C0-\u31EF\uF900-\uFAFF]/g;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const ODD_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;
/** A table drawn with box-drawing characters (w3m's dump of a page, some converters): its column rules are pipes. */
const BOX_VERTICAL = /[│┃║]/g;

/** Line-level normalisation of any extracted text. Tabs are kept: they carry table structure. */
export function normalizeText(text: string): string {
  return hasOddCharacter(text) ? replaceOddCharacters(text) : text;
}

/**
 * Some replacement below has something to do: a character one of them looks for (a dash whether or not a digit
 * follows). Most texts have none, and one loop over the text costs a fifth of the seven replacements' scans (a
 * regular expression of all their characters costs more than the seven).
 */
function hasOddCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Below U+00A0 only \r is replaced; CJK ideographs (most of a text) are never.
    if (c < 0xa0 ? c === 0x0d : (c < 0x4e00 || c > 0x9fff) && isOddCode(c)) return true;
  }
  return false;
}

/** The characters of the replacements below, from U+00A0 on. */
function isOddCode(c: number): boolean {
  return (
    c === 0x00a0 ||
    c === 0x00ad ||
    (c >= 0x2000 && c <= 0x200d) ||
    c === 0x2012 ||
    c === 0x2013 ||
    c === 0x2014 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x2060 ||
    c === 0x2212 ||
    c === 0x2502 ||
    c === 0x2503 ||
    c === 0x2551 ||
    (c >= 0x2e80 && c <= 0x2fdf) ||
    c === 0x3000 ||
    (c >= 0x31c0 && c <= 0x31ef) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    c === 0xfe63 ||
    c === 0xfeff ||
    (c >= 0xff10 && c <= 0xff19) ||
    c === 0xff0b ||
    c === 0xff0d ||
    c === 0xff0e ||
    c === 0xff05
  );
}

/** What normalizeText does to a text with a character to replace (exported for the test that the two agree). */
export function replaceOddCharacters(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(ODD_SPACES, ' ')
    .replace(BOX_VERTICAL, '|')
    .replace(FULLWIDTH_NUMERIC, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(RADICALS_STROKES_AND_COMPAT, ideographOf)
    .replace(/[−–—‒﹣－](?=\d)/g, (m, offset: number, s: string) => (isSignPosition(s, offset) ? '-' : m));
}

/** The ideograph a radical, stroke or compatibility ideograph stands for (NFKC knows only the Kangxi radicals). */
function ideographOf(c: string): string {
  return RADICAL_EQUIVALENTS.get(c) ?? c.normalize('NFKC');
}

/** A dash directly before digits is a minus sign only where a number starts (not in "0955—8737499"). */
function isSignPosition(s: string, offset: number): boolean {
  const prev = s[offset - 1];
  return prev === undefined || /[\s\t|(（:：,，]/.test(prev);
}

/**
 * What the markup stripMarkdown removes needs: emphasis, links, autolinks and escapes a character of their own
 * anywhere; headings, quotes and bullets theirs at the line's start. A text with neither has no markup — the
 * common case, and prose's "2021-2022" or "+3" no longer sends it through the nine replacements.
 */
const MARKUP_ANYWHERE = /[*_[<\\]/;
const MARKUP_AT_START = /^\s{0,3}[#>+-]/;

function mayHaveMarkup(text: string): boolean {
  return MARKUP_ANYWHERE.test(text) || MARKUP_AT_START.test(text);
}

/** A field's start in a tab-separated line: the line's, or just after a tab (a field has no tab, so its spaces are the others). */
const MARKUP_AT_FIELD_START = /(?:^|\t)[^\S\t]{0,3}[#>+-]/;

/**
 * Some field of a tab-separated line may have markup (mayHaveMarkup of any of its fields): one test for the line
 * instead of one a field. Markup that goes at a start goes at each field's.
 */
export function tabFieldsMayHaveMarkup(line: string): boolean {
  return MARKUP_ANYWHERE.test(line) || MARKUP_AT_FIELD_START.test(line);
}

/** Strips markdown markup from one line: headings, emphasis, bullets, links, escapes. */
export function stripMarkdown(line: string): string {
  // Most lines carry no markup at all: skip the regexes for them.
  return mayHaveMarkup(line) ? removeMarkup(line) : line;
}

/** stripMarkdown's replacements, made whatever the line (exported for the test that the two agree). */
export function removeMarkup(line: string): string {
  let s = line;
  s = s.replace(/^\s{0,3}#{1,6}\s+/, '');
  s = s.replace(/^\s{0,3}>\s?/, '');
  s = s.replace(/\*\*|__/g, '');
  s = s.replace(/(^|[^\w*])\*(?=\S)([^*\n]+?)\*(?!\w)/g, '$1$2');
  s = s.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1');
  s = s.replace(/\[([^\]]+)\]\((?:[^)(]|\([^)]*\))*\)/g, '$1');
  s = s.replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1');
  s = s.replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1');
  s = s.replace(/^\s{0,3}[-*+]\s+(?=\S)/, '');
  return s;
}

/** A line that only separates (markdown table rule, dashes): carries nothing. */
export function isRuleLine(line: string): boolean {
  return (/^[\s|:=\-—_+]*$/.test(line) && /[-—=_]{3,}/.test(line)) || PANDOC_FENCE.test(line) || BOX_RULE.test(line);
}

/** A rule of a table drawn with box-drawing characters ("├──────┼───┤"). */
const BOX_RULE = /^[\s|\u2500-\u257f]*[\u2500-\u257f]{3,}[\s|\u2500-\u257f]*$/;

/** A pandoc fenced div's opening or closing line (":::", "::: {#top}", "::: logo"): markup, not text. */
const PANDOC_FENCE = /^\s*:{3,}\s*(?:\{[^}]*\}|[\w-]+)?\s*$/;

const FOOTER_START = /^[-—–－~第共\d]/;

/** Page footers and headers that fall inside tables: "- 5 -", "— 5 —", "第 5 页", "5/12", "第5页 共12页". */
export function isPageFooter(line: string): boolean {
  const s = line.trim();
  // Every footer form starts with a dash, 第, 共 or a digit: most lines are ruled out by their first character.
  if (!FOOTER_START.test(s)) return false;
  return (
    /^[-—–－~]+\s*\d{1,4}\s*[-—–－~]+$/.test(s) ||
    /^第\s*\d{1,4}\s*页(\s*[,，]?\s*共\s*\d{1,4}\s*页)?$/.test(s) ||
    /^\d{1,4}\s*\/\s*\d{1,4}$/.test(s) ||
    /^共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页$/.test(s)
  );
}

/** A markdown pipe-table row `| a | b |` (outer pipes optional when there are two or more inner ones). */
export function splitPipeRow(line: string): string[] | null {
  if (!line.includes('|')) return null; // most lines: no need to count pipes
  const s = line.trim();
  const inner = (s.match(/\|/g) ?? []).length;
  if (!(s.startsWith('|') && s.endsWith('|') && inner >= 2) && inner < 3) return null;
  return pipeCells(s);
}

/** The cells of a trimmed line set with pipes, its outer pipes (either, or both) taken off: `| a | b |` → a, b. */
export function pipeCells(line: string): string[] {
  const body = line.replace(/^\|/, '').replace(/\|$/, '');
  return body.split('|').map((t) => stripMarkdown(t).trim());
}
