/**
 * Scanned copies made from text-layer PDFs, for OCR tests of cases no scan in the fixtures shows: one page
 * rendered by the product's renderer, with chosen text items painted over in white (figures printed blank),
 * and wrapped as the only content of a one-page image PDF (a JPEG, as scanners write them).
 */
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
    const size = page.getViewport({ scale: 1 });
    return imagePdf(canvas.toBuffer('image/jpeg', 90), canvas.width, canvas.height, size.width, size.height);
  } finally {
    await pdf.destroy();
  }
}

/** A one-page PDF whose page (width × height points) is the JPEG, nothing else: no text layer. */
function imagePdf(jpeg: Buffer, pixelsWide: number, pixelsHigh: number, width: number, height: number): Buffer {
  const content = `q ${width.toFixed(2)} 0 0 ${height.toFixed(2)} 0 0 cm /Im1 Do Q`;
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width.toFixed(2)} ${height.toFixed(2)}] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>`),
    Buffer.concat([
      Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${pixelsWide} /Height ${pixelsHigh} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`),
      jpeg,
      Buffer.from('\nendstream'),
    ]),
    Buffer.from(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(at);
    const object = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(object);
    at += object.length;
  });
  const xref = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(Buffer.from(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(parts);
}
