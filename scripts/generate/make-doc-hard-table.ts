/**
 * Writes tests/fixtures/doc/hard-table.docx: a Word table with what makes a .doc table hard to read
 * as text — a tab typed inside a cell, a cell of two paragraphs, a manual line break in a cell, a
 * label merged down three rows, a group header over three columns, a row that starts one column
 * late (gridBefore) — so that scripts/generate/make-doc-samples.sh can convert it to .doc with LibreOffice
 * and tests can check the .doc reads as the same grid as the .docx.
 * Run: npx tsc -p . && node dist/scripts/generate/make-doc-hard-table.js
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDocx } from './make-html-docx-samples.js';

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const run = (text: string): string =>
  text
    .split(/(\t|\n)/)
    .map((part) => (part === '\t' ? '<w:r><w:tab/></w:r>' : part === '\n' ? '<w:r><w:br/></w:r>' : part ? `<w:r><w:t xml:space="preserve">${esc(part)}</w:t></w:r>` : ''))
    .join('');
const p = (text: string): string => `<w:p>${run(text)}</w:p>`;
/** A cell: paragraphs separated by "¶" in `text`. */
const tc = (text: string, props = ''): string => `<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/>${props}</w:tcPr>${text.split('¶').map(p).join('')}</w:tc>`;
const span = (n: number): string => `<w:gridSpan w:val="${n}"/>`;
const restart = '<w:vMerge w:val="restart"/>';
const cont = '<w:vMerge/>';
const tr = (cells: string, props = ''): string => `<w:tr>${props ? `<w:trPr>${props}</w:trPr>` : ''}${cells}</w:tr>`;

export function hardTableXml(): string {
  const grid = '<w:tblGrid>' + [1800, 1800, 1200, 1200, 1200].map((w) => `<w:gridCol w:w="${w}"/>`).join('') + '</w:tblGrid>';
  const borders =
    '<w:tblBorders>' + ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((b) => `<w:${b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>`).join('') + '</w:tblBorders>';
  const rows = [
    tr(tc('项目', restart + span(2)) + tc('申请人情况', span(3))),
    tr(tc('', cont + span(2)) + tc('自然人') + tc('法人或其他组织¶商业企业') + tc('总计')),
    tr(tc('三、本年度办理结果', restart) + tc('\t（一）予以公开') + tc('3') + tc('1') + tc('4')),
    tr(tc('', cont) + tc('（二）部分公开\n（区分处理）') + tc('2') + tc('') + tc('2')),
    tr(tc('', cont) + tc('（三）不予公开') + tc('0') + tc('0') + tc('0')),
    tr('<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>' + p('续') + '</w:tc>' + tc('5') + tc('1') + tc('6'), '<w:gridBefore w:val="1"/>'),
  ];
  const table = `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/>${borders}</w:tblPr>${grid}${rows.join('')}</w:tbl>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${p('表格之前的段落')}${table}${p('表格之后的段落')}</w:body></w:document>`;
}

if (process.argv[1] && /make-doc-hard-table\.(js|ts)$/.test(process.argv[1])) {
  const out = join(process.argv[2] ?? join('tests', 'fixtures', 'doc'), 'hard-table.docx');
  writeFileSync(out, makeDocx(hardTableXml()));
  console.log(`wrote ${out}`);
}
