/**
 * Prints what OCR makes of some pages of a scanned PDF: skew, rulings, then the blocks of the geometric
 * builder (paragraphs and grid rows, each field with its column and confidence), for checking by eye.
 *
 *   npm run build && node dist/scripts/debug/debug-ocr.js FILE.pdf PAGE[,PAGE…] [--words]
 */
import { ocrPdfFile } from '../../src/extract/ocr/ocr.js';
import { buildBlocks } from '../../src/extract/pdf/pdf-geometry.js';
import { loadFile } from '../../src/stages/load.js';

async function main(): Promise<void> {
  const [path, pageList, flag] = process.argv.slice(2);
  if (!path || !pageList) throw new Error('usage: debug-ocr FILE.pdf PAGE[,PAGE…] [--words]');
  const pages = pageList.split(',').map(Number);
  const read = await ocrPdfFile(await loadFile(path), pages);
  for (const f of read.findings) console.log('finding:', f.message);
  for (const p of read.pages) {
    console.log(`page ${p.page}: skew ${p.skewDegrees}°, ${p.rulings.length} rulings, ${p.cells} cells, ${p.digitCells} read as figures, ${p.words.length} words`);
    if (flag === '--words') for (const w of p.words) console.log(`  ${w.text} @${w.box.x0.toFixed(0)},${w.box.y0.toFixed(0)}-${w.box.x1.toFixed(0)},${w.box.y1.toFixed(0)} ${w.confidence}`);
  }
  for (const b of buildBlocks(read.pages)) {
    if (b.kind === 'paragraph') {
      console.log(`p${b.prov.page}  ${b.text}`);
      continue;
    }
    const cells = b.fields.map((f) => `${f.col}:${f.text === '' ? '·' : f.text}${f.prov.confidence !== undefined && f.prov.confidence < 80 ? `(${Math.round(f.prov.confidence)})` : ''}`).join(' | ');
    console.log(`p${b.prov.page} T${b.prov.tableIndex} r${b.prov.gridRow} w${b.gridWidth}  ${cells}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
