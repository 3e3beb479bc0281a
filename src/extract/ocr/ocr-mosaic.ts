/**
 * Many cell images read in one tesseract call: the images stacked one above the other on white paper,
 * a gap between them, each left-aligned, so that each is a line (or a few lines) of one uniform block;
 * every word read is then given back to the image its box lies in. Reading the cells of a page this
 * way costs a few calls instead of one per cell, each of which paid tesseract's set-up (image, layout
 * analysis, thresholding) and a round trip to its worker thread.
 *
 * Pure arithmetic on grey images, testable without tesseract.
 */
import type { GreyImage } from './ocr-rulings.js';

/** Where one image lies in the mosaic: rows top … top + height − 1, columns from 0. */
export interface MosaicSlot {
  top: number;
  height: number;
}

export interface Mosaic {
  image: GreyImage;
  slots: MosaicSlot[];
}

/** Stacks the images top to bottom, `gap` white rows above, between and below them. */
export function stackImages(images: GreyImage[], gap: number): Mosaic {
  const width = Math.max(1, ...images.map((i) => i.width));
  const height = images.reduce((h, i) => h + i.height + gap, gap);
  const data = new Uint8Array(width * height).fill(255);
  const slots: MosaicSlot[] = [];
  let top = gap;
  for (const img of images) {
    for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width, (y + 1) * img.width), (top + y) * width);
    slots.push({ top, height: img.height });
    top += img.height + gap;
  }
  return { image: { width, height, data }, slots };
}

/** The slot holding the vertical centre of a box, or the nearest one (a word read across a gap). */
export function slotOf(slots: MosaicSlot[], y0: number, y1: number): number {
  const centre = (y0 + y1) / 2;
  let best = 0;
  let bestDistance = Infinity;
  slots.forEach((s, i) => {
    const distance = centre < s.top ? s.top - centre : centre > s.top + s.height ? centre - (s.top + s.height) : 0;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  });
  return best;
}

/**
 * Splits the images into runs whose mosaic stays under `maxHeight` rows (an image taller than that
 * alone makes its own), so that a mosaic stays a reasonable image for tesseract and two workers can
 * share the runs of one page.
 */
export function chunkByHeight(images: GreyImage[], maxHeight: number, gap: number): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let height = gap;
  images.forEach((img, i) => {
    if (current.length > 0 && height + img.height + gap > maxHeight) {
      chunks.push(current);
      current = [];
      height = gap;
    }
    current.push(i);
    height += img.height + gap;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}
