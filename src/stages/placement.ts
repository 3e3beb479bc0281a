/**
 * Placement: where a row's figures go among the template's columns. A sound row places itself
 * (true grid, exact tab positions, or exactly as many figures as columns). A damaged row yields
 * candidates — which columns its figures fill, how glued digits split, which split figures join —
 * and the table stage keeps the candidates the identities allow.
 */
import { packedMap } from '../arrays.js';
import type { PlacementMethod } from '../types.js';
import type { RowView, ValueToken } from './rows.js';

/** A slot of a candidate: a figure read (token), a blank, or a cell the source lost (unknown). */
export type Slot = { kind: 'read'; token: ValueToken; method: PlacementMethod } | { kind: 'blank'; token: ValueToken | null; method: null } | { kind: 'unknown'; token: null; method: null };

export interface Candidate {
  slots: Slot[];
  method: PlacementMethod;
  /** Lower is more plausible before identities are consulted. */
  prior: number;
  /**
   * A positional reading whose first cell is blank only because an empty field follows the label —
   * which may be the label's merged second column rather than a blank cell. Not decisive on its own.
   */
  doubtful: boolean;
  /**
   * Other readings of the same row, made only if the identities reject this one (most rows are sound,
   * and generating every alternative for them was most of the table stage's time).
   */
  alternatives: (() => Candidate[]) | undefined;
}

// Slots and candidates are made by the functions below only: every slot with the same three properties and
// every candidate with the same five, in the same order. Objects of one shape keep V8's optimised code for
// them; a slot or candidate of a shape not seen before (a property added later, or left out) made the table
// stage's largest functions be compiled again, several times per worker thread in a batch.

export function readSlot(token: ValueToken, method: PlacementMethod): Slot {
  return { kind: 'read', token, method };
}

export function blankSlot(token: ValueToken | null): Slot {
  return { kind: 'blank', token, method: null };
}

export function unknownSlot(): Slot {
  return { kind: 'unknown', token: null, method: null };
}

/** A slot for a figure: read, or blank when it is a placeholder ("/", "—", "无"). */
function figureSlot(token: ValueToken, method: PlacementMethod): Slot {
  return token.value === null ? blankSlot(token) : readSlot(token, method);
}

export function candidate(method: PlacementMethod, prior: number, slots: Slot[]): Candidate {
  return { slots: packed(slots), method, prior, doubtful: false, alternatives: undefined };
}

/** The slots in a packed array, whoever made them (see src/arrays.ts): most are made by `map`. */
function packed(slots: Slot[]): Slot[] {
  return packedMap(slots, (s) => s);
}

const MAX_CANDIDATES = 6000;

/** An identity among the slots of one row: Σ coefs[i]·slot[slots[i]] = 0. */
export interface SlotCheck {
  slots: number[];
  coefs: number[];
}

export interface PlacementContext {
  /** Index of the 总计 column, where a lone figure goes. */
  totalIndex: number | null;
  /** The table has identities that can choose between candidates. */
  checkable: boolean;
  /** Identities that lie within the row itself (row sums): they prune glued-digit cuts as they are made. */
  rowChecks?: SlotCheck[];
  /**
   * Which slots may hold a signed figure (本年增/减), when the table has such a column: a sign glued inside a
   * digit run ("14-943") then starts a figure of one of them, and only there. Null or absent: signs are not
   * placed by it.
   */
  signed?: readonly boolean[] | null;
  /** The table's columns as the header of each of its grids (by source table) names them: where a misfit grid row puts its figures. */
  headers?: ReadonlyMap<number, HeaderColumns>;
}

/**
 * The template columns a table's header names, by source-grid column: a header that prints fewer columns
 * than the template (自然人 | 法人或其他组织 | 总计 for seven) says which figure is which.
 */
export interface HeaderColumns {
  /** Source-grid column → template column index, for columns whose header is a template column's label. */
  columnAt: ReadonlyMap<number, number>;
  /** The first (leftmost) of those source-grid columns: where the table's data start. */
  firstCol: number;
  /** The last source-grid column the header prints over (a template column, a group or another column). */
  lastCol: number;
  /** Source-grid columns under a group label only (法人或其他组织 printed as one column): a sum with no cell of its own. */
  groupCols: ReadonlySet<number>;
  /** Source-grid columns whose header is no label of the template (小计, 备注) → that header: not a cell of the table. */
  otherCols: ReadonlyMap<number, string>;
  /**
   * The width of the header's grid: only rows of a grid as wide are placed by it (a table continued on the next
   * page may be a grid of its own, whose columns are not the header's).
   */
  gridWidth: number | null;
  /** The header names every template column: it then places any misfit row, not only one whose positions say nothing. */
  complete: boolean;
}

export function rowCandidates(row: RowView, ncols: number, ctx: PlacementContext): Candidate[] {
  const positional = positionalCandidate(row, ncols, headerOf(row, ctx.headers));
  if (!positional) return sequenceCandidates(row.values, ncols, ctx);
  // Tab positions are only a hint: a blank they imply may be a shifted field. Let the identities
  // weigh the positional reading against the figures taken in order (the positional one wins ties).
  const hasBlank = positional.slots.some((s) => s.kind === 'blank');
  if (row.positions === 'tab' && hasBlank && ctx.checkable) {
    const figures = row.values.filter((v) => v.value !== null);
    // The first blank may be the label's merged column: then a figure was lost, not printed blank.
    const leadingSpan = positional.slots[0]!.kind === 'blank' && positional.slots[0]!.token === null && positional.slots.slice(1).every((s) => s.kind === 'read');
    if (leadingSpan) positional.doubtful = true;
    // An alternative may read a figure where the positions show a blank, but never invent one there:
    // filling printed blanks from the identities would "fix" the source.
    positional.alternatives = () =>
      sequenceCandidates(figures, ncols, ctx).filter(
        (c) =>
          c.prior > 0 &&
          c.slots.every((slot, i) => positional.slots[i]!.kind !== 'blank' || slot.kind !== 'unknown' || (i === 0 && leadingSpan)) &&
          !sameSlots(c, positional),
      );
    return [positional];
  }
  return [positional];
}

/** The header of the grid a row stands in, if the table has one there. */
export function headerOf(row: RowView, headers: ReadonlyMap<number, HeaderColumns> | undefined): HeaderColumns | null {
  const table = row.prov.tableIndex;
  return table === undefined ? null : (headers?.get(table) ?? null);
}

/**
 * A grid row whose data fields are not exactly the template's columns — fewer (a table printing 自然人 |
 * 法人或其他组织 | 总计 for seven columns) or more (a 小计 or 备注 column the template does not have) — with a
 * figure among them (where blanks stand does not matter: every cell of an all-blank row is blank).
 */
function isMisfitGridRow(row: RowView, ncols: number): boolean {
  const fields = row.dataFields;
  return row.positions === 'grid' && fields !== null && fields.length !== ncols && fields.some((f) => f !== null && f.value !== null);
}

/**
 * A misfit grid row whose positions alone do not say which fields are the template's columns: narrower, or
 * wider unless exactly one way of dropping blank fields at its two ends leaves the template's width (figures
 * at both ends; or a blank label column before and a blank 备注 column after a row whose only figure is its
 * 总计 — dropping both leading fields would shift that 0 into 其他).
 */
function needsHeader(row: RowView, ncols: number): boolean {
  if (!isMisfitGridRow(row, ncols)) return false;
  const fields = row.dataFields!;
  if (fields.length < ncols) return true;
  const extra = fields.length - ncols;
  let ways = 0;
  for (let lead = 0; lead <= extra; lead++) {
    const dropped = [...fields.slice(0, lead), ...fields.slice(lead + ncols)];
    if (dropped.every((f) => f === null)) ways++;
  }
  return ways !== 1;
}

/**
 * A grid row the header places: a misfit row when the header names every template column (a 小计 among them
 * is then no guess), else one whose positions say nothing (see needsHeader) — a header that names only some
 * columns may be a garbled one. Same grid, every figure under a column it names. Its slots, else null.
 */
export function placedByHeader(row: RowView, ncols: number, header: HeaderColumns | null): Slot[] | null {
  if (!header || (header.gridWidth !== null && row.gridWidth !== header.gridWidth)) return null;
  const view = fromFirstColumn(row, header);
  if (!(header.complete ? isMisfitGridRow(view, ncols) : needsHeader(view, ncols))) return null;
  return slotsByHeader(view, ncols, header);
}

/**
 * The row without the blank fields before the header's first column: empty label columns of a row whose
 * label stands in the first one, which would otherwise count as data fields (and may make a row of five
 * figures look seven wide).
 */
function fromFirstColumn(row: RowView, header: HeaderColumns): RowView {
  const { dataFields, dataCols } = row;
  if (!dataFields || !dataCols) return row;
  let k = 0;
  while (k < dataCols.length && dataCols[k]! < header.firstCol && dataFields[k] === null) k++;
  return k === 0 ? row : { ...row, dataFields: dataFields.slice(k), dataCols: dataCols.slice(k) };
}

/**
 * The slots of a misfit grid row placed by the header: each field in the template column its header
 * names; a figure under a group label only (法人或其他组织 as one column) is that group's sum, and a figure
 * under a column the template does not have (小计, 备注) is none of its cells: neither fills a cell; a template
 * column the header does not print is unknown (never blank: nothing was printed there, not an empty cell).
 * Null when a figure stands in a column the header does not name, or two fields claim one column.
 */
function slotsByHeader(row: RowView, ncols: number, header: HeaderColumns): Slot[] | null {
  const fields = row.dataFields;
  const cols = row.dataCols;
  if (!fields || !cols || cols.length !== fields.length) return null;
  const slots: (Slot | undefined)[] = Array.from({ length: ncols }, () => undefined);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const at = header.columnAt.get(cols[i]!);
    if (at !== undefined && (at >= ncols || slots[at] !== undefined)) return null;
    // A blank stands where it stands: under a column of the header it is that cell, elsewhere (an empty
    // label column) it is nothing.
    if (f === null || f.value === null) {
      if (at !== undefined) slots[at] = blankSlot(f);
      continue;
    }
    if (at !== undefined) slots[at] = readSlot(f, 'grid');
    else if (!header.groupCols.has(cols[i]!) && !header.otherCols.has(cols[i]!)) return null;
  }
  return slots.map((s) => s ?? unknownSlot());
}

function sameSlots(a: Candidate, b: Candidate): boolean {
  return a.slots.every((s, i) => {
    const t = b.slots[i]!;
    if (s.kind !== t.kind) return false;
    return s.kind === 'unknown' || (s.kind === 'read' && t.kind === 'read' ? s.token.value === t.token.value : true);
  });
}

/** Rows whose field positions can be trusted and fit the columns exactly (blanks included). */
function positionalCandidate(row: RowView, ncols: number, header: HeaderColumns | null): Candidate | null {
  if (!row.dataFields || row.positions === 'none') return null;
  // A grid row that does not fit the template: placed by the columns its header names, when it names them.
  const byHeader = placedByHeader(row, ncols, header);
  if (byHeader) return candidate('grid', 0, byHeader);
  let fields = fittedFields(row.dataFields, ncols);
  if (row.positions === 'grid' && fields.length < ncols && fields.length > 0) {
    // A grid row narrower than the template, with no header to say otherwise: its label is taken to span into
    // the data columns and its figures right-aligned (the table stage says so when no row fits).
    fields = [...Array<null>(ncols - fields.length).fill(null), ...fields];
  }
  if (fields.length !== ncols) return null;
  const method: PlacementMethod = row.positions === 'grid' ? 'grid' : 'position';
  return candidate(
    method,
    0,
    fields.map((f) => (f === null ? blankSlot(null) : figureSlot(f, method))),
  );
}

/** A row's data fields less the empty fields beyond the template's width, at either end, when they are all empty. */
export function fittedFields(fields: (ValueToken | null)[], ncols: number): (ValueToken | null)[] {
  if (fields.length <= ncols) return fields;
  const lead = leadingFieldsFitted(fields, ncols);
  if (lead > 0) return fields.slice(lead);
  if (fields.slice(ncols).every((f) => f === null)) return fields.slice(0, ncols);
  return fields;
}

/** How many empty fields fittedFields drops at the start of a row wider than `ncols` (0: none there). */
export function leadingFieldsFitted(fields: readonly (ValueToken | null)[], ncols: number): number {
  const extra = fields.length - ncols;
  return extra > 0 && fields.slice(0, extra).every((f) => f === null) ? extra : 0;
}

/** Candidates from figures in order, for rows without trustworthy positions or with lost cells. */
export function sequenceCandidates(values: readonly ValueToken[], ncols: number, ctx: PlacementContext): Candidate[] {
  const k = values.length;
  if (k === ncols) return [inOrder(values, 'sequence', 0)];
  if (k === 0) return [candidate('blank', 0, Array.from({ length: ncols }, () => blankSlot(null)))];
  const out: Candidate[] = [];
  if (k < ncols) {
    const glued = gluedSplits(values, ncols, ctx.rowChecks ?? NO_CHECKS, ctx.signed ?? null);
    const others = (): Candidate[] => {
      const more: Candidate[] = [];
      // "0000000" is no figure as printed (a count never starts with 0): glued digits, not a lone 总计,
      // and no figure with lost cells around it.
      if (k === 1 && ctx.totalIndex !== null && !isGluedZeros(values[0]!)) more.push(loneTotal(values[0]!, ncols, ctx.totalIndex));
      if (ctx.checkable && !values.some(isGluedZeros)) more.push(...lostCellPlacements(values, ncols));
      return more;
    };
    // One run of glued digits that the row's identities cut into every cell ("713000074"): the cuts come
    // first; a lone total or lost cells are weighed only if no cut fits the table. (Several figures are
    // more likely a row that lost cells than figures to cut further: they keep the old order.)
    if (k === 1 && glued.length > 0) {
      // "0000000" (no figure as printed) or "1000001" for seven cells (one digit a cell: a million and one
      // requests is no lone total) has nothing behind its cut: without alternatives, it settles the row at once.
      const oneDigitEach = values[0]!.digits?.length === ncols;
      if (!isGluedZeros(values[0]!) && !oneDigitEach) glued[0]!.alternatives = others;
      return glued.slice(0, MAX_CANDIDATES);
    }
    const rest = others();
    out.push(...rest.filter((c) => c.method === 'lone-total'), ...glued, ...rest.filter((c) => c.method !== 'lone-total'));
  } else {
    out.push(...joinedNumbers(values, ncols));
  }
  return out.slice(0, MAX_CANDIDATES);
}

/** Digits that start with 0 and go on: not one figure as printed, but figures glued together. */
function isGluedZeros(v: ValueToken): boolean {
  return v.digits !== null && v.digits.length > 1 && v.digits.startsWith('0');
}

function inOrder(values: readonly ValueToken[], method: PlacementMethod, prior: number): Candidate {
  return candidate(method, prior, values.map((v) => figureSlot(v, method)));
}

function loneTotal(value: ValueToken, ncols: number, totalIndex: number): Candidate {
  const slots: Slot[] = Array.from({ length: ncols }, () => blankSlot(null));
  slots[totalIndex] = figureSlot(value, 'lone-total');
  return candidate('lone-total', 1, slots);
}

/** Every way to put k figures, in order, into ncols columns; the other cells are unknown. */
function lostCellPlacements(values: readonly ValueToken[], ncols: number): Candidate[] {
  const out: Candidate[] = [];
  // A slot is never changed once made: each figure's slot, and one unknown slot, serve every placement (a row of six
  // figures for seven cells has seven placements, and a table copied without its blanks a score of such rows).
  const figures = values.map((v) => figureSlot(v, 'identity-placed'));
  const unknown = unknownSlot();
  for (const positions of combinations(ncols, values.length)) {
    if (out.length >= MAX_CANDIDATES) break;
    const slots: Slot[] = [];
    for (let c = 0; c < ncols; c++) slots.push(unknown);
    for (let i = 0; i < positions.length; i++) slots[positions[i]!] = figures[i]!;
    out.push(candidate('identity-placed', 2, slots));
  }
  return out;
}

/** Most ways to cut digit runs that are worth trying: beyond this a run is too long to settle. */
const MAX_CUT_STEPS = 200_000;

const NO_CHECKS: readonly SlotCheck[] = [];

/** "-943" → "-": the sign of a figure printed signed, which glued digits may follow ("14-943": 14, -9, 43). */
function signOf(v: ValueToken): string {
  return v.digits === null && SIGNED_DIGITS.test(v.raw) ? v.raw[0]! : '';
}

const SIGNED_DIGITS = /^[+-]\d+$/;

/**
 * Cuts glued digit runs ("640020470") so that the row has exactly ncols figures, without leading zeros.
 * Cuts are made left to right and an identity of the row is checked as soon as its slots are filled,
 * so that a 17-digit sec4 run is settled in a few hundred steps rather than millions. Where the table has a
 * signed column (`signed`), a signed run is cut too, its sign staying with its first figure, which must then
 * fall in a signed column: "14-943" is 14 | -9 | 43 or 14 | -94 | 3 under 上一年项目数量 · 本年增/减 · 处理决定数量,
 * never 1 | 4 | -943.
 */
function gluedSplits(values: readonly ValueToken[], ncols: number, checks: readonly SlotCheck[], signed: readonly boolean[] | null): Candidate[] {
  if (values.some((v) => v.value === null)) return [];
  return new GluedCuts(values, ncols, checkPlan(checks, ncols), signed).all();
}

/**
 * One row's cutting walk (gluedSplits), its state in fields: a row a call, forty-odd a one-paragraph report, and as
 * closures over local variables each call made eight functions and their context.
 */
class GluedCuts {
  private readonly out: Candidate[] = [];
  private readonly signs: string[];
  private readonly runs: (string | null)[];
  // The figures placed so far (`depth` of them), and where each comes from: its token, offset and length in
  // the token's digits (-1: the token whole). Slots are made only for the cuts that complete the row.
  private readonly numbers: Float64Array;
  private readonly from: Int32Array;
  private readonly at: Int32Array;
  private readonly lengths: Int32Array;
  private depth = 0;
  private steps = 0;
  /** The bound of canStillHold holds for figures that are never negative. */
  private readonly mayBeNegative: boolean;
  /** Digits from token i on, for bounding what the cells still to fill can hold. */
  private readonly digitsFrom: number[];

  constructor(
    private readonly values: readonly ValueToken[],
    private readonly ncols: number,
    private readonly plan: CheckPlan,
    private readonly signed: readonly boolean[] | null,
  ) {
    this.signs = packedMap(values, (v) => (signed ? signOf(v) : ''));
    this.runs = packedMap(values, (v, i) => v.digits ?? (this.signs[i] !== '' ? v.raw.slice(1) : null));
    const scratch = cutScratch(ncols);
    this.numbers = scratch.numbers;
    this.from = scratch.from;
    this.at = scratch.at;
    this.lengths = scratch.lengths;
    this.mayBeNegative = signed !== null && signed.some(Boolean);
    const digitsFrom: number[] = [];
    for (let i = 0; i <= values.length; i++) digitsFrom.push(0);
    for (let i = values.length - 1; i >= 0; i--) digitsFrom[i] = digitsFrom[i + 1]! + (this.runs[i]?.length ?? 1);
    this.digitsFrom = digitsFrom;
  }

  all(): Candidate[] {
    if (!this.oneDigitEach()) this.walk(0, 0, this.ncols - this.values.length);
    return this.out;
  }

  /** The identities whose last slot is `slot` hold for the figures placed. */
  private holds(slot: number): boolean {
    const plan = this.plan;
    const list = plan.byLastSlot[slot];
    if (list === undefined) return true;
    for (let c = 0; c < list.length; c++) {
      const slots = plan.slots[list[c]!]!;
      const coefs = plan.coefs[list[c]!]!;
      let sum = 0;
      for (let i = 0; i < slots.length; i++) sum += coefs[i]! * this.numbers[slots[i]!]!;
      if (sum !== 0) return false;
    }
    return true;
  }

  /**
   * Figures are never negative, and the cells still to fill hold at most what the digits left can make:
   * a row whose first cells already add up to more than its 总计 can still be, is abandoned at once
   * ("18901264202": 1890 as 自然人 leaves too few digits for a 总计 of 1890 or more).
   */
  private canStillHold(digitsLeft: number): boolean {
    const slotsLeft = this.ncols - this.depth;
    if (slotsLeft === 0 || this.mayBeNegative) return true;
    const widest = digitsLeft - (slotsLeft - 1);
    const most = widest >= 16 ? Infinity : widest < -16 ? -1 : LARGEST_OF_WIDTH[widest + 16]!;
    const plan = this.plan;
    for (let c = 0; c < plan.slots.length; c++) {
      const slots = plan.slots[c]!;
      const coefs = plan.coefs[c]!;
      let balance = 0;
      let openPlus = 0;
      let openMinus = 0;
      for (let k = 0; k < slots.length; k++) {
        const slot = slots[k]!;
        if (slot < this.depth) balance += coefs[k]! * this.numbers[slot]!;
        else if (coefs[k]! > 0) openPlus++;
        else openMinus++;
      }
      if (balance > openMinus * most || -balance > openPlus * most) return false;
    }
    return true;
  }

  /** Places a figure in the next slot (the caller takes it back: depth--): false when the row can no longer hold. */
  private push(n: number, token: number, offset: number, length: number, digitsLeft: number): boolean {
    // A figure printed with its sign stands only in a column that may be signed.
    const withSign = offset === 0 && this.signs[token] !== '';
    const slot = this.depth++;
    this.numbers[slot] = n;
    this.from[slot] = token;
    this.at[slot] = offset;
    this.lengths[slot] = length;
    if (withSign && this.signed?.[slot] !== true) return false;
    return this.holds(slot) && this.canStillHold(digitsLeft);
  }

  private slotAt(k: number): Slot {
    const token = this.from[k]!;
    const v = this.values[token]!;
    if (this.lengths[k] === -1) return readSlot(v, 'sequence');
    const sign = this.signs[token]!;
    const at = this.at[k]!;
    return cutSlot(v, this.runs[token]!.slice(at, at + this.lengths[k]!), at, at === 0 ? sign : '', sign.length);
  }

  private completed(): Candidate {
    const slots: Slot[] = [];
    for (let k = 0; k < this.ncols; k++) slots.push(this.slotAt(k));
    return candidate('glued-split', 2, slots);
  }

  /** Figures still to place from token i on (offset into its digits), with `extra` cuts left to make. */
  private walk(i: number, offset: number, extra: number): void {
    if (this.out.length >= MAX_CANDIDATES || ++this.steps > MAX_CUT_STEPS) return;
    const values = this.values;
    if (i === values.length) {
      if (extra === 0 && this.depth === this.ncols) this.out.push(this.completed());
      return;
    }
    const v = values[i]!;
    const digits = this.runs[i];
    if (!digits) {
      if (this.push(v.value!, i, 0, -1, this.digitsFrom[i + 1]!)) this.walk(i + 1, 0, extra);
      this.depth--;
      return;
    }
    const restLength = digits.length - offset;
    const leadingZero = digits.charCodeAt(offset) === 48;
    // The rest of this run as one figure — which cannot start with 0 unless it is 0.
    if (restLength === 1 || !leadingZero) {
      if (this.push(offset === 0 ? v.value! : restValue(digits, offset), i, offset, offset === 0 ? -1 : restLength, this.digitsFrom[i + 1]!)) this.walk(i + 1, 0, extra);
      this.depth--;
    }
    // Or cut a figure off its front.
    if (extra > 0) {
      // A cut leaves at least one digit behind; a piece starting with 0 is "0" alone.
      const maxLen = leadingZero ? Math.min(1, restLength - 1) : restLength - 1;
      let n = 0;
      const sign = offset === 0 && this.signs[i] === '-' ? -1 : 1;
      for (let len = 1; len <= maxLen; len++) {
        n = n * 10 + (digits.charCodeAt(offset + len - 1) - 48);
        if (this.push(sign * n, i, offset, len, this.digitsFrom[i]! - offset - len)) this.walk(i, offset + len, extra - 1);
        this.depth--;
      }
    }
  }

  /**
   * One run of exactly as many digits as cells ("0000000", "1000001"; a section 三 copied as one paragraph has
   * a dozen): its one cut is a digit a cell, which the walk would reach one push at a time. True when that run
   * was handled (its cut kept if the row's identities allow it).
   */
  private oneDigitEach(): boolean {
    const run = this.runs[0];
    const ncols = this.ncols;
    if (this.values.length !== 1 || run === null || run === undefined || run.length !== ncols || this.signs[0] !== '') return false;
    for (let k = 0; k < ncols; k++) {
      this.numbers[k] = run.charCodeAt(k) - 48;
      this.from[k] = 0;
      this.at[k] = k;
      this.lengths[k] = 1;
    }
    this.depth = ncols;
    let hold = true;
    for (let k = 0; k < ncols && hold; k++) hold = this.holds(k);
    this.depth = 0;
    if (hold) this.out.push(this.completed());
    return true;
  }
}

/** 10^w − 1 for w = −16 … 15, at w + 16: the largest figure of w digits (below 0 when fewer digits are left than cells). */
const LARGEST_OF_WIDTH: readonly number[] = Array.from({ length: 32 }, (_, i) => 10 ** (i - 16) - 1);

/** The digits of `run` from `offset` on as one figure, as Number() reads them (without making the string). */
function restValue(run: string, offset: number): number {
  // Exact while the figure stays below 2^53; a longer run is read by Number() itself.
  if (run.length - offset > 15) return Number(run.slice(offset));
  let value = 0;
  for (let k = offset; k < run.length; k++) value = value * 10 + (run.charCodeAt(k) - 48);
  return value;
}

/**
 * The cutting walk's state, made once per thread and reused (gluedSplits does not call itself): made per row,
 * these arrays cost more than the walk over most rows.
 */
interface CutScratch {
  numbers: Float64Array;
  from: Int32Array;
  at: Int32Array;
  lengths: Int32Array;
}

let scratch: CutScratch = makeScratch(16);

function makeScratch(size: number): CutScratch {
  return { numbers: new Float64Array(size), from: new Int32Array(size), at: new Int32Array(size), lengths: new Int32Array(size) };
}

function cutScratch(ncols: number): CutScratch {
  if (scratch.numbers.length < ncols) scratch = makeScratch(ncols);
  return scratch;
}

/** A row's identities laid out for the cutting walk: the identities each slot completes, and each identity's slots and coefficients. */
interface CheckPlan {
  byLastSlot: (number[] | undefined)[];
  slots: Int32Array[];
  coefs: Float64Array[];
}

/** Check plans by the identities they lay out: a table's rows share their identities (src/stages/tables.ts layoutPlan). */
const checkPlans = new WeakMap<readonly SlotCheck[], CheckPlan>();

function checkPlan(checks: readonly SlotCheck[], ncols: number): CheckPlan {
  let plan = checkPlans.get(checks);
  if (plan) return plan;
  const byLastSlot: (number[] | undefined)[] = new Array<number[] | undefined>(ncols).fill(undefined);
  checks.forEach((c, index) => {
    const last = Math.max(...c.slots);
    (byLastSlot[last] ??= []).push(index);
  });
  plan = { byLastSlot, slots: checks.map((c) => Int32Array.from(c.slots)), coefs: checks.map((c) => Float64Array.from(c.coefs)) };
  checkPlans.set(checks, plan);
  return plan;
}

/**
 * A figure cut out of a token's digits at `at` (its place in the line is worked out once it is chosen: tokenProv).
 * `sign`: the sign printed before it, for the first figure of a signed run ("-9" of "-943"), which is not cut
 * further; `signWidth`: the sign's width before the token's digits, which the offset counts.
 */
function cutSlot(v: ValueToken, digits: string, at: number, sign = '', signWidth = 0): Slot {
  const value = sign === '-' ? -Number(digits) : Number(digits);
  return readSlot({ raw: sign + digits, value, digits: sign === '' ? digits : null, unit: null, note: null, prov: v.prov, cutAt: at === 0 ? 0 : at + signWidth }, 'glued-split');
}

/** A number split over two fields ("1","0" for 10): join adjacent digit runs until the row fits. */
/** A row with more surplus figures than this is not a row split by a stray separator: it is not placed. */
const MAX_JOINS = 3;

function joinedNumbers(values: readonly ValueToken[], ncols: number): Candidate[] {
  const joins = values.length - ncols;
  const out: Candidate[] = [];
  if (joins > MAX_JOINS) return out;
  for (const at of combinations(values.length - 1, joins)) {
    const set = new Set(at);
    const merged: { token: ValueToken; joined: boolean }[] = [];
    let ok = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (set.has(i - 1) && merged.length > 0) {
        const prev = merged[merged.length - 1]!;
        if (!prev.token.digits || !v.digits || prev.token.digits.startsWith('0')) {
          ok = false;
          break;
        }
        const digits = prev.token.digits + v.digits;
        prev.token = { ...prev.token, raw: `${prev.token.raw}|${v.raw}`, digits, value: Number(digits) };
        prev.joined = true;
      } else merged.push({ token: v, joined: false });
    }
    if (!ok || merged.length !== ncols) continue;
    out.push(candidate('joined', 2, merged.map((m) => figureSlot(m.token, m.joined ? 'joined' : 'sequence'))));
    if (out.length >= MAX_CANDIDATES) break;
  }
  return out;
}

/** k-combinations of 0..n-1, in lexicographic order. */
export function* combinations(n: number, k: number): Generator<number[]> {
  if (k < 0 || k > n) return;
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield [...idx];
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}
