/**
 * Extract dispatch: one module per format, each turning a loaded file into a SourceDocument.
 * Adding a format means adding a module here and nothing else.
 */
import { DocumentError } from '../findings.js';
import type { LoadedFile } from '../stages/load.js';
import type { InputFormat, SourceDocument } from '../types.js';
import { extractDocx } from './docx.js';
import { extractHtml } from './html.js';
import { extractLegacyWord } from './doc.js';
import { extractPdfWithOcr } from './ocr.js';
import { extractPdf } from './pdf.js';
import { extractText } from './text.js';

export interface ExtractOptions {
  /** Maximum number of PDF pages to read. */
  maxPages?: number;
  /** Use OCR for pages without a usable text layer (default: yes; false lists them in a finding instead). */
  ocr?: boolean;
}

export type Extractor = (file: LoadedFile, options: ExtractOptions) => Promise<SourceDocument> | SourceDocument;

const notYet =
  (format: InputFormat): Extractor =>
  () => {
    throw new DocumentError('extract', `${format} files are not supported yet`);
  };

export const EXTRACTORS: Record<InputFormat, Extractor> = {
  text: extractText,
  html: extractHtml,
  docx: extractDocx,
  pdf: (file, options) => (options.ocr === false ? extractPdf(file, options) : extractPdfWithOcr(file, options)),
  doc: extractLegacyWord,
  wps: extractLegacyWord,
};

export async function extractDocument(file: LoadedFile, options: ExtractOptions = {}): Promise<SourceDocument> {
  const doc = await EXTRACTORS[file.format](file, options);
  doc.format = file.format;
  return doc;
}
