/**
 * Row views: any block seen as a table row — its label pieces, its figures, and (when positions can be
 * trusted) its data fields in column order. Tokenising figures lives here: "22（其中修订16件）", "251000元",
 * "+12", "/", and labels glued to their digits ("行政处罚2648-18538").
 */
import { packedMap } from '../arrays.js';
import type { Block, PositionKind, Provenance, RowBlock } from '../types.js';
import { isRuleLine, pipeCells } from './normalize.js';

export interface ValueToken {
  /** The text as printed (normalised). */
  raw: string;
  /** The number, or null for a placeholder ("/", "—", "无"). */
  value: number | null;
  /** Digits as printed, for glued-digit splitting (no sign, no decimals: only plain integers can be split). */
  digits: string | null;
  unit: string | null;
  note: string | null;
  prov: Provenance;
  /**
   * For a figure cut out of glued digits: where its digits start in the printed token (see tokenProv); 0 for
   * a figure as printed. Always set, so that every token has one shape (see the slots in placement.ts).
   */
  cutAt: number;
}

/** Where a figure is in the source: a cut piece of glued digits points at its own first digit. */
export function tokenProv(token: ValueToken): Provenance {
  const prov = token.prov;
  if (!token.cutAt || prov.offset === undefined) return prov;
  return withOffset(prov, prov.offset + token.cutAt);
}

/**
 * A provenance moved to another offset in its line. A copy saved as one paragraph gives hundreds of figures a
 * line and an offset only: those are built field by field, cheaper than a spread of every optional field.
 * (Every other field of Provenance is checked here: one added there must be added to the test.)
 */
export function withOffset(prov: Provenance, offset: number): Provenance {
  if (prov.line !== undefined && prov.page === undefined && prov.box === undefined && prov.tableIndex === undefined && prov.gridRow === undefined && prov.gridCol === undefined && prov.confidence === undefined) {
    return { line: prov.line, offset };
  }
  return { ...prov, offset };
}

export interface LabelPiece {
  text: string;
  prov: Provenance;
}

export interface RowView {
  blockIndex: number;
  prov: Provenance;
  positions: PositionKind;
  labels: LabelPiece[];
  /** Figures in reading order. */
  values: ValueToken[];
  /**
   * The data fields after the last label, in column order, with '' fields as null (blank) — only when
   * every field holds at most one figure. Trailing empty fields of flattened text are dropped (they are
   * layout, not blanks). For grid rows this is the fields after the label columns.
   */
  dataFields: (ValueToken | null)[] | null;
  /**
   * For grid rows with dataFields: the source-grid column of each data field (its `prov.gridCol`), where the
   * table's header says which column it is. For tab-separated rows: each data field's place among its line's
   * fields, where a header line's fields stand over it. Null otherwise.
   */
  dataCols: number[] | null;
  gridWidth: number | null;
  /** The whole row as text, for messages. */
  text: string;
}

const NUMBER = /^([+-]?)(\d+(?:\.\d+)?)$/;
const PLACEHOLDER = /^(?:\/|／|—+|-{1,3}|–|－|无|空|\\|×|\*)$/;
const UNIT_SUFFIX = /^(.*?\d)\s*(万元|元|件|个|项|条|次|宗|人次)$/;
const NOTE_SUFFIX = /^(.*?\d)\s*[（(]\s*([^（()）]*)\s*[)）]$/;
const GLUED_LABEL = /^(.*[\u4e00-\u9fff）)”"])([+-]?\d[\d.+-]*)$/;

/**
 * The figure a token of 1 to 15 ASCII digits and nothing else stands for (exact: below 2^53), else -1. Read
 * digit by digit: a regexp test and Number() cost twice as much, on the commonest token of all.
 */
function plainCount(token: string): number {
  const n = token.length;
  if (n === 0 || n > 15) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const digit = token.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
const ANY_DIGIT = /\d/;
const ANY_SPACE = /\s/;
const FIGURE_START = /^[+-]?\d/;

/**
 * A count printed with letters for digits — O, o, Ｏ or 〇 for 0, alone or among digits ("1O" for 10), l or I for 1
 * among digits ("l7" for 17): a copy of an OCR'd text, or a typo. Read as the figure it stands for — the table stage
 * says so for every cell it fills (`table/letter-for-digit`) — since read as text it moved every figure after it
 * one column left, in silence. A lone l or I stays text (a label's item, a Roman numeral); so does every letter in a
 * figure OCR read (extract/ocr has its own checks).
 */
const LOOKALIKE_COUNT = /^(?:[OoＯ〇]|(?=[\dlI]*\d)[1-9lI][\dOoＯ〇lI]*)$/;
export const LOOKALIKE_DIGIT = /[OoＯ〇lI]/;

/** Parses one token as a figure, or returns null when it is text. */
export function parseValue(token: string, prov: Provenance): ValueToken | null {
  // The common case first: a plain count.
  const count = plainCount(token);
  if (count >= 0) return { raw: token, value: count, digits: token, unit: null, note: null, prov, cutAt: 0 };
  // Not in a figure OCR read (it has a confidence): there an l or I is a ruling's trace ("Il0"), read as unreadable.
  if (prov.confidence === undefined && token.length <= 16 && LOOKALIKE_DIGIT.test(token) && LOOKALIKE_COUNT.test(token.trim())) {
    const raw = token.trim();
    const digits = raw.replace(/[OoＯ〇]/g, '0').replace(/[lI]/g, '1');
    return { raw, value: Number(digits), digits, unit: null, note: null, prov, cutAt: 0 };
  }
  // Without a digit a token is a placeholder ("/", "—", "无") or text: labels, most fields, stop here.
  if (!ANY_DIGIT.test(token)) {
    const raw = token.trim();
    return PLACEHOLDER.test(raw) ? { raw, value: null, digits: null, unit: null, note: null, prov, cutAt: 0 } : null;
  }
  let t = token.trim().replace(/,(?=\d{3}(?:\D|$))/g, '');
  // Cutting a note or a unit off leaves a prefix of the token, and a figure starts with a digit or a
  // sign: a token that does not start so is text (prose lines end up here), without the suffix regexps.
  if (!FIGURE_START.test(t)) return null;
  let note: string | null = null;
  let unit: string | null = null;
  const noted = NOTE_SUFFIX.exec(t);
  if (noted) {
    t = noted[1]!;
    note = noted[2]!.trim() || null;
  }
  const united = UNIT_SUFFIX.exec(t);
  if (united) {
    t = united[1]!;
    unit = united[2]!;
  }
  const m = NUMBER.exec(t);
  if (!m) return null;
  const value = Number(`${m[1]}${m[2]}`);
  if (!Number.isFinite(value)) return null;
  const digits = m[1] === '' && !m[2]!.includes('.') ? m[2]! : null;
  return { raw: token.trim(), value, digits, unit: unit === '件' || unit === '个' || unit === '项' || unit === '条' || unit === '次' || unit === '宗' || unit === '人次' ? null : unit, note, prov, cutAt: 0 };
}

interface FieldParse {
  readonly labels: readonly string[];
  readonly values: readonly ValueToken[];
}

/**
 * What parseField gives an empty field (a blank cell of a tab-separated row), and the labels of a field that is a
 * figure: shared, since nothing changes a parse once made (the types say so). A report's rows have a thousand
 * fields, and each parse's objects were a sixth of what the pipeline allocates.
 */
const NO_LABELS: readonly string[] = [];
const EMPTY_FIELD: FieldParse = { labels: NO_LABELS, values: [] };

/**
 * Splits one field into label text and figures. A field may hold a label, one figure, several figures
 * separated by spaces, or a label with figures after it (spaces or glued).
 */
export function parseField(text: string, prov: Provenance): FieldParse {
  if (text === '') return EMPTY_FIELD;
  // A field that knows where it starts in its line (a paragraph cut out of a line) gives each figure its own
  // offset (movedBy), so that a figure — and every figure cut out of its digits — points at its own first digit.
  const lead = text.length - text.trimStart().length;
  const whole = parseValue(text, movedBy(prov, lead));
  if (whole) return { labels: NO_LABELS, values: [whole] };
  const run = signedRun(text.trim(), movedBy(prov, lead));
  if (run) return { labels: NO_LABELS, values: run };
  const labels: string[] = [];
  const values: ValueToken[] = [];
  // Most fields left here are one label without a space: no split for them.
  const tokens = !ANY_SPACE.test(text) ? (text === '' ? [] : [text]) : text.split(/\s+/).filter(Boolean);
  // Where each token starts, only for a field that has an offset to add it to (most fields have none).
  const starts = prov.offset === undefined ? null : tokenStarts(text);
  // Figures only count at the end of a field: "2021 年" inside a label is not a figure.
  const trailing: ValueToken[] = [];
  let firstTrailing = tokens.length;
  for (let i = tokens.length - 1; i >= 0; i--) {
    // A token that is the whole field (no spaces in it) was parsed above, and is no figure.
    const v = tokens[i] === text ? null : parseValue(tokens[i]!, movedBy(prov, starts?.[i] ?? 0));
    const parts = v || tokens[i] === text ? null : signedRun(tokens[i]!, movedBy(prov, starts?.[i] ?? 0));
    if (parts) {
      trailing.push(...parts.reverse());
      firstTrailing = i;
      continue;
    }
    if (!v) break;
    trailing.push(v);
    firstTrailing = i;
  }
  const head = tokens.slice(0, firstTrailing);
  if (head.length > 0) {
    const last = head[head.length - 1]!;
    const glued = GLUED_LABEL.exec(last);
    const parts = glued ? splitSignedRun(glued[2]!) : [];
    if (glued && parts.length > 0) {
      head[head.length - 1] = glued[1]!;
      const runStart = (starts?.[head.length - 1] ?? 0) + glued[1]!.length;
      values.push(...partFigures(parts, (offset) => movedBy(prov, runStart + offset)));
    }
    labels.push(head.join(' '));
  }
  values.push(...trailing.reverse());
  return { labels, values };
}

/** Where each whitespace-separated token of a text starts in it. */
function tokenStarts(text: string): number[] {
  const starts: number[] = [];
  const tokens = TOKEN;
  tokens.lastIndex = 0;
  for (let m = tokens.exec(text); m !== null; m = tokens.exec(text)) starts.push(m.index);
  return starts;
}

/** A whitespace-separated token. Global, for exec loops (matchAll clones its regexp at every call): reset lastIndex first. */
const TOKEN = /\S+/g;

/**
 * The figures of a run cut out of a token stream ("713000074", "0 1 1 0 2", "2648-18538", "9116.36"):
 * one token per space-separated group (a sign inside a group starts a new figure), each with its own
 * offset — `prov.offset` is where the run starts in its line.
 */
export function parseFigureRun(run: string, prov: Provenance): ValueToken[] {
  const values: ValueToken[] = [];
  const base = prov.offset ?? 0;
  const tokens = TOKEN;
  tokens.lastIndex = 0;
  for (let m = tokens.exec(run); m !== null; m = tokens.exec(run)) {
    const whole = parseValue(m[0], withOffset(prov, base + m.index));
    if (whole) {
      values.push(whole);
      continue;
    }
    values.push(...partFigures(splitSignedRun(m[0]), (at) => withOffset(prov, base + m.index + at)));
  }
  return values;
}

/** The figures of a run's signed parts ("4", "-32432"), each with the provenance of where it starts in the run. */
function partFigures(parts: readonly string[], provAt: (offset: number) => Provenance): ValueToken[] {
  const values: ValueToken[] = [];
  let at = 0;
  for (const part of parts) {
    const v = parseValue(part, provAt(at));
    if (v) values.push(v);
    at += part.length;
  }
  return values;
}

/** Counts, each maybe signed, glued: "4-32432", "12+3-5" — not a date ("2023-01-20") or a phone number ("0951-1234567"). */
const SIGNED_COUNTS = /^[+-]?(?:0|[1-9]\d*)(?:[+-](?:0|[1-9]\d*))+$/;

/**
 * A field or token that is counts glued with their signs ("4-32432": 4 and -32432, to be cut further by the
 * table's columns), as figures; null for anything else. A cell's figures on a line of their own, below their
 * label, were taken for a label ("4-32432") and the row above for one printed blank.
 */
function signedRun(token: string, prov: Provenance): ValueToken[] | null {
  // Every part of such a run is a plain count, which parses.
  if (!SIGNED_COUNTS.test(token)) return null;
  return partFigures(splitSignedRun(token), (at) => movedBy(prov, at));
}

/** A provenance `by` characters further along its line, when it knows where it is in the line (else as it is). */
function movedBy(prov: Provenance, by: number): Provenance {
  return prov.offset === undefined || by === 0 ? prov : withOffset(prov, prov.offset + by);
}

/** "2648-18538" → ["2648", "-18538"]: a sign inside a digit run starts a new figure. */
function splitSignedRun(run: string): string[] {
  const parts = run.match(/[+-]?\d+(?:\.\d+)?/g) ?? [];
  return parts.join('') === run ? parts : [];
}

export function rowView(block: Block, blockIndex: number): RowView {
  if (block.kind === 'paragraph') {
    const cells = markdownRowCells(block.text);
    return cells ? rowView(asTabRow(cells, block.prov), blockIndex) : paragraphRow(block.text, block.prov, blockIndex);
  }
  const labels: LabelPiece[] = [];
  const values: ValueToken[] = [];
  let multiValueField = false;
  const parsed = misreadFiguresOf(block, packedMap(block.fields, (f) => parseField(f.text, f.prov)));
  let lastLabelField = -1;
  parsed.forEach((p, i) => {
    if (p.labels.length > 0) lastLabelField = i;
  });
  parsed.forEach((p, i) => {
    const f = block.fields[i]!;
    // A row's figures follow its label: a placeholder before a label field is part of the label — "无" of
    // "（四） 无 | 1.本机关不掌握…" (无法提供 cut by a page break), not a blank cell.
    if (i < lastLabelField && p.values.length > 0 && p.values.every((v) => v.value === null)) {
      labels.push({ text: f.text.trim(), prov: f.prov });
      return;
    }
    for (const l of p.labels) labels.push({ text: l, prov: f.prov });
    if (p.values.length > 1 || (p.values.length > 0 && p.labels.length > 0)) multiValueField = true;
    values.push(...p.values);
  });
  let dataFields: (ValueToken | null)[] | null = null;
  let dataCols: number[] | null = null;
  if (!multiValueField) {
    let fields = packedMap(parsed.slice(lastLabelField + 1), (p) => p.values[0] ?? null);
    if (block.positions === 'grid') dataCols = block.fields.slice(lastLabelField + 1).map((f) => f.prov.gridCol ?? f.col ?? -1);
    if (block.positions === 'tab') {
      let end = fields.length;
      while (end > 0 && fields[end - 1] === null) end--;
      fields = fields.slice(0, end);
      // Where each stands among its line's fields: a tab-separated header line's fields say which column is which
      // (stages/tab-header).
      dataCols = block.fields.slice(lastLabelField + 1, lastLabelField + 1 + end).map((f, k) => f.col ?? lastLabelField + 1 + k);
    }
    dataFields = fields;
  }
  const text = block.fields.map((f) => f.text).join('\t');
  return {
    blockIndex,
    prov: block.prov,
    positions: multiValueField ? 'none' : block.positions,
    labels,
    values,
    dataFields,
    dataCols,
    gridWidth: block.gridWidth ?? null,
    text,
  };
}

/**
 * An OCR grid row's cell after its label that OCR read as text ("0 | 1 | 4 | 0 | Wn | 0 …": a 5 misread; "?" where
 * it read nothing in a cell with ink; "|0" with a ruling's trace) is a figure it could not read, not a label:
 * labels stand before a row's figures, and are words. It becomes a placeholder figure
 * that keeps what OCR read (value null, `raw` "Wn"), so the cell is placed where it stands and reported
 * (`ocr/unreadable`, and what the identities imply) — as a label it made the row's figures unplaceable, or
 * the whole row go unread. The label is the fields up to the last one of two ideographs or more; only rows
 * with a figure are read so (a header's fragments stay text).
 * The other way round, digits at the end of a label cell followed by a figure in the next cell are the label's
 * own characters misread ("3.危及“三安全一稳二33" for …一稳定”): the row's figures stand in cells of their own.
 * (A label cell that took in the first figure's cell, its ruling unseen, leaves that cell empty: kept as read.)
 */
function misreadFiguresOf(block: RowBlock, read: FieldParse[]): FieldParse[] {
  if (block.positions !== 'grid' || !block.fields.some((f) => f.prov.confidence !== undefined)) return read;
  const figure = (p: FieldParse): boolean => p.labels.length === 0 && p.values.some((v) => v.value !== null);
  if (!read.some(figure)) return read;
  const parsed = read.map((p, i) => (p.labels.length > 0 && p.values.length > 0 && i + 1 < read.length && figure(read[i + 1]!) ? { labels: [block.fields[i]!.text.trim()], values: [] } : p));
  const isText = (p: FieldParse): boolean => (p.labels.join('').match(/[\u4e00-\u9fff]/g)?.length ?? 0) >= 2;
  let lastText = parsed.length - 1;
  while (lastText >= 0 && !isText(parsed[lastText]!)) lastText--;
  return parsed.map((p, i) => {
    if (i <= lastText || p.labels.length === 0) return p;
    const f = block.fields[i]!;
    return { labels: [], values: [{ raw: f.text.trim(), value: null, digits: null, unit: null, note: null, prov: f.prov, cutAt: 0 }] };
  });
}

/**
 * The cells of a markdown table's row printed as a line of text (`| 行政规范性文件 | 9 |  | 40 |`: a report's markdown
 * typed into a Word file or a page, then saved as PDF or HTML), or null. Read as words, its blank cells were lost
 * and the figures after them placed in the wrong columns. Only a line that starts with a pipe and has cells
 * between pipes: a long row wrapped by the page ends without its closing pipe (`| 1.申请人… | 0 | 0 | 0`), and its
 * rest starts the next line (`| 0 | 0 | 24 |`); a site's menu (`首页 | 政务公开 | 办事服务`) is no row, nor the rule
 * under a header (`| --- | --- |`).
 */
function markdownRowCells(text: string): string[] | null {
  const t = text.trim();
  if (t.length < 3 || t[0] !== '|' || isRuleLine(t)) return null;
  const cells = pipeCells(t);
  return cells.length >= 2 ? cells : null;
}

function asTabRow(cells: readonly string[], prov: Provenance): RowBlock {
  return { kind: 'row', positions: 'tab', fields: packedMap(cells, (text, col) => ({ text, col, prov })), prov };
}

/** A paragraph line seen as a row split on spaces: only the order of its figures is known. */
function paragraphRow(text: string, prov: Provenance, blockIndex: number): RowView {
  const p = parseField(text, prov);
  return {
    blockIndex,
    prov,
    positions: 'none',
    labels: packedMap(p.labels, (t) => ({ text: t, prov })),
    // A view's own array: a parse's may be shared (EMPTY_FIELD).
    values: p.values.slice(),
    dataFields: null,
    dataCols: null,
    gridWidth: null,
    text,
  };
}

/**
 * Where the figures of grid rows stand: the first and last source-grid columns holding a figure, per grid as
 * `gridOf` names it (rows it gives no grid are left out).
 */
export function figureColumnSpans<K>(views: Iterable<RowView>, gridOf: (v: RowView) => K | undefined): Map<K, { first: number; last: number }> {
  const spans = new Map<K, { first: number; last: number }>();
  for (const v of views) {
    const { dataFields, dataCols } = v;
    if (v.positions !== 'grid' || !dataFields || !dataCols) continue;
    const grid = gridOf(v);
    if (grid === undefined) continue;
    for (let i = 0; i < dataFields.length; i++) {
      if (dataFields[i] === null || dataFields[i]!.value === null) continue;
      const span = spans.get(grid);
      if (span) {
        span.first = Math.min(span.first, dataCols[i]!);
        span.last = Math.max(span.last, dataCols[i]!);
      } else spans.set(grid, { first: dataCols[i]!, last: dataCols[i]! });
    }
  }
  return spans;
}

/** The label of a row: its pieces joined (used for messages and fallback matching). */
export function rowLabel(row: RowView): string {
  return row.labels.map((l) => l.text).join(' ');
}
