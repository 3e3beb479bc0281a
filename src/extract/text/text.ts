/**
 * Extract: plain text and markdown (any encoding). Each line becomes a block: lines with tabs or
 * markdown pipes are table rows (their fields' positions are a hint), other lines are paragraphs.
 */
import { packedMap } from '../../arrays.js';
import { DocumentError, finding } from '../../findings.js';
import { headerMeta, readCrawlHeader } from './crawl-header.js';
import { readGridTable, startsGridTable } from './grid-tables.js';
import { unwrapHardWrapped } from './unwrap.js';
import { decodeText } from '../../stages/load.js';
import type { LoadedFile } from '../../stages/load.js';
import { isPageFooter, isRuleLine, normalizeText, splitPipeRow, stripMarkdown, tabFieldsMayHaveMarkup } from '../../stages/normalize.js';
import type { Block, Provenance, SourceDocument } from '../../types.js';

/**
 * Reads an HTML fragment as the HTML reader does (extract/html's htmlToDocument, without looking for an article):
 * given by the caller, so that the HTML reader loads only for text that holds an HTML table.
 */
export type HtmlTableReader = (html: string) => SourceDocument;

export function extractText(file: LoadedFile, readHtmlTable?: HtmlTableReader): SourceDocument {
  const { text, encoding } = decodeText(file.bytes);
  const binary = controlCharacterShare(text);
  if (binary > 0.02) {
    throw new DocumentError(
      'extract',
      `binary data, not text (${Math.round(binary * 100)}% control characters in its first 8,000 characters): not a report; remove it or give the real file`,
    );
  }
  const doc = textToDocument(text, readHtmlTable);
  doc.meta.encoding = encoding;
  return doc;
}

/**
 * Share of control characters (other than tab, line feed, form feed, carriage return) and U+FFFD in the
 * start of the text. Text in any encoding has nearly none; binary junk named .txt — which GB18030 decodes
 * without complaint — has about one in ten.
 */
function controlCharacterShare(text: string): number {
  const head = text.slice(0, 8000);
  if (head.length === 0) return 0;
  const matches = head.match(/[\u0000-\u0008\u000b\u000e-\u001f\u007f\ufffd]/g);
  return (matches?.length ?? 0) / head.length;
}

/**
 * Turns decoded text into blocks; also used by other formats that produce text. A crawler's header
 * (`标题:` `发布机构:` … lines at the top) is metadata: it goes into the meta, not into the blocks.
 */
export function textToDocument(text: string, readHtmlTable?: HtmlTableReader): SourceDocument {
  const sourceLines = normalizeText(text).split('\n');
  const header = readCrawlHeader(sourceLines);
  const paged = text.includes('\f');
  // A text with pages (form feeds) keeps its lines: a wrap would not line up across them.
  const unwrapped = paged ? null : unwrapHardWrapped(sourceLines, header?.lines ?? 0);
  const lines = unwrapped?.lines ?? sourceLines;
  const blocks: Block[] = [];
  const pageNumbers = paged ? pageNumberLines(lines) : NONE;
  const htmlTables = readHtmlTable !== undefined && TABLE_TAG.test(text);
  let tableIndex = 0;
  for (let i = header?.lines ?? 0; i < lines.length; i++) {
    if (pageNumbers.has(i)) continue;
    if (htmlTables && TABLE_TAG.test(lines[i]!)) {
      const end = tableEnd(lines, i);
      if (end >= 0) {
        const table = htmlTableBlocks(readHtmlTable!(lines.slice(i, end + 1).join('\n')), i, tableIndex);
        blocks.push(...table.blocks);
        tableIndex += table.tables;
        i = end;
        continue;
      }
    }
    if (startsGridTable(lines, i)) {
      const grid = readGridTable(lines, i);
      if (grid) {
        for (const l of grid.lines) {
          const block = lineToBlock(l.text, l.line);
          if (block) blocks.push(block);
        }
        i = grid.end;
        continue;
      }
    }
    const block = lineToBlock(lines[i]!, i + 1);
    if (block) blocks.push(block);
  }
  if (paged) placeOnPages(blocks, lines);
  const doc: SourceDocument = { format: 'text', blocks, findings: [], meta: header ? headerMeta(header) : {} };
  if (unwrapped) {
    doc.lineJoins = unwrapped.joins;
    doc.findings.push(
      finding(
        'extract/hard-wrapped',
        'info',
        `the text is hard-wrapped at ${unwrapped.width} characters (its longest lines all have that length): its wrapped lines were read joined back, and every figure is traced to the line it starts on`,
      ),
    );
  }
  return doc;
}

const NONE: ReadonlySet<number> = new Set();

/**
 * Text whose pages end with a form feed (pdftotext's, a PDF viewer's copy): each block and field gets the page its
 * line is on, so that a figure is traced to its page as well as its line — and a page's own number printed among
 * a table's figures can be told by it (stages/tables readInOrder).
 */
function placeOnPages(blocks: Block[], lines: readonly string[]): void {
  const pageOf = new Int32Array(lines.length + 1);
  let page = 1;
  lines.forEach((l, i) => {
    // A line that starts with the feed is on the next page; a feed after text ends the line's page.
    const feeds = l.split('\f').length - 1;
    const leading = l.startsWith('\f') ? 1 : 0;
    pageOf[i + 1] = page + leading;
    page += feeds;
  });
  const onPage = (prov: Provenance): Provenance => (prov.line !== undefined ? { ...prov, page: pageOf[prov.line] } : prov);
  for (const b of blocks) {
    b.prov = onPage(b.prov);
    if (b.kind === 'row') for (const f of b.fields) f.prov = onPage(f.prov);
  }
}

const TABLE_TAG = /<table[\s>]/i;

/** The line that closes the HTML table opened on line `start` (nested tables counted), or -1. */
function tableEnd(lines: readonly string[], start: number): number {
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    depth += (lines[i]!.match(/<table[\s>]/gi) ?? []).length - (lines[i]!.match(/<\/table\s*>/gi) ?? []).length;
    if (depth <= 0) return i;
  }
  return -1;
}

/**
 * An HTML table inside text — markdown that keeps a table too complex for its own syntax as HTML, as pandoc
 * writes merged cells: read as the HTML reader reads it (a grid with its spans), not as lines of tags. Its
 * blocks point at the text's lines (the table's first line, plus the row's line in the table) and continue
 * the text's count of tables.
 */
function htmlTableBlocks(doc: SourceDocument, firstLine: number, tableIndex: number): { blocks: Block[]; tables: number } {
  const shift = (prov: Provenance): Provenance => ({
    ...prov,
    ...(prov.line !== undefined ? { line: firstLine + prov.line } : {}),
    ...(prov.tableIndex !== undefined ? { tableIndex: tableIndex + prov.tableIndex } : {}),
  });
  const blocks = doc.blocks.map((b): Block => (b.kind === 'paragraph' ? { ...b, prov: shift(b.prov) } : { ...b, prov: shift(b.prov), fields: b.fields.map((f) => ({ ...f, prov: shift(f.prov) })) }));
  const tables = typeof doc.meta.tableCount === 'number' ? doc.meta.tableCount : 0;
  return { blocks, tables };
}

/**
 * Bare page numbers ("1", "2", … alone on a page's last line) in text whose pages end with a form feed, as
 * pdftotext writes them: a lone figure inside a table otherwise, joined to the row above it. Only numbers that
 * count the pages up (each one more than the page before's) are taken: a page's last line may also be a
 * table's last figure.
 */
function pageNumberLines(lines: readonly string[]): ReadonlySet<number> {
  const lastLines: { line: number; value: number | null }[] = [];
  let last = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.includes('\f')) {
      const before = line.slice(0, line.indexOf('\f')).trim();
      const after = line.slice(line.indexOf('\f') + 1).trim();
      // "3\f" alone on its line may be dropped; "3\f next page's text" may not (the line holds more).
      const at = before === '' ? last : after === '' ? i : -1;
      const bare = at >= 0 ? /^\s*(\d{1,4})\s*(?:\f|$)/.exec(at === i ? before : lines[at]!) : null;
      lastLines.push({ line: at, value: bare ? Number(bare[1]) : null });
    }
    if (line.replace('\f', '').trim() !== '') last = i;
  }
  const out = new Set<number>();
  lastLines.forEach((p, k) => {
    if (p.value === null) return;
    const prev = lastLines[k - 1];
    const next = lastLines[k + 1];
    if ((prev?.value !== null && prev?.value === p.value - 1) || (next?.value !== null && next?.value === p.value + 1)) out.add(p.line);
  });
  return out;
}

/**
 * Longer lines are no table row, whatever separators they hold: a page saved as one paragraph (a crawler's
 * folded textContent of the whole page) has its site's menu "首页 | 政务公开 | 办事服务" and its gaps of spaces
 * and tabs in the same line as the report — read as a row, none of its sections or tables were found. The
 * widest row of the templates (section 四's fifteen figures and a label, as a markdown row) is under 200.
 */
const MAX_ROW_LINE_CHARS = 600;

function lineToBlock(rawLine: string, line: number): Block | null {
  // Page footers ("- 5 -") fall inside tables when a copy crosses a page break: they carry nothing.
  if (rawLine.trim() === '' || isRuleLine(rawLine) || isPageFooter(rawLine)) return null;
  if (rawLine.length > MAX_ROW_LINE_CHARS) return paragraphOf(rawLine, line);
  const pipe = splitPipeRow(rawLine);
  if (pipe) {
    return { kind: 'row', positions: 'tab', fields: packedMap(pipe, (t, col) => ({ text: t, col, prov: { line } })), prov: { line } };
  }
  if (rawLine.includes('\t')) {
    // One test for the line rather than one a field.
    const markup = tabFieldsMayHaveMarkup(rawLine);
    const fields = packedMap(rawLine.split('\t'), (t, col) => ({ text: (markup ? stripMarkdown(t) : t).trim(), col, prov: { line } }));
    return { kind: 'row', positions: 'tab', fields, prov: { line } };
  }
  return paragraphOf(rawLine, line);
}

function paragraphOf(rawLine: string, line: number): Block | null {
  const text = stripMarkdown(rawLine).trim();
  if (text === '') return null;
  const indent = rawLine.length - rawLine.trimStart().length;
  if (indent > 0 && rawLine.startsWith(text, indent)) return { kind: 'paragraph', text, prov: { line }, textOffset: indent };
  return { kind: 'paragraph', text, prov: { line } };
}

