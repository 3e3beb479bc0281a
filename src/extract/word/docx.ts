/**
 * Extract: Word .docx. Reads word/document.xml directly (through the guarded zip reader) and feeds
 * its paragraphs and tables to the same grid code as HTML, so merged cells come out as the same grid.
 *
 * Why not mammoth → HTML → the HTML path? Measured with scripts/debug/measure-docx-paths.ts
 * (`npx tsc -p . && node dist/scripts/debug/measure-docx-paths.js`):
 * - the five sample .docx files (gridSpan + vMerge in the official layout): both paths give identical
 *   grids and 0 cells off the gold; extraction took 1630 ms with mammoth against 217 ms direct;
 * - a row that starts late (<w:gridBefore w:val="1"/>): mammoth shifts it left ("5","5","" under
 *   项目/数量/总计), so every figure of that row lands one column off; direct keeps ("","5","5");
 * - a vMerge in a table with a bookmark between rows (<w:bookmarkStart> as a child of <w:tbl>, which
 *   Word writes for cross-references): mammoth drops every merge of the table ("三、本年度办理结果"
 *   no longer carried to the next row); direct keeps it. Rows in content controls: both fine;
 * - mammoth inflates the archive with its jszip, with no size cap, so a zip bomb would be inflated in
 *   full before it could be refused.
 * Reading the XML ourselves keeps the grid in those cases and checks every limit before inflating.
 */
import type { AnyNode, Element } from 'domhandler';
import { DocumentError } from '../../findings.js';
import type { LoadedFile } from '../../stages/load.js';
import type { Block, SourceDocument } from '../../types.js';
import type { ExtractOptions } from '../index.js';
import { A4, readPicturedTables, tablesNotPrinted, type PlacedPicture } from '../pictured-tables.js';
import type { SourceCell } from '../html/html-grid.js';
import { cleanInline, itemsText, itemsToBlocks, joinPieces, lineItem, parseXmlBounded } from '../html/html.js';
import type { Item } from '../html/html.js';
import { ZipArchive } from './zip-reader.js';

/** Elements the main document part may have: a report's has tens of thousands (Word is verbose); 300,000 is a tree of about 120 MB. */
export const DEFAULT_MAX_DOCX_ELEMENTS = 300_000;

export async function extractDocx(file: LoadedFile, options: ExtractOptions = {}): Promise<SourceDocument> {
  const zip = ZipArchive.open(file.bytes);
  const main = mainDocumentPart(zip);
  const body = readWordXml(zip.readText(main));
  // Tables pasted as pictures: read by OCR when the text lacks a table (extract/pictured-tables.ts). Pictures are
  // looked at only then (the common Word file has its tables in text).
  const missing = body.pictures.length > 0 ? tablesNotPrinted(itemsText(body.items)) : [];
  const pictures = missing.length > 0 ? body.pictures.map((p) => placedPicture(zip, main, p)) : [];
  const read = await readPicturedTables('docx', missing, pictures, body.page, options);
  const doc = bodyToDocument(body.items, read.blocks);
  doc.meta.mainPart = main;
  doc.findings.push(...read.findings);
  if (read.ocrUsed) doc.meta.ocrUsed = true;
  return doc;
}

/** Turns the XML of a Word main document part into blocks, its pictures left unread (exported for tests and measurement). */
export function wordXmlToDocument(xml: string, limits: { maxElements?: number } = {}): SourceDocument {
  return bodyToDocument(readWordXml(xml, limits).items);
}

function bodyToDocument(items: Item[], pictureBlocks?: ReadonlyMap<number, Block[]>): SourceDocument {
  const { blocks, tableCount } = itemsToBlocks(items, pictureBlocks);
  return { format: 'docx', blocks, findings: [], meta: { tableCount, docxReader: 'document.xml' } };
}

/** A picture in the body, as Word shows it: the relationship naming its image part, and its size in points. */
interface PictureRef {
  rel: string;
  width: number;
  height: number;
}

interface WordBody {
  items: Item[];
  pictures: PictureRef[];
  /** The page size the last section sets (points), else A4. */
  page: { width: number; height: number };
}

function readWordXml(xml: string, limits: { maxElements?: number } = {}): WordBody {
  // The parser cheerio's XML mode uses, called directly (no cheerio wrapper to load or build), with a cap on its size.
  const root = parseXmlBounded(xml, 'the .docx main document', limits.maxElements ?? DEFAULT_MAX_DOCX_ELEMENTS);
  const body = findElement(root, 'w:body');
  if (!body) throw new DocumentError('extract', 'the .docx main document has no <w:body>: the file is damaged or not a Word document');
  const out: WordBody = { items: [], pictures: [], page: pageSize(body) };
  readBlockContainer(body, out);
  return out;
}

/** The page size of the body's section (<w:pgSz w:w w:h> in twentieths of a point), else A4. */
function pageSize(body: Element): { width: number; height: number } {
  const size = findElement(body, 'w:pgSz');
  const w = Number(size?.attribs['w:w']) / 20;
  const h = Number(size?.attribs['w:h']) / 20;
  return w > 0 && h > 0 ? { width: w, height: h } : A4;
}

/** The picture's image part, resolved through the main part's relationships; no bytes when it is linked, not embedded. */
function placedPicture(zip: ZipArchive, main: string, ref: PictureRef): PlacedPicture {
  const target = relationshipTarget(zip, main, ref.rel);
  const bytes = target !== null && zip.has(target) ? zip.read(target) : null;
  return { name: target ?? ref.rel, width: ref.width, height: ref.height, bytes };
}

const relationshipCache = new WeakMap<ZipArchive, Map<string, string>>();

/** The part a relationship id of the main part points at (word/_rels/document.xml.rels), null for an external link. */
function relationshipTarget(zip: ZipArchive, main: string, id: string): string | null {
  let rels = relationshipCache.get(zip);
  if (!rels) {
    rels = new Map();
    const dir = main.includes('/') ? main.slice(0, main.lastIndexOf('/') + 1) : '';
    const relsPart = `${dir}_rels/${main.slice(dir.length)}.rels`;
    if (zip.has(relsPart)) {
      for (const m of zip.readText(relsPart).matchAll(/<Relationship\b[^>]*>/g)) {
        const tag = m[0];
        if (/TargetMode="External"/.test(tag)) continue;
        const rid = /\bId="([^"]+)"/.exec(tag)?.[1];
        const target = /\bTarget="([^"]+)"/.exec(tag)?.[1];
        if (rid && target) rels.set(rid, target.startsWith('/') ? target.slice(1) : normalizePart(dir + target));
      }
    }
    relationshipCache.set(zip, rels);
  }
  return rels.get(id) ?? null;
}

/** "word/../media/a.png" → "media/a.png". */
function normalizePart(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

/** The main part named by _rels/.rels (officeDocument relationship), else word/document.xml. */
function mainDocumentPart(zip: ZipArchive): string {
  if (zip.has('_rels/.rels')) {
    const rels = zip.readText('_rels/.rels');
    const m = /<Relationship\b[^>]*Type="[^"]*\/officeDocument"[^>]*>/.exec(rels);
    const target = m ? /Target="([^"]+)"/.exec(m[0])?.[1] : undefined;
    if (target) {
      const name = target.replace(/^\//, '');
      if (zip.has(name)) return name;
    }
  }
  if (zip.has('word/document.xml')) return 'word/document.xml';
  throw new DocumentError('extract', `${describeOtherZip(zip)}: it has no word/document.xml, so it is not a Word .docx`);
}

function describeOtherZip(zip: ZipArchive): string {
  if (zip.has('xl/workbook.xml')) return 'the file is an Excel workbook (.xlsx)';
  if (zip.has('ppt/presentation.xml')) return 'the file is a PowerPoint presentation (.pptx)';
  if (zip.has('content.xml') && zip.has('mimetype')) return 'the file is an OpenDocument file (.odt/.ods); save it as .docx';
  const names = [...zip.entries.keys()].slice(0, 5).join(', ');
  return `the file is a ZIP archive (${zip.entries.size} entries: ${names}${zip.entries.size > 5 ? ', …' : ''})`;
}

// ───────────────────────────── body ─────────────────────────────

/** Elements that only wrap content (content controls, custom XML, tracked insertions): read through them. */
const WRAPPERS = new Set(['w:sdt', 'w:sdtContent', 'w:customXml', 'w:smartTag', 'w:ins', 'w:moveTo', 'w:hyperlink', 'w:fldSimple', 'w:dir', 'w:bdo']);

function readBlockContainer(node: Element, out: WordBody): void {
  for (const child of elements(node)) {
    if (child.name === 'w:p') {
      const pictures: PictureRef[] = [];
      for (const raw of rawParagraphLines(child, pictures)) {
        const item = lineItem(raw);
        if (item) out.items.push(item);
      }
      // A picture in the body (not in a table cell, where it is a seal or a logo) after its paragraph's text.
      for (const p of pictures) out.items.push({ kind: 'picture', index: out.pictures.push(p) - 1 });
    } else if (child.name === 'w:tbl') {
      out.items.push({ kind: 'table', rows: readTable(child) });
    } else if (WRAPPERS.has(child.name)) {
      readBlockContainer(child, out);
    }
  }
}

/**
 * A paragraph's lines, tabs kept: a manual line break (<w:br/>, <w:cr/>) splits it, as <br> does in
 * HTML; tabs (<w:tab/>) stay, since Word users set table columns with them. Its pictures go to `pictures`.
 */
function rawParagraphLines(p: Element, pictures?: PictureRef[]): string[] {
  const lines: string[] = [''];
  collectRunText(p, lines, pictures);
  return lines;
}

/** EMU (English metric units) per point. */
const EMU_PER_POINT = 12700;

/** A DrawingML picture (<w:drawing>): its image (<a:blip r:embed>) and its size as shown (<wp:extent>). */
function drawingPicture(drawing: Element): PictureRef | null {
  const blip = findElement(drawing, 'a:blip');
  const extent = findElement(drawing, 'wp:extent');
  const rel = blip?.attribs['r:embed'];
  const width = Number(extent?.attribs.cx) / EMU_PER_POINT;
  const height = Number(extent?.attribs.cy) / EMU_PER_POINT;
  return rel && width > 0 && height > 0 ? { rel, width, height } : null;
}

/** A VML picture (<w:pict>, older Word): its image (<v:imagedata r:id>) and the shape's size (style="width:…pt;height:…pt"). */
function vmlPicture(pict: Element): PictureRef | null {
  const data = findElement(pict, 'v:imagedata');
  const rel = data?.attribs['r:id'];
  const style = findElement(pict, 'v:shape')?.attribs.style ?? '';
  const width = cssLength(/(?:^|;)\s*width:\s*([\d.]+)(pt|in|cm|mm|px)?/i.exec(style));
  const height = cssLength(/(?:^|;)\s*height:\s*([\d.]+)(pt|in|cm|mm|px)?/i.exec(style));
  return rel && width > 0 && height > 0 ? { rel, width, height } : null;
}

const POINTS_PER_UNIT: Record<string, number> = { pt: 1, in: 72, cm: 72 / 2.54, mm: 72 / 25.4, px: 0.75 };

function cssLength(m: RegExpExecArray | null): number {
  return m ? Number(m[1]) * (POINTS_PER_UNIT[(m[2] ?? 'px').toLowerCase()] ?? 0) : 0;
}

/** A paragraph's lines as clean text (inside table cells, where tabs carry no columns). */
function paragraphLines(p: Element): string[] {
  return rawParagraphLines(p).map(cleanInline);
}

function collectRunText(node: Element, lines: string[], pictures?: PictureRef[]): void {
  for (const child of elements(node)) {
    switch (child.name) {
      case 'w:drawing':
      case 'w:pict': {
        const picture = child.name === 'w:drawing' ? drawingPicture(child) : vmlPicture(child);
        if (picture) pictures?.push(picture);
        // A text box is a drawing too: its text is the paragraph's.
        collectRunText(child, lines, pictures);
        break;
      }
      case 'w:t':
        lines[lines.length - 1] += textContent(child);
        break;
      case 'w:tab':
      case 'w:ptab':
        lines[lines.length - 1] += '\t';
        break;
      case 'w:br':
      case 'w:cr':
        if (child.attribs['w:type'] !== 'page' && child.attribs['w:type'] !== 'column') lines.push('');
        break;
      case 'w:noBreakHyphen':
        lines[lines.length - 1] += '-';
        break;
      case 'w:del':
      case 'w:moveFrom':
      case 'w:instrText':
      case 'w:delText':
      case 'mc:Fallback':
      case 'w:pPr':
      case 'w:rPr':
        break;
      default:
        collectRunText(child, lines, pictures);
    }
  }
}

// ───────────────────────────── tables ─────────────────────────────

interface OpenMerge {
  cell: SourceCell;
  colspan: number;
}

/**
 * Reads a <w:tbl> into source rows with rowspan/colspan, like an HTML table: gridSpan is colspan;
 * a vMerge run (restart … continue) becomes the restart cell's rowspan; gridBefore/gridAfter are
 * empty cells, so a row that starts late keeps its figures in their columns.
 */
function readTable(tbl: Element): SourceCell[][] {
  const rows: SourceCell[][] = [];
  const open = new Map<number, OpenMerge>();
  for (const tr of childrenThroughWrappers(tbl, 'w:tr')) {
    const trPr = child(tr, 'w:trPr');
    if (trPr && child(trPr, 'w:del')) continue;
    const row: SourceCell[] = [];
    let col = 0;
    const before = intVal(trPr && child(trPr, 'w:gridBefore'));
    if (before > 0) {
      row.push({ text: '', rowspan: 1, colspan: before });
      col += before;
    }
    for (const tc of childrenThroughWrappers(tr, 'w:tc')) {
      const tcPr = child(tc, 'w:tcPr');
      const colspan = Math.max(1, intVal(tcPr && child(tcPr, 'w:gridSpan')) || 1);
      const vMerge = tcPr ? child(tcPr, 'w:vMerge') : null;
      const restart = vMerge?.attribs['w:val'] === 'restart';
      const continues = vMerge !== null && !restart;
      const above = open.get(col);
      if (continues && above) {
        above.cell.rowspan += 1;
      } else {
        const cell: SourceCell = { text: cellText(tc), rowspan: 1, colspan };
        row.push(cell);
        if (restart) open.set(col, { cell, colspan });
        else open.delete(col);
      }
      // A cell that is neither restart nor continue closes any merge that ran through its columns.
      for (let c = col + 1; c < col + colspan; c++) open.delete(c);
      col += colspan;
    }
    const after = intVal(trPr && child(trPr, 'w:gridAfter'));
    if (after > 0) row.push({ text: '', rowspan: 1, colspan: after });
    rows.push(row);
  }
  return rows;
}

/** The children named `name` (w:tr of a table, w:tc of a row), looking through wrapper elements around them. */
function childrenThroughWrappers(parent: Element, name: 'w:tr' | 'w:tc'): Element[] {
  const out: Element[] = [];
  for (const c of elements(parent)) {
    if (c.name === name) out.push(c);
    else if (WRAPPERS.has(c.name)) out.push(...childrenThroughWrappers(c, name));
  }
  return out;
}

/** A cell's paragraphs (and nested tables' text) joined into one label, like <br> in an HTML cell. */
function cellText(tc: Element): string {
  const pieces: string[] = [];
  const visit = (node: Element): void => {
    for (const c of elements(node)) {
      if (c.name === 'w:p') pieces.push(...paragraphLines(c));
      else if (c.name === 'w:tbl' || c.name === 'w:tr' || c.name === 'w:tc' || WRAPPERS.has(c.name)) visit(c);
    }
  };
  visit(tc);
  return joinPieces(pieces);
}

// ───────────────────────────── XML helpers ─────────────────────────────

function elements(node: Element): Element[] {
  return node.children.filter((c): c is Element => c.type === 'tag');
}

function child(node: Element, name: string): Element | null {
  return elements(node).find((c) => c.name === name) ?? null;
}

function intVal(el: Element | null | undefined): number {
  const v = el?.attribs['w:val'];
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 200) : 0;
}

function textContent(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if (node.type !== 'tag' && node.type !== 'root') return '';
  return (node as Element).children.map(textContent).join('');
}

function findElement(node: AnyNode, name: string): Element | null {
  if (node.type === 'tag' && (node as Element).name === name) return node as Element;
  if (!('children' in node)) return null;
  for (const c of (node as Element).children) {
    const hit = findElement(c, name);
    if (hit) return hit;
  }
  return null;
}
