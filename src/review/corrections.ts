/**
 * Corrections as the pipeline sees them: a reviewer's decision on one cell — a value set (a number, or
 * blank), or the figure confirmed as read. Pure functions: apply the corrections in force to a document's
 * tables (the extracted cells are never changed: a corrected copy is made), and re-check the document with
 * the corrected figures — which findings the corrections resolve, which new ones they raise.
 */
import type { Finding } from '../findings.js';
import type { ReportKind } from '../kind.js';
import { crossCheck } from '../stages/crosscheck.js';
import { validate } from '../stages/validate.js';
import type { ExtractedTable, ProcessedDocument } from '../types.js';

export type CorrectionAction = 'set' | 'confirm';

export interface Correction {
  id: number;
  documentId: string;
  table: string;
  row: string;
  col: string;
  action: CorrectionAction;
  /** The value set (null: blank); for a confirmation, the figure as read. */
  value: number | null;
  /** The cell as extracted when the correction was made. */
  extractedValue: number | null;
  extractedRaw: string | null;
  extractedMethod: string;
  reason: string;
  reviewer: string;
  createdAt: string;
  /** `stale`: a re-extraction changed the cell since; kept and shown, not applied. */
  status: 'active' | 'stale';
}


const cellKey = (table: string, row: string, col: string): string => `${table}\u0001${row}\u0001${col}`;

/** The correction in force per cell: the newest active one. */
export function correctionsInForce(corrections: readonly Correction[]): Map<string, Correction> {
  const byCell = new Map<string, Correction>();
  for (const c of [...corrections].sort((a, b) => a.id - b.id)) {
    if (c.status === 'active') byCell.set(cellKey(c.table, c.row, c.col), c);
  }
  return byCell;
}

/** The tables with the corrections in force applied (value set: method `corrected`); the input is not changed. */
export function applyCorrections(tables: readonly ExtractedTable[], corrections: readonly Correction[]): ExtractedTable[] {
  const inForce = correctionsInForce(corrections);
  return tables.map((t) => ({
    ...t,
    cells: t.cells.map((c) => {
      const k = inForce.get(cellKey(c.table, c.row, c.col));
      if (!k || k.action !== 'set') return c;
      return { ...c, value: k.value, method: 'corrected' as const };
    }),
  }));
}

/** Rules that the checks of the figures raise (re-run on the corrected figures), as opposed to how they were read. */
function recheckedRules(kind: ReportKind): Set<string> {
  return new Set([...kind.identities.map((i) => i.id), 'cell/not-integer', 'cell/negative', 'record/shape', 'report/quoted-requests']);
}

export interface ReviewedFinding extends Finding {
  /** The corrections resolve it: the re-check no longer raises it, or every cell it points at was decided. */
  resolved: boolean;
}

export interface Review {
  findings: ReviewedFinding[];
  /** Findings the corrected figures raise that the extracted ones did not (a correction breaking an identity). */
  added: Finding[];
}

const findingKey = (f: Finding): string => [f.rule, f.table ?? '', f.row ?? '', f.col ?? ''].join('\u0001');

/**
 * Re-checks a document with its corrections. A finding of the figure checks (identities, integers, signs,
 * quoted totals) is resolved when the corrected figures no longer raise it; a finding on how cells were
 * read (glued digits, an ambiguous row, OCR confidence…) when a reviewer decided every cell it points at.
 */
export function reviewDocument(
  doc: Pick<ProcessedDocument, 'tables' | 'findings' | 'sections'>,
  corrections: readonly Correction[],
  kind: ReportKind,
): Review {
  const inForce = correctionsInForce(corrections);
  if (inForce.size === 0) return { findings: doc.findings.map((f) => ({ ...f, resolved: false })), added: [] };
  const corrected = applyCorrections(doc.tables, corrections);
  const rechecked = [...validate(corrected, kind), ...crossCheck(doc.sections, corrected)];
  const recheckedKeys = new Set(rechecked.map(findingKey));
  const rules = recheckedRules(kind);
  const findings = doc.findings.map((f) => ({
    ...f,
    resolved: rules.has(f.rule) ? !recheckedKeys.has(findingKey(f)) : decidedEverywhere(f, doc.tables, inForce),
  }));
  const storedKeys = new Set(doc.findings.filter((f) => rules.has(f.rule)).map(findingKey));
  return { findings, added: rechecked.filter((f) => !storedKeys.has(findingKey(f))) };
}

/** Every cell a finding points at has a correction in force (set or confirmed). */
function decidedEverywhere(f: Finding, tables: readonly ExtractedTable[], inForce: Map<string, Correction>): boolean {
  if (!f.table) return false;
  const cells = tables
    .filter((t) => t.table === f.table)
    .flatMap((t) => t.cells)
    .filter((c) => (f.row === undefined || c.row === f.row) && (f.col === undefined || c.col === f.col));
  return cells.length > 0 && cells.every((c) => inForce.has(cellKey(c.table, c.row, c.col)));
}
