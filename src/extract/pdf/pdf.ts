/**
 * Extract: PDF with a text layer, through pdfjs-dist (legacy build for Node) with its bundled cMaps and
 * standard fonts, and nothing fetched from the network. Each page becomes positioned words plus the ruling
 * lines it draws; the shared geometric builder (pdf-geometry.ts) turns those into paragraphs and grid rows.
 *
 * Pages without a usable text layer (glyphs drawn but no text; only pictures; mostly a picture with a
 * text layer lacking any digit; or a text layer of glyph numbers instead of text, garbled.ts) are listed in
 * `meta.ocrPages` with `meta.needsOcr = true` and a `pdf/needs-ocr` (or `pdf/garbled-text`) finding. So are the
 * pages with large pictures no text covers when the text layer prints no table (`pdf/pictured-tables`: tables
 * pasted as pictures). When an OCR function is given, those pages are read by it instead (their text layer is
 * dropped; on a page of pasted tables, only inside the pictures) and go through the same builder:
 *
 *   extractPdf(file, options, (file, pages) => ocrPages(file, pages))   // PageWords[] for the pages asked
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DocumentError, finding } from '../../findings.js';
import type { Finding } from '../../findings.js';
import type { LoadedFile } from '../../stages/load.js';
import type { Box, SourceDocument } from '../../types.js';
import type { PageWords, PositionedWord } from './geometry-types.js';
import type { ExtractOptions } from '../index.js';
import { isGarbledText } from './garbled.js';
import { noTableWords, tablesNotPrinted, TABLE_PICTURE_SHARE } from '../pictured-tables.js';
import { buildBlocks, centreInside } from './pdf-geometry.js';
import { readPageGraphics } from './pdf-rulings.js';
import type { Matrix, PathOps } from './pdf-rulings.js';
import { textWorker } from './pdf-text-worker.js';
import { importKeepingNatives } from './pdfjs-natives.js';

/** Reads the listed pages (1-based) of a PDF by OCR; returns their words in page points, origin top-left. */
export type PdfOcr = (file: LoadedFile, pages: number[]) => Promise<PageWords[]>;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

let pdfjsModule: Promise<PdfJs> | null = null;
/**
 * pdf.js, loaded on first use (it is large and most inputs are not PDFs), keeping the thread's native
 * built-ins (pdfjs-natives.ts). Enough for documents opened for text, which run on their own worker
 * (pdf-text-worker.ts); rendering needs `loadPdfJsForRendering`.
 */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjsModule ??= importKeepingNatives(() => import('pdfjs-dist/legacy/build/pdf.mjs'));
  return pdfjsModule;
}

/** A variable, not a literal: the worker module ships no type declarations, and nothing of it is used here. */
const PDFJS_WORKER_MODULE = 'pdfjs-dist/legacy/build/pdf.worker.mjs';

let renderingWorker: Promise<unknown> | null = null;
/**
 * pdf.js with its own worker module loaded, for every document not opened for text (rendering: OCR, page
 * images). The worker's code runs in this thread (pdf.js's "fake worker" in Node); pdf.js would import the
 * module at the first such document, and its copy of core-js would then replace the built-ins for good. It
 * is imported here instead, keeping them, and pdf.js's fake worker finds it registered. A thread that only
 * reads text never loads it (~10 MB).
 */
export async function loadPdfJsForRendering(): Promise<PdfJs> {
  const pdfjs = await loadPdfJs();
  renderingWorker ??= importKeepingNatives(() => import(PDFJS_WORKER_MODULE));
  await renderingWorker;
  return pdfjs;
}

let assetFolders: { cMapUrl: string; standardFontDataUrl: string } | null = null;
/** Filesystem folders of pdf.js's cMaps and standard fonts; pdf.js wants them ending in '/'. Resolved once. */
function pdfjsAssets(): { cMapUrl: string; standardFontDataUrl: string } {
  if (!assetFolders) {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('pdfjs-dist/package.json'));
    assetFolders = { cMapUrl: join(root, 'cmaps') + '/', standardFontDataUrl: join(root, 'standard_fonts') + '/' };
  }
  return assetFolders;
}

type AssetKind = 'cMapUrl' | 'standardFontDataUrl' | 'wasmUrl';

/** The cMaps and standard fonts read so far in this thread, by path. */
const assetBytes = new Map<string, Promise<Uint8Array>>();

/**
 * pdf.js's `BinaryDataFactory`, reading each cMap and standard font from disk once per thread rather than once
 * per document: a PDF whose Chinese fonts are not embedded (SimSun and the like, through UniGB-UCS2-H) asks
 * for the same two cMaps and a standard font in every document. pdf.js constructs it with the folders given
 * to getDocument and calls `fetch`; an error makes pdf.js carry on without the file, as with its own factory.
 */
class CachedAssetFactory {
  private readonly folders: Partial<Record<AssetKind, string | null>>;

  constructor(folders: Partial<Record<AssetKind, string | null>>) {
    this.folders = folders;
  }

  async fetch({ kind, filename }: { kind: AssetKind; filename: string }): Promise<Uint8Array> {
    const folder = this.folders[kind];
    if (!folder) throw new Error(`pdf.js asked for ${filename}, but no ${kind} was given`);
    const path = folder + filename;
    let bytes = assetBytes.get(path);
    if (!bytes) {
      bytes = readFile(path).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      // A failed read is not kept: the next document tries again.
      bytes.catch(() => assetBytes.delete(path));
      assetBytes.set(path, bytes);
    }
    // Each document gets its own copy: pdf.js may transfer (detach) what it is given.
    return (await bytes).slice();
  }
}

export interface PdfPages {
  /** Words and ruling lines of every page, text layer as read (before any OCR). */
  pages: PageWords[];
  /** Pages without a usable text layer. */
  ocrPages: number[];
  /** Of those, the pages whose text layer is glyph numbers, not text (a font without a usable Unicode map). */
  garbledPages: number[];
  /**
   * Of those, the pages with a large picture no text covers, in a text layer that lacks a table (tables pasted as
   * pictures), with the pictures' boxes: OCR reads what is in them, the text layer stays for the rest.
   */
  picturePages: Map<number, Box[]>;
  /** The sections whose table the text layer prints none of the words of, when picture pages are read for them. */
  tablesNotInText: string[];
  numPages: number;
}

/** Reads every page's words and ruling lines from the text layer; throws DocumentError when it cannot. */
export async function readPdfPages(file: LoadedFile, options: ExtractOptions = {}): Promise<PdfPages> {
  const pdfjs = await loadPdfJs();
  const doc = await openPdf(pdfjs, file, { textOnly: true });
  try {
    if (options.maxPages !== undefined && doc.numPages > options.maxPages) {
      throw new DocumentError(
        'extract',
        `the PDF has ${doc.numPages} pages, over the limit of ${options.maxPages}; raise --max-pages to process it`,
      );
    }
    const pages: PageWords[] = [];
    const ocrPages: number[] = [];
    const garbledPages: number[] = [];
    const picturePages = new Map<number, Box[]>();
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const read = await readPage(pdfjs, page, n);
      if (read.needsOcr || read.garbled) ocrPages.push(n);
      else if (read.textFreePictures.length > 0) picturePages.set(n, read.textFreePictures);
      if (read.garbled) garbledPages.push(n);
      pages.push(read.words);
      page.cleanup();
    }
    // Tables pasted as pictures: read the pages with a large picture no text covers, but only when the text
    // layer lacks a table — a banner or a photo beside every table in text is left alone.
    const missing = picturePages.size > 0 ? tablesNotPrinted(pages.map((p) => p.words.map((w) => w.text).join('')).join('')) : [];
    const tablesInPictures = missing.length > 0;
    if (tablesInPictures) ocrPages.push(...picturePages.keys());
    ocrPages.sort((a, b) => a - b);
    return { pages, ocrPages, garbledPages, picturePages: tablesInPictures ? picturePages : new Map(), tablesNotInText: missing, numPages: doc.numPages };
  } finally {
    await doc.destroy();
  }
}

export async function extractPdf(file: LoadedFile, options: ExtractOptions = {}, ocr?: PdfOcr): Promise<SourceDocument> {
  const { pages, ocrPages, garbledPages, picturePages, tablesNotInText, numPages } = await readPdfPages(file, options);
  const result: SourceDocument = { format: 'pdf', blocks: [], findings: [], pages: numPages, meta: { pdfPages: numPages } };
  if (ocrPages.length > 0) {
    result.meta.needsOcr = true;
    result.meta.ocrPages = ocrPages.join(',');
    if (ocr) {
      const read = await ocr(file, ocrPages);
      for (const pw of read) {
        const i = pages.findIndex((p) => p.page === pw.page);
        const pictures = picturePages.get(pw.page);
        if (i >= 0) pages[i] = pictures ? withPicturesRead(pages[i]!, pw, pictures) : pw;
      }
      result.meta.ocrUsed = true;
      if (garbledPages.length > 0) result.findings.push(garbledFinding(garbledPages, true));
      if (picturePages.size > 0) result.findings.push(picturedTablesFinding([...picturePages.keys()], tablesNotInText, true));
    } else {
      const scanned = ocrPages.filter((n) => !garbledPages.includes(n) && !picturePages.has(n));
      const many = scanned.length > 1;
      if (scanned.length > 0) {
        result.findings.push(
          finding(
            'pdf/needs-ocr',
            'warning',
            `page${many ? 's' : ''} ${scanned.join(', ')} ha${many ? 've' : 's'} no usable text layer (scanned, or text drawn as pictures) and need${many ? '' : 's'} OCR`,
            { prov: { page: scanned[0]! } },
          ),
        );
      }
      if (garbledPages.length > 0) result.findings.push(garbledFinding(garbledPages, false));
      if (picturePages.size > 0) result.findings.push(picturedTablesFinding([...picturePages.keys()], tablesNotInText, false));
    }
  }
  result.blocks = buildBlocks(pages);
  // For the record, and for the pages/s the progress bar shows.
  result.meta.pages = numPages;
  return result;
}

/** Pages whose text layer is glyph numbers: read by OCR (info), or left unread with OCR off (warning). */
function garbledFinding(pages: number[], ocrUsed: boolean): Finding {
  const what = 'the text layer does not read as Chinese (a font without a usable Unicode map gives glyph numbers, not characters)';
  return ocrPagesFinding('pdf/garbled-text', pages, what, ocrUsed, 'read by OCR instead');
}

/** Pages with a picture no text covers, in a PDF whose text lacks a table: read by OCR (info), or not (warning). */
function picturedTablesFinding(pages: number[], missing: readonly string[], ocrUsed: boolean): Finding {
  const what = `a large picture with no text over it, and ${noTableWords('the text layer', missing)} — the tables may be pasted as pictures`;
  return ocrPagesFinding('pdf/pictured-tables', pages, what, ocrUsed, 'read by OCR');
}

/** "pages 2, 3: <what>; they were <read>" (info) or "…; they need OCR" (warning, OCR off). */
function ocrPagesFinding(rule: string, pages: number[], what: string, ocrUsed: boolean, read: string): Finding {
  const many = pages.length > 1;
  const outcome = ocrUsed ? `${many ? 'they were' : 'it was'} ${read}` : `${many ? 'they need' : 'it needs'} OCR`;
  return finding(rule, ocrUsed ? 'info' : 'warning', `page${many ? 's' : ''} ${pages.join(', ')}: ${what}; ${outcome}`, { prov: { page: pages[0]! } });
}

/** A complete PDF ends with %%EOF (perhaps followed by an incremental update or a little junk). */
function hasEndMarker(bytes: Buffer): boolean {
  return bytes.lastIndexOf('%%EOF', undefined, 'latin1') !== -1;
}

/** What a document is opened for: its text and drawings (the extractor), or rendering its pages. */
export interface OpenPdfOptions {
  /**
   * Only text and operator lists will be read, nothing rendered (default: false): the document runs on the
   * text-only worker (pdf-text-worker.ts: what only a renderer needs is left out) and builds no glyph paths.
   */
  textOnly?: boolean;
}

/** Opens a PDF with pdf.js (also used by the review server to render pages). */
export async function openPdf(pdfjs: PdfJs, file: LoadedFile, options: OpenPdfOptions = {}): Promise<PdfDocument> {
  if (!hasEndMarker(file.bytes)) {
    throw new DocumentError('extract', 'the PDF is truncated (no %%EOF end marker): the download was probably cut short; download it again');
  }
  // Text: the text-only worker; anything else pdf.js's own worker, which must be loaded first.
  let worker: Awaited<ReturnType<typeof textWorker>> | undefined;
  if (options.textOnly) worker = await textWorker(pdfjs);
  else await loadPdfJsForRendering();
  // pdf.js takes a Uint8Array (a Buffer throws) and detaches it: give it a copy.
  const data = new Uint8Array(file.bytes);
  const task = pdfjs.getDocument({
    data,
    ...pdfjsAssets(),
    BinaryDataFactory: CachedAssetFactory,
    cMapPacked: true,
    disableFontFace: true,
    isEvalSupported: false,
    useSystemFonts: false,
    useWorkerFetch: false,
    stopAtErrors: false,
    verbosity: 0,
    ...(worker ? { disableFontFace: false, ownerDocument: fontDiscardingDocument(), worker } : {}),
  });
  try {
    return await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    throw explainOpenError(e);
  }
}

/**
 * For reading text only. With `disableFontFace` (pdf.js's default in Node, right for rendering on a canvas),
 * pdf.js turns every glyph a page draws into a path while it builds the operator list, for a canvas this
 * extractor never uses: 7% of the CPU of a text-layer PDF. With font faces enabled instead, pdf.js hands
 * each embedded font to its font loader as a CSS @font-face rule in `ownerDocument` (Node has no document
 * of its own); this stand-in document drops the rules. The text content and the operators are the same
 * either way: only what the canvas would draw glyphs with differs.
 */
function fontDiscardingDocument(): object {
  const sheet = { cssRules: [] as string[], insertRule: (_rule: string, index: number): number => index };
  const style = { sheet, remove: (): void => undefined };
  return {
    createElement: () => style,
    documentElement: { getElementsByTagName: () => [{ append: (): void => undefined }] },
  };
}

function explainOpenError(e: unknown): DocumentError {
  const name = (e as { name?: string } | null)?.name ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'PasswordException') {
    return new DocumentError('extract', 'the PDF is encrypted with a password; open it with the password and save an unprotected copy');
  }
  if (name === 'InvalidPDFException') {
    return new DocumentError('extract', `the PDF is damaged or truncated and cannot be read (${message})`);
  }
  return new DocumentError('extract', `the PDF cannot be read (${message})`);
}

interface ReadPage {
  words: PageWords;
  needsOcr: boolean;
  /** The text layer is glyph numbers read as characters: the page is read from its picture. */
  garbled: boolean;
  /** The pictures of at least TABLE_PICTURE_SHARE of the page with no word of the text layer over them. */
  textFreePictures: Box[];
}

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

async function readPage(pdfjs: PdfJs, page: PdfPage, n: number): Promise<ReadPage> {
  const viewport = page.getViewport({ scale: 1 });
  const vt = viewport.transform as Matrix;
  let content: Awaited<ReturnType<PdfPage['getTextContent']>>;
  let opList: Awaited<ReturnType<PdfPage['getOperatorList']>>;
  try {
    content = await page.getTextContent();
    opList = await page.getOperatorList();
  } catch (e) {
    throw new DocumentError('extract', `page ${n} of the PDF is damaged and cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  const words: PositionedWord[] = [];
  for (const item of content.items) {
    if (!('str' in item)) continue;
    words.push(...itemWords(item as TextItem, vt, pdfjs));
  }
  const ops = pdfjs.OPS as unknown as PathOps & Record<string, number>;
  const { rulings, images } = readPageGraphics(opList.fnArray, opList.argsArray as unknown[], ops, vt);
  const glyphs = countGlyphOps(opList.fnArray, ops);
  const text = words.map((w) => w.text).join('');
  const noText = text.trim() === '';
  const pictured = pictureCoverage(images, viewport.width, viewport.height);
  // Glyphs drawn but no text read (a font without a usable encoding), a page that is only pictures, or a
  // page mostly covered by a picture whose text layer has no digit at all (a scan with a poor or partial
  // OCR layer): the page needs OCR.
  const needsOcr = (noText && (glyphs > 0 || images.length > 0)) || (pictured >= 0.3 && !/\d/.test(text));
  return {
    words: { page: n, width: viewport.width, height: viewport.height, words, rulings },
    needsOcr,
    garbled: !needsOcr && isGarbledText(text),
    textFreePictures: textFreePictures(images, words, viewport.width, viewport.height),
  };
}

function countGlyphOps(fnArray: ArrayLike<number>, ops: Record<string, number>): number {
  const glyphOps = new Set([ops.showText, ops.showSpacedText, ops.nextLineShowText, ops.nextLineSetSpacingShowText]);
  let glyphs = 0;
  for (let i = 0; i < fnArray.length; i++) if (glyphOps.has(fnArray[i]!)) glyphs++;
  return glyphs;
}

/**
 * A picture too big for a seal or a logo (a sec4 table pasted as a picture covers ~13% of an A4 page), with no
 * word of the text layer over it: its content, if it is a table, is in no text.
 */
function textFreePictures(images: Box[], words: PositionedWord[], width: number, height: number): Box[] {
  return images.filter((b) => pictureShare(b, width, height) >= TABLE_PICTURE_SHARE && !words.some((word) => centreInside(word.box, b)));
}

/**
 * A page whose tables are pictures: OCR's words and rulings inside the pictures, the text layer's elsewhere (its
 * prose is exact, and its fonts may not even render: a font the PDF names but does not embed).
 */
function withPicturesRead(textLayer: PageWords, ocr: PageWords, pictures: Box[]): PageWords {
  const inPicture = (box: Box) => pictures.some((p) => centreInside(box, p));
  return {
    ...ocr,
    words: [...textLayer.words.filter((w) => !inPicture(w.box)), ...ocr.words.filter((w) => inPicture(w.box))],
    rulings: [...textLayer.rulings.filter((r) => !inPicture(r)), ...ocr.rulings.filter((r) => inPicture(r))],
  };
}

/** The share of the page covered by its largest picture (pictures of a scan overlap or tile; the largest is enough). */
function pictureCoverage(images: Box[], width: number, height: number): number {
  let best = 0;
  for (const b of images) best = Math.max(best, pictureShare(b, width, height));
  return best;
}

/** The share of the page a picture covers (the part of it on the page). */
function pictureShare(b: Box, width: number, height: number): number {
  const w = Math.max(0, Math.min(b.x1, width) - Math.max(b.x0, 0));
  const h = Math.max(0, Math.min(b.y1, height) - Math.max(b.y0, 0));
  return (w * h) / (width * height);
}

/**
 * Turns a pdf.js text item into words with boxes in top-left page points. An item holding runs of spaces
 * ("0    0    0", as some generators write a whole row) is cut at them, the pieces placed in proportion.
 */
function itemWords(item: TextItem, vt: Matrix, pdfjs: PdfJs): PositionedWord[] {
  // Control characters, U+FFFD and private-use code points are what pdf.js gives for glyphs whose font has
  // no Unicode mapping: they are not text.
  const str = item.str.replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd\ue000-\uf8ff]/g, '');
  if (str.trim() === '') return [];
  const m = pdfjs.Util.transform(vt, item.transform) as number[];
  // Rotated or vertical text (a watermark, a stamp, a side note) is not part of the lines and tables.
  if (Math.abs(m[1]!) > 0.1 * Math.abs(m[0]!) || Math.abs(m[2]!) > 0.1 * Math.abs(m[3]!)) return [];
  const size = Math.hypot(m[2]!, m[3]!) || Math.abs(item.height) || 1;
  const x = m[4]!;
  const baseline = m[5]!;
  const width = item.width > 0 ? item.width : size * str.length * 0.6;
  const y0 = baseline - 0.88 * size;
  const y1 = baseline + 0.12 * size;
  const pieces = [...str.matchAll(/\S+(?:\s(?!\s)\S+)*/g)];
  if (pieces.length <= 1) return [{ text: str.trim(), box: { x0: x, y0, x1: x + width, y1 } }];
  const units = (s: string) => [...s].reduce((a, c) => a + (c.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  const total = units(str) || 1;
  return pieces.map((p) => {
    const start = units(str.slice(0, p.index));
    const len = units(p[0]);
    return { text: p[0], box: { x0: x + (width * start) / total, y0, x1: x + (width * (start + len)) / total, y1 } };
  });
}
