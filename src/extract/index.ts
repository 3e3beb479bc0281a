/**
 * Extract dispatch: one module per format, each turning a loaded file into a SourceDocument.
 * Adding a format means adding a loader line here and nothing else.
 *
 * Extractors are loaded on first use (dynamic import, cached): a worker that only ever sees text or
 * HTML never loads the PDF, OCR or Word readers, so its first document does not wait for them.
 */
import type { LoadedFile } from '../stages/load.js';
import type { InputFormat, SourceDocument } from '../types.js';

export interface ExtractOptions {
  /** Maximum number of PDF pages to read. */
  maxPages?: number;
  /** Use OCR for pages without a usable text layer (default: yes; false lists them in a finding instead). */
  ocr?: boolean;
  /** Maximum number of table cells (<td>/<th>) in an HTML page; a bigger page fails before its tree is built. */
  maxTableCells?: number;
  /**
   * OCR: prepare a scanned page while tesseract reads the previous one (`OcrOptions.overlap`). Set by the
   * document pool when it runs fewer workers than there are cores, so that a worker may use a spare one.
   */
  ocrOverlap?: boolean;
}

export type Extractor = (file: LoadedFile, options: ExtractOptions) => Promise<SourceDocument> | SourceDocument;

/** Loads a format's extractor module and returns its entry point. */
type ExtractorLoader = () => Promise<Extractor>;

/** An HTML table tag in a text file's bytes (ASCII in UTF-8 and GBK alike; textToDocument checks the tag's end). */
function hasHtmlTable(bytes: Buffer): boolean {
  return bytes.indexOf('<table') !== -1 || bytes.indexOf('<TABLE') !== -1;
}

export const EXTRACTORS: Record<InputFormat, ExtractorLoader> = {
  text: async () => {
    const { extractText } = await import('./text/text.js');
    return async (file) => {
      // Markdown that keeps its tables as HTML (pandoc's gfm): the HTML reader reads them, loaded only then.
      if (!hasHtmlTable(file.bytes)) return extractText(file);
      const { htmlToDocument } = await import('./html/html.js');
      return extractText(file, (html) => htmlToDocument(html, { findArticle: false }));
    };
  },
  html: async () => {
    const { extractHtml } = await import('./html/html.js');
    return (file, options) => extractHtml(file, options.maxTableCells !== undefined ? { maxTableCells: options.maxTableCells } : {}, options);
  },
  // A web archive: its page read as one, its pictures taken from its parts.
  mhtml: async () => {
    const { extractWebArchive } = await import('./html/mhtml.js');
    return (file, options) => extractWebArchive(file, options.maxTableCells !== undefined ? { maxTableCells: options.maxTableCells } : {}, options);
  },
  // Pictures that hold the tables (a Word file or web page whose text prints none) are read by OCR: extract/pictured-tables.ts.
  docx: async () => (await import('./word/docx.js')).extractDocx,
  // OCR for pages without a usable text layer unless options.ocr is false; tesseract loads only when a page needs it.
  pdf: async () => (await import('./pdf/pdf-ocr.js')).extractPdfWithOcr,
  doc: async () => (await import('./word/doc.js')).extractLegacyWord,
  wps: async () => (await import('./word/doc.js')).extractLegacyWord,
};

const loaded = new Map<InputFormat, Promise<Extractor>>();

/** The extractor of a format, loading its module the first time it is asked for. */
export function extractorFor(format: InputFormat): Promise<Extractor> {
  let hit = loaded.get(format);
  if (!hit) {
    hit = EXTRACTORS[format]();
    // A module that fails to load is retried next time rather than cached as a failure.
    hit.catch(() => loaded.delete(format));
    loaded.set(format, hit);
  }
  return hit;
}

export async function extractDocument(file: LoadedFile, options: ExtractOptions = {}): Promise<SourceDocument> {
  const extract = await extractorFor(file.format);
  const doc = await extract(file, options);
  doc.format = file.format;
  return doc;
}
