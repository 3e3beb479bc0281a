/**
 * A PDF page as an image for the review page: rendered on the server with the canvas the OCR already
 * uses, so the browser needs no PDF reader. Pages are rendered on demand and kept in a small cache.
 */
import { loadPdfJs, openPdf } from '../extract/pdf/pdf.js';
import { renderPage } from '../extract/ocr/ocr-image.js';
import { loadFile } from '../stages/load.js';

/** Resolution of the page images: enough to read figures, small enough to load fast. */
const IMAGE_DPI = 110;
const CACHE_PAGES = 64;

export interface PageSize {
  page: number;
  /** In PDF points: the unit of cells' boxes. */
  width: number;
  height: number;
}

const images = new Map<string, Buffer>();

/** The page rendered as PNG, or null when the file has no such page. */
export async function pageImage(path: string, sha256: string, page: number): Promise<Buffer | null> {
  const key = `${sha256}:${page}`;
  const hit = images.get(key);
  if (hit) return hit;
  const pdfjs = await loadPdfJs();
  const doc = await openPdf(pdfjs, await loadFile(path));
  try {
    if (page < 1 || page > doc.numPages) return null;
    const p = await doc.getPage(page);
    const { canvas } = await renderPage(p, IMAGE_DPI);
    const png = canvas.toBuffer('image/png');
    if (images.size >= CACHE_PAGES) images.delete(images.keys().next().value!);
    images.set(key, png);
    return png;
  } finally {
    await doc.destroy();
  }
}

/** The size of each page, in points (to place cells' boxes over the images). */
export async function pageSizes(path: string): Promise<PageSize[]> {
  const pdfjs = await loadPdfJs();
  const doc = await openPdf(pdfjs, await loadFile(path));
  try {
    const sizes: PageSize[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const p = await doc.getPage(n);
      const [x0, y0, x1, y1] = p.view as [number, number, number, number];
      sizes.push({ page: n, width: x1 - x0, height: y1 - y0 });
    }
    return sizes;
  } finally {
    await doc.destroy();
  }
}
