/**
 * Page images for OCR: render a PDF page to a grey bitmap (pdfjs-dist + @napi-rs/canvas), rotate it
 * upright, erase ruling lines, and cut out cells. Kept apart from ocr.ts so the bitmap steps can be
 * tested and measured without tesseract.
 */
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import type { PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';
import type { GreyImage, PixelRuling } from './ocr-rulings.js';

/** A rendered page: its canvas, its grey bitmap and the scale from page points to pixels. */
export interface RenderedPage {
  canvas: Canvas;
  grey: GreyImage;
  /** Pixels per page point. */
  scale: number;
}

export async function renderPage(page: PDFPageProxy, dpi: number): Promise<RenderedPage> {
  const scale = dpi / 72;
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  // pdf.js types the context as the DOM's CanvasRenderingContext2D; @napi-rs/canvas implements the same API.
  const renderParams = { canvasContext: context, viewport, canvas } as unknown as Parameters<PDFPageProxy['render']>[0];
  await page.render(renderParams).promise;
  return { canvas, grey: greyOf(canvas), scale };
}

/**
 * The canvas's grey levels. Read from the canvas's own pixel memory (`data()`, RGBA premultiplied by
 * alpha): our canvases are painted white first, so every pixel is opaque and premultiplied = plain
 * RGBA; `getImageData` would copy and unpremultiply 35 MB per 300 dpi page first.
 */
export function greyOf(canvas: Canvas): GreyImage {
  const { width, height } = canvas;
  const rgba = canvas.data();
  const data = new Uint8Array(width * height);
  convertToGrey(rgba, data, 0, data.length);
  return { width, height, data };
}

/** The grey levels of pixels start … end − 1 of opaque RGBA pixel memory, written at the same indices of `grey`. */
function convertToGrey(rgba: Uint8Array, grey: Uint8Array, start: number, end: number): void {
  for (let i = start, j = 4 * start; i < end; i++, j += 4) {
    grey[i] = (rgba[j]! * 299 + rgba[j + 1]! * 587 + rgba[j + 2]! * 114) / 1000;
  }
}

/** Rotates the canvas by −skew around its centre (white corners), so horizontal lines become horizontal. */
export function deskew(canvas: Canvas, skewDegrees: number): Canvas {
  const out = createCanvas(canvas.width, canvas.height);
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.translate(out.width / 2, out.height / 2);
  ctx.rotate((-skewDegrees * Math.PI) / 180);
  ctx.drawImage(canvas, -canvas.width / 2, -canvas.height / 2);
  ctx.resetTransform();
  return out;
}

/** The canvas scaled by `zoom` (the canvas resamples). */
export function scaledCanvas(canvas: Canvas, zoom: number): Canvas {
  const out = createCanvas(Math.max(1, Math.round(canvas.width * zoom)), Math.max(1, Math.round(canvas.height * zoom)));
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0, canvas.width, canvas.height, 0, 0, out.width, out.height);
  return out;
}

/**
 * Paints ruling lines white (with a margin for blur), so OCR reads the text between them, not the lines as "|" or "一".
 * With `grey` (the canvas's grey levels before erasing), the grey image is brought up to date in place: only
 * the erased rectangles are converted again, the same pixels as a new `greyOf(canvas)`, which would read the
 * whole 35 MB canvas again (~45 ms a page).
 */
export function eraseRulings(canvas: Canvas, rulings: PixelRuling[], margin: number, grey?: GreyImage): void {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  const rects = rulings.map((r) => erasedRect(r, margin));
  for (const [x, y, w, h] of rects) ctx.fillRect(x, y, w, h);
  if (grey) for (const rect of rects) refreshGrey(canvas, grey, rect);
}

/** The rectangle (x, y, width, height) erased over a ruling; fractional where the ruling's half-width is. */
function erasedRect(r: PixelRuling, margin: number): [number, number, number, number] {
  const half = r.width / 2 + margin;
  return r.y0 === r.y1 ? [r.x0 - margin, r.y0 - half, r.x1 - r.x0 + 2 * margin, 2 * half] : [r.x0 - half, r.y0 - margin, 2 * half, r.y1 - r.y0 + 2 * margin];
}

/** Converts again the grey levels of the pixels a rectangle touches (rounded outwards: its edges are blended). */
function refreshGrey(canvas: Canvas, grey: GreyImage, [x, y, w, h]: [number, number, number, number]): void {
  const { width, height } = grey;
  const rgba = canvas.data();
  const xa = Math.max(0, Math.floor(x));
  const xb = Math.min(width, Math.ceil(x + w));
  const ya = Math.max(0, Math.floor(y));
  const yb = Math.min(height, Math.ceil(y + h));
  for (let row = ya; row < yb; row++) convertToGrey(rgba, grey.data, row * width + xa, row * width + xb);
}

/**
 * A grey image as a binary PGM (P5): what tesseract reads with no decoding cost. A PNG of a 300 dpi
 * page takes ~1 s to encode here and again a good part of a second to decode inside tesseract; a PGM
 * is its pixels behind a header, and tesseract's reading of it is the same as of the PNG.
 */
export function pgmOf(grey: GreyImage): Buffer {
  const header = Buffer.from(`P5\n${grey.width} ${grey.height}\n255\n`, 'latin1');
  return Buffer.concat([header, grey.data]);
}

/**
 * A rectangle of a grey image with a white border of `pad` pixels (tesseract reads poorly at the edge):
 * the pixels `cropZoomedGrey` cuts at zoom 1 (the same rounding), without a canvas.
 */
export function cropGrey(grey: GreyImage, x0: number, y0: number, x1: number, y1: number, pad: number): GreyImage {
  const w = Math.max(1, Math.round(x1 - x0));
  const h = Math.max(1, Math.round(y1 - y0));
  const left = Math.round(x0);
  const top = Math.round(y0);
  const out: GreyImage = { width: w + 2 * pad, height: h + 2 * pad, data: new Uint8Array((w + 2 * pad) * (h + 2 * pad)).fill(255) };
  for (let y = 0; y < h; y++) {
    const sy = top + y;
    if (sy < 0 || sy >= grey.height) continue;
    const from = Math.max(0, left);
    const to = Math.min(grey.width, left + w);
    if (to <= from) continue;
    out.data.set(grey.data.subarray(sy * grey.width + from, sy * grey.width + to), (pad + y) * out.width + pad + (from - left));
  }
  return out;
}

/** A rectangle of the canvas scaled by `zoom` (the canvas resamples), with a white border, as a grey image. */
export function cropZoomedGrey(canvas: Canvas, x0: number, y0: number, x1: number, y1: number, pad: number, zoom: number): GreyImage {
  return greyOf(cropCanvas(canvas, x0, y0, x1, y1, pad, zoom));
}

function cropCanvas(canvas: Canvas, x0: number, y0: number, x1: number, y1: number, pad: number, zoom: number): Canvas {
  const w = Math.max(1, Math.round(x1 - x0));
  const h = Math.max(1, Math.round(y1 - y0));
  const out = createCanvas(Math.round(w * zoom) + 2 * pad, Math.round(h * zoom) + 2 * pad);
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, Math.round(x0), Math.round(y0), w, h, pad, pad, Math.round(w * zoom), Math.round(h * zoom));
  return out;
}

/**
 * The paper's level is the median of a cell's pixels: ink covers far less than half of a cell, even a cramped
 * label's. Measured on 15 unseen scans: the median left 28 cells wrong where the 75th percentile left 54, the
 * paper as it was 92, and thresholding (ink black, paper white) 121–396 — binarised, blurred strokes broke apart.
 */
const PAPER_PERCENTILE = 0.5;

/**
 * The cell image with its paper made white, in place. A scan's paper is grey (~220 here), the border around a
 * cell image white: tesseract's threshold then falls between paper and border, the paper reads as ink, and a
 * lone "1" or "3" in it is lost (read as nothing, or as 工 or 归). Levels are scaled so that the paper's level —
 * the median of the pixels inside the border — becomes white; ink stays dark. A clean render's paper
 * is already white and its pixels are left as they are.
 */
export function whitenPaper(image: GreyImage, pad: number): GreyImage {
  const { width, height, data } = image;
  const n = Math.max(0, width - 2 * pad) * Math.max(0, height - 2 * pad);
  if (n === 0) return image;
  const counts = new Uint32Array(256);
  for (let y = pad; y < height - pad; y++) for (let x = pad; x < width - pad; x++) counts[data[y * width + x]!]!++;
  let paper = 0;
  for (let seen = 0; paper < 255 && seen + counts[paper]! < n * PAPER_PERCENTILE; paper++) seen += counts[paper]!;
  // Nothing to do on white paper; a dark cell (a shaded header, a picture) is not paper at all.
  if (paper >= 250 || paper < 128) return image;
  const level = new Uint8Array(256);
  for (let v = 0; v < 256; v++) level[v] = Math.min(255, Math.round((v * 255) / paper));
  for (let i = 0; i < data.length; i++) data[i] = level[data[i]!]!;
  return image;
}

/** Counts ink pixels in a rectangle of a mask, ignoring lone specks of scan noise. */
export function inkIn(mask: Uint8Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let count = 0;
  const xa = Math.max(1, Math.round(x0));
  const xb = Math.min(width - 2, Math.round(x1));
  const height = mask.length / width;
  const ya = Math.max(1, Math.round(y0));
  const yb = Math.min(height - 2, Math.round(y1));
  for (let y = ya; y <= yb; y++) {
    for (let x = xa; x <= xb; x++) {
      const i = y * width + x;
      if (mask[i] !== 1) continue;
      // A speck has no inked 4-neighbour; strokes always have some.
      if (mask[i - 1] === 1 || mask[i + 1] === 1 || mask[i - width] === 1 || mask[i + width] === 1) count += 1;
    }
  }
  return count;
}

/** The bounding box of the ink (specks ignored) in a rectangle of a mask, or null when there is none. */
export function inkBounds(mask: Uint8Array, width: number, x0: number, y0: number, x1: number, y1: number): { x0: number; y0: number; x1: number; y1: number } | null {
  const height = mask.length / width;
  const xa = Math.max(1, Math.round(x0));
  const xb = Math.min(width - 2, Math.round(x1));
  const ya = Math.max(1, Math.round(y0));
  const yb = Math.min(height - 2, Math.round(y1));
  let bx0 = Infinity;
  let by0 = Infinity;
  let bx1 = -Infinity;
  let by1 = -Infinity;
  for (let y = ya; y <= yb; y++) {
    for (let x = xa; x <= xb; x++) {
      const i = y * width + x;
      if (mask[i] !== 1) continue;
      if (mask[i - 1] !== 1 && mask[i + 1] !== 1 && mask[i - width] !== 1 && mask[i + width] !== 1) continue;
      if (x < bx0) bx0 = x;
      if (x > bx1) bx1 = x;
      if (y < by0) by0 = y;
      if (y > by1) by1 = y;
    }
  }
  return bx1 < 0 ? null : { x0: bx0, y0: by0, x1: bx1, y1: by1 };
}
