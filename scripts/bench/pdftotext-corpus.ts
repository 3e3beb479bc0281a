/**
 * Generated reports (scripts/generate/corpus.ts) rendered as text-layer PDFs (scripts/generate/pdf-corpus.ts),
 * then turned into text by poppler's pdftotext — the copies a user holds after converting PDFs with the most
 * common tool — and read as text: cells exact, wrong but flagged, wrong without a finding, metadata.
 *
 * Needs `pdftotext` on the PATH (Debian: apt-get install poppler-utils); ogi itself does not.
 *
 *   npm run build && node dist/scripts/bench/pdftotext-corpus.js [count] [firstSeed] [--mode layout|reading|raw]
 *
 * --mode: `layout` (default) runs `pdftotext -layout` (columns kept by spaces); `reading` plain `pdftotext` (the text
 * in reading order, one cell per line); `raw` `pdftotext -raw` (the content stream's order, cells of a row on
 * one line with single spaces).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processLoaded } from '../../src/pipeline.js';
import { generateReport } from '../generate/corpus.js';
import { renderReportPdf } from '../generate/pdf-corpus.js';
import { CopyTally } from './robustness.js';

async function main(argv: string[]): Promise<void> {
  const [count, first] = argv.filter((a) => /^\d+$/.test(a)).map(Number);
  const at = argv.indexOf('--mode');
  const mode = at >= 0 ? argv[at + 1] : 'layout';
  const FLAGS: Record<string, string[]> = { layout: ['-layout'], reading: [], raw: ['-raw'] };
  const modeFlags = mode !== undefined ? FLAGS[mode] : undefined;
  if (!modeFlags) throw new Error(`--mode ${mode}: use layout, reading or raw`);
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
  } catch {
    console.error('pdftotext is not installed (Debian: apt-get install poppler-utils)');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ogi-pdftotext-'));
  const t = new CopyTally();
  try {
    for (let seed = first ?? 1001; seed < (first ?? 1001) + (count ?? 200); seed++) {
      const report = generateReport(seed);
      const pdf = renderReportPdf(report, seed);
      writeFileSync(join(dir, 'report.pdf'), pdf.bytes);
      execFileSync('pdftotext', [...modeFlags, join(dir, 'report.pdf'), join(dir, 'report.txt')]);
      const bytes = readFileSync(join(dir, 'report.txt'));
      const name = report.name;
      const doc = await processLoaded({ path: name, bytes, sha256: name, format: 'text', sizeBytes: bytes.length });
      // The PDF prints the truth: the text copy's damage is pdftotext's, not the generator's.
      t.add(`${name} (${pdf.features.join(',')})`, report, doc);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [headline, ...rest] = t.lines(20);
  console.log(`${t.documents} generated PDFs through \`${['pdftotext', ...modeFlags].join(' ')}\`: ${headline}`);
  for (const line of rest) console.log(line);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
