/**
 * The PDF extractor as registered: the text layer (pdf.ts), and OCR (ocr.ts) for the pages pdf.ts finds
 * without a usable text layer — unless `options.ocr` is false, in which case they are listed in a
 * `pdf/needs-ocr` finding. The OCR module (tesseract, canvas) is loaded only when a page needs it, so
 * text-layer PDFs never pay for it. OCR's own findings (a page unread, out of time) join the document's.
 */
import type { Finding } from '../../findings.js';
import type { LoadedFile } from '../../stages/load.js';
import type { SourceDocument } from '../../types.js';
import type { ExtractOptions } from '../index.js';
import type { OcrOptions } from '../ocr/ocr.js';
import { extractPdf } from './pdf.js';

export async function extractPdfWithOcr(file: LoadedFile, options: ExtractOptions = {}, ocrOptions: OcrOptions = {}): Promise<SourceDocument> {
  if (options.ocr === false) return extractPdf(file, options);
  const ocrFindings: Finding[] = [];
  const ocr: OcrOptions = options.ocrOverlap !== undefined && ocrOptions.overlap === undefined ? { ...ocrOptions, overlap: options.ocrOverlap } : ocrOptions;
  const doc = await extractPdf(file, options, async (f, pages) => {
    const { ocrPdfFile } = await import('../ocr/ocr.js');
    const read = await ocrPdfFile(f, pages, ocr);
    ocrFindings.push(...read.findings);
    return read.pages;
  });
  doc.findings.push(...ocrFindings);
  if (doc.meta.ocrUsed) {
    const { OCR_DEFAULTS } = await import('../ocr/ocr.js');
    doc.meta.ocrModel = ocrOptions.model ?? OCR_DEFAULTS.model;
    doc.meta.ocrFigureModel = ocrOptions.figureModel ?? OCR_DEFAULTS.figureModel;
  }
  return doc;
}
