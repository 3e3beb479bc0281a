/**
 * Stage `tables`: locate each table of the report kind, match source rows to template rows by their
 * labels, decide the layout per table from what it holds, place every figure in its column (recording
 * how), and fill a typed grid. Damaged rows are settled by the identities or reported — never guessed.
 */
import { packedMap } from '../arrays.js';
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { ReportKind, TableDef, TableVariant } from '../kind.js';
import type { Cell, ExtractedTable, Layout, PlacementMethod, Provenance, Section, SectionKey, SourceDocument } from '../types.js';
import { labelKey, labelScore, leadingNumbering } from './labels.js';
import { candidate, combinations, rowCandidates } from './placement.js';
import type { PlacementContext, Slot, SlotCheck } from './placement.js';
import { headersByGrid, misfitRowFindings, NO_HEADERS, withColumnsNotPrinted } from './columns.js';
import { droppedBlankFields, extraColumnsOf, placedByNarrowHeader, withoutExtraFields } from './tab-header.js';
import type { ExtraColumn } from './tab-header.js';
import type { GridHead } from './columns.js';
import { propagate, tableSpace } from './identities.js';
import type { Equation, TableSpace } from './identities.js';
import { LOOKALIKE_DIGIT, figureColumnSpans, rowLabel, rowView } from './rows.js';
import type { LabelPiece, RowView, ValueToken } from './rows.js';
import { solveTable } from './solve.js';
import { findQuotes } from './quotes.js';
import type { Quote } from './quotes.js';
import { relineBlock, startsLabel, streamVocabulary } from './stream.js';
import type { StreamVocabulary } from './stream.js';
import type { PendingRow } from './solve.js';

export interface TablesResult {
  tables: ExtractedTable[];
  findings: Finding[];
  layout: Layout | null;
}

/** Precomputed label keys of one table: rows of all its layouts in order, columns, group labels. */
interface TableIndex {
  def: TableDef;
  rows: { key: string; keys: string[]; numbering: Set<string>; order: number }[];
  columnKeys: Map<Layout, string[][]>;
  groupKeys: string[];
  markerKeys: string[];
  /** Every row label key and every column header key of the table, for quick membership tests. */
  rowKeySet: Set<string>;
  columnKeySet: Set<string>;
  /** Most columns of any layout: how many figures a row can hold. */
  maxColumns: number;
  /** The rows (in order) that have a label folding to a key, for exact matches. */
  rowsByKey: Map<string, TableIndex['rows']>;
  /** Memo of rowScores: probe → best score against each row's labels. */
  scoreCache: Map<string, Float64Array>;
  plans: Map<TableVariant, LayoutPlan>;
}

const indexCache = new WeakMap<ReportKind, TableIndex[]>();

function indexKind(kind: ReportKind): TableIndex[] {
  const cached = indexCache.get(kind);
  if (cached) return cached;
  const built = kind.tables.map((def) => {
    const order: string[] = [];
    const labels = new Map<string, string[]>();
    const numbering = new Map<string, Set<string>>();
    for (const v of def.variants) {
      let insertAt = 0;
      for (const r of v.rows) {
        const at = order.indexOf(r.key);
        if (at === -1) {
          order.splice(insertAt, 0, r.key);
          insertAt++;
        } else insertAt = at + 1;
        labels.set(r.key, [...new Set([...(labels.get(r.key) ?? []), ...r.labels.map(labelKey)])]);
        const nums = numbering.get(r.key) ?? new Set<string>();
        for (const l of r.labels) {
          const n = leadingNumbering(l);
          if (n) nums.add(n);
        }
        numbering.set(r.key, nums);
      }
    }
    const columnKeys = new Map(def.variants.map((v) => [v.layout, v.columns.map((c) => c.labels.map(labelKey))] as const));
    const rows = order.map((key, i) => ({ key, keys: labels.get(key)!, numbering: numbering.get(key)!, order: i }));
    return {
      def,
      rows,
      columnKeys,
      groupKeys: def.groupLabels.map(labelKey),
      markerKeys: def.markers.map(labelKey),
      rowKeySet: new Set([...labels.values()].flat()),
      columnKeySet: new Set([...columnKeys.values()].flat(2)),
      maxColumns: Math.max(...def.variants.map((x) => x.columns.length)),
      rowsByKey: groupRowsByKey(rows),
      scoreCache: new Map(),
      plans: new Map(),
    };
  });
  indexCache.set(kind, built);
  return built;
}

function groupRowsByKey(rows: TableIndex['rows']): Map<string, TableIndex['rows']> {
  const byKey = new Map<string, TableIndex['rows']>();
  for (const r of rows) {
    for (const k of new Set(r.keys)) byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  return byKey;
}

const SCORE_CACHE_LIMIT = 20_000;

/**
 * The best labelScore of a probe against each row's labels (index = row order), memoised per table:
 * a batch of reports repeats the same damaged labels, and a probe is scored against every row.
 */
function rowScores(t: TableIndex, probe: string): Float64Array {
  let scores = t.scoreCache.get(probe);
  if (!scores) {
    scores = new Float64Array(t.rows.length);
    for (const r of t.rows) {
      let score = 0;
      for (const k of r.keys) score = Math.max(score, labelScore(probe, k));
      scores[r.order] = score;
    }
    if (t.scoreCache.size >= SCORE_CACHE_LIMIT) t.scoreCache.clear();
    t.scoreCache.set(probe, scores);
  }
  return scores;
}

const ROW_THRESHOLD = 0.62;
/** Most label lines without figures above a row that may be its wrapped label. */
const MAX_WRAPPED_LINES = 3;
/** Lines joined from above count a little less than the line just above: it wins a tie. */
const WRAPPED_LINES_WEIGHT = 0.999;
const MAX_LABEL_CHARS = 60;

export function extractTables(doc: SourceDocument, sections: Section[], kind: ReportKind, year: number | null): TablesResult {
  const findings: Finding[] = [];
  const views = new Map<number, RowView>();
  const view = (i: number): RowView => {
    let v = views.get(i);
    if (!v) {
      v = rowView(doc.blocks[i]!, i);
      views.set(i, v);
    }
    return v;
  };
  const index = indexKind(kind);
  const bySection = new Map<SectionKey, TableIndex[]>();
  for (const t of index) bySection.set(t.def.section, [...(bySection.get(t.def.section) ?? []), t]);

  const gathered = new Map<string, Gathered>();
  for (const [sectionKey, tables] of bySection) {
    const section = sections.find((s) => s.key === sectionKey);
    const [start, end] = section ? [section.start, section.end] : [0, doc.blocks.length];
    const rows = sectionRows(doc, start, end, view, vocabularyOf(kind, sectionKey, tables));
    const rowTables = tables.filter((t) => t.def.shape === 'rows');
    if (rowTables.length > 0) gatherRows(rowTables, rows, gathered, findings, kind);
    for (const t of tables.filter((x) => x.def.shape === 'flat')) gathered.set(t.def.key, gatherFlat(t, rows));
    const extra = extraColumnsOf(rows, doc);
    for (const t of tables) {
      const g = gathered.get(t.def.key);
      if (!g) continue;
      g.extraColumns.push(...extra);
      g.sectionRows = rows;
    }
  }

  const tables: ExtractedTable[] = [];
  // The prose is searched for quoted figures only when a table has a row the identities leave open (rare).
  let found: Quote[] | null = null;
  const quotes = (): readonly Quote[] => (found ??= findQuotes(doc, kind));
  const sec3Layout = decideSec3Layout(gathered, year);
  for (const t of index) {
    const g = gathered.get(t.def.key);
    if (!g || (g.rows.size === 0 && g.flat === null)) continue;
    const variant = chooseVariant(t, g, year, sec3Layout);
    if (!variant) continue;
    const byHeader = withoutExtraFields(t.def.key, g.rows, g.extraColumns, variant, doc);
    const byLine = g.flat === null ? placedByNarrowHeader(byHeader.rows, g.sectionRows, doc, variant, t.groupKeys) : null;
    const built = buildTable(t, variant, byHeader.rows === g.rows ? g : { ...g, rows: byHeader.rows }, kind, quotes, byLine?.slots);
    if (byHeader.finding) findings.push(byHeader.finding);
    tables.push(built.table);
    findings.push(...(byLine ? withColumnsNotPrinted(built.findings, t.def.key, variant, byLine.printed, byLine.groupSum, byLine.prov) : built.findings));
    findings.push(...emptyRowFindings(built.table));
    if (built.table.cells.every((c) => c.method === 'blank' && c.raw === null)) {
      findings.push(
        finding('table/blank', 'info', `table ${t.def.key} (${t.def.title}) is printed with every cell empty: its cells are blank (NULL), not 0`, {
          table: t.def.key,
          prov: built.table.prov,
        }),
      );
    }
  }
  const doubt = sec3LayoutDoubt(gathered, sec3Layout);
  if (doubt) findings.push(doubt);
  reportMissingTables(index, tables, sections, sec3Layout, year, findings);
  return { tables, findings, layout: reportLayout(tables) };
}

const vocabularies = new WeakMap<ReportKind, Map<SectionKey, StreamVocabulary>>();

/** The labels of a section's tables, for reading a block as a token stream (memoised per kind). */
function vocabularyOf(kind: ReportKind, section: SectionKey, tables: TableIndex[]): StreamVocabulary {
  let bySection = vocabularies.get(kind);
  if (!bySection) {
    bySection = new Map();
    vocabularies.set(kind, bySection);
  }
  let vocab = bySection.get(section);
  if (!vocab) {
    vocab = streamVocabulary(tables.map((t) => t.def));
    bySection.set(section, vocab);
  }
  return vocab;
}

/**
 * A section's blocks as rows: a block is one row, except a block whose rows were glued into one run of
 * text (a copy saved as one paragraph), which is cut back into its rows (stages/stream).
 */
function sectionRows(doc: SourceDocument, start: number, end: number, view: (i: number) => RowView, vocab: StreamVocabulary): RowView[] {
  const rows: RowView[] = [];
  for (let i = start; i < end; i++) {
    const relined = relineBlock(doc.blocks[i]!, i, vocab);
    if (relined) rows.push(...relined.map((v) => withLabelStart(v, vocab)));
    else rows.push(withLabelStart(view(i), vocab));
  }
  return rows;
}

/** A one-character placeholder that can start a label: "无" of "无法提供", "无正当理由…". */
const LABEL_START_PLACEHOLDER = /^[无空]$/;

/**
 * "（四） 无" + figures, or "（四） 无" on a line of its own with "法提供" on the next (a group label cut by a
 * page break): a 无 that, with the label before it, starts a template label is label text, not a blank cell.
 */
function withLabelStart(v: RowView, vocab: StreamVocabulary): RowView {
  const first = v.values[0];
  const last = v.labels[v.labels.length - 1];
  if (!first || !last || first.value !== null || !LABEL_START_PLACEHOLDER.test(first.raw)) return v;
  if (!startsLabel(vocab, labelKey(last.text + first.raw))) return v;
  const labels = [...v.labels.slice(0, -1), { text: last.text + first.raw, prov: last.prov }];
  const dropFirst = v.dataFields !== null && v.dataFields[0] === first;
  const dataFields = dropFirst ? v.dataFields!.slice(1) : v.dataFields;
  const dataCols = dropFirst && v.dataCols ? v.dataCols.slice(1) : v.dataCols;
  return { ...v, labels, values: v.values.slice(1), dataFields, dataCols };
}

interface Gathered {
  rows: Map<string, RowView>;
  /** Header fields seen in the table's region (rows without figures), folded. */
  headerKeys: string[];
  /**
   * The headers of the table's grids: the label fields of the grid rows without figures printed above its
   * first row in each source table (after any other table's rows there), as printed and folded, with their
   * source table and grid column.
   */
  gridHeads: GridHead[];
  /** For flat tables: the figures' row(s). */
  flat: RowView | null;
  prov: Provenance | null;
  /** Header fields of the table's section that name a column no template has ("小计"): see extraColumnsOf. */
  extraColumns: ExtraColumn[];
  /** The rows of the table's section, whose header lines a tab-separated table's narrow header is read from. */
  sectionRows: readonly RowView[];
}

function emptyGathered(): Gathered {
  return { rows: new Map(), headerKeys: [], gridHeads: [], flat: null, prov: null, extraColumns: [], sectionRows: [] };
}

/** Walks a section's rows, assigning each row with figures to a template row of one of the tables. */
function gatherRows(tables: TableIndex[], rows: readonly RowView[], gathered: Map<string, Gathered>, findings: Finding[], kind: ReportKind): void {
  for (const t of tables) if (!gathered.has(t.def.key)) gathered.set(t.def.key, emptyGathered());
  const firstFinding = findings.length;
  // Every line with figures in each table, in the text's order (see readInOrder).
  const sequences = new Map<TableIndex, RowView[]>();
  const inTable = (t: TableIndex | null, line: RowView): void => {
    if (!t || line.values.length === 0) return;
    const lines = sequences.get(t);
    if (lines) lines.push(line);
    else sequences.set(t, [line]);
  };
  let current: TableIndex | null = null;
  // The label lines without figures just above (folded, the last one last): the label of the figures on the
  // next line, which a wrapped label prints over several lines ("3.危及“三安全一稳" / "定”" / figures).
  let pending: string[] = [];
  // A row whose figures may continue on the next lines (tables copied one cell per line).
  let open: { table: TableIndex; row: string; view: RowView; max: number; merged: boolean } | null = null;
  // Rows whose figures, gathered line by line, ran on past their cells: the figures after them may be theirs.
  const overflows: { table: TableIndex; row: string; view: RowView; next: RowView }[] = [];
  const lastOrder = new Map<string, number>();
  const groupKeys = new Set(tables.flatMap((t) => t.groupKeys));
  // Template rows printed without a figure (a row, or a whole table, left empty), and where every row was seen.
  const printedEmpty: PrintedEmpty[] = [];
  const seenAt = new Map<string, number>();
  // Grid rows without figures (headers), and where each grid row with figures was placed: for reading each table's header.
  const gridHeaders: { at: number; v: RowView }[] = [];
  const gridData: { at: number; tableIndex: number | undefined }[] = [];
  let wrappedFrom = '';
  // Where each source grid's figures start, by source table.
  const figuresFrom = figureColumnSpans(rows, (v) => v.prov.tableIndex);
  // Lines of figures alone that no row took: a PDF's text in reading order may print a row's figures before its
  // label ("0 / 0 / 行政事业性收费").
  let orphans: RowView[] = [];
  // Runs of such lines no row took in the end, by table: figures dropped (see unreadFigures).
  const unread = new Map<TableIndex, RowView[][]>();
  // The figures after a row that ran on past its cells are the table's, however few (see overflowFinding).
  let afterOverflow = false;
  // Rows with figures and a label that matched no template row, in the table they stand in (see rowsByPlace).
  const unmatched: Unmatched[] = [];
  const dropOrphans = (): void => {
    if (current && (figureCount(orphans) >= 2 || (afterOverflow && orphans.length > 0))) unread.set(current, [...(unread.get(current) ?? []), orphans]);
    orphans = [];
    afterOverflow = false;
  };
  /**
   * A label line without figures, after figure lines no row took and not followed by figures of its own: when
   * it is the first row of the current table, and the figures are as many as a layout of that table has
   * columns, they are that row's figures, printed before it. The row, with a warning that says so.
   */
  const figuresBeforeLabel = (v: RowView, pieceKeys: string[], before: RowView[], next: RowView | undefined): { view: RowView; finding: Finding } | null => {
    if (!current || (next && next.labels.length === 0 && next.values.length > 0)) return null;
    const match = matchRow(v, pieceKeys, [], tables, groupKeys, current, lastOrder);
    const count = figureCount(before);
    const g = gathered.get(current.def.key)!;
    // Only before the table's first row: further down, figures no row took more likely belong to a label above
    // them that was not recognised (wrapped over lines) than to the next one.
    if (!match || match.table !== current || g.rows.size > 0 || !layoutsByHeader(current, g.headerKeys).some((x) => x.columns.length === count)) return null;
    const view: RowView = { ...v, positions: 'none', values: before.flatMap((o) => o.values), dataFields: null, dataCols: null, text: [...before.map((o) => o.text), v.text].join(' / ') };
    const figures = figuresText(before);
    return {
      view,
      finding: finding('table/figures-before-label', 'warning', `${current.def.key}.${match.row}: the figures ${figures} are printed before the row's label "${rowLabel(v)}" (the text's reading order); they were read as its row`, {
        table: current.def.key,
        row: match.row,
        actual: figures,
        prov: before[0]!.prov,
      }),
    };
  };
  // A label line taken as the rest of the row above (see labelBelow).
  let labelTaken = -1;
  for (const [at, row] of rows.entries()) {
    if (at === labelTaken) continue;
    let v = row;
    if (v.positions === 'grid') (v.values.length === 0 ? gridHeaders.push({ at, v }) : gridData.push({ at, tableIndex: v.prov.tableIndex }));
    if (v.values.length > 0 || v.labels.length === 0) wrappedFrom = '';
    if (open && v.values.length > 0 && v.labels.length === 0) {
      if (open.view.values.length + v.values.length <= open.max) {
        inTable(open.table, row);
        open.view = mergeVertical(open.view, v);
        gathered.get(open.table.def.key)!.rows.set(open.row, open.view);
        open.merged = true;
        continue;
      }
      if (open.merged) {
        overflows.push({ table: open.table, row: open.row, view: open.view, next: v });
        dropOrphans();
        afterOverflow = true;
      }
    }
    open = null;
    const labelText = rowLabel(v);
    const pieceKeys = packedMap(v.labels, (l) => labelKey(l.text));
    // Most rows have one label piece: then it is the row's label, already folded.
    const key = pieceKeys.length === 1 ? pieceKeys[0]! : labelKey(labelText);
    const marker = tables.find((t) => namesMarker(t, key));
    if (marker && v.values.length === 0) {
      dropOrphans();
      current = marker;
      pending = [];
      // The marker and the table's header on one row ("第二十条第（八）项信息内容 | 本年收费金额（单位：万元）", a
      // PDF's text set with tabs): the header's words are still the table's, which tell its layout.
      const words = pieceKeys.filter((k) => k !== '' && !namesMarker(marker, k));
      if (words.length > 0) gathered.get(marker.def.key)!.headerKeys.push(...words);
      continue;
    }
    if (v.values.length === 0 && orphans.length > 0) {
      const taken = figuresBeforeLabel(v, pieceKeys, orphans, rows[at + 1]);
      if (taken) {
        findings.push(taken.finding);
        v = taken.view;
        orphans = [];
      } else dropOrphans();
    }
    if (v.values.length === 0) {
      const fields = pieceKeys.filter(Boolean);
      const leaf = fields[fields.length - 1];
      if (leaf && !inFigureColumns(v, figuresFrom)) printedEmpty.push(...emptyRowLabels(tables, v, leaf, wrappedFrom, at));
      wrappedFrom = fields.length === 1 ? leaf! : '';
      if (current) gathered.get(current.def.key)!.headerKeys.push(...fields, ...headerWords(v));
      // "其他" and "总计" are column headers and row labels alike ("3.其他", "（七）总计"): a line that is
      // exactly a row's label stays a candidate label for the figures on the next lines.
      const isRowLabel = tables.some((t) => t.rowKeySet.has(key));
      const isStructural = !isRowLabel && (groupKeys.has(key) || fields.some((f) => groupKeys.has(f)) || looksLikeHeader(fields, tables));
      if (isStructural || key.length > MAX_LABEL_CHARS) pending = leafAfterGroup(fields, groupKeys, tables);
      // A line that folds to nothing (the "）" closing a wrapped label) leaves the label above pending.
      else if (key !== '') pending = [...pending.slice(1 - MAX_WRAPPED_LINES), key];
      continue;
    }
    if (v.positions === 'none' && key.length > MAX_LABEL_CHARS) continue;
    let match = matchRow(v, pieceKeys, pending, tables, groupKeys, current, lastOrder);
    const below = match ? null : labelBelow(v, rows[at + 1]);
    if (below) {
      match = matchRow(below.view, below.view.labels.map((l) => labelKey(l.text)), [], tables, groupKeys, current, lastOrder);
      if (match && below.head !== null && !startsRowLabel(match, below.head)) match = null;
      if (match) {
        v = below.view;
        labelTaken = at + 1;
      }
    }
    pending = [];
    if (!match) {
      if (v.labels.length === 0 && v.positions !== 'grid' && current) orphans.push(v);
      else if (current && (v.labels.length > 0 || v.positions === 'grid')) unmatched.push({ table: current, at, view: v });
      inTable(current, row);
      continue;
    }
    inTable(match.table, row);
    dropOrphans();
    const g = gathered.get(match.table.def.key)!;
    current = match.table;
    if (g.rows.has(match.row)) {
      findings.push(
        finding('table/duplicate-row', 'warning', `row "${labelText}" repeats ${match.table.def.key}.${match.row}; the first one is used`, {
          table: match.table.def.key,
          row: match.row,
          prov: v.prov,
        }),
      );
      // Other figures than the first row's are stored nowhere: another row's, taken for this one.
      if (v.values.length >= 2 && figuresText([v]) !== figuresText([g.rows.get(match.row)!])) unread.set(match.table, [...(unread.get(match.table) ?? []), [v]]);
      continue;
    }
    g.rows.set(match.row, v);
    g.prov ??= v.prov;
    seenAt.set(`${match.table.def.key}|${match.row}`, at);
    lastOrder.set(match.table.def.key, match.order);
    const max = match.table.maxColumns;
    if (v.values.length < max) open = { table: match.table, row: match.row, view: v, max, merged: false };
  }
  dropOrphans();
  for (const placed of rowsByPlace(unmatched, gathered, seenAt, printedEmpty)) {
    const g = gathered.get(placed.table.def.key)!;
    g.rows.set(placed.row, placed.view);
    seenAt.set(`${placed.table.def.key}|${placed.row}`, placed.at);
    findings.push(placed.finding);
  }
  // A table whose figures no row took may print its labels apart from its figures: read in order, if that holds.
  const readAll = new Set<TableIndex>();
  for (const t of unread.keys()) {
    const read = readInOrder(t, sequences.get(t) ?? [], gathered.get(t.def.key)!, kind);
    if (!read) continue;
    gathered.set(t.def.key, read.g);
    readAll.add(t);
    // What was said of its rows read by their labels no longer stands.
    for (let i = findings.length - 1; i >= firstFinding; i--) if (findings[i]!.table === t.def.key) findings.splice(i, 1);
    findings.push(read.finding);
  }
  for (const [t, runs] of unread) if (!readAll.has(t)) findings.push(unreadFigures(t, runs));
  for (const o of overflows) if (!readAll.has(o.table)) findings.push(overflowFinding(o.table, o.row, o.view, o.next));
  const byLabel = tables.filter((t) => !readAll.has(t));
  keepEmptyRows(byLabel, printedEmpty, seenAt, gathered);
  if (unread.size > readAll.size) findings.push(...emptyRowsBesideUnread(byLabel, gathered, unread));
  if (gridHeaders.length > 0) for (const t of tables) collectGridHeads(t, gathered.get(t.def.key)!, seenAt, gridHeaders, gridData);
}

/** A folded label that holds one of the table's markers ("第二十条第（八）项"). */
function namesMarker(t: TableIndex, key: string): boolean {
  return t.markerKeys.some((m) => m.length > 0 && key.includes(m));
}

/** A row with figures whose label matched no template row (or a grid row without a label), and where it stands. */
interface Unmatched {
  table: TableIndex;
  at: number;
  view: RowView;
}

/** An unmatched row read as the template row `row` by where it stands, and the warning that says so. */
interface PlacedByPlace extends Unmatched {
  row: string;
  finding: Finding;
}

/** A label line without figures that may be a template row printed empty (see emptyRowLabels), and where it stands. */
interface PrintedEmpty {
  table: TableIndex;
  row: string;
  order: number;
  at: number;
  view: RowView;
}

/**
 * Rows whose label is unreadable (OCR: "3.危及人全一稳人", "232", "人" for （一）予以公开), placed by where they
 * stand: between two rows of the table that were recognised, where every layout holding both has exactly one
 * row between them and that row was neither read nor printed empty elsewhere — the only row those figures can be. Only
 * an unrecognised row alone between its neighbours, and one whose item number ("3.") does not name another
 * row. A warning on the row says so.
 */
function rowsByPlace(
  unmatched: readonly Unmatched[],
  gathered: Map<string, Gathered>,
  seenAt: ReadonlyMap<string, number>,
  printedEmpty: readonly PrintedEmpty[],
): PlacedByPlace[] {
  const out: PlacedByPlace[] = [];
  for (const t of new Set(unmatched.map((u) => u.table))) {
    const g = gathered.get(t.def.key)!;
    const inTable = unmatched.filter((u) => u.table === t);
    const seen = [...g.rows.keys()].map((row) => ({ row, at: seenAt.get(`${t.def.key}|${row}`) })).filter((x): x is { row: string; at: number } => x.at !== undefined);
    const empty = printedEmpty.filter((e) => e.table === t);
    for (const u of inTable) {
      const prev = seen.filter((x) => x.at < u.at).reduce<{ row: string; at: number } | null>((m, x) => (!m || x.at > m.at ? x : m), null);
      const next = seen.filter((x) => x.at > u.at).reduce<{ row: string; at: number } | null>((m, x) => (!m || x.at < m.at ? x : m), null);
      if (!prev || !next || inTable.some((o) => o !== u && o.at > prev.at && o.at < next.at)) continue;
      // A row's label printed without figures elsewhere (a header's 总计) is taken; inside the gap it may be the
      // rest of this row's label, cut from it ("2 | 0 0 …" and "复申请" below: 2.重复申请).
      const printedElsewhere = (key: string): boolean => empty.some((e) => e.row === key && (e.at < prev.at || e.at > next.at));
      const row = onlyRowBetween(t, prev.row, next.row, (key) => g.rows.has(key) || printedElsewhere(key));
      if (row === null || out.some((o) => o.table === t && o.row === row)) continue;
      // The leaf's number, unless the leaf is a group's label ("（五）不予处理", its own label lost).
      const leaf = u.view.labels[u.view.labels.length - 1]?.text ?? '';
      const numbering = t.groupKeys.includes(labelKey(leaf)) ? null : leadingNumbering(leaf);
      const numbers = t.rows.find((r) => r.key === row)!.numbering;
      if (numbering !== null && numbers.size > 0 && !numbers.has(numbering)) continue;
      // A grid row whose label OCR read as a mark ("ED" for （七）总计) has no label but that mark.
      const label = rowLabel(u.view) || u.view.text;
      out.push({
        table: t,
        row,
        at: u.at,
        view: withoutLabelColumns(u.view, [g.rows.get(prev.row)!, g.rows.get(next.row)!]),
        finding: finding(
          'table/row-by-place',
          'warning',
          `${t.def.key}.${row}: the row's label "${label}" was not recognised; it stands between ${prev.row} and ${next.row}, where the table has no other row, so its figures were read as ${row}'s`,
          { table: t.def.key, row, actual: label, prov: u.view.prov },
        ),
      });
    }
  }
  return out;
}

/**
 * A grid row without the fields that stand left of its neighbours' first figure: its label cells, which OCR read
 * as figures or marks ("2" for 2.重复申请, its words on the next line; "ED" for （七）总计). They become its label.
 */
function withoutLabelColumns(v: RowView, neighbours: readonly RowView[]): RowView {
  const { dataFields, dataCols } = v;
  if (v.positions !== 'grid' || !dataFields || !dataCols) return v;
  let first = Infinity;
  for (const n of neighbours) {
    if (n.positions !== 'grid' || !n.dataFields || !n.dataCols || n.prov.tableIndex !== v.prov.tableIndex) continue;
    n.dataFields.forEach((f, i) => {
      if (f !== null) first = Math.min(first, n.dataCols![i]!);
    });
  }
  const k = dataCols.filter((c) => c < first).length;
  if (k === 0 || dataCols.slice(0, k).some((c) => c >= first)) return v;
  const dropped = dataFields.slice(0, k).filter((f): f is ValueToken => f !== null);
  return {
    ...v,
    labels: [...v.labels, ...dropped.map((f) => ({ text: f.raw, prov: f.prov }))],
    values: v.values.filter((x) => !dropped.includes(x)),
    dataFields: dataFields.slice(k),
    dataCols: dataCols.slice(k),
  };
}

/**
 * The one template row between rows `a` and `b` not yet taken, when every layout holding both agrees on it (a
 * row one layout has there and another does not is no answer); else null.
 */
function onlyRowBetween(t: TableIndex, a: string, b: string, taken: (key: string) => boolean): string | null {
  let only: string | null = null;
  for (const v of t.def.variants) {
    const keys = v.rows.map((r) => r.key);
    const from = keys.indexOf(a);
    const to = keys.indexOf(b);
    if (from === -1 || to === -1) continue;
    const gap = to > from ? keys.slice(from + 1, to).filter((k) => !taken(k)) : [];
    if (gap.length !== 1 || (only !== null && only !== gap[0])) return null;
    only = gap[0]!;
  }
  return only;
}

/**
 * A table whose labels and figures the text prints apart — a PDF's text in reading order may print a column of
 * labels after the figures beside them, or two labels before two rows' figures — read in order: its figures, in
 * the text's order, are its cells row by row. Only a table with identities, which prints every cell (as many
 * figures as one layout has cells, none blank), when every identity of the table holds so read and every row
 * printed on one line with its label and all its figures reads the same (a label and figures on different lines
 * are paired only by the text's order, which is what failed here): otherwise null, and the rows read by their
 * labels stand (with their findings). One or two figures more than the cells may be the page's own number printed
 * among them (a figure alone on its line that equals its page's number, in text whose pages end with a form feed):
 * read without them only when one choice of them leaves a reading. A warning says so, and names what was left out.
 */
function readInOrder(t: TableIndex, lines: readonly RowView[], byLabel: Gathered, kind: ReportKind): { g: Gathered; finding: Finding } | null {
  const all = lines.flatMap((l) => l.values.map((token) => ({ token, blockIndex: l.blockIndex, alone: l.values.length === 1 })));
  if (!kind.identities.some((d) => d.table === t.def.key) || all.length === 0 || all.some((x) => x.token.value === null)) return null;
  for (const variant of t.def.variants) {
    const ncols = variant.columns.length;
    const extra = all.length - variant.rows.length * ncols;
    if (extra < 0 || extra > MAX_PAGE_NUMBERS) continue;
    // Figures more than the cells: a page's own number, alone on its line, may stand among them (the text's order
    // puts a page's footer where its column falls). Read only if leaving out one choice of them is read so.
    const pageNumbers = all.flatMap((x, i) => (x.alone && x.token.value === x.token.prov.page ? [i] : []));
    const readings: { kept: typeof all; dropped: ValueToken[] }[] = [];
    for (const drop of combinations(pageNumbers.length, extra)) {
      const out = new Set(drop.map((k) => pageNumbers[k]!));
      const kept = all.filter((_, i) => !out.has(i));
      if (readsInOrder(t, variant, kept.map((x) => x.token), byLabel, kind)) readings.push({ kept, dropped: [...out].map((i) => all[i]!.token) });
    }
    const first = readings[0];
    if (!first) continue;
    const tokens = first.kept.map((x) => x.token);
    const read = figuresOf(tokens);
    // Two choices of page numbers that read the table two ways: nothing tells which.
    if (readings.some((r) => figuresOf(r.kept.map((x) => x.token)) !== read)) continue;
    const rowTokens = (r: number): ValueToken[] => tokens.slice(r * ncols, (r + 1) * ncols);
    const g: Gathered = { ...byLabel, rows: new Map(), flat: null, prov: tokens[0]!.prov };
    variant.rows.forEach((row, r) => g.rows.set(row.key, inOrderRow(rowTokens(r), first.kept[r * ncols]!.blockIndex)));
    const dropped = first.dropped.map((v) => `${v.raw} (line ${v.prov.line ?? '?'}, page ${v.prov.page ?? '?'})`).join(', ');
    const message =
      `${t.def.key}: the text prints the table's labels apart from its figures (a PDF's text in reading order), so its ${tokens.length} figures were read in their order, ${ncols} a row, as the ${variant.layout} layout's ${variant.rows.length} rows: every identity of the table holds so read, and every row printed on one line with its label reads the same` +
      (dropped ? `; left out as the page's own number: ${dropped}` : '');
    return { g, finding: finding('table/read-in-order', 'warning', message, { table: t.def.key, prov: tokens[0]!.prov }) };
  }
  return null;
}

/** Most page numbers a table's figures may be read without (a table over three pages). */
const MAX_PAGE_NUMBERS = 2;

/** Whether a table's figures, read in order as a layout's rows, keep every identity and every row printed with its label. */
function readsInOrder(t: TableIndex, variant: TableVariant, tokens: readonly ValueToken[], byLabel: Gathered, kind: ReportKind): boolean {
  const ncols = variant.columns.length;
  if (tokens.length !== variant.rows.length * ncols) return false;
  const grid = Float64Array.from(tokens, (v) => v.value!);
  if (propagate(grid, layoutPlan(t, variant, kind).space.equations).violated.length > 0) return false;
  return [...byLabel.rows].every(([key, view]) => {
    const r = variant.rows.findIndex((x) => x.key === key);
    return r < 0 || !printsItsFigures(view, ncols) || figuresOf(view.values) === figuresOf(tokens.slice(r * ncols, (r + 1) * ncols));
  });
}

/** A row that prints its label and all its figures on one line: the pairing of the two is not the text's order's. */
function printsItsFigures(view: RowView, ncols: number): boolean {
  return view.labels.length > 0 && view.values.length === ncols && view.values.every((v) => v.prov.line === view.prov.line);
}

function figuresOf(values: readonly ValueToken[]): string {
  return values.map((v) => v.raw).join(' ');
}

/** A row of a table read in order: its figures, each where it is printed. */
function inOrderRow(values: ValueToken[], blockIndex: number): RowView {
  return { blockIndex, prov: values[0]!.prov, positions: 'none', labels: [], values, dataFields: null, dataCols: null, gridWidth: null, text: figuresOf(values) };
}

/**
 * A line of a group label and a row label ("（六）其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政"): its row
 * label may go on, wrapped, on the next line — the only piece of the line that can be a pending label.
 */
function leafAfterGroup(fields: readonly string[], groupKeys: ReadonlySet<string>, tables: readonly TableIndex[]): string[] {
  const leaf = fields[fields.length - 1];
  if (fields.length < 2 || leaf === undefined || leaf.length > MAX_LABEL_CHARS || groupKeys.has(leaf) || looksLikeHeader([leaf], tables)) return [];
  return groupKeys.has(fields[fields.length - 2]!) ? [leaf] : [];
}

/** How many figures some lines print, and the figures as printed, in order. */
function figureCount(lines: readonly RowView[]): number {
  return lines.reduce((n, o) => n + o.values.length, 0);
}

function figuresText(lines: readonly RowView[]): string {
  return figuresOf(lines.flatMap((o) => o.values));
}

/**
 * Figures inside a table that no row took (lines of figures alone, two figures or more: not a page number):
 * the text's order moved them away from their label — a PDF's text in reading order prints some rows' labels
 * and figures apart — so the rows read may hold other rows' figures, and the identities cannot tell (the
 * outcome rows' figures moved one row down still add up). One error on the whole table.
 */
function unreadFigures(t: TableIndex, runs: RowView[][]): Finding {
  const figures = figureCount(runs.flat());
  const shown = runs.map(figuresText).join('; ');
  const lines = runs.map((run) => run[0]!.prov.line).filter((l) => l !== undefined);
  return finding(
    'table/unread-figures',
    'error',
    `${t.def.key}: ${figures} figures in the table belong to no row read (${shown}${lines.length > 0 ? `; from line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}` : ''}): the text's order separated them from their labels, so the rows read may hold other rows' figures`,
    { table: t.def.key, actual: shown, prov: runs[0]![0]!.prov },
  );
}

/**
 * A row whose figures stand one or a few per line (a PDF's text in reading order), gathered until the row was
 * full, with more figures on the line after: the text's order may have put another row's figure among them (a
 * row printing only its 总计 before this row's figures), so they may be shifted — or this row's last figure is
 * the one left over. A warning on the row; its identities say whether it holds.
 */
function overflowFinding(t: TableIndex, row: string, view: RowView, next: RowView): Finding {
  const figures = figuresText([view]);
  const after = figuresText([next]);
  return finding(
    'table/unread-figures',
    'warning',
    `${t.def.key}.${row}: its figures, printed line by line, run on past its cells (${figures}, then ${after}): the text's order may have put another row's figure among them, or left one of this row's to no row`,
    { table: t.def.key, row, actual: `${figures} | ${after}`, prov: next.prov },
  );
}

/**
 * Rows kept as printed empty (a label without figures) in a section where figures went unread: those figures
 * may be theirs (a PDF's reading order can print a table's figures under the table before it). One warning
 * per such row: its blank cells may not be blank.
 */
function emptyRowsBesideUnread(tables: TableIndex[], gathered: Map<string, Gathered>, unread: Map<TableIndex, RowView[][]>): Finding[] {
  const shown = [...unread.values()].flatMap((runs) => runs.map(figuresText)).join('; ');
  const out: Finding[] = [];
  for (const t of tables) {
    for (const [row, view] of gathered.get(t.def.key)!.rows) {
      if (view.values.length > 0) continue;
      out.push(
        finding('table/unread-figures', 'warning', `${t.def.key}.${row} is printed without figures, but figures in this section belong to no row read (${shown}): they may be this row's`, {
          table: t.def.key,
          row,
          prov: view.prov,
        }),
      );
    }
  }
  return out;
}

/**
 * The words of a header printed as one line of prose ("信息内容 本年新制作数量 本年新公开数量 对外公开总数量": a
 * PDF's text with single spaces between cells), folded: each may be a column's label.
 */
function headerWords(v: RowView): string[] {
  if (v.positions !== 'none' || v.labels.length !== 1) return [];
  const words = v.labels[0]!.text.trim().split(/\s+/);
  return words.length > 1 ? words.map(labelKey).filter(Boolean) : [];
}

const BARE_NUMBERING = /^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]$/;

/**
 * The rest of a row's label on the next line, without figures:
 * - a label that is only its numbering ("(二)" and the figures), with the rest on the next line alone
 *   ("部分公开（区分处理的，…）") — a label wrapped in a table printed with spaces (pandoc's and pdftotext's
 *   text): the row with both label pieces;
 * - a grid row whose label cell was cut in two between its lines (a scan's rulings: "(三)|1.属于" with the
 *   figures, "不予公开 | 国家秘密" below): the row with its last label joined to the next row's last one.
 *   `head` is the first part, folded: the row it matches must start with it, so that a label no row starts
 *   with ("人") does not take the label of an empty row below it.
 * Null otherwise.
 */
function labelBelow(v: RowView, next: RowView | undefined): { view: RowView; head: string | null } | null {
  if (v.values.length === 0 || v.labels.length === 0 || !next || next.values.length > 0 || next.labels.length === 0) return null;
  const leaf = v.labels[v.labels.length - 1]!;
  const text = `${v.text} / ${next.text}`;
  if (BARE_NUMBERING.test(leaf.text.trim())) return { view: { ...v, labels: [...v.labels, ...next.labels], text }, head: null };
  // A ruling OCR read as "|" inside the cell bounds the label's own part: "(三)|1.属于" is 1.属于 beside its group.
  const cut = Math.max(leaf.text.lastIndexOf('|'), leaf.text.lastIndexOf('｜'));
  const own = leaf.text.slice(cut + 1);
  const head = labelKey(own);
  if (v.positions !== 'grid' || next.positions !== 'grid' || head === '') return null;
  const before: LabelPiece[] = cut > 0 ? [{ text: leaf.text.slice(0, cut), prov: leaf.prov }] : [];
  const joined: LabelPiece = { text: own + next.labels[next.labels.length - 1]!.text, prov: leaf.prov };
  return { view: { ...v, labels: [...v.labels.slice(0, -1), ...before, joined], text }, head };
}

/** One of the matched row's labels starts with `head` (folded) and goes on. */
function startsRowLabel(match: RowMatch, head: string): boolean {
  return match.table.rows[match.order]!.keys.some((k) => k.length > head.length && k.startsWith(head));
}

/**
 * A grid row without figures whose last label stands in the columns where the grid's figures stand: a header
 * (a repeated one on the next page: 人 | 公益 | 服务 | 其他), not a row label printed with empty cells — "其他"
 * there is the column, not the row 3.其他.
 */
function inFigureColumns(v: RowView, figuresFrom: ReadonlyMap<number, { first: number }>): boolean {
  const table = v.prov.tableIndex;
  const from = table === undefined || v.positions !== 'grid' ? undefined : figuresFrom.get(table)?.first;
  const last = v.labels.findLast((l) => l.text.trim() !== '');
  return from !== undefined && last?.prov.gridCol !== undefined && last.prov.gridCol >= from;
}

/**
 * The grid headers of a table (see Gathered.gridHeads): for each source table its rows stand in (a table
 * printed over two pages may be two grids, each with its header), the header rows above its first row there.
 */
function collectGridHeads(
  t: TableIndex,
  g: Gathered,
  seenAt: Map<string, number>,
  gridHeaders: { at: number; v: RowView }[],
  gridData: { at: number; tableIndex: number | undefined }[],
): void {
  const firstAt = new Map<number, number>();
  for (const r of t.rows) {
    const at = seenAt.get(`${t.def.key}|${r.key}`);
    const tableIndex = g.rows.get(r.key)?.prov.tableIndex;
    if (at === undefined || tableIndex === undefined) continue;
    firstAt.set(tableIndex, Math.min(firstAt.get(tableIndex) ?? Infinity, at));
  }
  for (const [tableIndex, first] of firstAt) {
    // Rows of another table printed in the same source table above this one end the header search there.
    let from = -1;
    for (const d of gridData) if (d.tableIndex === tableIndex && d.at < first) from = Math.max(from, d.at);
    for (const h of gridHeaders) {
      if (h.at <= from || h.at >= first || h.v.prov.tableIndex !== tableIndex) continue;
      for (const l of h.v.labels) if (l.prov.gridCol !== undefined) g.gridHeads.push({ key: labelKey(l.text), text: l.text, col: l.prov.gridCol, width: h.v.gridWidth, table: tableIndex });
    }
  }
}

/**
 * Template rows whose label is printed with no figure at all are rows of blank cells, not missing rows —
 * when the label stands where the row belongs: after the rows before it in the template, before the rows
 * after it (a column header "总计" at the top of a table is not the row （七）总计). A table printed with
 * every cell empty (a body with no requests that leaves zeros blank) is kept as a table of blank cells
 * when most of its rows are there, in order.
 */
function keepEmptyRows(
  tables: TableIndex[],
  printedEmpty: PrintedEmpty[],
  seenAt: Map<string, number>,
  gathered: Map<string, Gathered>,
): void {
  for (const t of tables) {
    const g = gathered.get(t.def.key)!;
    const candidates = printedEmpty.filter((c) => c.table === t && !g.rows.has(c.row));
    if (candidates.length === 0) continue;
    const seen = t.rows.filter((r) => seenAt.has(`${t.def.key}|${r.key}`)).map((r) => ({ order: r.order, at: seenAt.get(`${t.def.key}|${r.key}`)! }));
    const inPlace = candidates.filter((c) => {
      const before = seen.filter((x) => x.order < c.order).reduce((m, x) => Math.max(m, x.at), -1);
      const after = seen.filter((x) => x.order > c.order).reduce((m, x) => Math.min(m, x.at), Infinity);
      return c.at > before && c.at < after;
    });
    const kept = longestInOrder(inPlace);
    const smallest = Math.min(...t.def.variants.map((v) => v.rows.length));
    if (seen.length === 0 && kept.length < Math.min(3, smallest)) continue;
    for (const c of kept) {
      g.rows.set(c.row, c.view);
      g.prov ??= c.view.prov;
    }
  }
}

/** Joins a row's figures with figures printed on the following line(s); positions are lost. */
function mergeVertical(a: RowView, b: RowView): RowView {
  // Spelled out rather than spread: it runs once per line of such tables, and a spread copy is slower.
  return {
    blockIndex: a.blockIndex,
    prov: a.prov,
    positions: 'none',
    labels: a.labels,
    values: a.values.concat(b.values),
    dataFields: null,
    dataCols: null,
    gridWidth: a.gridWidth,
    text: `${a.text} / ${b.text}`,
  };
}

function looksLikeHeader(fields: readonly string[], tables: readonly TableIndex[]): boolean {
  return fields.some((f) => tables.some((t) => t.columnKeySet.has(f)));
}

interface RowMatch {
  table: TableIndex;
  row: string;
  order: number;
  score: number;
}

/**
 * Matches a row's label to a template row. Tries each label piece (the leaf label is the last one:
 * "三、本年度办理结果 | （一）予以公开"), pieces joined, and the label lines without figures just above
 * (labels wrapped over two lines). Rows of the current table and rows in template order are preferred.
 * `pieceKeys` are the row's label pieces, folded (labelKey), in order.
 */
function matchRow(
  v: RowView,
  pieceKeys: string[],
  pending: readonly string[],
  tables: TableIndex[],
  groupKeys: ReadonlySet<string>,
  current: TableIndex | null,
  lastOrder: Map<string, number>,
): RowMatch | null {
  const raw: LabelPiece[] = [];
  const pieces: string[] = [];
  v.labels.forEach((l, i) => {
    const key = pieceKeys[i]!;
    if (key === '') return;
    raw.push(l);
    pieces.push(key);
  });
  if (isHeaderEndingInColumn(pieces, tables)) return null;
  const exact = exactMatch(pieces[pieces.length - 1], tables, lastOrder);
  if (exact) return exact;
  const probes: { key: string; weight: number; numbering: string | null }[] = [];
  // A parent piece that is a group label in some layout ("（六）其他处理" before its "2.申请人…") yields
  // to the leaf, even when the leaf is misread by a character and the parent matches another layout's row.
  pieces.forEach((p, i) => {
    const parent = i < pieces.length - 1 && groupKeys.has(p);
    probes.push({ key: p, weight: parent ? 0.9 : 1 + i * 0.001, numbering: leadingNumbering(raw[i]!.text) });
  });
  if (pieces.length > 1) probes.push({ key: pieces.slice(-2).join(''), weight: 0.999, numbering: null });
  // The line above alone, then with the lines above it (a label wrapped over three lines), each joined to this line's first piece.
  for (let n = 1; n <= pending.length; n++) {
    const above = pending.slice(-n).join('');
    const weight = n === 1 ? 1 : WRAPPED_LINES_WEIGHT;
    probes.push({ key: above + (pieces[0] ?? ''), weight: 1.002 * weight, numbering: null });
    if (pieces.length === 0) probes.push({ key: above, weight, numbering: null });
  }
  let best: RowMatch | null = null;
  for (const t of tables) {
    const after = lastOrder.get(t.def.key) ?? -1;
    const scores = probes.map((probe) => rowScores(t, probe.key));
    for (const r of t.rows) {
      for (const [pi, probe] of probes.entries()) {
        let score = scores[pi]![r.order]!;
        if (score < 0.5) continue;
        score *= probe.weight;
        // The item number ("2." under （三）) confirms or contradicts a close label.
        if (probe.numbering && r.numbering.size > 0) score += r.numbering.has(probe.numbering) ? 0.04 : -0.04;
        if (current === t) score += 0.02;
        if (r.order > after) score += 0.03;
        if (!best || score > best.score) best = { table: t, row: r.key, order: r.order, score };
      }
    }
  }
  return best && best.score >= ROW_THRESHOLD ? best : null;
}

/**
 * A header row whose last label is a column's that is also a row's (总计: the 总计 column, the （七）总计 row), after
 * another column's label (自然人 … 法律服务机构 … 总计): no data row, even when OCR misread some of its cells as
 * figures. Taken for the 总计 row, it stood in the real one's place.
 */
function isHeaderEndingInColumn(pieces: readonly string[], tables: readonly TableIndex[]): boolean {
  const last = pieces[pieces.length - 1];
  if (last === undefined || pieces.length < 2) return false;
  return tables.some((t) => t.columnKeySet.has(last) && pieces.slice(0, -1).some((p) => t.columnKeySet.has(p) && !t.rowKeySet.has(p)));
}

/**
 * The fast path: the leaf label equals one template label exactly (after folding) and that row has not
 * been seen yet in its table — the common case, which needs no fuzzy scoring.
 */
function exactMatch(leaf: string | undefined, tables: TableIndex[], lastOrder: Map<string, number>): RowMatch | null {
  if (!leaf) return null;
  let hit: RowMatch | null = null;
  for (const t of tables) {
    for (const r of t.rowsByKey.get(leaf) ?? []) {
      if (hit || r.order <= (lastOrder.get(t.def.key) ?? -1)) return null;
      hit = { table: t, row: r.key, order: r.order, score: 1 };
    }
  }
  return hit;
}

/** A flat table (sec4): the rows of figures under its header lines, read as one sequence. */
function gatherFlat(t: TableIndex, rows: readonly RowView[]): Gathered {
  const g = emptyGathered();
  const numeric: RowView[] = [];
  const labelled: RowView[] = [];
  let headerRow: RowView | null = null;
  for (const v of rows) {
    if (v.values.length === 0) {
      g.headerKeys.push(...v.labels.map((l) => labelKey(l.text)));
      headerRow ??= v.labels.length > 0 ? v : null;
      continue;
    }
    const key = labelKey(rowLabel(v));
    // A row labelled with a template row (a transposed print: 行政复议 | 5 figures) is kept as a row.
    const rowHit = t.rows.find((r) => r.keys.some((k) => key !== '' && labelScore(key, k) >= 0.8));
    if (rowHit && !g.rows.has(rowHit.key)) {
      g.rows.set(rowHit.key, v);
      g.prov ??= v.prov;
      continue;
    }
    if (v.labels.length === 0) numeric.push(v);
    // Figures under a label no template row has: two or more, or digits that may be several glued ("总汁 8005130000000066",
    // a misspelt header word before the table's fifteen figures) — whose they are is not known, but the table is not blank.
    else if (v.values.length >= 2 || mayBeGluedCells(v, 2)) labelled.push(v);
  }
  if (numeric.length > 0 && g.rows.size === 0) {
    g.flat = numeric.length === 1 ? numeric[0]! : concatRows(numeric);
    g.prov = g.flat.prov;
  } else if (g.rows.size === 0 && labelled.length === 0 && headerRow && printsItsHeader(t, g.headerKeys)) {
    // (Not when rows of figures under labels no template row has stand in the section: whether they are this
    // table's, misread, is not known — the table is then reported missing, not printed empty.)
    // The table's header is there and not a figure under it: a table printed with every cell empty.
    g.flat = { ...headerRow, labels: [], values: [], dataFields: null, dataCols: null, positions: 'none' };
    g.prov = headerRow.prov;
  }
  return g;
}

/** How close a line without figures must come to a row's label to stand for that row printed empty. */
const EMPTY_ROW_THRESHOLD = 0.8;

/** The last whitespace-separated word of a text. */
const LAST_WORD = /(\S+)\s*$/;

/**
 * The template rows a line without figures may be, printed empty: its label as it is, joined to the line
 * before (a label wrapped over two lines), or its last word — a PDF line of an empty table runs a group
 * label's fragment and a row label together ("（三）不 4.保护第三方合法权益"); a label cut by a wrap
 * ("2.申请人逾期未按收费通知要求缴") still resembles its row closely. Only the best row of each table.
 */
function emptyRowLabels(tables: TableIndex[], v: RowView, leaf: string, wrappedFrom: string, at: number): PrintedEmpty[] {
  const lastWord = labelKey(LAST_WORD.exec(v.labels[v.labels.length - 1]!.text)?.[1] ?? '');
  // Three probes at most, distinct, in this order (a Set and its spread cost more than the lookups they spare).
  const probes: string[] = [];
  for (const p of [leaf, wrappedFrom + leaf, lastWord]) if (p.length >= 2 && !probes.includes(p)) probes.push(p);
  const out: PrintedEmpty[] = [];
  for (const t of tables) {
    let best: { row: string; order: number; score: number } | null = null;
    for (const probe of probes) {
      const exact = t.rowsByKey.get(probe);
      const scores = exact ? null : rowScores(t, probe);
      for (const r of t.rows) {
        const score = exact ? (exact.includes(r) ? 1 : 0) : scores![r.order]!;
        if (score >= EMPTY_ROW_THRESHOLD && (!best || score > best.score)) best = { row: r.key, order: r.order, score };
      }
    }
    if (best) out.push({ table: t, row: best.row, order: best.order, at, view: v });
  }
  return out;
}

/** The longest run of labels that stand in template order (a header word such as "其他" before them is left out). */
function longestInOrder<T extends { order: number; at: number }>(items: T[]): T[] {
  const best: number[] = packedMap(items, () => 1);
  const prev: number[] = packedMap(items, () => -1);
  for (let i = 0; i < items.length; i++) {
    for (let j = 0; j < i; j++) {
      if (items[j]!.order < items[i]!.order && items[j]!.at < items[i]!.at && best[j]! + 1 > best[i]!) {
        best[i] = best[j]! + 1;
        prev[i] = j;
      }
    }
  }
  let end = best.indexOf(Math.max(0, ...best));
  const out: T[] = [];
  for (; end >= 0; end = prev[end]!) out.unshift(items[end]!);
  return out;
}

/**
 * A row printed with every cell empty in a table that prints its zeros elsewhere: its cells stay blank —
 * that is what the source shows — but a lost row of zeros looks the same, so it is worth a look.
 */
function emptyRowFindings(table: ExtractedTable): Finding[] {
  if (!table.cells.some((c) => c.raw === '0')) return [];
  const byRow = new Map<string, Cell[]>();
  for (const c of table.cells) {
    const cells = byRow.get(c.row);
    if (cells) cells.push(c);
    else byRow.set(c.row, [c]);
  }
  const out: Finding[] = [];
  for (const [row, cells] of byRow) {
    if (!cells.every((c) => c.method === 'blank' && c.raw === null)) continue;
    out.push(
      finding('table/empty-row', 'warning', `${table.table}.${row} is printed with every cell empty while the table prints its zeros elsewhere: its cells are kept blank (NULL)`, {
        table: table.table,
        row,
        prov: cells[0]!.prov,
      }),
    );
  }
  return out;
}

/** Most of a table's column headers are printed in its section. */
function printsItsHeader(t: TableIndex, headerKeys: string[]): boolean {
  const columns = [...t.columnKeys.values()][0] ?? [];
  const printed = columns.filter((labels) => labels.some((l) => headerKeys.includes(l))).length;
  return printed >= Math.ceil(columns.length / 2);
}

function concatRows(rows: RowView[]): RowView {
  const allFields = rows.every((r) => r.dataFields !== null);
  return {
    blockIndex: rows[0]!.blockIndex,
    prov: rows[0]!.prov,
    positions: allFields ? rows[0]!.positions : 'none',
    labels: [],
    values: rows.flatMap((r) => r.values),
    dataFields: allFields ? rows.flatMap((r) => r.dataFields!) : null,
    dataCols: null,
    gridWidth: null,
    text: rows.map((r) => r.text).join(' / '),
  };
}

const SEC3_2021_ONLY = ['other_no_supplement', 'other_no_fee', 'other_other'];

/**
 * The sec3 layout from what the table holds: the three （六） rows of 2021, or the single row of 2019 — rows
 * printing figures first: a label without figures may be a header word ("其他" of a header repeated on the
 * next page, taken for the row 3.其他).
 */
function decideSec3Layout(gathered: Map<string, Gathered>, year: number | null): Layout | null {
  const g = gathered.get('sec3');
  if (!g || g.rows.size === 0) return null;
  const printsFigures = (key: string): boolean => (g.rows.get(key)?.values.length ?? 0) > 0;
  // 3.其他 is the weakest of them: "其他" alone is a column header too, and figures after it may be another row's.
  if (SEC3_2021_ONLY.filter((k) => k !== 'other_other').some(printsFigures)) return '2021';
  if (printsFigures('other')) return '2019';
  if (printsFigures('other_other')) return '2021';
  if (SEC3_2021_ONLY.some((k) => g.rows.has(k))) return '2021';
  if (g.rows.has('other')) return '2019';
  return year !== null && year >= 2021 ? '2021' : '2019';
}

/**
 * Section 三 read in the 2021 layout on the strength of 3.其他 alone — its other two （六） rows not found — may
 * be a 2019 table (or a 2021 hybrid's) whose single （六）其他处理 row was read as 3.其他: "其他" is a column's
 * header too, and in a text's reading order the figures after it may be another row's. A warning on the table.
 */
function sec3LayoutDoubt(gathered: Map<string, Gathered>, sec3Layout: Layout | null): Finding | null {
  const g = gathered.get('sec3');
  if (sec3Layout !== '2021' || !g || !g.rows.has('other_other') || SEC3_2021_ONLY.some((k) => k !== 'other_other' && g.rows.has(k))) return null;
  return finding(
    'table/layout-uncertain',
    'warning',
    'sec3 is read in the 2021 layout from its row 3.其他 alone (its rows （六）1 and 2 were not found): if the table prints （六）其他处理 as one row (the 2019 layout), that row was read as 3.其他 and the table\'s other rows may be misread with it',
    { table: 'sec3', prov: g.rows.get('other_other')!.prov },
  );
}

/** Chooses the layout of a table from its header words, then its figure counts, then the year. */
function chooseVariant(t: TableIndex, g: Gathered, year: number | null, sec3Layout: Layout | null): TableVariant | null {
  const variants = t.def.variants;
  if (variants.length === 1) return variants[0]!;
  if (t.def.key === 'sec3' && sec3Layout) return variants.find((v) => v.layout === sec3Layout) ?? null;
  const widest = Math.max(...variants.map((v) => v.columns.length));
  const scored = packedMap(variants, (v) => ({ v, score: headerScore(t, v.layout, g.headerKeys) + countScore(v, g, widest) * 0.5 }));
  scored.sort((a, b) => b.score - a.score);
  const [first, second] = scored;
  if (first && (!second || first.score > second.score)) return first.v;
  // Neither header nor figures decide: the year does (the 2021 layout did not exist for 2019–2020 reports, and
  // sec3 read from a mangled copy may say otherwise); sec3's layout only when the year is unknown.
  const byYear: Layout = year !== null ? (year >= 2021 ? '2021' : '2019') : (sec3Layout ?? '2019');
  return variants.find((v) => v.layout === byYear) ?? variants[0]!;
}

/** The table's layouts whose column labels its header prints, or all of them when it prints none. */
function layoutsByHeader(t: TableIndex, headerKeys: readonly string[]): TableVariant[] {
  const headed = t.def.variants.filter((v) => headerScore(t, v.layout, headerKeys) > 0);
  return headed.length > 0 ? headed : t.def.variants;
}

function headerScore(t: TableIndex, layout: Layout, headerKeys: readonly string[]): number {
  const cols = t.columnKeys.get(layout) ?? [];
  let score = 0;
  for (const labels of cols) if (labels.some((l) => headerKeys.includes(l))) score += 1;
  return score;
}

/**
 * How many of the table's rows carry exactly as many figures as the variant has columns. A row of glued digits
 * without positions ("行政处罚1195545": one figure, or 119 | 5 | 545) says nothing about how many columns the
 * table has, when its digits could fill the widest layout's: it counts for none (the header words or the year
 * decide). Taken as one figure, it made a 2019 table with its header lost read as the 2021 one, in silence.
 */
function countScore(v: TableVariant, g: Gathered, widest: number): number {
  let n = 0;
  for (const row of g.rows.values()) {
    const count = row.dataFields?.length ?? row.values.length;
    if (row.dataFields === null && count < widest && mayBeGluedCells(row, widest)) continue;
    if (count === v.columns.length) n++;
  }
  return n;
}

/** Figures with digits enough to be `cells` cells glued together ("1195545" for three). */
function mayBeGluedCells(row: RowView, cells: number): boolean {
  let digits = 0;
  for (const value of row.values) digits += value.digits?.length ?? 1;
  return digits >= cells && row.values.some((value) => value.digits !== null && value.digits.length > 1);
}

/** A set of cells a source row fills, in slot order, with their cell indexes and the identities among them. */
interface SlotTargets {
  targets: { row: string; col: string }[];
  indexes: number[];
  rowChecks: SlotCheck[];
  /** Which targets may hold a signed figure (本年增/减); null when the table has no such column. */
  signed: boolean[] | null;
}

/** What building a table needs of one layout that no document changes: worked out once per layout. */
interface LayoutPlan {
  rows: string[];
  cols: string[];
  space: TableSpace;
  checkable: boolean;
  totalIndex: number | null;
  /** The cells of each template row (by row key), and all cells in order (a flat table's figures). */
  rowTargets: Map<string, SlotTargets>;
  allTargets: SlotTargets;
}

function layoutPlan(t: TableIndex, variant: TableVariant, kind: ReportKind): LayoutPlan {
  let plan = t.plans.get(variant);
  if (plan) return plan;
  const cols = variant.columns.map((c) => c.key);
  const rows = variant.rows.map((r) => r.key);
  const totalIndex = t.def.totalColumn ? cols.indexOf(t.def.totalColumn) : -1;
  const space = tableSpace(t.def.key, rows, cols, kind);
  const signedCols = new Set(variant.columns.filter((c) => c.signed).map((c) => c.key));
  const slotTargets = (targets: { row: string; col: string }[]): SlotTargets => ({
    targets,
    indexes: targets.map((x) => rows.indexOf(x.row) * cols.length + cols.indexOf(x.col)),
    rowChecks: slotChecks(space, rows, cols, targets),
    signed: signedCols.size > 0 ? targets.map((x) => signedCols.has(x.col)) : null,
  });
  plan = {
    rows,
    cols,
    space,
    checkable: kind.identities.some((d) => d.table === t.def.key),
    totalIndex: totalIndex >= 0 ? totalIndex : null,
    rowTargets: new Map(rows.map((r) => [r, slotTargets(cols.map((c) => ({ row: r, col: c })))] as const)),
    allTargets: slotTargets(rows.flatMap((r) => cols.map((c) => ({ row: r, col: c })))),
  };
  t.plans.set(variant, plan);
  return plan;
}

function buildTable(
  t: TableIndex,
  variant: TableVariant,
  g: Gathered,
  kind: ReportKind,
  quotes: () => readonly Quote[],
  headerSlots?: ReadonlyMap<string, Slot[]>,
): { table: ExtractedTable; findings: Finding[] } {
  const findings: Finding[] = [];
  const plan = layoutPlan(t, variant, kind);
  const { rows, cols, checkable } = plan;
  const pending: PendingRow[] = [];
  // A row printing other columns than the template: the table's header says where its figures go.
  const headers = g.flat === null ? headersByGrid(g.gridHeads, variant, t.groupKeys) : NO_HEADERS;
  if (g.flat) {
    const { targets, indexes, rowChecks, signed } = plan.allTargets;
    const ctx: PlacementContext = { totalIndex: null, checkable, rowChecks, signed };
    pending.push({ label: 'figures', view: g.flat, targets, indexes, candidates: rowCandidates(g.flat, targets.length, ctx) });
  } else {
    for (const r of rows) {
      const v = g.rows.get(r);
      if (!v) continue;
      const { targets, indexes, rowChecks, signed } = plan.rowTargets.get(r)!;
      const ctx: PlacementContext = { totalIndex: plan.totalIndex, checkable, rowChecks, headers, signed };
      const byLine = headerSlots?.get(r);
      pending.push({ label: r, view: v, targets, indexes, candidates: byLine ? [candidate('position', 0, byLine)] : rowCandidates(v, cols.length, ctx) });
    }
  }
  let quoted: Map<number, Quote[]> | null = null;
  const solved = solveTable(t.def.key, plan.space, pending, () => (quoted ??= quotedCells(quotes(), t.def.key, rows, cols)));
  findings.push(...misfitRowFindings(t.def.key, variant, headers, pending, solved));
  findings.push(...droppedBlankFields(t.def.key, cols.length, pending, solved.cells, [...new Set(g.extraColumns.map((e) => e.word))]));
  findings.push(...otherLayoutRows(t, variant, g));
  const cells: Cell[] = [];
  for (const [ri, r] of rows.entries()) {
    const present = g.flat !== null || g.rows.has(r);
    if (!present) {
      findings.push(
        finding('table/missing-row', 'error', `row ${r} of ${t.def.key} (${variant.layout} layout) was not found; its cells are empty`, {
          table: t.def.key,
          row: r,
          ...(g.prov ? { prov: g.prov } : {}),
        }),
      );
    }
    for (const [ci, c] of cols.entries()) {
      const colDef = variant.columns[ci]!;
      const placed = solved.cells[ri * cols.length + ci];
      const made = makeCell(t.def.key, r, c, placed, colDef.unit ?? null, g.prov ?? {});
      cells.push(made);
      if (made.value !== null && made.raw !== null && LOOKALIKE_DIGIT.test(made.raw)) findings.push(letterForDigit(made));
    }
  }
  return { table: { table: t.def.key, layout: variant.layout, cells, prov: g.prov ?? {} }, findings };
}

/** A cell whose figure is printed with a letter (or 〇) for a digit: read as the figure, and said so. */
function letterForDigit(c: Cell): Finding {
  return finding('table/letter-for-digit', 'warning', `${c.table}.${c.row}.${c.col} prints "${c.raw}" with a letter (or 〇) where a digit belongs; it was read as ${c.value}`, {
    table: c.table,
    row: c.row,
    col: c.col,
    actual: c.raw!,
    expected: String(c.value),
    prov: c.prov,
  });
}

/**
 * Rows read as a row of another layout than the table's (（六）其他处理 with figures, in a table read as 2021): their
 * figures are stored nowhere. An error on the table, which names them.
 */
function otherLayoutRows(t: TableIndex, variant: TableVariant, g: Gathered): Finding[] {
  const out: Finding[] = [];
  for (const [row, view] of g.rows) {
    if (variant.rows.some((r) => r.key === row) || view.values.every((v) => v.value === null)) continue;
    const figures = figuresText([view]);
    out.push(
      finding('table/unread-figures', 'error', `${t.def.key}: the figures ${figures} (line "${view.text}") were read as row ${row}, which the ${variant.layout} layout the table is read in does not have: they are stored nowhere, and the table's other rows may be misread`, {
        table: t.def.key,
        actual: figures,
        prov: view.prov,
      }),
    );
  }
  return out;
}

/** The quotes of one table's figures, by cell index (row-major over the layout's rows and columns). */
function quotedCells(quotes: readonly Quote[], table: string, rows: string[], cols: string[]): Map<number, Quote[]> {
  const byCell = new Map<number, Quote[]>();
  for (const q of quotes) {
    const r = rows.indexOf(q.row);
    const c = cols.indexOf(q.col);
    if (q.table !== table || r < 0 || c < 0) continue;
    const at = r * cols.length + c;
    byCell.set(at, [...(byCell.get(at) ?? []), q]);
  }
  return byCell;
}

/** The table's equations that lie entirely within one source row's slots, in slot numbers. */
function slotChecks(space: TableSpace, rows: string[], cols: string[], targets: { row: string; col: string }[]): SlotCheck[] {
  const slotOf = new Map(targets.map((t, i) => [rows.indexOf(t.row) * cols.length + cols.indexOf(t.col), i]));
  const inRow = (eq: Equation): boolean => {
    for (const c of eq.cells) if (!slotOf.has(c)) return false;
    return true;
  };
  return space.equations.filter(inRow).map((eq) => ({ slots: Array.from(eq.cells, (c) => slotOf.get(c)!), coefs: Array.from(eq.coefs) }));
}

export interface PlacedCell {
  value: number | null;
  token: ValueToken | null;
  method: PlacementMethod;
  prov: Provenance | null;
}

function makeCell(table: string, row: string, col: string, placed: PlacedCell | undefined, templateUnit: string | null, fallback: Provenance): Cell {
  if (!placed) return { table, row, col, value: null, raw: null, unit: templateUnit, note: null, method: 'unresolved', prov: fallback };
  return {
    table,
    row,
    col,
    value: placed.value,
    raw: placed.token?.raw ?? null,
    unit: placed.token?.unit ?? templateUnit,
    note: placed.token?.note ?? null,
    method: placed.method,
    prov: placed.prov ?? fallback,
  };
}

/**
 * A table of the report's own layout that was not found is an error. The layout that counts is the one
 * of the tables found beside it in its section (a 2023 report prints section 二 in the 2021 layout and
 * section 三 with the 2019 （六） row: it has no 第二十条第（九）项 to miss); for a section with none found,
 * the year's layout, else sec3's.
 */
function reportMissingTables(index: TableIndex[], tables: ExtractedTable[], sections: Section[], sec3Layout: Layout | null, year: number | null, findings: Finding[]): void {
  const tableSections = new Set(index.map((t) => t.def.section));
  if (tables.length === 0 && !sections.some((s) => tableSections.has(s.key))) return;
  const fallback: Layout = year !== null ? (year >= 2021 ? '2021' : '2019') : (sec3Layout ?? '2019');
  for (const t of index) {
    if (tables.some((x) => x.table === t.def.key)) continue;
    const besides = tables.filter((x) => index.find((i) => i.def.key === x.table)?.def.section === t.def.section).map((x) => x.layout);
    const layout = besides.length > 0 ? majority(besides) : fallback;
    if (!t.def.variants.some((v) => v.layout === layout)) continue;
    // Where to look: the section the table belongs in, when it was found (its heading's line and page).
    const section = sections.find((s) => s.key === t.def.section);
    const where = section ? ` in its section ("${section.heading}")` : ', nor its section';
    findings.push(finding('table/missing', 'error', `table ${t.def.key} (${t.def.title}) was not found${where}`, { table: t.def.key, ...(section ? { prov: section.prov } : {}) }));
  }
}

function majority(layouts: Layout[]): Layout {
  const n2021 = layouts.filter((l) => l === '2021').length;
  return n2021 * 2 >= layouts.length ? '2021' : '2019';
}

function reportLayout(tables: ExtractedTable[]): Layout | null {
  const sec3 = tables.find((t) => t.table === 'sec3');
  if (sec3) return sec3.layout;
  const counts = new Map<Layout, number>();
  for (const t of tables) counts.set(t.layout, (counts.get(t.layout) ?? 0) + 1);
  let best: Layout | null = null;
  for (const [l, n] of counts) if (best === null || n > counts.get(best)!) best = l;
  return best;
}

