/**
 * Figures the report's prose quotes from its tables ("集中公开现行有效行政规范性文件698件"), found by the
 * report kind's patterns (`ReportKind.quotes`). They are evidence, not figures: the table stage uses them
 * only to choose among the cuts of glued digits that the identities leave open.
 */
import type { QuoteDef, ReportKind } from '../kind.js';
import type { Provenance, SourceDocument } from '../types.js';
import { withOffset } from './rows.js';

export interface Quote {
  table: string;
  row: string;
  col: string;
  value: number;
  /** The words quoted, for the finding that cites them. */
  text: string;
  prov: Provenance;
}

const compiled = new WeakMap<ReportKind, { def: QuoteDef; patterns: RegExp[] }[]>();

function patternsOf(kind: ReportKind): { def: QuoteDef; patterns: RegExp[] }[] {
  let list = compiled.get(kind);
  if (!list) {
    list = (kind.quotes ?? []).map((def) => ({ def, patterns: def.patterns.map((p) => new RegExp(p, 'g')) }));
    compiled.set(kind, list);
  }
  return list;
}

/** Every quote of a table figure in the document's paragraphs. */
export function findQuotes(doc: SourceDocument, kind: ReportKind): Quote[] {
  const defs = patternsOf(kind);
  if (defs.length === 0) return [];
  const quotes: Quote[] = [];
  for (const block of doc.blocks) {
    if (block.kind !== 'paragraph') continue;
    for (const { def, patterns } of defs) {
      for (const re of patterns) {
        for (const m of block.text.matchAll(re)) {
          const offset = (block.textOffset ?? block.prov.offset ?? 0) + m.index;
          quotes.push({ table: def.table, row: def.row, col: def.col, value: Number(m[1]), text: m[0], prov: withOffset(block.prov, offset) });
        }
      }
    }
  }
  return quotes;
}
