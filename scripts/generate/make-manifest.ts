/**
 * Writes samples/manifest.json: for every sample file, its sha256, real format (sniffed from its bytes),
 * and — from the hand-read gold of its report — agency, year, layout and what makes it hard.
 * Run: npm run build && node dist/scripts/generate/make-manifest.js
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isReportFileName, sniffFormat } from '../../src/stages/load.js';

const root = join(import.meta.dirname, '..', '..', '..');
const samples = join(root, 'samples');
const goldDir = join(root, 'tests', 'fixtures', 'gold');

interface GoldHead {
  agency: string;
  year: number;
  layout: string;
  remarks?: string;
}

/** What each form adds to the difficulty of its report. */
const FORM_NOTES: Record<string, string> = {
  text: 'flattened text as copied out of the published report',
  html: 'web page: the official table with rowspan/colspan, wrapped in site chrome',
  docx: 'Word file: the official table with merged cells (vMerge/gridSpan)',
  pdf: 'PDF',
  doc: 'legacy Word 97–2003 .doc (LibreOffice conversion of the .docx): text by word-extractor, grid rebuilt from the rows\' cell edges and merge flags',
  wps: 'WPS Office .wps (Word-compatible binary)',
};

const entries = readdirSync(samples)
  .filter((f) => isReportFileName(f))
  .sort()
  .map((file) => {
    const bytes = readFileSync(join(samples, file));
    const base = file.split('.')[0]!;
    let gold: GoldHead | null = null;
    try {
      gold = JSON.parse(readFileSync(join(goldDir, `${base}.json`), 'utf8')) as GoldHead;
    } catch {
      gold = null;
    }
    const format = sniffFormat(bytes, file);
    const form = file.includes('.scan.') ? 'scanned PDF (images only, OCR)' : file.includes('.text.') ? 'text-layer PDF with ruled tables' : FORM_NOTES[format];
    return {
      file,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      format,
      agency: gold?.agency ?? null,
      year: gold?.year ?? null,
      layout: gold?.layout ?? null,
      hard: [form, gold?.remarks].filter(Boolean).join('; '),
    };
  });

writeFileSync(join(samples, 'manifest.json'), `${JSON.stringify(entries, null, 2)}\n`);
console.log(`samples/manifest.json: ${entries.length} files`);
