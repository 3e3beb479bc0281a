/**
 * A flattened-text report (tab-separated table lines) in the other forms it circulates in: its runs of
 * tab-separated lines as HTML or DOCX tables (one cell per field, no spans), its other lines as paragraphs.
 * Used by tests (tests/helpers/report.ts reports) and by scripts/bench/header-corpus.ts.
 */
import { makeDocx, renderTableDocx, renderTableHtml } from './make-html-docx-samples.js';
import type { GenTable } from './make-html-docx-samples.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A text report's runs of tab lines as tables, its other lines as paragraphs. */
function blocksOf(text: string): ({ kind: 'p'; text: string } | { kind: 'table'; table: GenTable })[] {
  const out: ({ kind: 'p'; text: string } | { kind: 'table'; table: GenTable })[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('\t')) {
      if (line.trim() !== '') out.push({ kind: 'p', text: line });
      continue;
    }
    const cells = line.split('\t').map((t) => ({ text: t }));
    const last = out[out.length - 1];
    if (last?.kind === 'table') last.table.rows.push(cells);
    else out.push({ kind: 'table', table: { rows: [cells], width: 0 } });
  }
  for (const b of out) {
    if (b.kind !== 'table') continue;
    b.table.width = Math.max(...b.table.rows.map((r) => r.length));
    for (const r of b.table.rows) while (r.length < b.table.width) r.push({ text: '' });
  }
  return out;
}

export const asHtml = (text: string): Buffer =>
  Buffer.from(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>${blocksOf(text)
      .map((b) => (b.kind === 'p' ? `<p>${esc(b.text)}</p>` : renderTableHtml(b.table, { blank: 'nbsp' })))
      .join('\n')}</body></html>`,
  );

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
export const asDocx = (text: string): Buffer =>
  makeDocx(
    `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${blocksOf(text)
      .map((b) => (b.kind === 'p' ? `<w:p><w:r><w:t>${esc(b.text)}</w:t></w:r></w:p>` : renderTableDocx(b.table)))
      .join('')}</w:body></w:document>`,
  );

