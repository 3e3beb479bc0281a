/**
 * Tables pasted as pictures, in every format: a report whose text prints none of the tables' words, beside
 * large pictures, has its tables in those pictures. PDF pages are read by OCR inside their pictures
 * (pdf/pdf.ts); the pictures of a Word file or a web page are drawn at the size the document shows them and
 * read by OCR like scanned pages (ocr/ocr-pictures.ts), their rows taking the pictures' places in the
 * document. The OCR modules load only when a document has such pictures.
 */
import { finding, type Finding } from '../findings.js';
import type { Block, Provenance } from '../types.js';
import type { ExtractOptions } from './index.js';
import type { Picture } from './ocr/ocr-pictures.js';

/**
 * Words that every layout's tables print and prose does not (column and row labels of sections 二, 三 and 四,
 * FORMAT.md; not 行政复议, which the overview quotes): a text without any of them has its tables, if
 * anywhere, in pictures.
 */
const TABLE_WORDS = ['本年制发件数', '本年处理决定数量', '本年新收政府信息公开申请数量', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '结果维持', '结果纠正', '尚未审结'];

export function printsTableWords(text: string): boolean {
  const flat = text.replace(/\s+/g, '');
  return TABLE_WORDS.some((w) => flat.includes(w));
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
 * Reads by OCR the large pictures of a document whose text prints no table; nothing when it prints one (a
 * logo, a seal or a photo beside tables in text is left alone). `format` names the findings' rules.
 */
export async function readPicturedTables(
  format: 'docx' | 'html',
  text: string,
  pictures: readonly PlacedPicture[],
  page: { width: number; height: number },
  options: ExtractOptions,
): Promise<PicturesRead> {
  const out: PicturesRead = { blocks: new Map(), findings: [], ocrUsed: false };
  const large = pictures.flatMap((p, index) => (mayHoldTable(p, page) ? [{ p, index }] : []));
  if (large.length === 0 || printsTableWords(text)) return out;
  const rule = `${format}/pictured-tables`;
  const what = 'the text prints no table, beside large pictures — the tables may be pasted as pictures';
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
