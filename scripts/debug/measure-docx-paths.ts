/**
 * Measures the two ways to read a .docx: mammoth → HTML → the HTML path, against reading
 * word/document.xml directly (src/extract/word/docx.ts). For each sample .docx it runs both through the
 * whole analysis and counts cells that differ from the gold; for hand-made edge cases (a row that
 * starts late with gridBefore, a merge inside a content control) it compares the grids.
 *
 * Run: npx tsc -p . && node dist/scripts/debug/measure-docx-paths.js [samplesDir] [goldDir]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mammoth from 'mammoth';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { extractDocx } from '../../src/extract/word/docx.js';
import { htmlToDocument } from '../../src/extract/html/html.js';
import { analyse } from '../../src/pipeline.js';
import type { LoadedFile } from '../../src/stages/load.js';
import type { SourceDocument } from '../../src/types.js';
import { makeDocx } from '../generate/make-html-docx-samples.js';

interface Gold {
  tables: Record<string, Record<string, Record<string, number | null>>>;
}

async function viaMammoth(bytes: Buffer): Promise<SourceDocument> {
  const { value } = await mammoth.convertToHtml({ buffer: bytes });
  const doc = htmlToDocument(`<html><body>${value}</body></html>`, { findArticle: false });
  doc.format = 'docx';
  return doc;
}

function goldDiffs(source: SourceDocument, file: LoadedFile, gold: Gold): number {
  const processed = analyse(file, source, OGI_ANNUAL_REPORT);
  const got = new Map<string, number | null>();
  for (const t of processed.tables) for (const c of t.cells) got.set(`${c.table}.${c.row}.${c.col}`, c.value);
  let diffs = 0;
  for (const [table, rows] of Object.entries(gold.tables)) {
    for (const [row, cols] of Object.entries(rows)) {
      for (const [col, value] of Object.entries(cols)) if (got.get(`${table}.${row}.${col}`) !== value) diffs++;
    }
  }
  return diffs;
}

const gridOf = (doc: SourceDocument): string[][] => doc.blocks.flatMap((b) => (b.kind === 'row' ? [b.fields.map((f) => f.text)] : []));

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const tc = (t: string, pr = ''): string => `<w:tc><w:tcPr>${pr}</w:tcPr><w:p><w:r><w:t>${t}</w:t></w:r></w:p></w:tc>`;
const EDGE_CASES: { name: string; body: string }[] = [
  {
    name: 'gridBefore (a row starting in column 2)',
    body: `<w:tbl><w:tr>${tc('项目')}${tc('数量')}${tc('总计')}</w:tr><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>${tc('5')}${tc('5')}</w:tr></w:tbl>`,
  },
  {
    name: 'vMerge with a row inside a content control (w:sdt)',
    body: `<w:tbl><w:tr>${tc('三、本年度办理结果', '<w:vMerge w:val="restart"/>')}${tc('（一）予以公开')}${tc('1')}</w:tr><w:sdt><w:sdtContent><w:tr>${tc('', '<w:vMerge/>')}${tc('（二）部分公开')}${tc('2')}</w:tr></w:sdtContent></w:sdt></w:tbl>`,
  },
  {
    name: 'vMerge in a table with a bookmark between rows (w:bookmarkStart, as Word writes for cross-references)',
    body: `<w:tbl><w:tr>${tc('三、本年度办理结果', '<w:vMerge w:val="restart"/>')}${tc('（一）予以公开')}${tc('1')}</w:tr><w:bookmarkStart w:id="1" w:name="sec3"/><w:tr>${tc('', '<w:vMerge/>')}${tc('（二）部分公开')}${tc('2')}</w:tr><w:bookmarkEnd w:id="1"/></w:tbl>`,
  },
];

async function main(): Promise<void> {
  const samplesDir = process.argv[2] ?? 'samples';
  const goldDir = process.argv[3] ?? join('tests', 'fixtures', 'gold');
  let mammothMs = 0;
  let directMs = 0;
  for (const f of readdirSync(samplesDir).filter((x) => x.endsWith('.docx')).sort()) {
    const bytes = readFileSync(join(samplesDir, f));
    const gold = JSON.parse(readFileSync(join(goldDir, `${basename(f, '.docx')}.json`), 'utf8')) as Gold;
    const file: LoadedFile = { path: f, bytes, sha256: f, format: 'docx', sizeBytes: bytes.length };
    let t = performance.now();
    const m = await viaMammoth(bytes);
    mammothMs += performance.now() - t;
    t = performance.now();
    const d = await extractDocx(file);
    directMs += performance.now() - t;
    const same = JSON.stringify(gridOf(m)) === JSON.stringify(gridOf(d));
    console.log(`${f}: gold cells differing — mammoth ${goldDiffs(m, file, gold)}, direct ${goldDiffs(d, file, gold)}; grids identical: ${same}`);
  }
  console.log(`extract time over the samples: mammoth ${mammothMs.toFixed(0)} ms, direct ${directMs.toFixed(0)} ms`);
  for (const c of EDGE_CASES) {
    const bytes = makeDocx(`<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${c.body}</w:body></w:document>`);
    const file: LoadedFile = { path: c.name, bytes, sha256: c.name, format: 'docx', sizeBytes: bytes.length };
    console.log(`${c.name}:\n  mammoth ${JSON.stringify(gridOf(await viaMammoth(bytes)))}\n  direct  ${JSON.stringify(gridOf(await extractDocx(file)))}`);
  }
}

await main();
