/**
 * Extract: HTML pages. Decodes from the bytes (BOM, <meta charset>, http-equiv, else detection), finds
 * the report inside the page (government sites wrap it in navigation, banners, "字号：大 中 小", share
 * buttons, related-article lists and footers), and turns it into blocks in document order:
 * one `paragraph` per paragraph of text and, for every data <table>, one `row` per grid row with
 * rowspan/colspan expanded (see html-grid.ts).
 *
 * Line numbers: the document's text rendering is one line per paragraph and one per table grid row,
 * in order; `prov.line` is the 1-based line in that rendering, so findings can say "line N".
 *
 * Speed and bounds: the page is parsed once with htmlparser2 into a domhandler tree and every later
 * step is a plain walk over it (no selector engine); sizes of subtrees are memoised. The parse counts
 * elements, table cells and nesting depth as the tree grows and stops at a limit (HtmlLimits), so a
 * hostile page fails with its size named instead of growing a tree of millions of nodes.
 * Measure with scripts/bench/bench-html.ts.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DomHandler, Element as DomElement } from 'domhandler';
import type { AnyNode, Document, DomHandlerOptions, Element, ParentNode } from 'domhandler';
import { Parser } from 'htmlparser2';
import { DocumentError, finding } from '../../findings.js';
import type { Finding } from '../../findings.js';
import { decodeText, isValidUtf8, utf8String } from '../../stages/load.js';
import type { LoadedFile } from '../../stages/load.js';
import { normalizeText } from '../../stages/normalize.js';
import type { Block, Provenance, SourceDocument } from '../../types.js';
import type { ExtractOptions } from '../index.js';
import { A4, printsTableWords, readPicturedTables, tablesNotPrinted, type PlacedPicture } from '../pictured-tables.js';
import { expandGrid, gridToRowBlocks } from './html-grid.js';
import type { SourceCell } from './html-grid.js';

/** Limits on what a page may hold before it is parsed into a tree (issue 5: bounded memory on hostile input). */
export interface HtmlLimits {
  /** Table cells (<td>/<th>) in the whole page. A report's tables have a few hundred. */
  maxTableCells?: number;
  /** Elements in the whole page. Report pages, chrome included, have a few thousand. */
  maxElements?: number;
  /** Nesting depth of elements. Report pages nest a few dozen deep; thousands would overflow the stack of the walks. */
  maxDepth?: number;
}

export const DEFAULT_MAX_TABLE_CELLS = 50_000;
export const DEFAULT_MAX_ELEMENTS = 200_000;
export const DEFAULT_MAX_DEPTH = 1_000;

export async function extractHtml(file: LoadedFile, limits: HtmlLimits = {}, options: ExtractOptions = {}): Promise<SourceDocument> {
  // A picture is at hand inline (data:) or as a file saved beside the page.
  return decodedHtmlToDocument(decodeHtmlBytes(file.bytes), limits, options, (src) => fileBeside(src, file.path));
}

/** Where a picture's bytes come from, by its src (data: URIs are read before it is asked); null when not at hand. */
export type PictureSource = (src: string) => Promise<Buffer | null> | Buffer | null;

/**
 * A decoded page as a document. Tables pasted as pictures are read by OCR when the page's text prints no table and
 * the pictures are at hand (extract/pictured-tables.ts); `pictureBytes` finds them.
 */
export async function decodedHtmlToDocument(decoded: DecodedHtml, limits: HtmlLimits, options: ExtractOptions, pictureBytes: PictureSource): Promise<SourceDocument> {
  const article = readArticle(decoded.text, limits);
  // Pictures are looked at only beside a text that lacks a table (the common page has its tables in text).
  const missing = article.pictures.length > 0 ? tablesNotPrinted(itemsText(article.items)) : [];
  const pictures = missing.length > 0 ? await Promise.all(article.pictures.map((p) => placedImage(p, pictureBytes))) : [];
  const read = await readPicturedTables('html', missing, pictures, A4, options);
  const doc = articleToDocument(article, read.blocks);
  doc.findings.push(...read.findings);
  if (read.ocrUsed) doc.meta.ocrUsed = true;
  doc.format = 'html';
  doc.meta.encoding = decoded.encoding;
  doc.meta.charsetSource = decoded.source;
  if (decoded.declared) doc.meta.declaredCharset = decoded.declared;
  doc.findings.unshift(...decoded.findings);
  return doc;
}

// ───────────────────────────── decoding ─────────────────────────────

export interface DecodedHtml {
  text: string;
  encoding: string;
  /** Where the encoding came from: 'bom', 'meta', 'xml-declaration' or 'detected'. */
  source: string;
  declared: string | null;
  findings: Finding[];
}

const META_CHARSET = /<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i;
const XML_ENCODING = /<\?xml\b[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']/i;
const GB_FAMILY = /^(x-)?(gb2312|gbk|gb18030|cp936|euc-cn|windows-936|gb_2312-80)$/i;

/** The charset a page declares in its first bytes (as browsers pre-scan: the first 1024 bytes, we allow 4096). */
export function declaredCharset(bytes: Buffer): { charset: string; source: 'meta' | 'xml-declaration' } | null {
  const head = bytes.subarray(0, 4096).toString('latin1');
  const meta = META_CHARSET.exec(head);
  if (meta) return { charset: meta[1]!.toLowerCase(), source: 'meta' };
  const xml = XML_ENCODING.exec(head);
  if (xml) return { charset: xml[1]!.toLowerCase(), source: 'xml-declaration' };
  return null;
}

/**
 * Decodes page bytes. A declaration is followed unless the bytes contradict it outright — sites copy
 * templates and often keep a stale `charset=gb2312` on UTF-8 pages (or the reverse), and reading a
 * page in the wrong encoding gives garbage in every label; then the bytes win and a finding says so.
 */
export function decodeHtmlBytes(bytes: Buffer): DecodedHtml {
  const findings: Finding[] = [];
  if (hasBom(bytes)) {
    const d = decodeText(bytes);
    return { text: d.text, encoding: d.encoding, source: 'bom', declared: null, findings };
  }
  const declared = declaredCharset(bytes);
  if (declared) {
    const utf8 = isValidUtf8(bytes);
    const declaresUtf8 = /^utf-?8$/i.test(declared.charset);
    const contradicted = (declaresUtf8 && !utf8) || (GB_FAMILY.test(declared.charset) && utf8 && hasMultibyte(bytes));
    if (!contradicted) {
      // Valid UTF-8 declared as UTF-8 (most pages): Node's decoder, several times faster than iconv's, same text.
      if (declaresUtf8) return { text: utf8String(bytes), encoding: 'utf-8', source: declared.source, declared: declared.charset, findings };
      const d = decodeText(bytes, declared.charset);
      return { text: d.text, encoding: d.encoding, source: declared.source, declared: declared.charset, findings };
    }
    const d = decodeText(bytes);
    findings.push(
      finding(
        'extract/html-charset-mismatch',
        'info',
        `the page declares charset ${declared.charset} but its bytes are ${d.encoding}; it was read as ${d.encoding}`,
        { actual: d.encoding, expected: declared.charset },
      ),
    );
    return { text: d.text, encoding: d.encoding, source: 'detected', declared: declared.charset, findings };
  }
  const d = decodeText(bytes);
  return { text: d.text, encoding: d.encoding, source: 'detected', declared: null, findings };
}

function hasBom(b: Buffer): boolean {
  return (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) || (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
}

function hasMultibyte(b: Buffer): boolean {
  for (const x of b) if (x >= 0x80) return true;
  return false;
}

// ───────────────────────────── page → blocks ─────────────────────────────

export interface HtmlToDocumentOptions extends HtmlLimits {
  /** Look for the article inside site chrome (true for web pages; false for HTML made from a Word file). */
  findArticle?: boolean;
}

/** An item of the article in document order: a paragraph of text or a data table's source rows. */
export type Item =
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; rows: SourceCell[][] }
  /** A line whose columns are set with tabs (a Word paragraph, a <pre> line): a table row with weak positions. */
  | { kind: 'tabs'; fields: string[] }
  /** A picture (an <img>, a Word drawing): index into the document's pictures, read by OCR when it holds the tables. */
  | { kind: 'picture'; index: number };

/**
 * A line of text as an item: a paragraph, or a `tabs` row when tabs separate words inside it
 * (leading and trailing tabs are only indentation).
 */
export function lineItem(raw: string): Item | null {
  const inner = raw.replace(/^[\t ]+|[\t ]+$/g, '');
  if (/\S\t+\S/.test(inner)) return { kind: 'tabs', fields: inner.split('\t').map(cleanInline) };
  const text = cleanInline(raw);
  return text === '' ? null : { kind: 'paragraph', text };
}

export function htmlToDocument(html: string, options: HtmlToDocumentOptions = {}): SourceDocument {
  return articleToDocument(readArticle(html, options));
}

/** A page's article as items, its pictures (the <img> the items point at) and what the page hides. */
interface Article {
  items: Item[];
  pictures: ImageRef[];
  meta: SourceDocument['meta'];
  probe: HiddenContentProbe;
  /** The page has no <body>. */
  empty: boolean;
}

function readArticle(html: string, options: HtmlToDocumentOptions = {}): Article {
  const root = parseHtml(html, options);
  const { title: rawTitle, probe } = scanAndStrip(root);
  const pageTitle = cleanInline(rawTitle);
  const body = bodyOf(root);
  const meta: SourceDocument['meta'] = {};
  if (pageTitle) meta.pageTitle = pageTitle;
  if (!body) return { items: [], pictures: [], meta, probe, empty: true };
  const stats = new TextStats();
  if (options.findArticle !== false) removeChrome(body, stats);
  const article = options.findArticle === false ? body : pickArticle(body, stats);
  meta.article = describeElement(article);

  const items: Item[] = [];
  const pictures: ImageRef[] = [];
  const title = article === body ? null : titleBefore(article);
  if (title) items.push({ kind: 'paragraph', text: title });
  // Only a page with pictures has tables that may lay them out (most pages have none: their tables are not searched for one).
  const walker = new ArticleWalker(items, pictures, options.findArticle !== false && article === body, /<img[\s>]/i.test(html));
  walker.walk(article);
  walker.flush();
  // Many sites print the title again at the top of the body: keep one.
  const second = items[1];
  if (title && second?.kind === 'paragraph' && second.text.replace(/\s+/g, '') === title.replace(/\s+/g, '')) items.shift();
  probe.images = countDescendants(article, (e) => e.name === 'img');
  return { items: items.filter((it) => it.kind !== 'paragraph' || !isChromeText(it.text)), pictures, meta, probe, empty: false };
}

/** The article's blocks, with the rows and lines read from its pictures in their places. */
function articleToDocument(article: Article, pictureBlocks?: ReadonlyMap<number, Block[]>): SourceDocument {
  if (article.empty) return { format: 'html', blocks: [], findings: noReportFindings(article.probe, 0), meta: { ...article.meta, tableCount: 0 } };
  const { blocks, tableCount } = itemsToBlocks(article.items, pictureBlocks);
  const findings = noReportFindings(article.probe, countCjk(blocks));
  return { format: 'html', blocks, findings, meta: { ...article.meta, tableCount } };
}

/** All text of the items (paragraphs, tab rows and table cells), for the check for table words. */
export function itemsText(items: readonly Item[]): string {
  const parts: string[] = [];
  for (const item of items) {
    if (item.kind === 'paragraph') parts.push(item.text);
    else if (item.kind === 'tabs') parts.push(...item.fields);
    else if (item.kind === 'table') for (const row of item.rows) for (const cell of row) parts.push(cell.text);
  }
  return parts.join('\n');
}

// ───────────────────────────── pictures ─────────────────────────────

/** An <img> of the article: its src and the size the page gives it, if any (CSS pixels). */
interface ImageRef {
  src: string;
  width: number | null;
  height: number | null;
}

function imageRef(img: Element): ImageRef {
  const style = img.attribs.style ?? '';
  const size = (attr: string | undefined, css: RegExpExecArray | null): number | null => {
    const fromCss = css && (css[2] ?? 'px').toLowerCase() === 'px' ? Number(css[1]) : NaN;
    const n = Number.isFinite(fromCss) && fromCss > 0 ? fromCss : Number(attr);
    return Number.isFinite(n) && n > 0 ? n : null;
  };
  return {
    src: (img.attribs.src ?? '').trim(),
    width: size(img.attribs.width, /(?:^|;)\s*width:\s*([\d.]+)(px|%)?/i.exec(style)),
    height: size(img.attribs.height, /(?:^|;)\s*height:\s*([\d.]+)(px|%)?/i.exec(style)),
  };
}

/** Largest picture file read from beside a page. */
const MAX_PICTURE_BYTES = 20 * 1024 * 1024;

/**
 * The picture's bytes when they are at hand — inline (a data: URI) or a file saved beside the page (a relative
 * src, as "Save page, complete" and `wget -k` write them) — and its size as shown, in points (CSS pixels × 0.75;
 * the image's own pixels when the page gives no size). A picture on a web server is not at hand: no bytes.
 */
async function placedImage(ref: ImageRef, pictureBytes: PictureSource): Promise<PlacedPicture> {
  const bytes = dataUriBytes(ref.src) ?? (await pictureBytes(ref.src));
  const name = ref.src.startsWith('data:') ? `${ref.src.slice(0, ref.src.indexOf(',') + 1)}…` : ref.src;
  const { naturalSizePoints } = bytes ? await import('../ocr/ocr-pictures.js') : { naturalSizePoints: null };
  const natural = bytes && naturalSizePoints ? await naturalSizePoints(bytes) : null;
  const aspect = natural ? natural.height / natural.width : null;
  const width = ref.width !== null ? ref.width * 0.75 : ref.height !== null && aspect ? (ref.height * 0.75) / aspect : (natural?.width ?? 0);
  const height = ref.height !== null ? ref.height * 0.75 : aspect !== null ? width * aspect : 0;
  return { name, width, height, bytes };
}

/** The bytes of a data: URI picture (base64 or percent-encoded); null for any other src. */
function dataUriBytes(src: string): Buffer | null {
  const data = /^data:image\/[\w.+-]+(;base64)?,/i.exec(src);
  if (!data) return null;
  const payload = src.slice(data[0].length);
  try {
    return data[1] ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
  } catch {
    return null;
  }
}

/** A picture saved beside the page: only a path relative to it (no scheme, not site-absolute) is one. */
async function fileBeside(src: string, pagePath: string): Promise<Buffer | null> {
  if (src === '' || /^[a-z][\w+.-]*:/i.test(src) || src.startsWith('/') || src.startsWith('\\')) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(src.replace(/[?#].*$/, ''));
  } catch {
    return null;
  }
  const path = resolve(dirname(pagePath), relative);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile() || info.size > MAX_PICTURE_BYTES) return null;
  return readFile(path).catch(() => null);
}

// ───────────────────────────── parsing ─────────────────────────────

/** Stops the tree build as soon as the page holds more than the limits allow. */
class LimitExceeded extends Error {
  constructor(readonly limit: 'size' | 'depth') {
    super(limit);
  }
}

/**
 * Parses a page with htmlparser2 into a domhandler tree (cheerio's parse5 path costs about five
 * times more CPU, and its selector engine more again). Elements and table cells are counted while
 * the tree is built: a page over a limit stops there, so a hostile page (a 50,000-row table) never
 * grows a tree of millions of nodes; it is then counted without a tree, to say how big it is.
 */
export function parseHtml(html: string, limits: HtmlLimits = {}): Document {
  const maxCells = limits.maxTableCells ?? DEFAULT_MAX_TABLE_CELLS;
  const maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const handler = new CountingDomHandler(maxCells, maxElements, maxDepth);
  try {
    new Parser(handler).end(html);
  } catch (e) {
    if (!(e instanceof LimitExceeded)) throw e;
    if (e.limit === 'depth') {
      throw new DocumentError('extract', `the page nests elements more than ${maxDepth.toLocaleString('en-US')} deep (a report page nests a few dozen); it is not read`);
    }
    const size = countTags(html);
    if (size.cells > maxCells) {
      throw new DocumentError(
        'extract',
        `the page has ${size.cells.toLocaleString('en-US')} table cells, over the limit of ${maxCells.toLocaleString('en-US')} (a report's tables have a few hundred); it is not read — raise --max-table-cells to read it anyway`,
      );
    }
    throw new DocumentError(
      'extract',
      `the page has ${size.elements.toLocaleString('en-US')} HTML elements, over the limit of ${maxElements.toLocaleString('en-US')} (a report page has a few thousand); it is not read`,
    );
  }
  return handler.root;
}

/** A DOM builder that counts elements and table cells as they open and stops past the limits. */
class CountingDomHandler extends DomHandler {
  private elements = 0;
  private cells = 0;

  constructor(
    private readonly maxCells: number,
    private readonly maxElements: number,
    private readonly maxDepth: number,
    options?: DomHandlerOptions,
  ) {
    super(undefined, options);
  }

  override onopentag(name: string, attribs: Record<string, string>): void {
    this.elements++;
    if (name === 'td' || name === 'th') this.cells++;
    if (this.cells > this.maxCells || this.elements > this.maxElements) throw new LimitExceeded('size');
    super.onopentag(name, attribs);
    // tagStack holds the document and the open elements.
    if (this.tagStack.length > this.maxDepth + 1) throw new LimitExceeded('depth');
  }
}

/** Counts elements and table cells of a page without building a tree (memory stays flat). */
function countTags(text: string, xmlMode = false): { elements: number; cells: number } {
  let elements = 0;
  let cells = 0;
  new Parser(
    {
      onopentag(name) {
        elements++;
        if (name === 'td' || name === 'th') cells++;
      },
    },
    { xmlMode },
  ).end(text);
  return { elements, cells };
}

/**
 * Parses XML (a Word main document part) into a tree, refusing past `maxElements` elements or
 * `maxDepth` levels: a part of 64 MB (the zip reader's cap) of tiny elements would otherwise grow a
 * tree of millions of nodes and exhaust the worker's memory.
 */
export function parseXmlBounded(xml: string, what: string, maxElements: number, maxDepth = DEFAULT_MAX_DEPTH): Document {
  const handler = new CountingDomHandler(Number.POSITIVE_INFINITY, maxElements, maxDepth, { xmlMode: true });
  try {
    new Parser(handler, { xmlMode: true }).end(xml);
  } catch (e) {
    if (!(e instanceof LimitExceeded)) throw e;
    if (e.limit === 'depth') throw new DocumentError('extract', `${what} nests XML elements more than ${maxDepth.toLocaleString('en-US')} deep; the file is malformed`);
    const size = countTags(xml, true);
    throw new DocumentError(
      'extract',
      `${what} has ${size.elements.toLocaleString('en-US')} XML elements, over the limit of ${maxElements.toLocaleString('en-US')} (a report has tens of thousands); it is not read`,
    );
  }
  return handler.root;
}

/** Elements whose content is not page text, whatever their position. */
const NON_CONTENT = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'canvas', 'nav', 'iframe', 'frame', 'frameset', 'object', 'embed', 'button',
  'select', 'input', 'textarea', 'map', 'audio', 'video',
]);
/** Elements whose content a browser does not parse as markup (with scripting on): the probe does not look inside. */
const OPAQUE = new Set(['noscript', 'template']);
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

/**
 * One walk over the whole page: reads the <title>, probes what the page hides (frames, attachment
 * links, scripts holding the text — looked for everywhere, hidden parts included), and removes what
 * is never content (scripts, styles, forms controls, hidden elements).
 */
function scanAndStrip(root: Document): { title: string; probe: HiddenContentProbe } {
  const probe: HiddenContentProbe = { iframes: [], attachments: [], images: 0, script: null };
  let title: string | null = null;
  let scripts = 0;
  const doomed: Element[] = [];
  const visit = (parent: ParentNode): void => {
    for (const node of parent.children) {
      if (!isElement(node)) continue;
      const name = node.name;
      const attribs = node.attribs;
      if (name === 'title' && title === null) title = textOf(node, false);
      else if ((name === 'iframe' || name === 'frame') && attribs.src !== undefined) {
        const src = attribs.src;
        if (src.trim() !== '' && !/^(about:|javascript:)/i.test(src)) probe.iframes.push(src);
      } else if (name === 'a' && attribs.href !== undefined) {
        if (ATTACHMENT.test(attribs.href)) probe.attachments.push({ href: attribs.href, text: cleanInline(textOf(node, false)) });
      } else if (name === 'script') {
        scripts++;
        probeScript(node, scripts, probe);
      }
      if (
        NON_CONTENT.has(name) ||
        attribs.hidden !== undefined ||
        attribs['aria-hidden'] === 'true' ||
        (attribs.style !== undefined && HIDDEN_STYLE.test(attribs.style))
      ) {
        doomed.push(node);
      }
      if (!OPAQUE.has(name)) visit(node);
    }
  };
  visit(root);
  detachAll(doomed);
  return { title: title ?? '', probe };
}

function probeScript(el: Element, index: number, probe: HiddenContentProbe): void {
  const code = textOf(el, false);
  const cjk = (code.match(CJK)?.length ?? 0) + (code.match(CJK_ESCAPE)?.length ?? 0);
  if (cjk > (probe.script?.cjk ?? 0)) {
    const at = code.search(/[\u3400-\u9fff]|\\u[4-9]/i);
    probe.script = { index, cjk, snippet: code.slice(Math.max(0, at - 30), at + 40).replace(/\s+/g, ' ').trim() };
  }
}

/**
 * Content after </body> or </html> (a footer or a last paragraph pasted past the end) is body
 * content for a browser: it is moved to the end of the body.
 */
function adoptTrailingContent(body: Element): void {
  const strays: AnyNode[] = [];
  for (let n = body.next; n; n = n.next) strays.push(n);
  const html = body.parent;
  if (html && html.type === 'tag' && html.name === 'html') for (let n = html.next; n; n = n.next) strays.push(n);
  const content = strays.filter((n) => isElement(n) || n.type === 'text');
  if (content.length === 0) return;
  detachAll(content);
  for (const node of content) {
    const last = body.children[body.children.length - 1] ?? null;
    node.parent = body;
    node.prev = last;
    if (last) last.next = node;
    body.children.push(node as (typeof body.children)[number]);
  }
}

/**
 * The page body. A page without <body> (a fragment, a frameset page, markup pasted without one)
 * gets one made of its top-level content outside <head>, as a browser would build it.
 */
function bodyOf(root: Document): Element | undefined {
  const found = findFirstIn(root, (e) => e.name === 'body');
  if (found) {
    adoptTrailingContent(found);
    return found;
  }
  const content: AnyNode[] = [];
  const gather = (parent: ParentNode): void => {
    for (const node of parent.children) {
      if (isElement(node) && node.name === 'html') gather(node);
      else if (isElement(node) && (node.name === 'head' || node.name === 'title' || node.name === 'meta' || node.name === 'link' || node.name === 'base')) continue;
      else if (node.type === 'tag' || node.type === 'text') content.push(node);
    }
  };
  gather(root);
  if (content.length === 0) return undefined;
  const body = new DomElement('body', {}, content as DomElement['children']);
  content.forEach((node, i) => {
    node.parent = body;
    node.prev = content[i - 1] ?? null;
    node.next = content[i + 1] ?? null;
  });
  return body;
}

/**
 * Turns items into blocks with running line numbers (one per paragraph, one per grid row).
 * `tableIndex` counts the data tables (two columns or more) in document order; layout tables and
 * one-column boxes are read as text and not counted.
 */
export function itemsToBlocks(items: readonly Item[], pictureBlocks?: ReadonlyMap<number, Block[]>): { blocks: Block[]; tableCount: number } {
  const blocks: Block[] = [];
  let line = 1;
  let tableIndex = 0;
  for (const item of items) {
    if (item.kind === 'picture') {
      // A picture's rows and lines (read by OCR) take its place, numbered on from the document's.
      const read = pictureBlocks?.get(item.index);
      if (!read || read.length === 0) continue;
      const moved = renumberBlocks(read, line, tableIndex);
      blocks.push(...moved.blocks);
      line = moved.nextLine;
      tableIndex = moved.nextTableIndex;
      continue;
    }
    if (item.kind === 'paragraph') {
      blocks.push({ kind: 'paragraph', text: item.text, prov: { line } });
      line++;
      continue;
    }
    if (item.kind === 'tabs') {
      const fields = item.fields.map((text, col) => ({ text, col, prov: { line } }));
      blocks.push({ kind: 'row', positions: 'tab', fields, prov: { line } });
      line++;
      continue;
    }
    const grid = expandGrid(item.rows);
    const width = grid[0]?.length ?? 0;
    if (width <= 1) {
      // A one-column "table" is a framed box of text (layout), not a grid of figures.
      for (const row of grid) {
        const text = row[0]?.origin ? row[0].text : '';
        if (text !== '') blocks.push({ kind: 'paragraph', text, prov: { line } });
        line++;
      }
      continue;
    }
    const rows = gridToRowBlocks(grid, { tableIndex, firstLine: line });
    blocks.push(...rows.blocks);
    line += rows.lines;
    tableIndex++;
  }
  return { blocks, tableCount: tableIndex };
}

/** Blocks numbered from line 1 and table 0 (a picture read by OCR), moved to start at `line` and `tableIndex`. */
function renumberBlocks(read: readonly Block[], line: number, tableIndex: number): { blocks: Block[]; nextLine: number; nextTableIndex: number } {
  let lastLine = line - 1;
  let lastTable = tableIndex - 1;
  const move = (prov: Provenance): Provenance => {
    const moved: Provenance = { ...prov };
    if (prov.line !== undefined) lastLine = Math.max(lastLine, (moved.line = prov.line - 1 + line));
    if (prov.tableIndex !== undefined) lastTable = Math.max(lastTable, (moved.tableIndex = prov.tableIndex + tableIndex));
    return moved;
  };
  const blocks = read.map((b): Block => (b.kind === 'paragraph' ? { ...b, prov: move(b.prov) } : { ...b, prov: move(b.prov), fields: b.fields.map((f) => ({ ...f, prov: move(f.prov) })) }));
  return { blocks, nextLine: lastLine + 1, nextTableIndex: lastTable + 1 };
}

// ───────────────────────────── what the page hides ─────────────────────────────

interface HiddenContentProbe {
  iframes: string[];
  /** Links to documents (the report published as an attachment: .pdf, .doc, .docx, .wps, .ofd…). */
  attachments: { href: string; text: string }[];
  /** Images in the article (a report shown only as scans). */
  images: number;
  /** The script holding the most Chinese text: its index, character count and a snippet. */
  script: { index: number; cjk: number; snippet: string } | null;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;
const CJK_ESCAPE = /\\u(?:[4-9][0-9a-f]{3}|3[4-9a-f][0-9a-f]{2})/gi;

const ATTACHMENT = /\.(pdf|docx?|wps|ofd|xlsx?|et)(?:[?#]|$)/i;

/** A page whose report is behind an iframe or inside a script says so, instead of coming back empty. */
function noReportFindings(probe: HiddenContentProbe, visibleCjk: number): Finding[] {
  const out: Finding[] = [];
  if (probe.iframes.length > 0 && visibleCjk < 200) {
    out.push(
      finding(
        'extract/html-no-report',
        'error',
        `the page shows no report text: its content is loaded in a frame (src="${probe.iframes[0]}"${probe.iframes.length > 1 ? ` and ${probe.iframes.length - 1} more` : ''}); download the framed page and ingest that instead`,
        { actual: probe.iframes.join(' ') },
      ),
    );
  } else if (probe.script && probe.script.cjk >= 200 && probe.script.cjk > 2 * visibleCjk) {
    out.push(
      finding(
        'extract/html-no-report',
        'error',
        `the report text sits inside a JavaScript string (script #${probe.script.index}, about ${probe.script.cjk} Chinese characters, near "${probe.script.snippet}") and only appears when a browser runs it; save the page as rendered by a browser and ingest that instead`,
        { actual: `script #${probe.script.index}` },
      ),
    );
  } else if (probe.attachments.length > 0 && visibleCjk < 200) {
    const a = probe.attachments[0]!;
    out.push(
      finding(
        'extract/html-no-report',
        'error',
        `the page shows no report text: it links the report as an attachment (${a.text ? `"${a.text}", ` : ''}href="${a.href}"); download the attachment and ingest it instead`,
        { actual: probe.attachments.map((x) => x.href).join(' ') },
      ),
    );
  } else if (probe.images > 0 && visibleCjk < 200) {
    out.push(
      finding(
        'extract/html-no-report',
        'error',
        `the page shows the report only as ${probe.images} image${probe.images > 1 ? 's' : ''} (scans, no text); get the original document (PDF or Word) and ingest that instead`,
      ),
    );
  } else if (visibleCjk < 20) {
    out.push(finding('extract/html-no-report', 'error', `the page has no article text (${visibleCjk} Chinese characters outside navigation and scripts)`));
  }
  return out;
}

/** Characters in CJK (the ranges of `CJK`), counted without building match arrays. */
function countCjkChars(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) n++;
  }
  return n;
}

function countCjk(blocks: readonly Block[]): number {
  let n = 0;
  for (const b of blocks) {
    const texts = b.kind === 'paragraph' ? [b.text] : b.fields.map((f) => f.text);
    for (const t of texts) n += countCjkChars(t);
  }
  return n;
}

// ───────────────────────────── finding the article ─────────────────────────────

/** Class or id words that mark site chrome on government sites (menus, crumbs, share bars, footers…). */
const CHROME_ATTR =
  /(?:^|[\s_-])(nav|navbar|menu|menus|breadcrumbs?|crumbs?|position|location|dqwz|share|bdshare|footer|foot|header|topbar|top|bottom|sidebar|side|aside|related|xgwz|xgxx|friendlinks?|links|copyright|toolbar|tools|fontsize|font|print|search|login|banner|qrcode|ewm)(?:$|[\s_-])/i;
const CHROME_TAGS = new Set(['header', 'footer', 'aside']);

/**
 * Removes chrome elements (by tag or class/id word) that hold no table, no main heading and only a
 * small share of the page's text — the guards keep an article whose wrapper happens to be called "top".
 */
function removeChrome(body: Element, stats: TextStats): void {
  const total = stats.of(body).text;
  const holdsTableOrH1 = ancestorsOf(body, (e) => e.name === 'table' || e.name === 'h1');
  const victims: Element[] = [];
  forEachDescendant(body, (el) => {
    const attrs = `${el.attribs.class ?? ''} ${el.attribs.id ?? ''}`;
    if (!CHROME_TAGS.has(el.name) && !CHROME_ATTR.test(attrs)) return;
    if (holdsTableOrH1.has(el)) return;
    if (stats.of(el).text > Math.max(300, total * 0.3)) return;
    victims.push(el);
  });
  const victimSet = new Set(victims);
  for (const el of victims) if (!hasAncestorIn(el, victimSet)) stats.forget(el);
  detachAll(victims);
}

function hasAncestorIn(el: Element, set: ReadonlySet<Element>): boolean {
  for (let p = el.parent; p; p = p.parent) if (set.has(p as Element)) return true;
  return false;
}

/** Non-link text size of elements, memoised. */
class TextStats {
  private memo = new Map<AnyNode, { text: number; link: number }>();

  of(node: AnyNode): { text: number; link: number } {
    const hit = this.memo.get(node);
    if (hit) return hit;
    let text = 0;
    let link = 0;
    if (node.type === 'text') {
      text = nonSpaceLength(node.data);
    } else if (node.type === 'tag' && 'children' in node) {
      const isLink = node.name === 'a';
      for (const child of node.children) {
        const s = this.of(child);
        if (isLink) link += s.text + s.link;
        else {
          text += s.text;
          link += s.link;
        }
      }
    }
    const out = { text, link };
    this.memo.set(node, out);
    return out;
  }

  /**
   * Takes a node's sizes off its ancestors, before the node is removed: the sizes of the rest of the
   * tree stay valid, so the page is not measured twice.
   */
  forget(node: AnyNode): void {
    const own = this.memo.get(node);
    if (!own) return;
    let text = own.text;
    let link = own.link;
    for (let p = node.parent; p; p = p.parent) {
      const sizes = this.memo.get(p);
      if (!sizes) break;
      // Inside a link, all text counts as link text (as in `of`).
      if (p.type === 'tag' && p.name === 'a') {
        link += text;
        text = 0;
      }
      sizes.text -= text;
      sizes.link -= link;
    }
    this.memo.delete(node);
  }
}

const CONTAINER_TAGS = new Set(['div', 'section', 'article', 'main', 'center', 'span', 'font', 'tbody', 'thead', 'tr', 'td', 'th', 'form', 'body']);

/**
 * The article: from <body>, step down into the child holding most of the text (≥ 80%) as long as the
 * children left behind hold no report content (a data table or a long paragraph) — so a report split
 * over sibling blocks is kept whole while menus, sidebars and footers fall away.
 */
function pickArticle(body: Element, stats: TextStats): Element {
  let current = body;
  for (let depth = 0; depth < 40; depth++) {
    const total = stats.of(current).text;
    const children = elementChildren(current).filter((c) => CONTAINER_TAGS.has(c.name) || (c.name === 'table' && hasNestedTable(c)));
    let best: Element | null = null;
    for (const c of children) if (!best || stats.of(c).text > stats.of(best).text) best = c;
    if (!best || total === 0 || stats.of(best).text < total * 0.8) break;
    const others = elementChildren(current).filter((c) => c !== best);
    if (others.some((o) => holdsReportContent(o, stats))) break;
    current = best;
  }
  return current;
}

function holdsReportContent(el: Element, stats: TextStats): boolean {
  if (el.name === 'table' && !hasNestedTable(el)) return isDataTable(el, stats);
  if (el.name !== 'table' && hasDataTable(el, stats)) return true;
  return longestTextRun(el) >= 200;
}

/** A table of figures or labels, not a menu: three rows or more and some text outside links. */
function isDataTable(table: Element, stats: TextStats): boolean {
  return countRows(table) >= 3 && stats.of(table).text >= 20;
}

function hasDataTable(el: Element, stats: TextStats): boolean {
  for (const c of elementChildren(el)) {
    if (c.name === 'table' ? !hasNestedTable(c) && isDataTable(c, stats) : hasDataTable(c, stats)) return true;
  }
  return false;
}

function countRows(table: Element): number {
  return tableRows(table).length;
}

function longestTextRun(node: AnyNode): number {
  if (node.type === 'text') return nonSpaceLength(node.data);
  if (node.type !== 'tag' || node.name === 'a') return 0;
  let best = 0;
  for (const c of node.children) best = Math.max(best, longestTextRun(c));
  return best;
}

/** The article's title when it sits just before the article body (<h1> in a header block above #zoom). */
function titleBefore(article: Element): string | null {
  if (findFirst(article, (e) => /^h[12]$/.test(e.name))) return null;
  let node: Element | null = article;
  for (let level = 0; level < 4 && node; level++) {
    for (let sib = node.prev; sib; sib = sib.prev) {
      if (sib.type !== 'tag') continue;
      const heading = isTitleElement(sib) ? sib : findFirst(sib, isTitleElement);
      if (heading) {
        const text = cleanInline(textOf(heading));
        if (text.length >= 4 && text.length <= 120) return text;
      }
    }
    node = node.parent && node.parent.type === 'tag' ? node.parent : null;
  }
  return null;
}

function isTitleElement(el: Element): boolean {
  return /^h[1-3]$/.test(el.name) || /(?:^|[\s_-])(title|tit|bt|headline|articletitle)(?:$|[\s_-])/i.test(`${el.attribs.class ?? ''} ${el.attribs.id ?? ''}`);
}

function describeElement(el: Element): string {
  const id = el.attribs.id ? `#${el.attribs.id}` : '';
  const cls = el.attribs.class ? `.${el.attribs.class.trim().split(/\s+/).join('.')}` : '';
  return `${el.name}${id}${cls}`;
}

/** Short lines of page furniture that survive inside the article block. */
const CHROME_TEXT =
  /字号\s*[:：]?\s*[【[(（]?\s*大|分享到|打印本页|【\s*打印\s*】|【\s*关闭\s*】|关闭窗口|扫一扫|上一篇\s*[:：]|下一篇\s*[:：]|浏览次数|阅读次数|访问次数|^(当前位置|您现在的位置|您的位置)\s*[:：]/;

function isChromeText(text: string): boolean {
  return text.length <= 100 && CHROME_TEXT.test(text);
}

// ───────────────────────────── walking the article ─────────────────────────────

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'caption', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p',
  'pre', 'section', 'summary', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'ul',
]);

class ArticleWalker {
  private buffer: string[] = [];
  /** How much of the buffered text is not inside a link. */
  private plainChars = 0;
  private linkDepth = 0;

  /** `dropLinkOnly`: no article was found, so short link-only lines (menus) are dropped. */
  constructor(
    private readonly items: Item[],
    private readonly pictures: ImageRef[],
    private readonly dropLinkOnly = false,
    private readonly hasPictures = true,
  ) {}

  walk(node: AnyNode): void {
    if (node.type === 'text') {
      this.buffer.push(node.data);
      // Separators between menu links (" | ", " > ", "·") are not text of their own.
      if (this.linkDepth === 0) this.plainChars += node.data.replace(/[\s|｜·•/>»<«\-–—]+/g, '').length;
      return;
    }
    if (node.type !== 'tag') return;
    const name = node.name;
    if (name === 'br') {
      this.flush();
      return;
    }
    if (name === 'img') {
      // A picture stands between the text before and after it (a table pasted as an image).
      this.flush();
      this.items.push({ kind: 'picture', index: this.pictures.push(imageRef(node)) - 1 });
      return;
    }
    if (name === 'pre') {
      // Preformatted text keeps its lines and tabs: a report pasted as text, tables set with tabs.
      this.flush();
      for (const raw of textOf(node).split(/\r?\n/)) {
        const item = lineItem(raw);
        if (item) this.items.push(item);
      }
      return;
    }
    if (name === 'table' && !hasNestedTable(node) && !(this.hasPictures && isPictureLayout(node))) {
      this.flush();
      const caption = elementChildren(node).find((c) => c.name === 'caption');
      if (caption) this.pushParagraph(textOf(caption));
      this.items.push({ kind: 'table', rows: readTableRows(node) });
      return;
    }
    const block = BLOCK_TAGS.has(name);
    if (block) this.flush();
    if (name === 'a') this.linkDepth++;
    for (const child of node.children) this.walk(child);
    if (name === 'a') this.linkDepth--;
    if (block) this.flush();
  }

  flush(): void {
    const raw = this.buffer.join('');
    const linkOnly = this.plainChars === 0;
    this.buffer = [];
    this.plainChars = 0;
    if (this.dropLinkOnly && linkOnly && cleanInline(raw).length <= 40) return;
    this.pushParagraph(raw);
  }

  private pushParagraph(raw: string): void {
    const text = cleanInline(raw);
    if (text !== '') this.items.push({ kind: 'paragraph', text });
  }
}

/** The rows of a table (not of tables nested in it), header and body in source order. */
function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of elementChildren(table)) {
    if (child.name === 'tr') rows.push(child);
    else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') rows.push(...elementChildren(child).filter((r) => r.name === 'tr'));
  }
  return rows;
}

function readTableRows(table: Element): SourceCell[][] {
  return tableRows(table).map((tr) =>
    elementChildren(tr)
      .filter((c) => c.name === 'td' || c.name === 'th')
      .map((td) => ({ text: cellText(td), rowspan: spanAttr(td.attribs.rowspan), colspan: spanAttr(td.attribs.colspan) })),
  );
}

function spanAttr(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : 1;
}

/**
 * A cell's text: its lines (split by <br> or inner <p>/<div>) joined back into one label — a header
 * printed as "结果<br>维持" is the label 结果维持. Pieces are glued without a space between Chinese
 * characters and with one space between Latin words or numbers.
 */
export function cellText(cell: Element): string {
  // Most cells hold one text node ("0", a label): no pieces to join.
  const only = cell.children.length === 1 ? cell.children[0] : undefined;
  if (only?.type === 'text') return cleanInline(only.data);
  const pieces: string[] = [''];
  const visit = (node: AnyNode): void => {
    if (node.type === 'text') {
      pieces[pieces.length - 1] += node.data;
      return;
    }
    if (node.type !== 'tag') return;
    if (node.name === 'br') {
      pieces.push('');
      return;
    }
    const block = BLOCK_TAGS.has(node.name);
    if (block) pieces.push('');
    for (const c of node.children) visit(c);
    if (block) pieces.push('');
  };
  for (const c of cell.children) visit(c);
  return joinPieces(pieces.map(cleanInline));
}

const CJK_OR_PUNCT = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F\u2018-\u201F]/;

export function joinPieces(pieces: readonly string[]): string {
  let out = '';
  for (const p of pieces) {
    if (p === '') continue;
    if (out === '') out = p;
    else out += CJK_OR_PUNCT.test(out[out.length - 1]!) || CJK_OR_PUNCT.test(p[0]!) ? p : ` ${p}`;
  }
  return out;
}

const CJK_CHAR = '[\\u2E80-\\u9FFF\\uF900-\\uFAFF\\uFF00-\\uFFEF\\u3000-\\u303F]';
const SOURCE_BREAK_IN_CJK = new RegExp(`(${CJK_CHAR})[ \\t\\r\\f]*\\n\\s*(?=${CJK_CHAR})`, 'g');

/** Inline text as a browser shows it: source line breaks inside Chinese text vanish, other whitespace collapses. */
export function cleanInline(raw: string): string {
  // Cell texts and labels repeat within a page and across reports ("0", "本年新收政府信息公开申请数量"):
  // short ones are remembered. The cache is dropped when full, so it stays small.
  if (raw.length > CLEAN_CACHE_MAX_LENGTH) return cleanInlineUncached(raw);
  const hit = cleanCache.get(raw);
  if (hit !== undefined) return hit;
  const out = cleanInlineUncached(raw);
  if (cleanCache.size >= CLEAN_CACHE_MAX_ENTRIES) cleanCache.clear();
  cleanCache.set(raw, out);
  return out;
}

const CLEAN_CACHE_MAX_LENGTH = 80;
const CLEAN_CACHE_MAX_ENTRIES = 20_000;
const cleanCache = new Map<string, string>();

function cleanInlineUncached(raw: string): string {
  return normalizeText(raw.replace(SOURCE_BREAK_IN_CJK, '$1').replace(/[ \t\n\r\f]+/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

// ───────────────────────────── DOM helpers ─────────────────────────────

/** An element node (domhandler gives <script> and <style> types of their own). */
function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function elementChildren(el: Element): Element[] {
  return el.children.filter((c): c is Element => c.type === 'tag');
}

function hasNestedTable(table: Element): boolean {
  return findFirst(table, (e) => e.name === 'table') !== null;
}

/**
 * A table that lays out pictures, not figures: it holds an <img> and prints none of the report tables' words (an
 * old table-layout page whose tables were pasted as images). Walked as layout, so that its pictures are found.
 */
function isPictureLayout(table: Element): boolean {
  return findFirst(table, (e) => e.name === 'img') !== null && !printsTableWords(textOf(table));
}

/** First descendant element (not the element itself) matching the predicate, depth-first. */
function findFirst(el: Element, pred: (e: Element) => boolean): Element | null {
  return findFirstIn(el, pred);
}

function findFirstIn(parent: ParentNode, pred: (e: Element) => boolean): Element | null {
  for (const c of parent.children) {
    if (c.type !== 'tag') continue;
    if (pred(c)) return c;
    const deeper = findFirstIn(c, pred);
    if (deeper) return deeper;
  }
  return null;
}

/** Calls `fn` on every descendant element of `el`, in document order. */
function forEachDescendant(el: ParentNode, fn: (e: Element) => void): void {
  for (const c of el.children) {
    if (c.type !== 'tag') continue;
    fn(c);
    forEachDescendant(c, fn);
  }
}

function countDescendants(el: Element, pred: (e: Element) => boolean): number {
  let n = 0;
  forEachDescendant(el, (e) => {
    if (pred(e)) n++;
  });
  return n;
}

/** The elements inside `top` (and `top` itself) that have a descendant matching `pred`: one walk, not one search per element. */
function ancestorsOf(top: Element, pred: (e: Element) => boolean): Set<Element> {
  const out = new Set<Element>();
  forEachDescendant(top, (e) => {
    if (!pred(e)) return;
    for (let p = e.parent; p && p.type === 'tag' && !out.has(p); p = p.parent) {
      out.add(p);
      if (p === top) break;
    }
  });
  return out;
}

/**
 * Removes nodes from the tree, keeping sibling links right. Each parent's child list is rebuilt once,
 * however many of its children go (a page with thousands of hidden inputs stays linear).
 */
function detachAll(nodes: readonly AnyNode[]): void {
  const doomed = new Set<AnyNode>(nodes);
  const parents = new Set<ParentNode>();
  for (const node of nodes) if (node.parent) parents.add(node.parent);
  for (const parent of parents) {
    const kept = parent.children.filter((c) => !doomed.has(c));
    kept.forEach((c, i) => {
      c.prev = kept[i - 1] ?? null;
      c.next = kept[i + 1] ?? null;
    });
    parent.children = kept;
  }
  for (const node of nodes) {
    node.parent = null;
    node.prev = null;
    node.next = null;
  }
}

/** Length of a string without its whitespace (as `s.replace(/\s+/g, '').length`, without the copy). */
function nonSpaceLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (!isJsWhitespace(s.charCodeAt(i))) n++;
  return n;
}

/** The characters of the regex class \s (WhiteSpace and LineTerminator of ECMAScript). */
function isJsWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The text of a node; `<br>` gives a line break when `brAsNewline` (as rendered), nothing otherwise (as textContent). */
function textOf(node: AnyNode, brAsNewline = true): string {
  if (node.type === 'text') return node.data;
  if (!isElement(node)) return '';
  if (node.name === 'br') return brAsNewline ? '\n' : '';
  let out = '';
  for (const c of node.children) out += textOf(c, brAsNewline);
  return out;
}
