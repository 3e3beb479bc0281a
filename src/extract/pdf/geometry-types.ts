/**
 * Positioned words, the common currency of the PDF text layer and of OCR: both turn a page into
 * words with boxes, and one geometric table builder turns those into rows and cells.
 */
import type { Box } from '../../types.js';

export interface PositionedWord {
  text: string;
  /** Box in page points, origin top-left. */
  box: Box;
  /** OCR confidence 0–100; absent for a text layer. */
  confidence?: number;
}

/** A straight ruling line drawn on the page (a table border), in page points, origin top-left. */
export interface RulingLine {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PageWords {
  /** 1-based page number. */
  page: number;
  width: number;
  height: number;
  words: PositionedWord[];
  /** Horizontal and vertical ruling lines, when the page draws them. */
  rulings: RulingLine[];
}
