/**
 * Scanned copies made from text-layer PDFs, for OCR tests of cases no scan in the fixtures shows: one page
 * rendered by the product's renderer, with chosen text items painted over in white (figures printed blank),
 * and written as the only content of a one-page image PDF (a JPEG, as scanners write them) by the fixtures'
 * PDF writer.
 */
import { PAGE_H, PAGE_W, PageBuilder, writePdf } from '../../scripts/generate/make-pdf-fixtures.js';
import { loadPdfJsForRendering, openPdf } from '../../src/extract/pdf/pdf.js';
import { renderPage } from '../../src/extract/ocr/ocr-image.js';
import type { LoadedFile } from '../../src/stages/load.js';

/** Pixels of white around an erased text item: anti-aliased glyph edges reach past its box. */
const ERASE_MARGIN = 2;

export async function scanOfPage(file: LoadedFile, pageNumber: number, dpi: number, erase: (text: string) => boolean): Promise<Buffer> {
  const pdf = await openPdf(await loadPdfJsForRendering(), file);
  try {
    const page = await pdf.getPage(pageNumber);
    const { canvas, scale } = await renderPage(page, dpi);
    const viewport = page.getViewport({ scale });
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    for (const item of (await page.getTextContent()).items) {
      if (!('str' in item) || !erase(item.str)) continue;
      const [, , c, d, e, f] = item.transform as number[];
      const size = Math.hypot(c!, d!) || item.height;
      // From a little below the baseline (descenders) to the top of the em box.
      const [x0, y0, x1, y1] = viewport.convertToViewportRectangle([e!, f! - size * 0.25, e! + item.width, f! + size]);
      const left = Math.min(x0!, x1!) - ERASE_MARGIN;
      const top = Math.min(y0!, y1!) - ERASE_MARGIN;
      context.fillRect(left, top, Math.abs(x1! - x0!) + 2 * ERASE_MARGIN, Math.abs(y1! - y0!) + 2 * ERASE_MARGIN);
    }
    // An A4 page (the samples' size) covered by the picture: no text layer.
    const scan = new PageBuilder().image(0, 0, PAGE_W, PAGE_H);
    return writePdf([scan], { jpeg: { bytes: canvas.toBuffer('image/jpeg', 90), width: canvas.width, height: canvas.height } });
  } finally {
    await pdf.destroy();
  }
}
