/**
 * The header lines of a tab-separated table — a table copied out of a page or a PDF as text, which keeps no grid
 * but keeps each cell a field. A grid's header says which figure is which (stages/columns.ts); here the header
 * line's fields do, where they stand over the rows' fields:
 * - columns no template has (小计, 合计, 备注): a row printing them is read without them, and a row read by position
 *   beside such a header when its fields do not line up with it is a warning, not a silent shift;
 * - fewer columns than the template (自然人 | 法人或其他组织 | 总计; some of the 法人 columns): rows are read under the
 *   columns the header names, the others not printed.
 */
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { TableVariant } from '../kind.js';
import type { Provenance, SourceDocument } from '../types.js';
import { labelKey } from './labels.js';
import { blankSlot, fittedFields, leadingFieldsFitted, readSlot, unknownSlot } from './placement.js';
import type { Slot } from './placement.js';
import type { RowView } from './rows.js';
import type { PendingRow } from './solve.js';
import type { PlacedCell } from './tables.js';

/** Column headers of tables at large that no template column has: a sum or a note printed beside the figures. */
const EXTRA_COLUMN_WORDS = ['小计', '合计', '备注'];
/** Longest field text that may fold to one of them ("（小 计）"). */
const MAX_EXTRA_WORD_CHARS = 8;

/** A header field that names a column no template has: its word, and its place among a tab-separated line's fields. */
export interface ExtraColumn {
  word: string;
  /** The field's index in its line (tab-separated text), or null for a header that is not one (a grid's, a paragraph's). */
  field: number | null;
  /** The header line it stands in (a block index). */
  blockIndex: number;
}

/**
 * The header fields of a section's lines without figures (before or among its tables' rows: a table's first header
 * line comes before anything says which table it is) that name a column no template has ("小计").
 */
export function extraColumnsOf(rows: readonly RowView[], doc: SourceDocument): ExtraColumn[] {
  const found: ExtraColumn[] = [];
  for (const v of rows) {
    if (v.values.length > 0) continue;
    const block = doc.blocks[v.blockIndex];
    const fields = block?.kind === 'row' && block.positions === 'tab' ? block.fields : null;
    for (const l of v.labels) {
      // A header field is short; prose (most rows without figures) is not folded for nothing.
      if (l.text.length > MAX_EXTRA_WORD_CHARS) continue;
      const word = labelKey(l.text);
      if (!EXTRA_COLUMN_WORDS.includes(word)) continue;
      const at = fields ? fields.findIndex((f) => f.prov === l.prov && labelKey(f.text) === word) : -1;
      found.push({ word, field: at >= 0 ? (fields![at]!.col ?? at) : null, blockIndex: v.blockIndex });
    }
  }
  return found;
}

/**
 * A tab-separated table whose header prints a column no template has (小计, 合计, 备注) in a field of its own: a row
 * with more fields than the table has cells drops the field under that header — its figure is no cell of the
 * table — when that leaves as many fields as cells and every template column the same header line names stands
 * over the field that is then its cell. Copies that keep every cell of the grid as a field (a page's table copied
 * out, a converter's text) line up so; a header line shifted against its rows (a cell left out) does not, and its
 * rows are left as they were (table/extra-fields warns on them). The table gets a warning that those figures are
 * not stored.
 */
export function withoutExtraFields(
  table: string,
  rows: Map<string, RowView>,
  extraColumns: readonly ExtraColumn[],
  variant: TableVariant,
  doc: SourceDocument,
): { rows: Map<string, RowView>; finding: Finding | null } {
  const header = headerLineOf(extraColumns, variant, doc);
  if (header === null) return { rows, finding: null };
  let narrowedRows: Map<string, RowView> | null = null;
  for (const [key, v] of rows) {
    const narrowed = withoutFieldsAt(v, header, variant.columns.length);
    if (narrowed === v) continue;
    narrowedRows ??= new Map(rows);
    narrowedRows.set(key, narrowed);
  }
  if (narrowedRows === null) return { rows, finding: null };
  const words = [...new Set(extraColumns.map((e) => e.word))];
  const firstRow = [...narrowedRows.values()][0]!;
  return {
    rows: narrowedRows,
    finding: finding(
      'table/extra-columns',
      'warning',
      `${table}: the table prints ${words.length === 1 ? 'a column' : 'columns'} the template does not have (${words.join('、')}); ${words.length === 1 ? 'its figures are' : 'their figures are'} not stored, the other fields are read in their places`,
      { table, actual: words.join(' | '), prov: firstRow.prov },
    ),
  };
}

/**
 * Other ways a header line may stand over its rows: a field or two more or fewer before it (a sub-row's extra label
 * field, a header line's lost note cell). Only a shift under which the line's named columns all stand over their
 * own figures is taken.
 */
const NEAR_SHIFTS = [-1, 1, -2, 2];
/** Named columns that must stand over their fields for a shift to be taken: one could agree by chance. */
const MIN_NAMED_CHECKED = 2;

/** A tab-separated header line that prints extra columns: their fields, the template columns its other fields name, its last field. */
interface ExtraHeaderLine {
  extra: ReadonlySet<number>;
  /** Field index → template column index. */
  named: ReadonlyMap<number, number>;
  /** The last of the named fields (总计, as a rule): it stands over a row's last figure when the two are counted from the right. */
  lastNamed: number;
}

/** The header line of the table's first extra column, when it is a tab-separated line that also names template columns. */
function headerLineOf(extraColumns: readonly ExtraColumn[], variant: TableVariant, doc: SourceDocument): ExtraHeaderLine | null {
  const first = extraColumns.find((e) => e.field !== null);
  const block = first ? doc.blocks[first.blockIndex] : undefined;
  if (!first || block?.kind !== 'row') return null;
  const extra = new Set(extraColumns.filter((e) => e.field !== null && e.blockIndex === first.blockIndex).map((e) => e.field!));
  const named = new Map<number, number>();
  block.fields.forEach((f, i) => {
    const key = labelKey(f.text);
    const c = key === '' ? -1 : (columnByKey(variant).get(key) ?? -1);
    if (c >= 0) named.set(f.col ?? i, c);
  });
  return named.size > 0 ? { extra, named, lastNamed: Math.max(...named.keys()) } : null;
}

/**
 * The row without its data fields under the header's extra columns, when that leaves it `ncols` fields (maybe after
 * an empty label column) and each field the header names is its column's; else the row. The header's fields stand
 * over the row's as counted from the left, or — when the row has a label column more or less than the header line
 * (a sub-row's "（三）不予公开" | "1.属于国家秘密") — as counted from the right, the row's last figure under the
 * header's last template column, or a field or two off.
 */
function withoutFieldsAt(v: RowView, header: ExtraHeaderLine, ncols: number): RowView {
  const fields = v.dataFields;
  const places = tabPlaces(v);
  if (!fields || !places || fields.length <= ncols) return v;
  // A row's blank fields at its end are not kept (a blank 备注 after 总计): its last figure is its last named column's.
  for (const shift of new Set([0, places[places.length - 1]! - header.lastNamed, ...NEAR_SHIFTS])) {
    const keep = places.map((place) => !header.extra.has(place - shift));
    const kept = fields.filter((_, k) => keep[k]);
    const keptPlaces = places.filter((_, k) => keep[k]);
    const fitted = fittedFields(kept, ncols);
    const from = leadingFieldsFitted(kept, ncols);
    if (fitted.length !== ncols || !standsOver(header, keptPlaces, from, shift)) continue;
    // The header stands over the row with no extra column's field in it (a blank 备注 after 总计, not kept): the
    // row is read as it is.
    if (keep.every(Boolean)) return v;
    const gone = new Set(fields.filter((f, k) => !keep[k] && f !== null));
    return { ...v, values: v.values.filter((x) => !gone.has(x)), dataFields: fitted, dataCols: keptPlaces.slice(from, from + ncols) };
  }
  return v;
}

/** Where a tab-separated row's data fields stand among its line's fields (rows.ts rowView), or null for another row. */
function tabPlaces(v: RowView): readonly number[] | null {
  return v.positions === 'tab' ? v.dataCols : null;
}

/** Every template column the header line names (two at least) stands over its own cell of the kept fields, the header shifted by `shift` fields. */
function standsOver(header: ExtraHeaderLine, keptPlaces: readonly number[], from: number, shift: number): boolean {
  // `from`: the empty fields fitting drops at the start (a spanned label column), before the cells begin.
  let checked = 0;
  for (const [place, col] of header.named) {
    const k = keptPlaces.indexOf(place + shift);
    if (k < 0) continue;
    if (k - from !== col) return false;
    checked++;
  }
  return checked >= MIN_NAMED_CHECKED;
}

/**
 * Rows of flattened text that print more fields than the table has columns, whose figures were read by their
 * positions or in order all the same. Two cases are a guess the identities may not catch (the 法人 columns adding
 * up to 0 leave a 小计 of 0 indistinguishable from them):
 * - the header prints a column the template does not have (小计, 备注): an empty field first in the row was taken
 *   for a spanned label column and dropped, or a blank one dropped among the figures — it may be a blank cell,
 *   the figures then standing a column off;
 * - without such a header, a blank field among the figures was dropped as a stray separator.
 * A warning on the row.
 */
export function droppedBlankFields(table: string, ncols: number, pending: readonly PendingRow[], cells: readonly (PlacedCell | undefined)[], extraColumns: readonly string[]): Finding[] {
  const out: Finding[] = [];
  for (const p of pending) {
    const fields = p.view.positions === 'tab' ? p.view.dataFields : null;
    if (!fields || fields.length <= ncols || !fields.some((f) => f === null || f.value === null)) continue;
    const readAs = p.indexes.map((at) => cells[at]?.method);
    if (!readAs.every((m) => m === 'sequence' || m === 'position' || m === 'blank')) continue;
    const headed = extraColumns.length > 0;
    if (!headed && (fittedFields(fields, ncols).length <= ncols || !readAs.includes('sequence'))) continue;
    const why = headed
      ? `the table's header prints ${extraColumns.join('、')}, a column the template does not have: a blank field was dropped, and if it was a cell, the row's figures stand a column off`
      : 'its figures were read in order and a blank field dropped as a stray separator: if it was a column the template does not have, the figures stand a column off';
    out.push(
      finding('table/extra-fields', 'warning', `${table}.${p.label}: the row prints ${fields.length} fields for ${ncols} cells ("${p.view.text}"); ${why}`, {
        table,
        row: p.label,
        actual: p.view.text,
        prov: p.view.prov,
      }),
    );
  }
  return out;
}

/**
 * A section's tab-separated header lines read together, field place by field place: the template column a place
 * names, a group label over columns (法人或其他组织 printed as one column), or a column no template has.
 */
export interface TabHeader {
  named: Map<number, number>;
  groups: Set<number>;
  extra: Set<number>;
}

/**
 * The header of a tab-separated table that prints fewer columns than its template (自然人 | 法人或其他组织 | 总计;
 * some of the 法人 columns): its header lines name two columns or more, 总计 among them, and cover a run of field
 * places with no gap that is narrower than the template. Null otherwise — a full header, or one with a word lost
 * (a wrapped "社会公益" / "组织") whose gap says nothing certain.
 */
function narrowTabHeader(rows: readonly RowView[], doc: SourceDocument, variant: TableVariant, groupKeys: readonly string[]): TabHeader | null {
  const ncols = variant.columns.length;
  const named = new Map<number, number>();
  const conflicting = new Set<number>();
  const groups = new Set<number>();
  const extra = new Set<number>();
  for (const v of rows) {
    const block = doc.blocks[v.blockIndex];
    if (v.values.length > 0 || block?.kind !== 'row' || block.positions !== 'tab') continue;
    block.fields.forEach((f, i) => {
      if (f.text === '' || f.text.length > MAX_HEADER_FIELD_CHARS) return;
      const place = f.col ?? i;
      const key = labelKey(f.text);
      const c = columnByKey(variant).get(key) ?? -1;
      if (c >= 0) {
        if (named.has(place) && named.get(place) !== c) conflicting.add(place);
        named.set(place, c);
      } else if (groupKeys.includes(key)) groups.add(place);
      else if (EXTRA_COLUMN_WORDS.includes(key)) extra.add(place);
    });
  }
  for (const place of conflicting) named.delete(place);
  if (named.size < 2 || ![...named.values()].includes(ncols - 1)) return null;
  const covered = new Set([...named.keys(), ...groups, ...extra]);
  const from = Math.min(...covered);
  const to = Math.max(...covered);
  if (to - from + 1 >= ncols || covered.size !== to - from + 1) return null;
  return { named, groups: new Set([...groups].filter((p) => !named.has(p))), extra: new Set([...extra].filter((p) => !named.has(p))) };
}

const columnKeys = new WeakMap<TableVariant, Map<string, number>>();

/** A layout's columns by the folded keys of their labels (the first column a key names). */
function columnByKey(variant: TableVariant): Map<string, number> {
  let byKey = columnKeys.get(variant);
  if (!byKey) {
    byKey = new Map();
    for (const [c, col] of variant.columns.entries()) for (const l of col.labels) if (!byKey.has(labelKey(l))) byKey.set(labelKey(l), c);
    columnKeys.set(variant, byKey);
  }
  return byKey;
}

/** Longest header field that may name a column ("法律服务机构", "社会公益组织", with a note). */
const MAX_HEADER_FIELD_CHARS = 16;

/**
 * The slots of a tab-separated row placed by a narrow header (narrowTabHeader): each field under the column its
 * place names; a field under a group label or a column no template has is no cell; a column the header does not
 * print is unknown. The row's fields stand under the header counted from the left or from the right (its last figure
 * under 总计); every figure must stand under a place of the header, two named columns at least over fields of the row.
 * Null when no count lines them up, or when the row is as wide as the template (read as it is).
 * `groupSums`: set when a figure stands under a group label.
 */
function slotsByTabHeader(v: RowView, header: TabHeader, ncols: number): { slots: Slot[]; groupSum: boolean } | null {
  const fields = v.dataFields;
  const places = tabPlaces(v);
  if (!fields || !places || places.length === 0 || fittedFields(fields, ncols).length === ncols) return null;
  const total = [...header.named].find(([, c]) => c === ncols - 1)![0];
  for (const shift of new Set([0, places[places.length - 1]! - total])) {
    let lined = true;
    let over = 0;
    let groupSum = false;
    fields.forEach((f, k) => {
      const place = places[k]! - shift;
      if (header.named.has(place)) over++;
      else if (f !== null && f.value !== null) {
        if (header.groups.has(place)) groupSum = true;
        else if (!header.extra.has(place)) lined = false;
      }
    });
    // A named column before the row's first field stands over its labels: not this count.
    const first = places[0]! - shift;
    if ([...header.named.keys()].some((place) => place < first && !places.includes(place + shift))) lined = false;
    if (!lined || over < MIN_NAMED_CHECKED) continue;
    const slots: Slot[] = Array.from({ length: ncols }, () => unknownSlot());
    for (const [place, c] of header.named) {
      const k = places.indexOf(place + shift);
      const f = k >= 0 ? fields[k]! : null;
      // A named column beyond the row's last field: a blank the line's end dropped.
      slots[c] = f === null || f.value === null ? blankSlot(f) : readSlot(f, 'position');
    }
    return { slots, groupSum };
  }
  return null;
}

/**
 * The rows of a tab-separated table placed by its narrow header (narrowTabHeader): their slots by
 * row key, the template columns the header prints, whether a figure stood under a group label; null when the
 * header is not narrow or places no row.
 */
export function placedByNarrowHeader(
  rows: ReadonlyMap<string, RowView>,
  sectionRows: readonly RowView[],
  doc: SourceDocument,
  variant: TableVariant,
  groupKeys: readonly string[],
): { slots: Map<string, Slot[]>; printed: Set<number>; groupSum: boolean; prov: Provenance } | null {
  // Most tables have no row narrower than the template: nothing for a header to place.
  const ncols = variant.columns.length;
  if (![...rows.values()].some((v) => v.positions === 'tab' && v.dataFields !== null && fittedFields(v.dataFields, ncols).length < ncols)) return null;
  const header = narrowTabHeader(sectionRows, doc, variant, groupKeys);
  if (header === null) return null;
  const slots = new Map<string, Slot[]>();
  let groupSum = false;
  let prov: Provenance | null = null;
  for (const [key, v] of rows) {
    const placed = slotsByTabHeader(v, header, variant.columns.length);
    if (!placed) continue;
    slots.set(key, placed.slots);
    groupSum ||= placed.groupSum;
    prov ??= v.prov;
  }
  return prov === null ? null : { slots, printed: new Set(header.named.values()), groupSum, prov };
}
