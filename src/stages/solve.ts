/**
 * Settling damaged rows with the identities. Each row comes with its placement candidates; a row with
 * one sound candidate is fixed, then every other row keeps the candidates that the identities allow
 * (given the rows already fixed). A row is settled when all its surviving candidates give the same
 * figures; what stays ambiguous is reported, and its cells stay empty — never a guess.
 */
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { ReportKind } from '../kind.js';
import type { PlacementMethod } from '../types.js';
import { cellKey, equationsFor, propagate } from './identities.js';
import type { CellState, Equation, GridState } from './identities.js';
import type { Candidate } from './placement.js';
import type { RowView } from './rows.js';
import type { PlacedCell } from './tables.js';

export interface PendingRow {
  /** Row key (or a name for a flat table's figures), for messages. */
  label: string;
  view: RowView;
  /** The cells this row's slots fill, in slot order. */
  targets: { row: string; col: string }[];
  candidates: Candidate[];
}

interface Evaluation {
  candidate: Candidate;
  values: CellState[];
  violations: number;
  impossible: boolean;
}

export interface Solved {
  cells: Map<string, PlacedCell>;
  findings: Finding[];
}

export function solveTable(table: string, rows: string[], cols: string[], pending: PendingRow[], kind: ReportKind): Solved {
  const eqs = equationsFor(table, rows, cols, kind);
  const grid: GridState = new Map();
  for (const r of rows) for (const c of cols) grid.set(cellKey(r, c), undefined);
  const cells = new Map<string, PlacedCell>();
  const findings: Finding[] = [];
  const open = new Set<PendingRow>();

  for (const p of pending) {
    if (p.candidates.length === 0) {
      findings.push(unplaceable(table, p));
      continue;
    }
    const only = p.candidates.length === 1 ? p.candidates[0]! : null;
    if (only && only.slots.every((s) => s.kind !== 'unknown')) commit(p, [evaluate(grid, p, only, eqs)], false);
    else open.add(p);
  }

  let progress = true;
  while (progress && open.size > 0) {
    progress = false;
    for (const p of [...open]) {
      const agreeing = agreeingCandidates(p, grid, eqs, false);
      if (agreeing) {
        commit(p, agreeing, p.candidates.length > 1);
        open.delete(p);
        progress = true;
      }
    }
  }
  for (const p of open) {
    const agreeing = agreeingCandidates(p, grid, eqs, true);
    if (agreeing) commit(p, agreeing, p.candidates.length > 1);
    else findings.push(ambiguous(table, p));
  }
  return { cells, findings };

  function commit(p: PendingRow, agreeing: Evaluation[], chosenByIdentities: boolean): void {
    const rep = agreeing.reduce((a, b) => (b.candidate.prior < a.candidate.prior ? b : a));
    const inferred: string[] = [];
    rep.candidate.slots.forEach((slot, i) => {
      const target = p.targets[i]!;
      const key = cellKey(target.row, target.col);
      const value = rep.values[i];
      grid.set(key, value);
      if (slot.kind === 'read') {
        const method: PlacementMethod = chosenByIdentities && slot.method === 'sequence' ? 'identity-placed' : slot.method;
        cells.set(key, { value: slot.token.value, token: slot.token, method, prov: slot.token.prov });
      } else if (slot.kind === 'blank') {
        cells.set(key, { value: null, token: slot.token, method: 'blank', prov: slot.token?.prov ?? p.view.prov });
      } else if (value !== undefined && value !== null) {
        cells.set(key, { value, token: null, method: 'identity-inferred', prov: p.view.prov });
        inferred.push(target.col);
        findings.push(
          finding('table/inferred-cell', 'warning', `${table}.${target.row}.${target.col} is not printed in the source row ("${p.view.text}"); the identities imply ${value}`, {
            table,
            row: target.row,
            col: target.col,
            expected: String(value),
            prov: p.view.prov,
          }),
        );
      } else {
        cells.set(key, { value: null, token: null, method: 'unresolved', prov: p.view.prov });
        findings.push(
          finding('table/unresolved-cell', 'error', `${table}.${target.row}.${target.col} was lost from the source row ("${p.view.text}") and the identities cannot recover it`, {
            table,
            row: target.row,
            col: target.col,
            prov: p.view.prov,
          }),
        );
      }
    });
    findings.push(...placementFindings(table, p, rep, agreeing.length));
  }
}

/** Candidates that survive the identities and all give the same figures, or null while it is open. */
function agreeingCandidates(p: PendingRow, grid: GridState, eqs: Equation[], final: boolean): Evaluation[] | null {
  let evals = p.candidates.map((c) => evaluate(grid, p, c, eqs)).filter((e) => !e.impossible);
  if (evals.length === 0) return null;
  const minViolations = Math.min(...evals.map((e) => e.violations));
  evals = evals.filter((e) => e.violations === minViolations);
  if (sameValues(evals)) return evals;
  if (!final) return null;
  const minPrior = Math.min(...evals.map((e) => e.candidate.prior));
  const best = evals.filter((e) => e.candidate.prior === minPrior);
  return sameValues(best) ? best : null;
}

function sameValues(evals: Evaluation[]): boolean {
  const first = JSON.stringify(evals[0]!.values);
  return evals.every((e) => JSON.stringify(e.values) === first);
}

function evaluate(grid: GridState, p: PendingRow, candidate: Candidate, eqs: Equation[]): Evaluation {
  const trial = new Map(grid);
  const keys = p.targets.map((t) => cellKey(t.row, t.col));
  candidate.slots.forEach((slot, i) => {
    trial.set(keys[i]!, slot.kind === 'read' ? slot.token.value : slot.kind === 'blank' ? null : undefined);
  });
  const result = propagate(trial, eqs);
  const own = new Set(keys);
  const values: CellState[] = candidate.slots.map((slot, i) =>
    slot.kind === 'read' ? slot.token.value : slot.kind === 'blank' ? null : result.solved.get(keys[i]!),
  );
  const violations = result.violated.filter((eq) => eq.terms.some((t) => own.has(cellKey(t.row, t.col)))).length;
  return { candidate, values, violations, impossible: result.impossible };
}

function placementFindings(table: string, p: PendingRow, rep: Evaluation, agreeing: number): Finding[] {
  const method = rep.candidate.method;
  const read = p.view.values.map((v) => v.raw).join(' ');
  const placed = rep.values.map((v) => (v === undefined ? '?' : v === null ? '·' : String(v))).join(' ');
  const row = p.targets.every((t) => t.row === p.targets[0]!.row) ? p.targets[0]!.row : undefined;
  const base = { table, ...(row ? { row } : {}), actual: read, expected: placed, prov: p.view.prov };
  switch (method) {
    case 'lone-total':
      return [finding('table/lone-total', 'info', `${table}.${p.label}: the row prints one figure (${read}); it is 总计, the other cells are blank`, base)];
    case 'glued-split':
      return [finding('table/glued-digits', 'warning', `${table}.${p.label}: digits printed without separators ("${read}") were cut as ${placed} — the only cut the identities allow`, base)];
    case 'joined':
      return [finding('table/split-number', 'warning', `${table}.${p.label}: a figure split over two cells was joined (${read} → ${placed}), as the identities require`, base)];
    case 'identity-placed':
      return [
        finding(
          'table/short-row',
          'warning',
          `${table}.${p.label}: the row prints ${p.view.values.length} figures for ${p.targets.length} cells ("${read}"); ${agreeing > 1 ? 'every placement the identities allow gives' : 'the identities place them as'} ${placed}`,
          base,
        ),
      ];
    default:
      return [];
  }
}

function unplaceable(table: string, p: PendingRow): Finding {
  const read = p.view.values.map((v) => v.raw).join(' ');
  return finding(
    'table/unplaceable-row',
    'error',
    `${table}.${p.label}: the row prints ${p.view.values.length} figures for ${p.targets.length} cells ("${read}") and nothing tells which cell each belongs to; its cells are left empty`,
    { table, ...(p.targets[0] ? { row: p.targets[0].row } : {}), actual: read, prov: p.view.prov },
  );
}

function ambiguous(table: string, p: PendingRow): Finding {
  const read = p.view.values.map((v) => v.raw).join(' ');
  return finding(
    'table/ambiguous-row',
    'error',
    `${table}.${p.label}: the figures "${read}" fit the ${p.targets.length} cells in more than one way that the identities allow; its cells are left empty`,
    { table, ...(p.targets[0] ? { row: p.targets[0].row } : {}), actual: read, prov: p.view.prov },
  );
}
