/**
 * Settling damaged rows with the identities. Each row comes with its placement candidates; a row with
 * one sound candidate is fixed, then every other row keeps the candidates that the identities allow
 * (given the rows already fixed). A row is settled when all its surviving candidates give the same
 * figures; what stays ambiguous is reported, and its cells stay empty — never a guess.
 */
import { NanGrids, packedMap } from '../arrays.js';
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { PlacementMethod } from '../types.js';
import { equationSums, propagate, propagateChange, propagateFrom, setCell } from './identities.js';
import type { Equation, EquationSums, TableSpace } from './identities.js';
import type { Candidate, Slot } from './placement.js';
import { tokenProv } from './rows.js';
import type { RowView } from './rows.js';
import type { Quote } from './quotes.js';
import type { PlacedCell } from './tables.js';

export interface PendingRow {
  /** Row key (or a name for a flat table's figures), for messages. */
  label: string;
  view: RowView;
  /** The cells this row's slots fill, in slot order. */
  targets: { row: string; col: string }[];
  candidates: Candidate[];
  /** Cell indexes of the targets (row-major over the table's rows and columns). */
  indexes: number[];
}

/** Known value, blank (null) or undetermined (undefined). */
type CellState = number | null | undefined;

/** A candidate and the figure it gives each of its slots. */
interface Reading {
  candidate: Candidate;
  values: CellState[];
}

/** A reading weighed against the identities, given the rows already fixed. */
interface Evaluation extends Reading {
  violations: number;
  impossible: boolean;
}

/** The chosen candidates, and the cells that other equally good placements would read differently. */
interface Choice {
  agreeing: Reading[];
  uncertain: { index: number; alternatives: CellState[] }[];
}

export interface Solved {
  /** Placed cells by cell index (row-major over the table's rows and columns). */
  cells: (PlacedCell | undefined)[];
  findings: Finding[];
}

const SOLVE_GRIDS = new NanGrids();

/**
 * Places every row's figures. `quotes` are figures the report's prose quotes, by cell index: evidence used
 * only for a row the identities leave ambiguous (section 二's glued digits), to choose among its cuts.
 */
export function solveTable(table: string, space: TableSpace, pending: PendingRow[], quotes: () => ReadonlyMap<number, Quote[]> = () => new Map()): Solved {
  const eqs = space.equations;
  // Not kept past this call (cells and findings copy what they need): the pool's grid serves the next table.
  const grid = SOLVE_GRIDS.take(space.rows.length * space.cols.length);
  const ev = new Evaluator(grid, eqs);
  const cells: (PlacedCell | undefined)[] = [];
  const findings: Finding[] = [];
  const open = new Set<PendingRow>();
  /** Rows cut out of glued digits: one finding for them all (a table copied as one paragraph has dozens). */
  const gluedRows: { p: PendingRow; rep: Reading }[] = [];

  for (const p of pending) {
    if (p.candidates.length === 0) {
      findings.push(unplaceable(table, p));
      leaveEmpty(p, p.targets.keys());
      continue;
    }
    const only = p.candidates.length === 1 ? p.candidates[0]! : null;
    // Every figure of a single sound candidate is read or blank: the identities have nothing to solve. A figure
    // joined from two cells is a guess that the row's identities must allow.
    const sound = only !== null && (only.method !== 'joined' || isCredible(ev.of(p, only), p, eqs));
    if (only && sound && !only.alternatives && only.slots.every((s) => s.kind !== 'unknown')) commit(p, { agreeing: [{ candidate: only, values: only.slots.map(slotValue) }], uncertain: [] }, false);
    else open.add(p);
  }

  let progress = true;
  while (progress && open.size > 0) {
    progress = false;
    for (const p of [...open]) {
      const choice = chooseCandidates(p, ev, false);
      if (choice) {
        commit(p, choice, choice.agreeing.length > 1 || choice.agreeing[0]!.candidate.prior > 0);
        open.delete(p);
        progress = true;
      }
    }
  }
  // The final pass may settle a row only once a row after it is settled: go round until nothing changes.
  progress = true;
  while (progress && open.size > 0) {
    progress = false;
    for (const p of [...open]) {
      const choice = chooseCandidates(p, ev, true);
      if (!choice) continue;
      commit(p, choice, choice.agreeing.length > 1 || choice.agreeing[0]!.candidate.prior > 0);
      open.delete(p);
      progress = true;
    }
  }
  const unsettled = [...open];
  // Rows that no identity settles alone may settle together (two rows glued in one column: only one
  // pair of cuts makes the column add up): their candidates are searched jointly.
  const jointly = unsettled.length > 1 ? settleJointly(unsettled, ev) : new Map<PendingRow, Choice>();
  for (const p of unsettled) {
    const choice = jointly.get(p);
    if (choice) {
      commit(p, choice, true);
      continue;
    }
    const readings = viableReadings(p, ev);
    if (readings.length === 0) {
      findings.push(unplaceable(table, p));
      leaveEmpty(p, p.targets.keys());
      continue;
    }
    const quoted = settleByQuotes(p, readings, quotes());
    if (quoted) commit(p, { agreeing: quoted.readings, uncertain: [] }, true, quoted.quotes);
    else {
      // Only cuts of plain glued digits keep their agreeing cells: a row that lost cells, or a signed figure
      // ("2648-18538") that may itself be glued, says nothing certain about any one cell.
      const cutsOnly = readings.length > 1 && readings.every((r) => r.candidate.method === 'glued-split') && p.view.values.every((v) => v.digits !== null);
      const open = cutsOnly ? keepAgreeingCells(p, readings) : p.targets.map((_, i) => i);
      leaveEmpty(p, open);
      findings.push(ambiguous(table, p, readings, open, eqs.length > 0));
    }
  }
  if (gluedRows.length > 0) findings.push(gluedFinding(table, gluedRows));
  return { cells, findings };

  /** Cells of a row that nothing places: empty, and traced to the row that printed their figures. */
  function leaveEmpty(p: PendingRow, slots: Iterable<number>): void {
    for (const i of slots) cells[p.indexes[i]!] = { value: null, token: null, method: 'unresolved', prov: p.view.prov };
  }

  /**
   * An ambiguous row's cells that every reading the identities allow gives the same figure are settled
   * (a flat table's fifteen figures may be ambiguous in one row only); the others stay empty. Returns
   * the slots left empty.
   */
  function keepAgreeingCells(p: PendingRow, readings: Reading[]): number[] {
    ev.gridChanged();
    const open: number[] = [];
    const first = readings[0]!;
    first.candidate.slots.forEach((slot, i) => {
      const value = first.values[i];
      const at = p.indexes[i]!;
      if (value === undefined || readings.some((r) => !sameState(r.values[i], value))) {
        open.push(i);
        return;
      }
      ev.write(at, value ?? 0);
      if (slot.kind === 'read') cells[at] = { value: slot.token.value, token: slot.token, method: slot.method, prov: tokenProv(slot.token) };
      else if (slot.kind === 'blank') cells[at] = { value: null, token: slot.token, method: 'blank', prov: slot.token?.prov ?? p.view.prov };
      else cells[at] = { value, token: null, method: 'identity-inferred', prov: p.view.prov };
    });
    return open;
  }

  function commit(p: PendingRow, choice: Choice, chosenByIdentities: boolean, settledBy: Quote[] = []): void {
    ev.gridChanged();
    const agreeing = choice.agreeing;
    const rep = agreeing.reduce((a, b) => (b.candidate.prior < a.candidate.prior ? b : a));
    // A cell is inferred only if no agreeing placement reads it; else its figure is read, its place chosen.
    const neverRead = packedMap(rep.candidate.slots, (_, i) => agreeing.every((e) => e.candidate.slots[i]!.kind === 'unknown'));
    rep.candidate.slots.forEach((slot, i) => {
      const target = p.targets[i]!;
      const at = p.indexes[i]!;
      const value = rep.values[i];
      ev.write(at, value === undefined ? NaN : (value ?? 0));
      if (slot.kind === 'read') {
        const method: PlacementMethod = chosenByIdentities && slot.method === 'sequence' ? 'identity-placed' : slot.method;
        cells[at] = { value: slot.token.value, token: slot.token, method, prov: tokenProv(slot.token) };
      } else if (slot.kind === 'blank') {
        cells[at] = { value: null, token: slot.token, method: 'blank', prov: slot.token?.prov ?? p.view.prov };
      } else if (value !== undefined && value !== null && !neverRead[i]) {
        cells[at] = { value, token: null, method: 'identity-placed', prov: p.view.prov };
      } else if (value !== undefined && value !== null) {
        cells[at] = { value, token: null, method: 'identity-inferred', prov: p.view.prov };
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
        cells[at] = { value: null, token: null, method: 'unresolved', prov: p.view.prov };
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
    if (rep.candidate.method === 'glued-split' && settledBy.length === 0) gluedRows.push({ p, rep });
    else findings.push(...placementFindings(table, p, rep, agreeing.length, settledBy));
    for (const u of choice.uncertain) {
      const target = p.targets[u.index]!;
      const shown = (v: CellState): string => (v === undefined ? '?' : v === null ? 'blank' : String(v));
      findings.push(
        finding(
          'table/uncertain-cell',
          'warning',
          `${table}.${target.row}.${target.col} reads ${shown(rep.values[u.index])} by its position in "${p.view.text}", but the identities equally allow ${u.alternatives.map(shown).join(' or ')} (a shifted or lost field)`,
          { table, row: target.row, col: target.col, actual: shown(rep.values[u.index]), expected: u.alternatives.map(shown).join(' | '), prov: p.view.prov },
        ),
      );
    }
  }
}

/**
 * Candidates that survive the identities and all give the same figures, or null while the row is open.
 * A sound positional reading that breaks no identity is decisive. In the final pass, placements that
 * determine every cell are preferred, then the most plausible; where equally good placements still
 * disagree, the disagreeing cells are reported as uncertain.
 */
function chooseCandidates(p: PendingRow, ev: Evaluator, final: boolean): Choice | null {
  const eqs = ev.eqs;
  // A sound positional reading that breaks nothing settles the row without weighing the alternatives.
  const first = p.candidates[0];
  if (first && isSoundPosition(first)) {
    const e = ev.of(p, first);
    if (!e.impossible && e.violations === 0) return { agreeing: [e], uncertain: [] };
  }
  if (first?.alternatives && first.prior > 0) {
    // Cuts of glued digits come first: the readings behind them (a lone total, lost cells) only if no cut fits.
    // Before the final pass, two cuts that disagree leave the row open: the others need not be weighed yet (a
    // one-paragraph copy's glued rows are weighed again after every row fixed). The cuts are never joined
    // figures, so a clean one is credible.
    if (!final && twoCleanDisagree(p, ev)) return null;
    const clean = p.candidates.map((c) => ev.of(p, c)).filter(isClean);
    if (clean.length > 0 && sameValues(clean)) return { agreeing: clean, uncertain: [] };
    if (clean.length > 0 && !final) return null;
  }
  if (first?.alternatives) {
    p.candidates = [...p.candidates, ...first.alternatives()];
    first.alternatives = undefined;
  }
  if (!final && !p.candidates.some(isSoundPosition) && twoCleanDisagree(p, ev)) {
    // Two readings that break nothing disagree: the fewest violations is none, both are among the best and no
    // positional reading decides — the row stays open, whatever the others weigh (a row of a one-paragraph copy
    // that prints one short figure for seven cells has eight placements, weighed again after every row fixed).
    return null;
  }
  let evals = p.candidates.map((c) => ev.of(p, c)).filter((e) => isCredible(e, p, eqs));
  if (evals.length === 0) return null;
  const minViolations = Math.min(...evals.map((e) => e.violations));
  evals = evals.filter((e) => e.violations === minViolations);
  const decisive = evals.find((e) => isSoundPosition(e.candidate));
  if (decisive && (final || minViolations === 0)) return { agreeing: [decisive], uncertain: [] };
  if (sameValues(evals)) return { agreeing: evals, uncertain: [] };
  if (!final) return null;
  // Prefer placements that determine every cell over ones that leave cells open.
  const minOpen = Math.min(...evals.map(openCells));
  evals = evals.filter((e) => openCells(e) === minOpen);
  if (sameValues(evals)) return { agreeing: evals, uncertain: [] };
  const minPrior = Math.min(...evals.map((e) => e.candidate.prior));
  const best = evals.filter((e) => e.candidate.prior === minPrior);
  if (!sameValues(best)) return null;
  const others = evals.filter((e) => e.candidate.prior !== minPrior);
  const chosen = best[0]!.values;
  const uncertain = chosen
    .map((v, index) => ({ index, alternatives: [...new Set(others.map((o) => o.values[index]).filter((x) => x !== v))] }))
    .filter((u) => u.alternatives.length > 0);
  return { agreeing: best, uncertain };
}

/** A positional reading not in doubt: one that breaks nothing settles its row. */
function isSoundPosition(c: Candidate): boolean {
  return c.prior === 0 && !c.doubtful;
}

/** Two of the row's credible readings break no identity and give different figures (weighed until two are found). */
function twoCleanDisagree(p: PendingRow, ev: Evaluator): boolean {
  let firstClean: Evaluation | null = null;
  for (const c of p.candidates) {
    const e = ev.of(p, c);
    if (!isClean(e) || !isCredible(e, p, ev.eqs)) continue;
    if (firstClean === null) firstClean = e;
    else if (!sameReading(firstClean, e)) return true;
  }
  return false;
}

/**
 * A reading the row may have: possible, and not a figure joined from two cells that no identity confirms — a
 * source may contradict itself, but a join is only a guess at what the cells were: it must stand in a cell an
 * identity checks, and break none ("4 0 … 0 4" is eight columns, not 40 and a total of 4; section 二's
 * "74 8 87" under one column is no 74887).
 */
function isCredible(e: Evaluation, p: PendingRow, eqs: readonly Equation[]): boolean {
  if (e.impossible) return false;
  if (e.candidate.method !== 'joined') return true;
  return e.violations === 0 && e.candidate.slots.every((s, i) => s.kind !== 'read' || s.method !== 'joined' || eqs.some((eq) => eq.cells.includes(p.indexes[i]!)));
}

/** Most search steps for settling rows jointly; beyond it the search is abandoned (nothing settled by it). */
const MAX_JOINT_STEPS = 20_000;

/**
 * Every combination of the open rows' candidates that breaks no identity, searched depth-first with
 * propagation (a partial combination that already breaks one is not extended). A row is settled when all
 * the combinations give it the same figures; the others stay open. Only a complete search settles
 * anything: "the only placement the identities allow" must be the only one.
 */
function settleJointly(rows: PendingRow[], ev: Evaluator): Map<PendingRow, Choice> {
  const { grid, eqs } = ev;
  // Without identities (section 二) no combination is better than another: nothing to search.
  if (eqs.length === 0) return new Map();
  for (const p of rows) {
    const first = p.candidates[0];
    if (first?.alternatives) {
      p.candidates = [...p.candidates, ...first.alternatives()];
      first.alternatives = undefined;
    }
  }
  // A candidate that breaks an identity on its own (given the rows fixed) breaks it in every combination:
  // the search needs only the others.
  // Placements that determine every cell are preferred to ones that suppose lost cells, as for one row.
  const viable = new Map(
    rows.map((p) => {
      const clean = p.candidates.filter((c) => isClean(ev.of(p, c)));
      const determinate = clean.filter((c) => c.slots.every((s) => s.kind !== 'unknown'));
      return [p, determinate.length > 0 ? determinate : clean] as const;
    }),
  );
  if ([...viable.values()].some((cs) => cs.length === 0)) return new Map();
  const order = [...rows].sort((a, b) => viable.get(a)!.length - viable.get(b)!.length);
  /**
   * Per row (in `order`), the distinct readings found in the combinations that leave the fewest cells
   * undetermined — as one row alone, a placement that determines every cell is preferred to one that
   * supposes cells were lost.
   */
  let seen: Map<string, Reading>[] = order.map(() => new Map());
  let fewestOpen = Infinity;
  const chosen: Reading[] = [];
  let steps = 0;
  let complete = true;
  const search = (depth: number, state: Float64Array): void => {
    if (!complete) return;
    if (depth === order.length) {
      let open = 0;
      for (const r of chosen) open += openCells(r);
      if (open > fewestOpen) return;
      if (open < fewestOpen) {
        fewestOpen = open;
        seen = order.map(() => new Map());
      }
      chosen.forEach((r, i) => seen[i]!.set(readingKey(r), r));
      return;
    }
    const p = order[depth]!;
    for (const candidate of viable.get(p)!) {
      if (++steps > MAX_JOINT_STEPS) {
        complete = false;
        return;
      }
      const trial = Float64Array.from(state);
      candidate.slots.forEach((slot, i) => {
        trial[p.indexes[i]!] = slot.kind === 'read' ? (slot.token.value ?? 0) : slot.kind === 'blank' ? 0 : NaN;
      });
      const result = propagate(trial, eqs);
      if (result.impossible || result.violated.length > 0) continue;
      chosen[depth] = { candidate, values: candidate.slots.map((slot, i) => (slot.kind === 'unknown' ? stateOf(result.state[p.indexes[i]!]!) : slotValue(slot))) };
      search(depth + 1, result.state);
      // Every row already reads two ways among fully determined combinations: nothing more can settle.
      if (fewestOpen === 0 && seen.every((m) => m.size > 1)) return;
    }
  };
  // A grid that already breaks an identity (the source contradicts itself) admits no clean combination.
  if (propagate(Float64Array.from(grid), eqs).violated.length === 0) search(0, grid);
  const settled = new Map<PendingRow, Choice>();
  if (!complete) return settled;
  order.forEach((p, i) => {
    const readings = [...seen[i]!.values()];
    if (readings.length === 1) settled.set(p, { agreeing: readings, uncertain: [] });
  });
  return settled;
}

function isClean(e: Evaluation): boolean {
  return !e.impossible && e.violations === 0;
}

function stateOf(v: number): CellState {
  return Number.isNaN(v) ? undefined : v;
}

/** A reading's figures as a key: two readings that give the same figures have the same key. */
function readingKey(r: Reading): string {
  return figuresText(r, ',');
}

function sameValues(evals: Evaluation[]): boolean {
  const first = evals[0]!;
  return evals.every((e) => sameReading(first, e));
}

/** Two readings give the same figures. */
function sameReading(a: Reading, b: Reading): boolean {
  const x = a.values;
  const y = b.values;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!sameState(x[i], y[i])) return false;
  return true;
}

/**
 * Equality of two cell states as the solver has always compared them (through their JSON): a blank
 * and an undetermined cell both print as null there, so they count as the same.
 */
function sameState(a: CellState, b: CellState): boolean {
  return a === b || (a == null && b == null);
}

/** The figure a slot gives before the identities are consulted: read, blank (null) or not yet known. */
function slotValue(slot: Slot): CellState {
  if (slot.kind === 'read') return slot.token.value;
  return slot.kind === 'blank' ? null : undefined;
}

/**
 * Weighs candidates against the identities given the rows fixed so far. A row's candidates are weighed in
 * several passes (and again for its finding) while the grid may not have changed: each evaluation is kept
 * until the next row is fixed. A table without identities (section 二) has nothing to weigh.
 */
class Evaluator {
  private readonly memo = new Map<Candidate, Evaluation>();
  /**
   * The grid's equations summed, kept in step with every write, once a candidate is weighed (a table whose rows
   * all settle alone never needs them); null when a figure in the grid is not exact (then cells are read each time).
   */
  private sums: EquationSums | null | undefined = undefined;

  constructor(
    readonly grid: Float64Array,
    readonly eqs: Equation[],
  ) {}

  of(p: PendingRow, candidate: Candidate): Evaluation {
    let e = this.memo.get(candidate);
    if (!e) {
      if (this.eqs.length === 0) e = unchecked(candidate);
      else {
        if (this.sums === undefined) this.sums = equationSums(this.grid, this.eqs);
        e = evaluate(this.grid, this.sums, p, candidate, this.eqs);
      }
      this.memo.set(candidate, e);
    }
    return e;
  }

  /** Sets a cell of the grid (a row being fixed): the sums follow. */
  write(at: number, value: number): void {
    if (!this.sums) this.grid[at] = value;
    else if (!setCell(this.grid, this.sums, this.eqs, at, value)) this.sums = null;
  }

  /**
   * A row was fixed: every evaluation so far was made against the old grid — except in a table without
   * identities, where a reading is its slots as read whatever the grid holds (section 二's glued rows keep theirs).
   */
  gridChanged(): void {
    if (this.eqs.length > 0) this.memo.clear();
  }
}

/** A candidate of a table without identities: its slots as read, nothing violated or inferred. */
function unchecked(candidate: Candidate): Evaluation {
  return { candidate, values: candidate.slots.map(slotValue), violations: 0, impossible: false };
}

/** A scratch grid for evaluate (one thread evaluates one candidate at a time): no allocation per candidate. */
let scratch = new Float64Array(0);

function evaluate(grid: Float64Array, sums: EquationSums | null, p: PendingRow, candidate: Candidate, eqs: Equation[]): Evaluation {
  // Large enough for any table seen: cells past this grid's are never read.
  if (scratch.length < grid.length) scratch = new Float64Array(grid.length);
  const trial = scratch;
  trial.set(grid);
  const indexes = p.indexes;
  const slots = candidate.slots;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    trial[indexes[i]!] = slot.kind === 'read' ? (slot.token.value ?? 0) : slot.kind === 'blank' ? 0 : NaN;
  }
  // Only this row's cells changed: propagate from them (the rest of the grid is as the fixed rows left it).
  const result = (sums !== null ? propagateChange(trial, grid, sums, eqs, indexes) : null) ?? propagateFrom(trial, eqs, indexes);
  // Pushed, not written into `new Array(n)`: a packed array, as every other reading's values.
  const values: CellState[] = [];
  const state = result.state;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (slot.kind !== 'unknown') values.push(slotValue(slot));
    else {
      const v = state[indexes[i]!]!;
      values.push(Number.isNaN(v) ? undefined : v);
    }
  }
  let violations = 0;
  for (const eq of result.violated) if (eq.cells.some((c) => indexes.includes(c))) violations++;
  return { candidate, values, violations, impossible: result.impossible };
}

/**
 * The finding on rows whose digits were printed without separators and cut as the identities require:
 * the row itself when there is one, else the table, with each row's digits and cut.
 */
function gluedFinding(table: string, rows: { p: PendingRow; rep: Reading }[]): Finding {
  if (rows.length === 1) {
    const { p, rep } = rows[0]!;
    const read = printedFigures(p);
    const placed = figuresText(rep, ' ');
    return finding('table/glued-digits', 'warning', `${table}.${p.label}: digits printed without separators ("${read}") were cut as ${placed} — the only cut the identities allow`, {
      table,
      ...rowOf(p),
      actual: read,
      expected: placed,
      prov: p.view.prov,
    });
  }
  // A row with as many digits as cells ("0000000", "1000001") has one cut only: it is counted, not listed.
  const forced = (p: PendingRow): boolean => p.view.values.reduce((n, v) => n + (v.digits?.length ?? 1), 0) === p.targets.length;
  const listed = rows.filter(({ p }) => !forced(p));
  const list = listed.map(({ p, rep }) => `${p.label} "${printedFigures(p)}" → ${figuresText(rep, '|')}`).join('; ');
  const more = rows.length - listed.length;
  const rest = more > 0 ? `${listed.length > 0 ? '; ' : ''}${more} row${more === 1 ? '' : 's'} with one digit per cell` : '';
  return finding(
    'table/glued-digits',
    'warning',
    `${table}: ${rows.length} rows print their digits without separators; each was cut as the only cut the identities allow: ${list}${rest}`,
    { table, prov: rows[0]!.p.view.prov },
  );
}

/** Placement methods that are reported as a finding on the row. */
const REPORTED_METHODS: ReadonlySet<PlacementMethod> = new Set(['lone-total', 'glued-split', 'joined', 'identity-placed']);

function placementFindings(table: string, p: PendingRow, rep: Reading, agreeing: number, settledBy: Quote[]): Finding[] {
  const method = rep.candidate.method;
  // Most rows are placed by position or sequence: no finding, so no message to build.
  if (!REPORTED_METHODS.has(method)) return [];
  const read = printedFigures(p);
  const placed = figuresText(rep, ' ');
  const base = { table, ...rowOf(p), actual: read, expected: placed, prov: p.view.prov };
  switch (method) {
    case 'lone-total':
      return [finding('table/lone-total', 'info', `${table}.${p.label}: the row prints one figure (${read}); it is 总计, the other cells are blank`, base)];
    case 'glued-split': {
      const cited = settledBy.map((q) => `"${q.text}"`).join(', ');
      return [
        finding('table/glued-digits', 'warning', `${table}.${p.label}: digits printed without separators ("${read}") fit several cuts; the report's own text (${cited}) leaves one: ${placed}`, base),
      ];
    }
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
  const read = printedFigures(p);
  return finding(
    'table/unplaceable-row',
    'error',
    `${table}.${p.label}: the row prints ${p.view.values.length} figures for ${p.targets.length} cells ("${read}") and nothing tells which cell each belongs to; its cells are left empty`,
    { table, ...rowOf(p), actual: read, prov: p.view.prov },
  );
}

/** The row a pending row fills, when it fills one row (a flat table's figures fill several). */
function rowOf(p: PendingRow): { row?: string } {
  const first = p.targets[0]?.row;
  return first !== undefined && p.targets.every((t) => t.row === first) ? { row: first } : {};
}

/** Most readings an ambiguous row's finding lists. */
const MAX_LISTED_READINGS = 12;

/**
 * The finding on a row the identities leave ambiguous: its readings, and which cells were left empty (the
 * finding points at them: their row, and their column when it is one).
 */
function ambiguous(table: string, p: PendingRow, readings: Evaluation[], open: number[], hasIdentities: boolean): Finding {
  const read = printedFigures(p);
  const shown = readings.slice(0, MAX_LISTED_READINGS).map(readingText);
  const more = readings.length > shown.length ? `, … (${readings.length} in all)` : '';
  // The readings kept break the fewest identities: when that is one or more, no reading fits the table as printed.
  const count = readings.length > 1 ? `${readings.length} ways` : 'more than one way';
  const listed = readings.length > 1 ? ' (listed in expected)' : '';
  const ways = !hasIdentities
    ? `${count}${listed}, and the table has no identity to choose between them`
    : readings.every(isClean)
      ? `${count} that the identities allow${listed}`
      : `${count}${listed}, each breaking an identity of the table (it contradicts itself, or another row was misread)`;
  const emptied = open.map((i) => p.targets[i]!);
  const left =
    emptied.length === p.targets.length
      ? 'its cells are left empty'
      : `${emptied.map((t) => `${t.row}.${t.col}`).join(', ')} ${emptied.length === 1 ? 'is' : 'are'} left empty (every reading agrees on the other cells)`;
  const oneRow = emptied.every((t) => t.row === emptied[0]?.row) ? emptied[0]?.row : undefined;
  const oneCol = emptied.every((t) => t.col === emptied[0]?.col) ? emptied[0]?.col : undefined;
  return finding('table/ambiguous-row', 'error', `${table}.${p.label}: the figures "${read}" fit the ${p.targets.length} cells in ${ways}; ${left}`, {
    table,
    ...(oneRow !== undefined ? { row: oneRow } : {}),
    ...(oneCol !== undefined && emptied.length < p.targets.length ? { col: oneCol } : {}),
    actual: read,
    ...(readings.length > 1 ? { expected: shown.join('; ') + more } : {}),
    prov: p.view.prov,
  });
}

/** "88 | 55 | 698": a reading's figures, · for a blank, ? for an undetermined cell. */
function readingText(r: Reading): string {
  return figuresText(r, ' | ');
}

/** A reading's figures joined by `separator`: · for a blank, ? for an undetermined cell. */
function figuresText(r: Reading, separator: string): string {
  // Built by hand: a one-paragraph copy's glued rows make dozens of readings, each keyed and listed this way.
  let text = '';
  for (let i = 0; i < r.values.length; i++) {
    const v = r.values[i];
    text += `${i === 0 ? '' : separator}${v === undefined ? '?' : v === null ? '·' : v}`;
  }
  return text;
}

/** "88 55698": the figures a row printed, as read. */
function printedFigures(p: PendingRow): string {
  let text = '';
  const values = p.view.values;
  for (let i = 0; i < values.length; i++) text += i === 0 ? values[i]!.raw : ` ${values[i]!.raw}`;
  return text;
}

/**
 * A row's distinct readings that the identities allow (given the rows fixed), preferring — as the final
 * pass does — those that break the fewest identities and determine the most cells.
 */
function viableReadings(p: PendingRow, ev: Evaluator): Evaluation[] {
  const eqs = ev.eqs;
  // Loops rather than map, filter and Math.min(...): every row a one-paragraph copy leaves open passes here.
  const credible: Evaluation[] = [];
  let minViolations = Infinity;
  for (const c of p.candidates) {
    const e = ev.of(p, c);
    if (!isCredible(e, p, eqs)) continue;
    credible.push(e);
    if (e.violations < minViolations) minViolations = e.violations;
  }
  let minOpen = Infinity;
  for (const e of credible) if (e.violations === minViolations) minOpen = Math.min(minOpen, openCells(e));
  const unique = new Map<string, Evaluation>();
  for (const e of credible) {
    if (e.violations !== minViolations || openCells(e) !== minOpen) continue;
    const key = readingKey(e);
    if (!unique.has(key)) unique.set(key, e);
  }
  return [...unique.values()];
}

/** The cells a reading leaves undetermined. */
function openCells(e: Reading): number {
  let n = 0;
  for (const v of e.values) if (v === undefined) n++;
  return n;
}

/**
 * The readings of an ambiguous row that agree with every figure the prose quotes for its cells — when they
 * give one set of figures. A quote that no reading agrees with (the prose counts something else: "现行有效
 * 规范性文件393件" against a table's 470) makes the prose no evidence for this row at all.
 */
function settleByQuotes(p: PendingRow, readings: Reading[], quotes: ReadonlyMap<number, Quote[]>): { readings: Reading[]; quotes: Quote[] } | null {
  const bySlot = p.indexes.map((at) => quotes.get(at) ?? []);
  if (readings.length < 2 || bySlot.every((q) => q.length === 0)) return null;
  const agrees = (r: Reading, slot: number): boolean => bySlot[slot]!.some((q) => q.value === r.values[slot]);
  for (const [slot, q] of bySlot.entries()) {
    if (q.length > 0 && !readings.some((r) => agrees(r, slot))) return null;
  }
  const survivors = readings.filter((r) => bySlot.every((q, slot) => q.length === 0 || agrees(r, slot)));
  const first = survivors[0];
  if (!first || survivors.some((r) => readingKey(r) !== readingKey(first))) return null;
  return { readings: survivors, quotes: bySlot.flatMap((q, slot) => q.filter((x) => x.value === first.values[slot])) };
}
