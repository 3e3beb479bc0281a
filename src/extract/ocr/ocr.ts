/**
 * OCR for PDF pages without a usable text layer: render each page (pdfjs-dist + @napi-rs/canvas),
 * deskew it, find its ruling lines, and read it with tesseract.js and the chi_sim data shipped in
 * the `@tesseract.js-data/chi_sim` package (never downloaded: `langPath` points into node_modules).
 *
 * The result is the same currency as the text layer — `PageWords`, words with boxes in page points
 * plus ruling lines — so one geometric table builder serves both. Coordinates are those of the
 * deskewed page (a rotation of at most about a degree around the page centre).
 *
 * Reading, in passes (each with its own tesseract scheduler):
 * 1. page: the whole page, rulings erased, chi_sim best_int with automatic segmentation — headings,
 *    paragraphs, and a first reading of every table cell;
 * 2. figure: every ruled cell with ink that the page pass did not read as a sure label is cut out and
 *    read alone as one block with a digits whitelist (chi_sim 4.0.0, which reads lone "0"s that
 *    best_int misses, and with higher confidence); a doubtful reading is tried again at 180 dpi, where lone blurred digits of a
 *    150 dpi scan are read best;
 * 3. label: a cell the page pass read as Chinese with low confidence, or whose figure reading is doubtful
 *    or covers only part of its ink, is read alone as a block of Chinese (best_int).
 * "Alone" means on its own lines, apart from its neighbours: the cells a pass reads on a page are stacked
 * into a mosaic (ocr-mosaic.ts) and read in a few calls, each word given back to its cell by its box.
 * Images go to tesseract as PGM (no PNG encoding or decoding); a worker thread keeps its engine from one
 * document to the next.
 * Inside a cell, the words of one tesseract line are joined, so wrapped labels keep their order.
 * Measured with scripts/bench/ocr-accuracy.ts on the five scanned samples (see the issue note).
 */
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Canvas } from '@napi-rs/canvas';
import { createScheduler, createWorker, type Page, type Scheduler } from 'tesseract.js';
import PQueue from 'p-queue';
import type { PDFDocumentProxy } from 'pdfjs-dist/types/src/display/api.js';
import { finding, type Finding } from '../../findings.js';
import { reportProgress } from '../../progress.js';
import type { LoadedFile } from '../../stages/load.js';
import type { Box } from '../../types.js';
import type { PageWords, PositionedWord, RulingLine } from '../pdf/geometry-types.js';
import { centreInside, unionBox } from '../pdf/pdf-geometry.js';
import { loadPdfJsForRendering } from '../pdf/pdf.js';
import { cropGrey, cropZoomedGrey, deskew, eraseRulings, greyOf, inkBounds, inkIn, pgmOf, renderPage, scaledCanvas, whitenPaper, type RenderedPage } from './ocr-image.js';
import { chunkByHeight, slotOf, stackImages } from './ocr-mosaic.js';
import {
  binarize,
  cellsFromRulings,
  estimateSkew,
  findRulings,
  type GreyImage,
  type PixelCell,
  type PixelRuling,
} from './ocr-rulings.js';

/** Which chi_sim model of the package: `best_int` (4.0.0_best_int, small) or `standard` (4.0.0). */
export type OcrModel = 'best_int' | 'standard';

export interface OcrOptions {
  /** Rendering resolution; the scans carry 150–200 dpi images, rendering above that upsamples them for tesseract. */
  dpi?: number;
  /** Resolution of the whole-page pass (the page is scaled down from `dpi` when lower; cells are read at `dpi`). */
  pageDpi?: number;
  /** Number of tesseract workers per pass; default one per core (one inside a document worker thread). */
  workers?: number;
  /** Time limit for one page, in milliseconds. */
  pageTimeoutMs?: number;
  /** Model of the whole-page pass. */
  model?: OcrModel;
  /** Model of the label pass (label cells the page pass read with low confidence, re-read alone). */
  labelModel?: OcrModel;
  /** Model of the figure pass. */
  figureModel?: OcrModel;
  /** Page segmentation mode of the figure pass. */
  figurePsm?: string;
  /** Re-read figure cells with a digits whitelist (on by default). */
  digitPass?: boolean;
  /** Page segmentation mode of the whole-page pass. */
  pagePsm?: string;
  /**
   * Let tesseract read a line again inverted (white on black) when it read it with low confidence
   * (its `tessedit_do_invert`, on by default in tesseract). Off by default: these scans are black on white.
   */
  invert?: boolean;
  /**
   * Render and prepare the next page while tesseract reads this one (one page more in flight than there are
   * workers). Its JavaScript (~1 s a page: render, deskew, rulings) and a page's cell passes then run beside
   * the next page pass, on another core: worth it only when the machine has a core to spare.
   */
  overlap?: boolean;
  /** Keep a figure the page pass read surely (isSurePageFigure) rather than read its cell again in the figure pass. */
  trustPageFigures?: boolean;
}

export const OCR_DEFAULTS = {
  dpi: 300,
  pageDpi: 300,
  pageTimeoutMs: 180_000,
  model: 'best_int' as OcrModel,
  // Measured on the scanned fixtures (scripts/bench/ocr-accuracy.ts): the full 4.0.0 model with PSM 6 reads
  // lone "0" cells that best_int or PSM 7 often return empty, and reads figures surely (with best_int:
  // the same cells right, but 41 right figures under 80% confidence instead of 1). For labels both
  // models gave the same result; best_int is smaller and faster.
  figureModel: 'standard' as OcrModel,
  labelModel: 'best_int' as OcrModel,
  figurePsm: '6',
  digitPass: true,
  pagePsm: '3',
  // Measured on the scanned fixtures: tesseract's inverted second reading of doubtful lines cost ~7% of the
  // page pass's CPU (up to a quarter on a table page) and read nothing the accuracy check needs.
  invert: false,
  trustPageFigures: true,
};

/** A page read by OCR: its words and rulings, plus what the reading measured. */
export interface OcrPage extends PageWords {
  skewDegrees: number;
  /** Number of ruled table cells found. */
  cells: number;
  /** Cells whose page-pass reading was replaced by a reading of the cell alone (figure or label pass). */
  digitCells: number;
}

/** Characters a figure cell may hold. */
const DIGIT_WHITELIST = '0123456789.-';

/** Where the chi_sim data of the `@tesseract.js-data/chi_sim` package lives, per model. */
export function chiSimLangPath(model: OcrModel): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tesseract.js-data/chi_sim/package.json');
  return pkg.replace(/package\.json$/, model === 'best_int' ? '4.0.0_best_int' : '4.0.0');
}

export type Pass = 'page' | 'label' | 'figure';

/** Each pass's model and tesseract parameters (tesseract parameters are per worker, so each pass has its own workers). */
export function passSettings(options: OcrOptions = {}): Record<Pass, { model: OcrModel; params: Record<string, string> }> {
  const dpi = String(options.dpi ?? OCR_DEFAULTS.dpi);
  const invert = { tessedit_do_invert: (options.invert ?? OCR_DEFAULTS.invert) ? '1' : '0' };
  return {
    page: {
      model: options.model ?? OCR_DEFAULTS.model,
      params: { tessedit_pageseg_mode: options.pagePsm ?? OCR_DEFAULTS.pagePsm, preserve_interword_spaces: '1', user_defined_dpi: String(pageDpiOf(options)), ...invert },
    },
    label: {
      model: options.labelModel ?? OCR_DEFAULTS.labelModel,
      params: { tessedit_pageseg_mode: '6', preserve_interword_spaces: '1', user_defined_dpi: dpi, ...invert },
    },
    figure: {
      model: options.figureModel ?? OCR_DEFAULTS.figureModel,
      params: { tessedit_pageseg_mode: options.figurePsm ?? OCR_DEFAULTS.figurePsm, tessedit_char_whitelist: DIGIT_WHITELIST, user_defined_dpi: dpi, ...invert },
    },
  };
}

/**
 * Three tesseract schedulers, a worker per core each — tesseract parameters are per worker, so each
 * pass has its own: whole pages (auto segmentation), label cells (one block of Chinese) and figure cells
 * (one block, digits whitelist).
 */
export class OcrEngine {
  private constructor(
    private readonly schedulers: Record<Pass, Scheduler>,
    readonly workers: number,
  ) {}

  static async start(options: OcrOptions = {}): Promise<OcrEngine> {
    // A worker per core; inside a document worker thread (ogi ingest), documents already run in
    // parallel, one per core, so each reads its pages with one worker per pass.
    const workers = Math.max(1, options.workers ?? (isMainThread ? availableParallelism() : 1));
    const passes = passSettings(options);
    const schedulers: Record<Pass, Scheduler> = { page: createScheduler(), label: createScheduler(), figure: createScheduler() };
    const engine = new OcrEngine(schedulers, workers);
    try {
      // The passes' workers start together, each loading its model on its own thread (start-up 1.8 → 1.4 s
      // here on an idle machine). Each joins its scheduler as soon as it exists, so that close() ends it if
      // another fails to start.
      await Promise.all(
        (Object.keys(passes) as Pass[]).flatMap((pass) =>
          Array.from({ length: workers }, async () => {
            const { model, params } = passes[pass];
            // gzip: the package ships chi_sim.traineddata.gz; cacheMethod 'none': nothing written to the working folder.
            const worker = await createWorker('chi_sim', 1, { langPath: chiSimLangPath(model), gzip: true, cacheMethod: 'none' });
            schedulers[pass].addWorker(worker);
            // The typings want the PSM enum; tesseract takes the same digits as a string.
            await worker.setParameters(params as Parameters<typeof worker.setParameters>[0]);
          }),
        ),
      );
    } catch (e) {
      await engine.close();
      throw e;
    }
    return engine;
  }

  read(pass: Pass, image: Buffer): Promise<Page> {
    return this.schedulers[pass].addJob('recognize', image, {}, { blocks: true, text: false }).then((r) => r.data);
  }

  /** Terminates every worker; safe to call twice. */
  async close(): Promise<void> {
    await Promise.allSettled(Object.values(this.schedulers).map((s) => s.terminate()));
  }
}

/** Opens a PDF file's bytes and OCRs the listed pages. */
export async function ocrPdfFile(file: LoadedFile, pages: number[], options: OcrOptions = {}): Promise<{ pages: OcrPage[]; findings: Finding[] }> {
  // pdf.js with its own worker, loaded keeping the thread's built-ins (src/extract/pdf/pdfjs-natives.ts).
  const pdfjs = await loadPdfJsForRendering();
  // pdf.js detaches the array it is given: give it a copy.
  // cMaps and standard fonts from the package, so pages whose text is drawn (not scanned) render right.
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const task = pdfjs.getDocument({
    data: new Uint8Array(file.bytes),
    cMapUrl: join(root, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(root, 'standard_fonts') + '/',
    isEvalSupported: false,
    verbosity: 0,
  });
  const pdf = await task.promise;
  try {
    return await ocrPdfPages(pdf, pages, options, await engineOfThisThread(options));
  } finally {
    await pdf.destroy();
  }
}

/**
 * In a document worker thread (ogi ingest), one engine reads every scanned document the thread is given:
 * starting one (three tesseract workers, their models unpacked) takes ~3 s and its first page ~2 s more,
 * as much as reading a page or two. The thread's end terminates its tesseract workers with it. In the main
 * thread each document starts and closes its own engine, so that a one-off command exits when done.
 */
let shared: { key: string; engine: Promise<OcrEngine> } | undefined;

/** The engine a document reads its pages with: the worker thread's shared one, or (main thread) none — one of its own. */
export async function engineOfThisThread(options: OcrOptions): Promise<OcrEngine | undefined> {
  return isMainThread ? undefined : threadEngine(options);
}

function threadEngine(options: OcrOptions): Promise<OcrEngine> {
  const key = JSON.stringify(options, Object.keys(options).sort());
  if (shared?.key !== key) {
    const previous = shared;
    shared = { key, engine: OcrEngine.start(options) };
    // Options differ (not the case within one ingest): the old engine is of no more use.
    if (previous) void previous.engine.then((e) => e.close(), () => undefined);
    // An engine that failed to start is not kept: the next document tries again.
    const mine = shared;
    mine.engine.catch(() => {
      if (shared === mine) shared = undefined;
    });
  }
  return shared.engine;
}

/** Stops the thread's engine if it is this one (a page ran out of time and may still hold its workers). */
async function retireThreadEngine(engine: OcrEngine): Promise<void> {
  if (!shared) return;
  const current = await shared.engine.catch(() => undefined);
  if (current !== engine) return;
  shared = undefined;
  await engine.close();
}

/**
 * OCRs the given 1-based pages of a loaded PDF. Pages that fail or run out of time yield no words and
 * a finding; the others are returned in page order.
 */
export function ocrPdfPages(
  pdf: PDFDocumentProxy,
  pageNumbers: number[],
  options: OcrOptions = {},
  engine?: OcrEngine,
): Promise<{ pages: OcrPage[]; findings: Finding[] }> {
  return readQueued(pageNumbers, 'page', (n, ocr) => readPdfPage(pdf, n, ocr, options), options, engine);
}

/**
 * Reads numbered page images (PDF pages, or pictures of a document) with an engine of its own or the given one:
 * rendering runs on this thread and the reading in the workers — an image per worker in flight keeps them busy
 * without holding every rendered image in memory; with `overlap`, one more is being prepared. An image that
 * fails or runs out of time yields no words and a finding (`what` n could not be read); the others come back in order.
 */
export async function readQueued(
  numbers: number[],
  what: 'page' | 'picture',
  readOne: (n: number, ocr: OcrEngine) => Promise<OcrPage>,
  options: OcrOptions = {},
  engine?: OcrEngine,
): Promise<{ pages: OcrPage[]; findings: Finding[] }> {
  const own = engine === undefined;
  const ocr = engine ?? (await OcrEngine.start(options));
  const findings: Finding[] = [];
  const timeout = options.pageTimeoutMs ?? OCR_DEFAULTS.pageTimeoutMs;
  const queue = new PQueue({ concurrency: ocr.workers + (options.overlap ? 1 : 0) });
  let read = 0;
  let timedOut = false;
  try {
    const results = await Promise.all(
      numbers.map((n) =>
        queue.add(async () => {
          try {
            const page = await withTimeout(readOne(n, ocr), timeout, `${what} ${n}`);
            reportProgress({ done: ++read, total: numbers.length });
            return page;
          } catch (e) {
            if (e instanceof OcrTimeoutError) timedOut = true;
            const why = e instanceof Error ? e.message : String(e);
            findings.push(finding(`ocr/${what}-unread`, 'error', `${what} ${n} could not be read by OCR: ${why}`, what === 'page' ? { prov: { page: n } } : {}));
            return null;
          }
        }),
      ),
    );
    return { pages: results.filter((p): p is OcrPage => p !== null && p !== undefined), findings };
  } finally {
    if (own) await ocr.close();
    // A page out of time goes on in tesseract: a shared engine would make the next document wait for it.
    else if (timedOut) await retireThreadEngine(ocr);
  }
}

class OcrTimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OcrTimeoutError(`${what} took over ${Math.round(ms / 1000)} s (the per-page limit)`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** Reads one page of a PDF: render it, then read the image (readPageImage). */
export async function readPdfPage(pdf: PDFDocumentProxy, pageNumber: number, ocr: OcrEngine, options: OcrOptions = {}): Promise<OcrPage> {
  const page = await pdf.getPage(pageNumber);
  const rendered = await renderPage(page, options.dpi ?? OCR_DEFAULTS.dpi);
  const [, , width, height] = page.view as [number, number, number, number];
  page.cleanup();
  return readPageImage({ ...rendered, width, height }, pageNumber, ocr, options);
}

/** A page as an image: a rendered PDF page, or a picture drawn at the size its document shows it. */
export interface PageImage extends RenderedPage {
  /** The page's size in points (the image is `scale` pixels per point). */
  width: number;
  height: number;
}

/** Reads a page image: deskew, rulings, whole-page pass, digit pass on figure cells. Words in page points. */
export async function readPageImage(rendered: PageImage, pageNumber: number, ocr: OcrEngine, options: OcrOptions = {}): Promise<OcrPage> {
  const dpi = options.dpi ?? OCR_DEFAULTS.dpi;
  const { width: pageWidth, height: pageHeight } = rendered;
  const skew = estimateSkew(rendered.grey, binarize(rendered.grey));
  const skewed = Math.abs(skew) >= 0.01;
  const upright = skewed ? deskew(rendered.canvas, skew) : rendered.canvas;
  // The upright page's grey levels: the rendering's own when it was not turned.
  const grey = skewed ? greyOf(upright) : rendered.grey;
  const { horizontal, vertical } = findRulings(grey);
  const cells = cellsFromRulings(horizontal, vertical);
  const rulings = [...horizontal, ...vertical];
  // From here `grey` is the page as tesseract reads it, rulings erased; its ink mask, and the page and cell images cut from it.
  eraseRulings(upright, rulings, Math.max(1, Math.round(dpi / 150)), grey);
  const inkMask = binarize(grey);

  const s = rendered.scale;
  const pageZoom = pageDpiOf(options) / dpi;
  const pageImage = pageZoom < 1 ? greyOf(scaledCanvas(upright, pageZoom)) : grey;
  const pageResult = await ocr.read('page', pgmOf(pageImage));
  let words = tesseractWords(pageResult, 0, 0, s * pageZoom);

  let digitCells = 0;
  if (options.digitPass ?? OCR_DEFAULTS.digitPass) {
    const reads = await readCells({ ocr, cells, words, grey, inkMask, upright, dpi, scale: s, trustPageFigures: options.trustPageFigures ?? OCR_DEFAULTS.trustPageFigures });
    for (const r of reads) {
      digitCells += 1;
      // The cell's own reading replaces what the page pass read there, even if it is empty:
      // a cell the figure pass cannot read must not keep a page-pass guess.
      const drop = new Set(r.inside);
      words = words.filter((w) => !drop.has(w));
      words.push(...r.replacement);
    }
  }
  words = joinLinesInCells(words, cells, s);

  return {
    page: pageNumber,
    width: pageWidth,
    height: pageHeight,
    words,
    rulings: rulings.map((r) => toPoints(r, s)),
    skewDegrees: skew,
    cells: cells.length,
    digitCells,
  };
}

/** The whole-page pass's resolution: never above the rendering's. */
function pageDpiOf(options: OcrOptions): number {
  const dpi = options.dpi ?? OCR_DEFAULTS.dpi;
  return Math.min(dpi, options.pageDpi ?? (options.dpi !== undefined ? dpi : OCR_DEFAULTS.pageDpi));
}

/** What readCells needs of a page: its cells, the page pass's words, and the erased page's images. */
interface PageForCells {
  ocr: OcrEngine;
  cells: PixelCell[];
  words: OcrWord[];
  /** The upright page with rulings erased, grey, its ink mask, and its canvas (for resampled crops). */
  grey: GreyImage;
  inkMask: Uint8Array;
  upright: Canvas;
  dpi: number;
  /** Pixels per page point. */
  scale: number;
  /** Keep the page pass's sure figures instead of reading them again (OcrOptions.trustPageFigures). */
  trustPageFigures: boolean;
}

/** A cell read alone: the page-pass words it replaces, and its own reading. */
interface CellReading {
  inside: OcrWord[];
  replacement: OcrWord[];
}

/** A cell on its way through the label and figure passes. */
interface CellWork {
  cell: PixelCell;
  /** The bounds of its ink inside its rulings, in pixels. */
  ink: InkBox | null;
  /** The part of the page its images are cut from (see frameOf), in pixels: x0, y0, x1, y1. */
  frame: Frame;
  inside: OcrWord[];
  /** The cell's image: the cell inside its rulings (inset), its paper made white, with a white border. */
  image: GreyImage;
  label?: OcrWord[];
  figure?: OcrWord[];
  /** Decided: undefined while open, null to keep the page pass's reading. */
  outcome?: CellReading | null;
}

/** A region of the page in pixels: x0, y0, x1, y1. */
type Frame = readonly [number, number, number, number];

type InkBox = NonNullable<ReturnType<typeof inkBounds>>;

/** A cell this many times taller than its ink is read from the band of its ink only. */
const TALL_CELL = 3;

/**
 * Where a cell's images are cut from: inside its rulings; for a cell much taller than its ink — a figure at the
 * top of a row whose label is wrapped over four lines in a narrow column — the band of its ink, as tall again
 * above and below. Whole, such a cell is mostly white, and tesseract read nothing in it ("0" lost in every cell of
 * a page of tall rows).
 */
function frameOf(inner: Frame, ink: InkBox | null): Frame {
  const [x0, y0, x1, y1] = inner;
  if (!ink) return inner;
  const h = ink.y1 - ink.y0 + 1;
  if (y1 - y0 <= TALL_CELL * h) return inner;
  return [x0, Math.max(y0, ink.y0 - h), x1, Math.min(y1, ink.y1 + h)];
}

/**
 * Reads again, alone, every ruled cell with ink that the page pass did not read as a sure label:
 * 1. a cell the page pass read as Chinese is read as a label; a label read surely is kept;
 * 2. the others are read as figures (digits whitelist); a doubtful figure is read again at 180 dpi, where
 *    the lone blurred digits of a 150 dpi scan are read best, and the surer reading is kept;
 * 3. a figure that covers only part of the cell's ink, or is very doubtful, may be a label: read as one.
 * Each step reads all its cells of the page in a few tesseract calls (a mosaic of the cell images), not
 * one call per cell. Returns the cells whose reading replaces the page pass's, in cell order.
 */
async function readCells(p: PageForCells): Promise<CellReading[]> {
  const { ocr, grey, inkMask, dpi, scale: s } = p;
  const inset = Math.max(2, Math.round(dpi / 100));
  const pad = Math.round(dpi / 15);
  const inner = (c: PixelCell) => [c.x0 + inset, c.y0 + inset, c.x1 - inset, c.y1 - inset] as const;
  // Words read in a cell image, placed on the page: the image's origin is its frame's corner less the border.
  const placed = (w: CellWork, words: ImageWord[][], i: number) => placeWords(words[i]!, w.frame[0] - pad, w.frame[1] - pad, 1, s);

  const work: CellWork[] = [];
  for (const cell of p.cells) {
    const inside = p.words.filter((w) => centreInside(w.box, cell, s));
    const box = inner(cell);
    if (!hasFigureInk(inkMask, grey.width, box, dpi) || isLabel(inside, SURE_LABEL)) continue;
    const ink = inkBounds(inkMask, grey.width, ...box);
    const frame = frameOf(box, ink);
    work.push({ cell, ink, frame, inside, image: whitenPaper(cropGrey(grey, ...frame, pad), pad) });
  }

  // 1. A label the page pass was unsure of (or a figure it misread as Chinese): read the cell alone.
  const labelFirst = work.filter((w) => cjkCount(w.inside) >= 2);
  // A label in the mosaic is taken as read (the decision below only asks whether it is one); measured:
  // the same cells right and flagged as with every unsure label read again alone, in fewer calls.
  const sureLabel = (words: ImageWord[], i: number) => isLabel(placed(labelFirst[i]!, [words], 0), LABEL);
  const labels = await readSurely(ocr, 'label', labelFirst.map((w) => w.image), pad, sureLabel);
  labelFirst.forEach((w, i) => {
    w.label = placed(w, labels, i);
    if (isLabel(w.label, LABEL)) w.outcome = meanConfidence(w.label) > meanConfidence(w.inside) ? { inside: w.inside, replacement: w.label } : null;
    else if (isLabel(w.inside, LABEL)) w.outcome = null;
  });

  // 2. Figures, and a second reading of the doubtful ones at FIGURE_RETRY_DPI.
  const open = work.filter((w) => w.outcome === undefined);
  const inkWidth = (w: CellWork) => (w.ink ? w.ink.x1 - w.ink.x0 : 0);
  // A figure the page pass already read surely is not read again (see isSurePageFigure).
  if (p.trustPageFigures) for (const w of open) if (isSurePageFigure(w.inside, inkWidth(w), s)) w.figure = w.inside.map(plainWord);
  const unread = open.filter((w) => w.figure === undefined);
  // Sure: read with confidence and across the cell's ink; anything less takes the slow path below.
  const sureFigure = (words: ImageWord[], i: number) => {
    const figure = mergeFigureWords(placed(unread[i]!, [words], 0))[0];
    return figure !== undefined && (figure.confidence ?? 0) >= RETRY_FIGURE_BELOW && (figure.box.x1 - figure.box.x0) * s >= 0.5 * inkWidth(unread[i]!);
  };
  const figures = await readSurely(ocr, 'figure', unread.map((w) => w.image), pad, sureFigure);
  unread.forEach((w, i) => (w.figure = mergeFigureWords(placed(w, figures, i))));
  const doubtful = open.filter((w) => (w.figure![0]?.confidence ?? 0) < RETRY_FIGURE_BELOW);
  const zoom = FIGURE_RETRY_DPI / dpi;
  // Each alone, as the doubtful figures were: a lone blurred digit, resampled, is read with less confidence among others.
  const smaller = await readImages(ocr, 'figure', doubtful.map((w) => whitenPaper(cropZoomedGrey(p.upright, ...w.frame, pad, zoom), pad)), pad, 0);
  doubtful.forEach((w, i) => {
    // The smaller image's origin: the frame's corner less the border, which is not scaled.
    const again = mergeFigureWords(placeWords(smaller[i]!, w.frame[0] - pad / zoom, w.frame[1] - pad / zoom, zoom, s));
    if ((again[0]?.confidence ?? -1) > (w.figure![0]?.confidence ?? -1)) w.figure = again;
  });

  // 3. A figure read that covers only part of the cell's ink ("5." of a label whose Chinese the page
  // pass lost), a very doubtful one, or none at all: the cell may be a label; read it as one.
  const maybeLabels = open.filter((w) => {
    const figure = w.figure![0];
    const figureWidth = figure ? (figure.box.x1 - figure.box.x0) * s : 0;
    return w.ink !== null && (figureWidth < 0.5 * inkWidth(w) || (figure?.confidence ?? 0) < LABEL);
  });
  // A cell read as a label in step 1 is not read again: the same image gives the same reading.
  const notLabelled = maybeLabels.filter((w) => w.label === undefined);
  const lateLabels = await readImages(ocr, 'label', notLabelled.map((w) => w.image), pad);
  notLabelled.forEach((w, i) => (w.label = placed(w, lateLabels, i)));
  for (const w of maybeLabels) if (isLabel(w.label!, LABEL)) w.outcome = { inside: w.inside, replacement: w.label! };

  for (const w of open) {
    if (w.outcome !== undefined) continue;
    const figure = w.figure!;
    // Any figure read wins over a page pass that is not a label (a lone 生 or 四 for a "4"): if it is
    // doubtful, its confidence says so and the OCR checks report it.
    if (figure.length > 0) w.outcome = { inside: w.inside, replacement: figure };
    else if (w.inside.length > 0) w.outcome = null;
    else {
      // Ink that neither pass could read: say so in the cell rather than leave it silently blank.
      const c = w.cell;
      const box = { x0: c.x0 / s, y0: c.y0 / s, x1: c.x1 / s, y1: c.y1 / s };
      w.outcome = { inside: w.inside, replacement: [{ text: UNREAD, box: shrink(box, inset / s), confidence: 0 }] };
    }
  }
  return work.map((w) => w.outcome).filter((o): o is CellReading => o !== undefined && o !== null);
}

/**
 * Reads the images in mosaics, then reads alone each image whose mosaic reading is not sure. In a mosaic
 * tesseract thresholds and sizes the lines of a whole block, so a hard image (a lone blurred digit, a
 * faint label) may be read otherwise than alone — measured on the scanned samples: two right "4"s fell
 * under LOW_CONFIDENCE and one "1115" became "115". Sure readings agree; doubtful ones get the reading
 * that the checks and thresholds of this module were measured with.
 */
async function readSurely(ocr: OcrEngine, pass: Pass, images: GreyImage[], gap: number, isSure: (words: ImageWord[], i: number) => boolean): Promise<ImageWord[][]> {
  const read = await readImages(ocr, pass, images, gap);
  const unsure = read.flatMap((words, i) => (isSure(words, i) ? [] : [i]));
  const alone = await readImages(ocr, pass, unsure.map((i) => images[i]!), gap, 0);
  unsure.forEach((i, k) => (read[i] = alone[k]!));
  return read;
}

/** A word as tesseract read it in one image: its box in that image's pixels, and its tesseract line. */
interface ImageWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
  line: number;
}

/** Tallest mosaic of cell images given to tesseract in one call, in pixels (a few dozen cells). */
const MOSAIC_MAX_HEIGHT = 8000;

/**
 * Reads the images with one pass's workers, in as few calls as the mosaics allow (see ocr-mosaic.ts):
 * the words of each image, in its own pixels. `gap` white rows keep the images' lines apart; a
 * `maxHeight` of 0 reads each image alone.
 */
async function readImages(ocr: OcrEngine, pass: Pass, images: GreyImage[], gap: number, maxHeight = MOSAIC_MAX_HEIGHT): Promise<ImageWord[][]> {
  const out: ImageWord[][] = images.map(() => []);
  // The chunks go to the scheduler together, so that the pass's workers share them.
  await Promise.all(
    chunkByHeight(images, maxHeight, gap).map(async (chunk) => {
      const mosaic = stackImages(chunk.map((i) => images[i]!), gap);
      const page = await ocr.read(pass, pgmOf(mosaic.image));
      for (const word of imageWords(page)) {
        const at = slotOf(mosaic.slots, word.bbox.y0, word.bbox.y1);
        const top = mosaic.slots[at]!.top;
        out[chunk[at]!]!.push({ ...word, bbox: { ...word.bbox, y0: word.bbox.y0 - top, y1: word.bbox.y1 - top } });
      }
    }),
  );
  return out;
}

/** The words of a tesseract result, trimmed and NFKC-normalised, with a line number unique across results. */
function imageWords(page: Page): ImageWord[] {
  const out: ImageWord[] = [];
  for (const block of page.blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        const id = ++lineCounter;
        for (const word of line.words) {
          const text = word.text.normalize('NFKC').trim();
          if (text !== '') out.push({ text, confidence: word.confidence, bbox: word.bbox, line: id });
        }
      }
    }
  }
  return out;
}

/**
 * Words of an image whose pixel (0, 0) lies at (originX, originY) on the page image and that is scaled
 * by `zoom` from it, in page points (`scale` pixels per point).
 */
function placeWords(words: ImageWord[], originX: number, originY: number, zoom: number, scale: number): OcrWord[] {
  return words.map((w) => ({
    text: w.text,
    box: {
      x0: (originX + w.bbox.x0 / zoom) / scale,
      y0: (originY + w.bbox.y0 / zoom) / scale,
      x1: (originX + w.bbox.x1 / zoom) / scale,
      y1: (originY + w.bbox.y1 / zoom) / scale,
    },
    confidence: Math.round(w.confidence * 10) / 10,
    line: w.line,
  }));
}

/** A word of a tesseract result, with the tesseract line it belongs to. */
interface OcrWord extends PositionedWord {
  line?: number;
}

/** Numbers tesseract lines uniquely across results. */
let lineCounter = 0;

/** Words of a tesseract result, moved by (dx, dy) pixels and scaled to page points. */
export function tesseractWords(page: Page, dx: number, dy: number, scale: number): OcrWord[] {
  return placeWords(imageWords(page), dx, dy, 1, scale);
}

/**
 * Inside each ruled cell, the words of one tesseract line become one word: tesseract gives Chinese words
 * of one or two characters whose boxes differ in height, and a label wrapped over two or three lines
 * would otherwise come back with its characters shuffled between the lines. Outside cells, and for
 * figures, words stay as read.
 */
function joinLinesInCells(words: OcrWord[], cells: PixelCell[], scale: number): PositionedWord[] {
  const out: PositionedWord[] = [];
  const taken = new Set<OcrWord>();
  for (const cell of cells) {
    const inside = words.filter((w) => !taken.has(w) && centreInside(w.box, cell, scale));
    inside.forEach((w) => taken.add(w));
    if (cjkCount(inside) === 0) {
      out.push(...inside.map(plainWord));
      continue;
    }
    const byLine = new Map<number, OcrWord[]>();
    inside.forEach((w, i) => {
      const key = w.line ?? -1 - i;
      byLine.set(key, [...(byLine.get(key) ?? []), w]);
    });
    for (const group of byLine.values()) out.push(joinWords(group.sort((a, b) => a.box.x0 - b.box.x0)));
  }
  out.push(...words.filter((w) => !taken.has(w)).map(plainWord));
  return out;
}

function plainWord(w: OcrWord): PositionedWord {
  const p: PositionedWord = { text: w.text, box: w.box };
  if (w.confidence !== undefined) p.confidence = w.confidence;
  return p;
}

/** Words of one line as one: no space between Chinese characters; confidence averaged per character. */
function joinWords(words: OcrWord[]): PositionedWord {
  if (words.length === 1) return plainWord(words[0]!);
  let text = '';
  for (const w of words) text += text !== '' && /[A-Za-z0-9]$/.test(text) && /^[A-Za-z0-9]/.test(w.text) ? ` ${w.text}` : w.text;
  return {
    text,
    box: unionBox(words.map((w) => w.box)),
    confidence: Math.round(meanConfidence(words) * 10) / 10,
  };
}

/** The digit pass reads one line: its pieces ("1 0") are one figure; the confidence is the weakest piece's. */
function mergeFigureWords(words: PositionedWord[]): PositionedWord[] {
  if (words.length <= 1) return words;
  const text = words.map((w) => w.text).join('');
  return [
    {
      text,
      box: unionBox(words.map((w) => w.box)),
      confidence: Math.min(...words.map((w) => w.confidence ?? 0)),
    },
  ];
}


const CJK = /[\u3400-\u9fff]/u;

/** A "0" at 10.5 pt is a few hundred ink pixels at 300 dpi; fewer is noise or a ruling remnant. */
function minFigureInk(dpi: number): number {
  return Math.round(12 * (dpi / 100) ** 2);
}

/**
 * Whether a cell holds ink enough for a figure: minFigureInk, or a third of it standing as tall as a small digit
 * (a lone "1" in a table pasted as a picture and scaled down: ~100 pixels at 300 dpi, 23 high — left unread, the
 * cell was blank without a finding). Scan noise left by the speck filter is low and flat; the samples' and the
 * generated scans have no cell between the two.
 */
export function hasFigureInk(inkMask: Uint8Array, width: number, [x0, y0, x1, y1]: readonly [number, number, number, number], dpi: number): boolean {
  const ink = inkIn(inkMask, width, x0, y0, x1, y1);
  if (ink >= minFigureInk(dpi)) return true;
  if (ink < minFigureInk(dpi) / 3) return false;
  const bounds = inkBounds(inkMask, width, x0, y0, x1, y1);
  return bounds !== null && bounds.y1 - bounds.y0 + 1 >= dpi / 20;
}

/** Page-pass confidence above which a label cell is taken as read. */
const SURE_LABEL = 85;
/** Confidence above which a reading with two Chinese characters or more is a label, not a misread figure. */
const LABEL = 50;

function cjkCount(words: PositionedWord[]): number {
  return [...words.map((w) => w.text).join('')].filter((ch) => CJK.test(ch)).length;
}

/** Mean confidence per character. */
function meanConfidence(words: PositionedWord[]): number {
  const chars = words.reduce((n, w) => n + w.text.length, 0);
  return chars === 0 ? 0 : words.reduce((sum, w) => sum + (w.confidence ?? 100) * w.text.length, 0) / chars;
}

/**
 * Whether a cell's reading is a label: two Chinese characters or more (every label of these tables has
 * two) read with at least the given confidence. A lone character, or two read with confidence near zero,
 * is no evidence of a label: inside a page of Chinese, tesseract reads a lone "0" as 人 or 六.
 */
export function isLabel(words: PositionedWord[], minConfidence: number): boolean {
  return cjkCount(words) >= 2 && meanConfidence(words) >= minConfidence;
}

/**
 * Page-pass confidence from which a figure cell's reading is kept without a figure pass. Measured on the
 * scanned samples (every cell left open after the label step logged, 27 pages): of 877 cells, the 362 read by the
 * page pass as one word of digits with confidence ≥ 90 across ≥ 90% of the ink were all read the same by the
 * figure pass and its retries (single digits nearly all; the page pass is rarely that sure of longer figures).
 */
const SURE_PAGE_FIGURE = 90;

/**
 * Whether the page pass's reading of a cell is a figure read surely: one word, digits only, with confidence
 * SURE_PAGE_FIGURE or more, and spanning nearly all the cell's ink (a figure missing a digit leaves ink
 * uncovered: "115" for "1115" covers three quarters). Anything less is read again by the figure pass.
 */
export function isSurePageFigure(words: PositionedWord[], inkWidth: number, scale: number): boolean {
  if (words.length !== 1) return false;
  const w = words[0]!;
  return /^[0-9]+$/.test(w.text) && (w.confidence ?? 0) >= SURE_PAGE_FIGURE && (w.box.x1 - w.box.x0) * scale >= 0.9 * inkWidth;
}

/** A figure read with less confidence than this is read again at FIGURE_RETRY_DPI. */
const RETRY_FIGURE_BELOW = 80;
const FIGURE_RETRY_DPI = 180;

/** Text of a cell with ink that no pass could read: not a figure, so it is reported (ocr/unreadable). */
export const UNREAD = '?';

function shrink(b: Box, by: number): Box {
  return { x0: b.x0 + by, y0: b.y0 + by, x1: b.x1 - by, y1: b.y1 - by };
}

function toPoints(r: PixelRuling, scale: number): RulingLine {
  return { x0: r.x0 / scale, y0: r.y0 / scale, x1: r.x1 / scale, y1: r.y1 / scale };
}
