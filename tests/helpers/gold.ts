/**
 * Gold comparison shared by the gold tests of every input format: the figures read by hand
 * (tests/fixtures/gold/*.json, copied from ../shared/gold) against what the pipeline extracted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessedDocument } from '../../src/types.js';

export interface Gold {
  document: string;
  agency: string;
  year: number;
  layout: '2019' | '2021';
  /** The body's administrative division (GB/T 2260 code, 9 digits for a township), checked by hand against the dataset. */
  region?: { code: string; level: string; province: string; city: string | null; county: string | null; township: string | null };
  tables: Record<string, Record<string, Record<string, number | null>>>;
}

export const GOLD_DIR = join(import.meta.dirname, '..', 'fixtures', 'gold');

export function loadGold(): { base: string; gold: Gold }[] {
  return readdirSync(GOLD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ base: f.replace(/\.json$/, ''), gold: JSON.parse(readFileSync(join(GOLD_DIR, f), 'utf8')) as Gold }));
}

/** Every difference between a processed document and its gold, as readable lines (empty = equal). */
export function diffAgainstGold(doc: ProcessedDocument, gold: Gold): string[] {
  const diffs: string[] = [];
  if (doc.meta.agency !== gold.agency) diffs.push(`agency: got ${doc.meta.agency}, gold ${gold.agency}`);
  if (doc.meta.year !== gold.year) diffs.push(`year: got ${doc.meta.year}, gold ${gold.year}`);
  if (doc.meta.layout !== gold.layout) diffs.push(`layout: got ${doc.meta.layout}, gold ${gold.layout}`);
  if (gold.region) {
    const r = doc.meta.region;
    for (const k of ['code', 'level', 'province', 'city', 'county', 'township'] as const) {
      if ((r?.[k] ?? null) !== gold.region[k]) diffs.push(`region.${k}: got ${r?.[k] ?? null}, gold ${gold.region[k]}`);
    }
  }
  const got = new Map<string, number | null>();
  for (const t of doc.tables) for (const c of t.cells) got.set(`${c.table}.${c.row}.${c.col}`, c.value);
  const expected = new Set<string>();
  for (const [table, rows] of Object.entries(gold.tables)) {
    for (const [row, cols] of Object.entries(rows)) {
      for (const [col, value] of Object.entries(cols)) {
        const key = `${table}.${row}.${col}`;
        expected.add(key);
        if (!got.has(key)) diffs.push(`${key}: missing, gold ${value}`);
        else if (got.get(key) !== value) diffs.push(`${key}: got ${got.get(key)}, gold ${value}`);
      }
    }
  }
  for (const key of got.keys()) if (!expected.has(key)) diffs.push(`${key}: extracted but not in gold`);
  return diffs;
}

/**
 * The gold cells a document does not reproduce (`wrong`), and those of them that no warning or error names —
 * by its table, and its row and column when it gives them (`silent`): for copies that cannot reproduce every
 * cell, but must never be wrong without a finding.
 */
export function goldMisses(doc: ProcessedDocument, tables: Gold['tables']): { wrong: string[]; silent: string[] } {
  const got = new Map(doc.tables.flatMap((t) => t.cells.map((c) => [`${c.table}.${c.row}.${c.col}`, c.value] as const)));
  const wrong: string[] = [];
  const silent: string[] = [];
  for (const [table, rows] of Object.entries(tables)) {
    for (const [row, cols] of Object.entries(rows)) {
      for (const [col, want] of Object.entries(cols)) {
        const key = `${table}.${row}.${col}`;
        if (got.get(key) === want) continue;
        wrong.push(key);
        const named = doc.findings.some((f) => f.severity !== 'info' && f.table === table && (f.row === undefined || f.row === row) && (f.col === undefined || f.col === col));
        if (!named) silent.push(`${key}: got ${got.get(key)}, gold ${want}`);
      }
    }
  }
  return { wrong, silent };
}

/** The hand-read figures of a real copy (tests/fixtures/real, copied from ../shared/real). */
export interface RealGold {
  year: number;
  layout: string;
  tables: Record<string, Record<string, Record<string, number | null>>>;
  /** Cells the text alone cannot settle ("unscorable"): right, or empty with an error naming them. */
  unscorable?: [string, string, string][];
}

export const REAL_DIR = join(import.meta.dirname, '..', 'fixtures', 'real');

/**
 * The gold cells of a real copy that a document gets wrong: every cell must be right, except a cell the text
 * cannot settle, which may stay empty with an error that names it.
 */
export function realGoldMisses(doc: ProcessedDocument, gold: RealGold): string[] {
  const covered = (table: string, row: string, col: string): boolean =>
    doc.findings.some((f) => f.severity === 'error' && f.table === table && (f.row === undefined || f.row === row) && (f.col === undefined || f.col === col));
  const ambiguous = new Set((gold.unscorable ?? []).map((c) => c.join('.')));
  const got = new Map(doc.tables.flatMap((t) => t.cells.map((c) => [`${c.table}.${c.row}.${c.col}`, c] as const)));
  const wrong: string[] = [];
  for (const [table, rows] of Object.entries(gold.tables)) {
    for (const [row, cols] of Object.entries(rows)) {
      for (const [col, want] of Object.entries(cols)) {
        const key = `${table}.${row}.${col}`;
        const value = got.get(key)?.value;
        if (value === want) continue;
        if (ambiguous.has(key) && value === null && covered(table, row, col)) continue;
        wrong.push(`${key}: got ${value}, want ${want}`);
      }
    }
  }
  return wrong;
}
