/**
 * A "乱码" PDF made from a good one: its fonts' Unicode maps taken out. The glyphs still draw the report, but the
 * text layer gives glyph numbers — as the PDFs of converters that write no ToUnicode map do. ogi must find such
 * pages and read them by OCR (src/extract/pdf/garbled.ts).
 */

/**
 * Every `/ToUnicode` key renamed to a name no reader knows, of the same length, so that the cross-reference
 * offsets stay right. Works on PDFs whose font dictionaries are plain objects, not in compressed object streams
 * (LibreOffice's, Chromium's and the samples' fixtures); throws when there is no map to take out.
 */
export function withoutUnicodeMaps(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  if (!text.includes('/ToUnicode')) throw new Error('the PDF has no /ToUnicode map in plain objects to take out');
  return Buffer.from(text.replaceAll('/ToUnicode', '/NoUnicode'), 'latin1');
}
