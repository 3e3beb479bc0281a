/**
 * Tables from a token stream. A report saved as one paragraph (a web crawler's textContent) keeps no
 * row or cell separators: "规章000行政规范性文件8855698第二十条第（五）项信息内容本年处理决定数量行政许可10690…",
 * "一、本年新收政府信息公开申请数量 713000074二、上年结转政府信息公开申请数量 1000001三、本年度办理结果 …".
 * Such a block is cut back into rows at the labels of the section's templates (rows, columns, group
 * labels, markers): the figures between one row label and the next label are that row's figures, as one
 * run of glued digits that placement cuts with the identities, exactly as glued digits in a flattened
 * line are cut. Header words become rows without figures, as they would be on lines of their own.
 * Every row and every figure keeps its line and the offset where it starts in it.
 */
import type { TableDef } from '../kind.js';
import type { Block, Provenance } from '../types.js';
import { foldWithOffsets, labelKey } from './labels.js';
import { parseFigureRun, withOffset } from './rows.js';
import type { LabelPiece, RowView } from './rows.js';

/** A label of the section's tables, folded, and what it can be. */
interface Anchor {
  key: string;
  /** A template row's label: figures after it are that row's. */
  row: boolean;
}

export interface StreamVocabulary {
  anchors: Map<string, Anchor>;
  /** The anchors by their first two UTF-16 units (every key has two), keyed by pairKey: a text is scanned once, not once per anchor. */
  byStart: Map<number, Anchor[]>;
  /** firstUnit[c]: 0 when no anchor starts with unit c (most of a text's characters start none), else c's number in pairKey. */
  firstUnit: Uint16Array;
  /**
   * Short lines looked at as glued labels, with their segments (null: not glued labels): a batch repeats the
   * template's lines in every report ("第二十条第（一）项", "信息内容 本年处理决定数量"), and finding their labels
   * again is most of what such a line costs. Segments are offsets in the line: any block with that text shares them.
   */
  labelLines: Map<string, Segment[] | null>;
}

/** Most lines remembered in labelLines; then the memory starts again. */
const LABEL_LINES_LIMIT = 20_000;

/** Labels shorter than this are too common inside other words to cut a stream at ("其他" is kept: it is a row). */
const MIN_ANCHOR_CHARS = 2;

export function streamVocabulary(defs: readonly TableDef[]): StreamVocabulary {
  const anchors = new Map<string, Anchor>();
  const add = (label: string, row: boolean): void => {
    const key = labelKey(label);
    if (key.length < MIN_ANCHOR_CHARS) return;
    const a = anchors.get(key) ?? { key, row: false };
    a.row ||= row;
    anchors.set(key, a);
  };
  for (const def of defs) {
    for (const m of def.markers) add(m, false);
    for (const g of def.groupLabels) add(g, false);
    for (const v of def.variants) {
      for (const c of v.columns) for (const l of c.labels) add(l, false);
      for (const r of v.rows) for (const l of r.labels) add(l, true);
    }
  }
  const byStart = new Map<number, Anchor[]>();
  const firstUnit = new Uint16Array(0x10000);
  let firstUnits = 0;
  for (const a of anchors.values()) {
    const first = a.key.charCodeAt(0);
    if (firstUnit[first] === 0) firstUnit[first] = ++firstUnits;
    const start = pairKey(firstUnit[first]!, a.key.charCodeAt(1));
    byStart.set(start, [...(byStart.get(start) ?? []), a]);
  }
  return { anchors, byStart, firstUnit, labelLines: new Map() };
}

/**
 * Two UTF-16 units as one number: the first by its number in firstUnit (a few hundred), so that the key is a
 * small integer — two units' codes side by side pass 2^30, and such a number is allocated on the heap at every
 * character looked at.
 */
function pairKey(firstNumber: number, second: number): number {
  return firstNumber * 0x10000 + second;
}

/** Some label of the vocabulary starts with this folded text and goes on ("无" of "无法提供"). */
export function startsLabel(vocab: StreamVocabulary, folded: string): boolean {
  if (folded === '') return false;
  for (const key of vocab.anchors.keys()) if (key.length > folded.length && key.startsWith(folded)) return true;
  return false;
}

/** A figure run: digits, maybe spaced, signed or with decimals ("713000074", "0 1 1 0 2", "9116.36", "2648-18538"). */
/**
 * Figures, glued or spaced, and the signs and separators between them. Global, for exec loops (matchAll
 * clones its regexp at every call): reset lastIndex before a loop, and use it in no function the loop calls.
 */
const FIGURE_RUN = /[+-]?\d(?:[\d.,+-]|\s+(?=[+-]?\d))*/g;
/** What a figure run may end with that is not part of its last figure ("5." "3,"). */
const TRAILING_MARK = /[\s.,+-]/;
/** After a figure, these make it prose ("75件", "2022年", "12月"), not a table cell. */
const PROSE_AFTER = /^\s*(?:件|个|条|项|次|人|家|篇|份|年|月|日|号|时|分|%|％|余|多)/;
/** An inline unit that belongs to the figure ("251000元", "3.2万元"). */
const UNIT_AFTER = /^\s*(?:万元|元)/;
/** Item numbering before a label: "二、" "（一）" "2." "3、". */
const NUMBERING_TEXT = /^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|\d{1,2}\s*[.．、])\s*$/;

/** How many anchors a block needs to be read as a stream; a normal row has one. */
const MIN_ANCHORS = 2;

interface Segment {
  kind: 'anchor' | 'text' | 'figures';
  start: number;
  end: number;
  anchor?: Anchor;
}

/**
 * The rows of one block read as a token stream, or null when the block is not one (most blocks: a
 * label and its figures, or prose). `blockIndex` and the block's provenance go to every row.
 */
export function relineBlock(block: Block, blockIndex: number, vocab: StreamVocabulary): RowView[] | null {
  const text = streamText(block);
  if (text === null) return null;
  const segments = looksGlued(text) ? segmentStream(text, vocab) : gluedLabelSegments(text, vocab);
  if (segments === null) return null;
  const base = block.kind === 'paragraph' ? (block.textOffset ?? block.prov.offset ?? 0) : 0;
  return rowsOf(text, segments, blockIndex, block.prov, base);
}

/** The text of a block that may be a stream: a paragraph, or a row that is one field. */
function streamText(block: Block): string | null {
  if (block.kind === 'paragraph') return block.text;
  const filled = block.fields.filter((f) => f.text !== '');
  return block.positions !== 'grid' && filled.length === 1 ? filled[0]!.text : null;
}

/**
 * A cheap test before the labels are looked for: figures followed by more label text (rows glued to each
 * other), or a long run of words ending in figures (header words glued to a table's figures). Prose
 * quotes figures with units ("75件"), which do not count.
 */
function looksGlued(text: string): boolean {
  if (text.length < 12) return false;
  let sawText = false;
  const runs = FIGURE_RUN;
  runs.lastIndex = 0;
  for (let m = runs.exec(text); m !== null; m = runs.exec(text)) {
    const end = m.index + m[0].length;
    const after = text.slice(end);
    if (m.index > 0) sawText = true;
    if (PROSE_AFTER.test(after) || isNumberingRun(m[0], after)) continue;
    if (sawText && /^\s*[\u4e00-\u9fff（(“]/.test(after)) return true;
    if (after.trim() === '' && m.index >= 20) return true;
  }
  return false;
}

/** Sentence punctuation: a line that has it is prose, not glued labels. */
const PROSE_MARK = /[，。；：,;:！？!?]/;
/** A line of glued labels is short: a table's row or header, not a paragraph. */
const MAX_LABEL_LINE_CHARS = 120;

/**
 * A cheap test for a line of a table whose cells were glued but whose rows kept their lines (a page's
 * textContent with the markup's line breaks between rows: "三、本年度办理结果（一）予以公开0000000",
 * "信息内容上一年项目数量本年增/减处理决定数量"): short, no sentence punctuation, and figures, if any,
 * only at its end. isGluedLabels decides once the labels are found.
 */
function mayBeGluedLabels(text: string): boolean {
  if (PROSE_MARK.test(text)) return false;
  const figures = [...text.matchAll(FIGURE_RUN)].filter((m) => !isNumberingRun(m[0], text.slice(m.index + m[0].length)));
  return figures.length === 0 || (figures.length === 1 && text.slice(figures[0]!.index + figures[0]![0].length).trim() === '');
}

/** The segments of a short line that is glued labels (see isGluedLabels), else null; remembered for the batch. */
function gluedLabelSegments(text: string, vocab: StreamVocabulary): Segment[] | null {
  // Two labels take four characters at least (a figure alone on its line, "0", is the commonest short line).
  if (text.length < 2 * MIN_ANCHOR_CHARS || text.length > MAX_LABEL_LINE_CHARS) return null;
  let segments = vocab.labelLines.get(text);
  if (segments === undefined) {
    const found = mayBeGluedLabels(text) ? segmentStream(text, vocab) : null;
    segments = found !== null && isGluedLabels(text, found) ? found : null;
    if (vocab.labelLines.size >= LABEL_LINES_LIMIT) vocab.labelLines.clear();
    vocab.labelLines.set(text, segments);
  }
  return segments;
}

/**
 * Two labels of the templates or more, glued, with nothing else between them than item numbers, and at most
 * one run of figures, at the end: a header line ("信息内容" "上一年项目数量" "本年增/减" …) or a row under its
 * group's label ("三、本年度办理结果" "（一）予以公开" 0000000), read as the one-paragraph form reads them.
 * Prose names labels too, but never only labels.
 */
function isGluedLabels(text: string, segments: Segment[]): boolean {
  const figures = segments.filter((s) => s.kind === 'figures');
  if (figures.length > 1 || (figures.length === 1 && segments[segments.length - 1] !== figures[0])) return false;
  return segments.every((s) => s.kind !== 'text' || NUMBERING_TEXT.test(text.slice(s.start, s.end)) || /^[\s/|｜、.．]*$/.test(text.slice(s.start, s.end)));
}

/** "1." before "属于国家秘密": a run that is only an item number. */
function isNumberingRun(run: string, after: string): boolean {
  return /^\d{1,2}[.．]?$/.test(run.trim()) && /^[.．、]?\s*[\u4e00-\u9fff]/.test(after) && (run.endsWith('.') || /^[.．、]/.test(after));
}

/** Anchors, figure runs and other text of a stream, in order; null when it holds too few anchors. */
function segmentStream(text: string, vocab: StreamVocabulary): Segment[] | null {
  const anchors = findAnchors(text, vocab);
  if (anchors.length < MIN_ANCHORS) return null;
  const segments: Segment[] = [];
  let at = 0;
  for (const a of anchors) {
    if (a.start < at) continue;
    pushBetween(text, at, a.start, segments);
    segments.push(a);
    at = a.end;
  }
  pushBetween(text, at, text.length, segments);
  return segments;
}

/** The anchors of a text: every template label found in it, the longest where they overlap. */
function findAnchors(text: string, vocab: StreamVocabulary): Segment[] {
  const { folded, at } = foldWithOffsets(text);
  const hits: { from: number; to: number; anchor: Anchor }[] = [];
  for (let i = 0; i + 1 < folded.length; i++) {
    const first = vocab.firstUnit[folded.charCodeAt(i)]!;
    if (first === 0) continue;
    const starting = vocab.byStart.get(pairKey(first, folded.charCodeAt(i + 1)));
    if (!starting) continue;
    for (const anchor of starting) if (folded.startsWith(anchor.key, i)) hits.push({ from: i, to: i + anchor.key.length, anchor });
  }
  return chooseLongest(hits).map((h) => ({ kind: 'anchor' as const, start: at[h.from]!, end: at[h.to - 1]! + 1, anchor: h.anchor }));
}

/** The non-overlapping hits covering the most characters (weighted interval scheduling), in order. */
function chooseLongest<T extends { from: number; to: number }>(hits: T[]): T[] {
  hits.sort((a, b) => a.to - b.to || a.from - b.from);
  const best: number[] = [];
  const take: boolean[] = [];
  // prev[i]: the last hit ending at or before hits[i] starts.
  const prev = hits.map((h, i) => {
    let lo = 0;
    let hi = i - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (hits[mid]!.to <= h.from) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  });
  hits.forEach((h, i) => {
    const withIt = h.to - h.from + (prev[i]! >= 0 ? best[prev[i]!]! : 0);
    const without = i > 0 ? best[i - 1]! : 0;
    take[i] = withIt > without;
    best[i] = Math.max(withIt, without);
  });
  const out: T[] = [];
  for (let i = hits.length - 1; i >= 0; ) {
    if (take[i]) {
      out.push(hits[i]!);
      i = prev[i]!;
    } else i--;
  }
  return out.reverse();
}

/** The figure runs and the other text between two anchors. An item number glued to figures goes with the text after it. */
function pushBetween(text: string, from: number, to: number, segments: Segment[]): void {
  const part = text.slice(from, to);
  let at = 0;
  const runs = FIGURE_RUN;
  runs.lastIndex = 0;
  for (let m = runs.exec(part); m !== null; m = runs.exec(part)) {
    const start = m.index;
    let end = start + m[0].length;
    while (end > start && TRAILING_MARK.test(part[end - 1]!)) end--;
    // What follows, read on past the next anchor: "00000002" + ".其他法律…" (the anchor starts at 其).
    const after = text.slice(from + end, from + end + 4);
    if (PROSE_AFTER.test(after)) continue;
    // "00000002.其他法律…": the 2 of "2." numbers the next label.
    if (/^[.．、]\s*[\u4e00-\u9fff]/.test(after)) end -= 1;
    const unit = UNIT_AFTER.exec(part.slice(end));
    if (unit && end > start) end += unit[0].length;
    if (end <= start) continue;
    if (start > at) pushText(from + at, from + start, text, segments);
    segments.push({ kind: 'figures', start: from + start, end: from + end });
    at = end;
  }
  if (at < part.length) pushText(from + at, to, text, segments);
}

function pushText(start: number, end: number, text: string, segments: Segment[]): void {
  if (text.slice(start, end).trim() !== '') segments.push({ kind: 'text', start, end });
}

/**
 * Rows from segments: the figures go to the label just before them — a template row, or unknown text
 * (a misspelt label, matched later by similarity) — with the item number printed before it. Every other
 * label becomes a row of its own without figures; figures after header words only (sec4's fifteen
 * figures under its header) become a row without a label.
 */
function rowsOf(text: string, segments: Segment[], blockIndex: number, prov: Provenance, base: number): RowView[] {
  const rows: RowView[] = [];
  let pending: Segment[] = [];
  const labelRow = (pieces: Segment[], figures: Segment | null): void => {
    const start = pieces[0]?.start ?? figures!.start;
    const end = figures?.end ?? pieces[pieces.length - 1]!.end;
    const rowProv = withOffset(prov, base + start);
    const labels: LabelPiece[] = [];
    if (pieces.length > 0) {
      const from = pieces[0]!.start;
      const to = pieces[pieces.length - 1]!.end;
      labels.push({ text: text.slice(from, to).trim(), prov: rowProv });
    }
    const values = figures ? parseFigureRun(text.slice(figures.start, figures.end), withOffset(prov, base + figures.start)) : [];
    rows.push({ blockIndex, prov: rowProv, positions: 'none', labels, values, dataFields: null, dataCols: null, gridWidth: null, text: text.slice(start, end).trim() });
  };
  /** Pending labels, each with the item number printed before it, as rows without figures. */
  const flushLabels = (pieces: Segment[]): void => {
    for (const group of withNumbering(text, pieces)) labelRow(group, null);
  };
  for (const seg of segments) {
    if (seg.kind !== 'figures') {
      pending.push(seg);
      continue;
    }
    const groups = withNumbering(text, pending);
    const last = groups[groups.length - 1];
    const head = last?.find((s) => s.kind === 'anchor' || !NUMBERING_TEXT.test(text.slice(s.start, s.end)));
    const rowLabel = last && (head?.kind === 'text' || head?.anchor?.row === true);
    if (rowLabel) {
      // The groups before the last are what flushLabels would make of their pieces again.
      for (let g = 0; g < groups.length - 1; g++) labelRow(groups[g]!, null);
      labelRow(last, seg);
    } else {
      flushLabels(pending);
      labelRow([], seg);
    }
    pending = [];
  }
  flushLabels(pending);
  return rows;
}

/** Labels grouped with the item number printed before each ("二、" + "上年结转…"). */
function withNumbering(text: string, pieces: Segment[]): Segment[][] {
  const groups: Segment[][] = [];
  let numbering: Segment | null = null;
  for (const p of pieces) {
    if (p.kind === 'text' && NUMBERING_TEXT.test(text.slice(p.start, p.end))) {
      if (numbering) groups.push([numbering]);
      numbering = p;
      continue;
    }
    groups.push(numbering ? [numbering, p] : [p]);
    numbering = null;
  }
  if (numbering) groups.push([numbering]);
  return groups;
}
