/**
 * The header a web archive's crawler writes before a page's text: `标题: …`, `发布时间: …`,
 * `发布机构: …`, `原文链接: …` lines, often closed by a separator (`==== 正文 ====`). It says who
 * published the page, when and where — metadata, not report text: it is taken out of the body so
 * that `标题:` never becomes part of an agency name, and kept in the document's meta.
 */

import { FIELD_WORDS } from '../../stages/crawl-fields.js';
import type { HeaderField } from '../../stages/crawl-fields.js';

/** What a crawl header says, by meaning (whatever words the crawler used). */
export interface CrawlHeader {
  title?: string;
  published?: string;
  publisher?: string;
  url?: string;
  /** How many lines of the text the header takes, separator included: the body starts after them. */
  lines: number;
}

const FIELD_BY_WORD = new Map<string, HeaderField>(
  (Object.entries(FIELD_WORDS) as [HeaderField, readonly string[]][]).flatMap(([field, words]) => words.map((w) => [w, field] as const)),
);

/** `key: value` with a short key (a crawler's field name), ASCII or full-width colon. */
const KEY_VALUE = /^\s*([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z _-]{0,11}?)\s*[:：]\s*(.*)$/;
/** A separator line closing the header: a run of = or - (maybe with a word in it, "==== 正文 ===="). */
const SEPARATOR = /^\s*[=\-—_*#]{4,}\s*[\u4e00-\u9fffA-Za-z ]{0,12}\s*[=\-—_*#]{0,}\s*$/;
/** How far into the text a header may reach. */
const MAX_HEADER_LINES = 16;
/** Lines of notes a crawler may put between its fields and the separator. */
const MAX_NOTE_LINES = 3;

/**
 * Reads a crawl header from the first lines of a text, or returns null when there is none: at least two
 * `key: value` lines at the very top, one of them a title or a link. The header is those lines, and runs
 * on to a separator line when one follows within a few lines (crawlers add notes such as "页面链接与图片详见
 * links.tsv" before it); without a separator the body starts at the first line that is not `key: value`.
 */
export function readCrawlHeader(lines: readonly string[]): CrawlHeader | null {
  const header: CrawlHeader = { lines: 0 };
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  let keyLines = 0;
  for (; i < Math.min(lines.length, MAX_HEADER_LINES); i++) {
    const m = KEY_VALUE.exec(lines[i]!);
    if (!m) break;
    keyLines++;
    const field = FIELD_BY_WORD.get(m[1]!.toLowerCase().replace(/[\s_-]/g, ''));
    const value = m[2]!.trim();
    if (field && value !== '' && header[field] === undefined) header[field] = value;
  }
  if (header.title === undefined && header.url === undefined) return null;
  const separator = separatorAfter(lines, i);
  // One field is a header only when a separator closes it ("标题: …" then "==== 正文 ===="): a lone
  // "key: value" line may be the report's own first line.
  if (keyLines < 2 && separator === null) return null;
  header.lines = separator === null ? i : separator + 1;
  return header;
}

/** The separator line closing a header whose fields end before line i, within a few lines of notes; else null. */
function separatorAfter(lines: readonly string[], i: number): number | null {
  for (let j = i; j < Math.min(lines.length, i + MAX_NOTE_LINES + 1); j++) if (SEPARATOR.test(lines[j]!)) return j;
  return null;
}

/** The header's fields as a document's extract meta (`header.title`, …), for the record and the meta stage. */
export function headerMeta(header: CrawlHeader): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const field of Object.keys(FIELD_WORDS) as HeaderField[]) {
    const value = header[field];
    if (value !== undefined) meta[`header.${field}`] = value;
  }
  return meta;
}
