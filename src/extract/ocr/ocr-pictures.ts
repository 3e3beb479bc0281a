/**
 * OCR of pictures inside Word files and web pages (tables pasted as images, extract/pictured-tables.ts): each
 * picture is drawn on a white page the size its document shows it, at the OCR resolution, and read as a scanned
 * page is (ocr.ts) — so its words come back in the picture's points, and its cells are found by their rulings.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Finding } from '../../findings.js';
import { greyOf } from './ocr-image.js';
import { OCR_DEFAULTS, engineOfThisThread, readPageImage, readQueued, type OcrOptions, type OcrPage, type PageImage } from './ocr.js';

export interface Picture {
  /** For messages: the image part of a .docx, the src of an <img>. */
  name: string;
  /** Size as the document shows it, in points. */
  width: number;
  height: number;
  bytes: Buffer;
}

/** A picture is drawn at most this large (points a side): a page-sized picture is ~600 × 850. */
const MAX_SIDE_POINTS = 2000;

/** Reads the pictures by OCR: page n of the result is picture n (1-based); a picture that cannot be read yields a finding. */
export async function ocrPictures(pictures: readonly Picture[], options: OcrOptions = {}): Promise<{ pages: OcrPage[]; findings: Finding[] }> {
  const dpi = options.dpi ?? OCR_DEFAULTS.dpi;
  const numbers = pictures.map((_, i) => i + 1);
  return readQueued(numbers, 'picture', async (n, ocr) => readPageImage(await drawPicture(pictures[n - 1]!, dpi), n, ocr, options), options, await engineOfThisThread(options));
}

/** The picture on a white page of its size as shown, `dpi` pixels per inch. */
export async function drawPicture(picture: Picture, dpi: number): Promise<PageImage> {
  const kind = imageKind(picture.bytes);
  if (!canDraw(kind)) {
    throw new Error(`${picture.name} is ${kind === null ? 'not an image ogi can decode' : `a ${kind} drawing, which ogi cannot draw`} (PNG, JPEG, GIF, BMP and WebP can be read)`);
  }
  const image = await loadImage(picture.bytes);
  const shrink = Math.min(1, MAX_SIDE_POINTS / Math.max(picture.width, picture.height));
  const width = picture.width * shrink;
  const height = picture.height * shrink;
  const scale = dpi / 72;
  const canvas = createCanvas(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return { canvas, grey: greyOf(canvas), scale, width, height };
}

/** The image format from its first bytes; EMF and WMF are Word's vector drawings (a table pasted from Excel). */
export function imageKind(bytes: Buffer): 'PNG' | 'JPEG' | 'GIF' | 'BMP' | 'WebP' | 'EMF' | 'WMF' | null {
  if (bytes.length < 12) return null;
  if (bytes[0] === 0x89 && bytes.toString('latin1', 1, 4) === 'PNG') return 'PNG';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'JPEG';
  if (bytes.toString('latin1', 0, 4) === 'GIF8') return 'GIF';
  if (bytes.toString('latin1', 0, 2) === 'BM') return 'BMP';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'WebP';
  if (bytes.readUInt32LE(0) === 1 && bytes.length >= 44 && bytes.toString('latin1', 40, 44) === ' EMF') return 'EMF';
  if (bytes.readUInt32LE(0) === 0x9ac6cdd7 || (bytes.readUInt16LE(0) <= 2 && bytes.readUInt16LE(2) === 9)) return 'WMF';
  return null;
}

/** A raster format @napi-rs/canvas decodes (not Word's vector drawings, not unknown bytes). */
function canDraw(kind: ReturnType<typeof imageKind>): boolean {
  return kind !== null && kind !== 'EMF' && kind !== 'WMF';
}

/** The size an image's pixels take when shown without a size of its own (96 pixels per inch, as browsers and Word do). */
export async function naturalSizePoints(bytes: Buffer): Promise<{ width: number; height: number } | null> {
  if (!canDraw(imageKind(bytes))) return null;
  try {
    const image = await loadImage(bytes);
    return { width: image.width * 0.75, height: image.height * 0.75 };
  } catch {
    return null;
  }
}
