/**
 * Tables pasted as pictures, in every format: a report whose text prints none of a table's words, beside
 * large pictures, has that table in those pictures. PDF pages are read by OCR inside their pictures
 * (pdf/pdf.ts); the pictures of a Word file or a web page are drawn at the size the document shows them and
 * read by OCR like scanned pages (ocr/ocr-pictures.ts), their rows taking the pictures' places in the
 * document. The OCR modules load only when a document has such pictures.
 */
import { finding, type Finding } from '../findings.js';
import type { Block, Provenance } from '../types.js';
import type { ExtractOptions } from './index.js';
import type { Picture } from './ocr/ocr-pictures.js';

/**
 * Words each table prints in either layout and prose does not (column and row labels of sections 二, 三 and 四,
 * FORMAT.md; not 行政复议, which the overview quotes): a text without any of a table's words has that table, if
 * anywhere, in a picture.
 */
const TABLE_WORDS: Readonly<Record<'二' | '三' | '四', readonly string[]>> = {
  二: ['本年新制作数量', '本年新公开数量', '对外公开总数量', '上一年项目数量', '本年制发件数', '本年废止件数', '现行有效件数', '本年处理决定数量', '采购项目数量'],
  三: ['本年新收政府信息公开申请数量', '上年结转政府信息公开申请数量', '商业企业', '科研机构', '社会公益组织', '法律服务机构'],
  四: ['结果维持', '结果纠正', '尚未审结', '未经复议直接起诉', '复议后起诉'],
};

/** The text prints a word of some table: a table of the report, not one that lays out the page. */
export function printsTableWords(text: string): boolean {
  const flat = text.replace(/\s+/g, '');
  return Object.values(TABLE_WORDS).some((words) => words.some((w) => flat.includes(w)));
}

/** The sections whose table the text prints none of the words of ([] when it prints every table). */
export function tablesNotPrinted(text: string): string[] {
  const flat = text.replace(/\s+/g, '');
  return Object.entries(TABLE_WORDS).flatMap(([section, words]) => (words.some((w) => flat.includes(w)) ? [] : [section]));
}

/** "the text prints no table" or "the text prints no table of section 三, 四", of `missing` ([] or the sections). */
export function noTableWords(what: string, missing: readonly string[]): string {
  return missing.length === Object.keys(TABLE_WORDS).length ? `${what} prints no table` : `${what} prints no table of section ${missing.join(', ')}`;
}

/** A picture covering at least this share of a PDF page, with no text over it, may hold a table (a section 四 table alone is ~10% of A4). */
export const TABLE_PICTURE_SHARE = 0.08;

/**
 * A picture of a Word file or web page, at the size the document shows it, may hold a table when it is at least
 * this wide and covers this share of the page: a section 四 table across a Word page's text is ~415 × 60 pt (5% of
 * A4); a seal (~120 pt square) or a QR code is narrower.
 */
const SHOWN_TABLE_WIDTH = 0.4;
const SHOWN_TABLE_SHARE = 0.03;

function mayHoldTable(p: PlacedPicture, page: { width: number; height: number }): boolean {
  return p.width >= SHOWN_TABLE_WIDTH * page.width && (p.width * p.height) / (page.width * page.height) >= SHOWN_TABLE_SHARE;
}

/** An A4 page in points: the page a picture is measured against when the document does not say its own. */
export const A4 = { width: 595.3, height: 841.9 };

/** A picture of a Word file or web page, in its place among the document's paragraphs and tables. */
export interface PlacedPicture {
  /** Where it comes from, for messages: the image part of a .docx, the src of an <img>. */
  name: string;
  /** Size as the document shows it, in points. */
  width: number;
  height: number;
  /** The image's bytes, or null when they are not at hand (an <img> on a web server). */
  bytes: Buffer | null;
}

/** What reading a document's pictures gave: blocks per picture read (by index), and what to tell the user. */
export interface PicturesRead {
  blocks: Map<number, Block[]>;
  findings: Finding[];
  ocrUsed: boolean;
}

/**
 * Reads by OCR the large pictures of a document whose text prints no table of some section — all of them, or the
 * big section 三 table pasted as a picture beside the others typed; nothing when it prints every table (a logo, a
 * seal or a photo beside tables in text is left alone). `missing`: the sections whose table the text lacks
 * (tablesNotPrinted). `format` names the findings' rules.
 */
export async function readPicturedTables(
  format: 'docx' | 'html',
  missing: readonly string[],
  pictures: readonly PlacedPicture[],
  page: { width: number; height: number },
  options: ExtractOptions,
): Promise<PicturesRead> {
  const out: PicturesRead = { blocks: new Map(), findings: [], ocrUsed: false };
  const large = pictures.flatMap((p, index) => (mayHoldTable(p, page) ? [{ p, index }] : []));
  if (large.length === 0 || missing.length === 0) return out;
  const rule = `${format}/pictured-tables`;
  const what = `${noTableWords('the text', missing)}, beside large pictures — the tables may be pasted as pictures`;
  const away = large.filter(({ p }) => p.bytes === null);
  if (away.length > 0) {
    const names = away.map(({ p }) => p.name);
    out.findings.push(
      finding(rule, 'warning', `${what}; ${describe(names)} ${away.length > 1 ? 'are' : 'is'} not at hand (save the page with its images, or get the PDF or Word file)`, { actual: names.join(' ') }),
    );
  }
  const atHand = large.filter(({ p }) => p.bytes !== null);
  if (atHand.length === 0) return out;
  const names = atHand.map(({ p }) => p.name);
  if (options.ocr === false) {
    out.findings.push(finding(rule, 'warning', `${what}; ${describe(names)} need${atHand.length > 1 ? '' : 's'} OCR`, { actual: names.join(' ') }));
    return out;
  }
  const [{ ocrPictures }, { buildBlocks }] = await Promise.all([import('./ocr/ocr-pictures.js'), import('./pdf/pdf-geometry.js')]);
  const read = await ocrPictures(
    atHand.map(({ p }) => ({ name: p.name, width: p.width, height: p.height, bytes: p.bytes! }) satisfies Picture),
    options.ocrOverlap !== undefined ? { overlap: options.ocrOverlap } : {},
  );
  for (const page of read.pages) out.blocks.set(atHand[page.page - 1]!.index, buildBlocks([page]).map(withoutPage));
  out.ocrUsed = true;
  out.findings.push(finding(rule, 'info', `${what}; ${describe(names)} ${atHand.length > 1 ? 'were' : 'was'} read by OCR`, { actual: names.join(' ') }), ...read.findings);
  return out;
}

function describe(names: string[]): string {
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  return `${names.length > 1 ? 'pictures' : 'picture'} ${shown}`;
}

/** A block read from a picture: a picture has no page; its boxes are in the picture's points as shown. */
function withoutPage(block: Block): Block {
  const strip = (prov: Provenance): Provenance => {
    const { page: _page, ...rest } = prov;
    return rest;
  };
  if (block.kind === 'paragraph') return { ...block, prov: strip(block.prov) };
  return { ...block, prov: strip(block.prov), fields: block.fields.map((f) => ({ ...f, prov: strip(f.prov) })) };
}
