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

/** A quote's pattern, and words every match of it holds: a paragraph without them is not searched. */
interface CompiledPattern {
  re: RegExp;
  required: string | null;
}

const compiled = new WeakMap<ReportKind, { def: QuoteDef; patterns: CompiledPattern[] }[]>();

function patternsOf(kind: ReportKind): { def: QuoteDef; patterns: CompiledPattern[] }[] {
  let list = compiled.get(kind);
  if (!list) {
    list = (kind.quotes ?? []).map((def) => ({ def, patterns: def.patterns.map((p) => ({ re: new RegExp(p, 'g'), required: requiredWords(p) })) }));
    compiled.set(kind, list);
  }
  return list;
}

/**
 * The longest run of plain characters a pattern's every match holds: outside groups and classes, not made
 * optional by a quantifier, with no alternation at the top — or null when there is none. A report saved as one
 * paragraph is one long text, and the patterns' optional starts ("(?:新|本年度?|全年|年内)?制发…") leave the regex
 * engine no first character to look for: it tried every one.
 */
export function requiredWords(source: string): string | null {
  const runs: string[] = [];
  let run = '';
  let depth = 0;
  const end = (): void => {
    if (run !== '') runs.push(run);
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      end();
      i++;
      // \u4e00, \x41, \p{Han}, \k<name>, \1: the escape runs on; what follows it is left out too (never in).
      if ('uxpPck0123456789'.includes(source[i] ?? '')) while (i + 1 < source.length && /[0-9A-Za-z{}<>]/.test(source[i + 1]!)) i++;
      continue;
    }
    if (c === '{') {
      // A counted quantifier: the character before may occur no times ({0,3}).
      run = run.slice(0, -1);
      end();
      while (i < source.length && source[i] !== '}') i++;
      continue;
    }
    if (c === '[') {
      end();
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return null;
    if (depth > 0 || c === '(' || c === ')') {
      end();
      continue;
    }
    if (c === '?' || c === '*') {
      // The character before is optional: it leaves the run.
      run = run.slice(0, -1);
      end();
      continue;
    }
    if ('+.^$'.includes(c)) {
      end();
      continue;
    }
    run += c;
  }
  end();
  return runs.reduce<string | null>((a, b) => (a === null || b.length > a.length ? b : a), null);
}

/** Every quote of a table figure in the document's paragraphs. */
export function findQuotes(doc: SourceDocument, kind: ReportKind): Quote[] {
  const defs = patternsOf(kind);
  if (defs.length === 0) return [];
  const quotes: Quote[] = [];
  for (const block of doc.blocks) {
    if (block.kind !== 'paragraph') continue;
    for (const { def, patterns } of defs) {
      for (const { re, required } of patterns) {
        if (required !== null && !block.text.includes(required)) continue;
        for (const m of block.text.matchAll(re)) {
          const offset = (block.textOffset ?? block.prov.offset ?? 0) + m.index;
          quotes.push({ table: def.table, row: def.row, col: def.col, value: Number(m[1]), text: m[0], prov: withOffset(block.prov, offset) });
        }
      }
    }
  }
  return quotes;
}
