/**
 * Prints what the PDF extractor makes of a file: paragraphs and grid rows with their pages, for checking
 * tables by eye. Usage: npm run build && node dist/scripts/debug/debug-pdf.js FILE.pdf [--rows-only]
 */
import { extractPdf } from '../../src/extract/pdf/pdf.js';
import { loadFile } from '../../src/stages/load.js';

async function main(): Promise<void> {
  const [path, flag] = process.argv.slice(2);
  if (!path) throw new Error('usage: debug-pdf FILE.pdf [--rows-only]');
  const doc = await extractPdf(await loadFile(path), {});
  console.log(JSON.stringify(doc.meta), doc.findings.map((f) => f.message));
  for (const b of doc.blocks) {
    if (b.kind === 'paragraph') {
      if (flag !== '--rows-only') console.log(`p${b.prov.page} L${b.prov.line}  ${b.text}`);
      continue;
    }
    const cells = b.fields.map((f) => (f.text === '' ? '·' : f.text)).join(' | ');
    console.log(`p${b.prov.page} L${b.prov.line} T${b.prov.tableIndex} r${b.prov.gridRow} w${b.gridWidth}  ${cells}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
