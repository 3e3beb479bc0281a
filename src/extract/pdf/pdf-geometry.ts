/**
 * The geometric table builder shared by the PDF text layer and OCR: positioned words (and ruling lines,
 * when the page draws them) in, blocks out — paragraphs for text lines, `grid` rows for tables.
 *
 * - Lines are built by baseline; words of a line are joined by their gaps; a space between two Chinese
 *   characters is dropped (some PDFs space out every character).
 * - Ruled tables: cells come from the ruling lines. A merged cell's text is repeated into every row it spans
 *   and placed in the last grid column it spans (so data columns stay right-aligned); a label wrapped over
 *   lines inside a cell is joined into the cell.
 * - Borderless tables: columns come from the x-alignment of figures and header words.
 * - A table that runs over a page break is joined (same columns; a repeated header dropped; a label cell
 *   cut by the break is joined). Page numbers in the top/bottom margins are dropped.
 */
import { isPageFooter, normalizeText } from '../../stages/normalize.js';
import type { Block, Box, ParagraphBlock, RowBlock, SourceField } from '../../types.js';
import type { PageWords, PositionedWord, RulingLine } from './geometry-types.js';

// ───────────────────────── words and lines ─────────────────────────

interface Word {
  text: string;
  box: Box;
  /** Glyph height, the unit of every tolerance. */
  size: number;
  confidence?: number;
}

interface Line {
  words: Word[];
  box: Box;
  size: number;
  text: string;
}

const CJK = '\\p{Script=Han}\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65\\u2018-\\u201f\\u2026\\u2014';
const CJK_CHAR = new RegExp(`[${CJK}]`, 'u');
/** A space between two CJK characters (or brackets touching one), which some PDFs insert between every glyph. */
const CJK_SPACE = new RegExp(`(?<=[${CJK}(),;:])\\s+(?=[${CJK}()])|(?<=[${CJK}()])\\s+(?=[,;:])|(?<=[${CJK}])\\s+(?=[\\d.])(?=\\d{0,2}\\.)|(?<=\\d\\.)\\s+(?=[${CJK}])|(?<=(?:^|[^\\d.])\\d{1,2})\\s+(?=\\.\\s*[${CJK}])`, 'gu');

/** Normalises one piece of text: full-width digits, Kangxi radicals, odd spaces; CJK spacing removed. */
export function cleanText(s: string): string {
  // Twice: removing "1 . 申"'s first space makes the second one removable.
  return normalizeText(s).replace(/\s+/g, ' ').replace(CJK_SPACE, '').replace(CJK_SPACE, '').trim();
}

function toWord(w: PositionedWord): Word | null {
  const text = normalizeText(w.text).replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  const size = Math.max(1, w.box.y1 - w.box.y0);
  const word: Word = { text, box: { ...w.box }, size };
  if (w.confidence !== undefined) word.confidence = w.confidence;
  return word;
}

/** Whether a box's centre lies in a frame; `scale` takes the box from page points to the frame's units (pixels). */
export function centreInside(box: Box, frame: Box, scale = 1): boolean {
  const cx = ((box.x0 + box.x1) / 2) * scale;
  const cy = ((box.y0 + box.y1) / 2) * scale;
  return cx >= frame.x0 && cx <= frame.x1 && cy >= frame.y0 && cy <= frame.y1;
}

/** The smallest box around all the given boxes. */
export function unionBox(boxes: Box[]): Box {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

const midY = (b: Box) => (b.y0 + b.y1) / 2;
const midX = (b: Box) => (b.x0 + b.x1) / 2;

/** Groups words into lines by their vertical middle; a line's words are in x order. */
export function groupLines(words: Word[]): Line[] {
  const sorted = [...words].sort((a, b) => midY(a.box) - midY(b.box) || a.box.x0 - b.box.x0);
  const groups: Word[][] = [];
  for (const w of sorted) {
    const last = groups[groups.length - 1];
    if (last) {
      const ref = last[0]!;
      const tol = 0.45 * Math.min(ref.size, w.size);
      if (Math.abs(midY(w.box) - midY(unionBox(last.map((x) => x.box)))) <= tol) {
        last.push(w);
        continue;
      }
    }
    groups.push([w]);
  }
  return groups.map(makeLine);
}

function makeLine(words: Word[]): Line {
  const ws = [...words].sort((a, b) => a.box.x0 - b.box.x0);
  const size = median(ws.map((w) => w.size));
  return { words: ws, box: unionBox(ws.map((w) => w.box)), size, text: joinWords(ws) };
}

/** Joins the words of one line: a space where the gap is wide, none between Chinese characters. */
function joinWords(ws: Word[]): string {
  // Runs of words apart by more than a character (table columns without rulings, a tab stop) stay apart:
  // each run is cleaned on its own, then the runs are joined by a space even between Chinese characters —
  // three past COLUMN_GAP characters (below).
  let line = '';
  let out = '';
  let prev: Word | null = null;
  let gapBefore = '';
  for (const w of ws) {
    if (prev) {
      const gap = w.box.x0 - prev.box.x1;
      const unit = Math.min(prev.size, w.size);
      if (gap > 1.5 * unit) {
        line = joinRun(line, cleanText(out), gapBefore);
        out = '';
        // Text in columns of a page (a site's menu beside the title of a printed web page) stays apart as a text
        // copy of the page would print it: three spaces, which the title search reads as a column break.
        gapBefore = gap > COLUMN_GAP * unit ? '   ' : ' ';
      } else if (gap > 0.25 * unit) out += ' ';
    }
    out += w.text;
    prev = w;
  }
  return joinRun(line, cleanText(out), gapBefore);
}

/** A gap between two runs of a line, in characters, past which they are columns of the page. */
const COLUMN_GAP = 4;

function joinRun(line: string, run: string, gap: string): string {
  if (run === '') return line;
  return line === '' ? run : line + gap + run;
}

/** Joins lines wrapped inside one cell or paragraph: no space when either side is Chinese. */
function joinWrapped(parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (p === '') continue;
    if (out !== '' && !CJK_CHAR.test(out[out.length - 1]!) && !CJK_CHAR.test(p[0]!)) out += ' ';
    out += p;
  }
  return out;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// ───────────────────────── table fragments ─────────────────────────

/** A merged cell of a table fragment; the same object sits in every grid position it covers. */
interface Cell {
  text: string;
  /** Box of the cell's text, or of the cell itself when it is empty. */
  box: Box;
  r0: number;
  r1: number;
  c0: number;
  c1: number;
  confidence?: number;
}

/** A table on one page, as a grid of rows × columns of (merged) cells. */
interface TableFrag {
  page: number;
  box: Box;
  /** Column boundaries (width + 1 values) or column anchors, for matching a continuation on the next page. */
  xs: number[];
  width: number;
  rows: (Cell | null)[][];
  rowBoxes: Box[];
  /** For a borderless table: the middles of its data columns (its label columns may differ by page). */
  anchors?: number[];
}

type PageElement = { kind: 'line'; line: Line; top: number } | { kind: 'table'; table: TableFrag; top: number };

// ───────────────────────── ruled tables ─────────────────────────

const SNAP = 2;

interface Seg {
  pos: number;
  from: number;
  to: number;
}

/** Joins collinear segments that touch or overlap (a border drawn cell by cell becomes one line). */
function mergeSegments(segs: Seg[]): Seg[] {
  const byPos = [...segs].sort((a, b) => a.pos - b.pos);
  const lanes: Seg[][] = [];
  for (const s of byPos) {
    const lane = lanes[lanes.length - 1];
    if (lane && Math.abs(lane[lane.length - 1]!.pos - s.pos) <= SNAP / 2) lane.push(s);
    else lanes.push([s]);
  }
  const out: Seg[] = [];
  for (const lane of lanes) {
    const sorted = lane.sort((a, b) => a.from - b.from);
    let cur: Seg | null = null;
    for (const s of sorted) {
      if (cur && s.from <= cur.to + SNAP) {
        cur.to = Math.max(cur.to, s.to);
        continue;
      }
      cur = { ...s };
      out.push(cur);
    }
  }
  return out;
}

/** Positions closer than the tolerance are one line (a thick or slightly bent ruling, a column's figures): their means. */
export function clusterPositions(values: number[], tol: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && v - last[last.length - 1]! <= tol) last.push(v);
    else out.push([v]);
  }
  return out.map((g) => g.reduce((a, b) => a + b, 0) / g.length);
}

/** Disjoint sets of 0…n−1 (ruling lines of one table, cells of one merged box). */
export class UnionFind {
  private parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

interface RuledGrid {
  xs: number[];
  ys: number[];
  h: Seg[];
  v: Seg[];
  box: Box;
}

/** Groups ruling lines into tables: connected sets with at least two horizontal and two vertical lines. */
function findRuledGrids(rulings: RulingLine[]): RuledGrid[] {
  const h = mergeSegments(rulings.filter((r) => Math.abs(r.y1 - r.y0) < Math.abs(r.x1 - r.x0)).map((r) => ({ pos: (r.y0 + r.y1) / 2, from: r.x0, to: r.x1 })));
  const v = mergeSegments(rulings.filter((r) => Math.abs(r.y1 - r.y0) >= Math.abs(r.x1 - r.x0)).map((r) => ({ pos: (r.x0 + r.x1) / 2, from: r.y0, to: r.y1 })));
  const uf = new UnionFind(h.length + v.length);
  h.forEach((hs, i) =>
    v.forEach((vs, j) => {
      if (vs.pos >= hs.from - SNAP && vs.pos <= hs.to + SNAP && hs.pos >= vs.from - SNAP && hs.pos <= vs.to + SNAP) uf.union(i, h.length + j);
    }),
  );
  const groups = new Map<number, { h: Seg[]; v: Seg[] }>();
  h.forEach((s, i) => {
    const g = groups.get(uf.find(i)) ?? { h: [], v: [] };
    g.h.push(s);
    groups.set(uf.find(i), g);
  });
  v.forEach((s, j) => {
    const g = groups.get(uf.find(h.length + j)) ?? { h: [], v: [] };
    g.v.push(s);
    groups.set(uf.find(h.length + j), g);
  });
  const grids: RuledGrid[] = [];
  for (const g of groups.values()) {
    if (g.v.length === 0 || g.h.length === 0) continue;
    // The outer edges are where the lines end, drawn or not (tables often leave out the outer borders).
    const xs = clusterPositions([...g.v.map((s) => s.pos), Math.min(...g.h.map((s) => s.from)), Math.max(...g.h.map((s) => s.to))], SNAP);
    const ys = clusterPositions([...g.h.map((s) => s.pos), Math.min(...g.v.map((s) => s.from)), Math.max(...g.v.map((s) => s.to))], SNAP);
    if (xs.length < 2 || ys.length < 2) continue;
    grids.push({ xs, ys, h: g.h, v: g.v, box: { x0: xs[0]!, y0: ys[0]!, x1: xs[xs.length - 1]!, y1: ys[ys.length - 1]! } });
  }
  return grids;
}

function hasVertical(grid: RuledGrid, x: number, y: number): boolean {
  return grid.v.some((s) => Math.abs(s.pos - x) <= SNAP && s.from - SNAP <= y && y <= s.to + SNAP);
}

function hasHorizontal(grid: RuledGrid, y: number, x: number): boolean {
  return grid.h.some((s) => Math.abs(s.pos - y) <= SNAP && s.from - SNAP <= x && x <= s.to + SNAP);
}

/**
 * Turns a ruled grid and the words inside it into table fragments. The grid is cut into bands at rows
 * made of one full-width cell (a sub-table's title such as 第二十条第（一）项): each band gets the columns
 * its own rows draw, so a sub-table with fewer, wider columns does not inherit its neighbour's columns.
 */
function ruledFragments(grid: RuledGrid, words: Word[], page: number): TableFrag[] {
  const { xs, ys } = grid;
  const nr = ys.length - 1;
  const nc = xs.length - 1;
  const id = (r: number, c: number) => r * nc + c;
  const uf = new UnionFind(nr * nc);
  for (let r = 0; r < nr; r++) {
    const ym = (ys[r]! + ys[r + 1]!) / 2;
    for (let c = 0; c < nc; c++) {
      const xm = (xs[c]! + xs[c + 1]!) / 2;
      if (c + 1 < nc && !hasVertical(grid, xs[c + 1]!, ym)) uf.union(id(r, c), id(r, c + 1));
      if (r + 1 < nr && !hasHorizontal(grid, ys[r + 1]!, xm)) uf.union(id(r, c), id(r + 1, c));
    }
  }
  // Atomic rows made of a single cell start a new band.
  const fullWidth = (r: number) => nc > 1 && uf.find(id(r, 0)) === uf.find(id(r, nc - 1));
  const bands: [number, number][] = [];
  let start = 0;
  for (let r = 1; r < nr; r++) {
    if (fullWidth(r) && !fullWidth(r - 1)) {
      bands.push([start, r]);
      start = r;
    }
  }
  bands.push([start, nr]);
  // Words go to the atomic cell under their middle.
  const atomWords = new Map<number, Word[]>();
  for (const w of words) {
    const c = findIndex(xs, midX(w.box));
    const r = findIndex(ys, midY(w.box));
    if (c < 0 || r < 0) continue;
    const key = uf.find(id(r, c));
    const cellWords = atomWords.get(key);
    if (cellWords) cellWords.push(w);
    else atomWords.set(key, [w]);
  }
  return bands
    .filter(([a, b]) => b > a)
    .map(([a, b]) => bandFragment(grid, uf, atomWords, a, b, page));
}

/** Index i with edges[i] <= v < edges[i+1], or -1 outside. */
function findIndex(edges: number[], v: number): number {
  for (let i = 0; i + 1 < edges.length; i++) if (v >= edges[i]! - 0.5 && v < edges[i + 1]! + 0.5) return i;
  return -1;
}

function bandFragment(grid: RuledGrid, uf: UnionFind, atomWords: Map<number, Word[]>, r0: number, r1: number, page: number): TableFrag {
  const { xs, ys } = grid;
  const nc = xs.length - 1;
  const id = (r: number, c: number) => r * nc + c;
  // The band's own columns: the global boundaries that some row of the band draws.
  const keep: number[] = [0];
  for (let c = 1; c < nc; c++) {
    for (let r = r0; r < r1; r++) {
      if (uf.find(id(r, c - 1)) !== uf.find(id(r, c))) {
        keep.push(c);
        break;
      }
    }
  }
  keep.push(nc);
  const bandXs = keep.map((k) => xs[k]!);
  const width = bandXs.length - 1;
  const toBandCol = (c: number) => {
    let k = 0;
    while (k + 1 < keep.length && keep[k + 1]! <= c) k++;
    return k;
  };
  const cells = new Map<number, Cell>();
  const rows: (Cell | null)[][] = [];
  for (let r = r0; r < r1; r++) {
    const row: (Cell | null)[] = Array.from({ length: width }, () => null);
    for (let c = 0; c < nc; c++) {
      const key = uf.find(id(r, c));
      let cell = cells.get(key);
      const bc = toBandCol(c);
      if (!cell) {
        const ws = atomWords.get(key) ?? [];
        const rect = { x0: xs[c]!, y0: ys[r]!, x1: xs[c + 1]!, y1: ys[r + 1]! };
        cell = { ...cellText(ws), box: ws.length ? unionBox(ws.map((w) => w.box)) : rect, r0: r - r0, r1: r - r0, c0: bc, c1: bc };
        if (ws.length === 0) cell.box = rect;
        cells.set(key, cell);
      }
      cell.r1 = Math.max(cell.r1, r - r0);
      cell.c1 = Math.max(cell.c1, bc);
      if (ws0(cell)) cell.box = unionBox([cell.box, { x0: xs[c]!, y0: ys[r]!, x1: xs[c + 1]!, y1: ys[r + 1]! }]);
      row[bc] = cell;
    }
    rows.push(row);
  }
  return {
    page,
    box: { x0: xs[0]!, y0: ys[r0]!, x1: xs[nc]!, y1: ys[r1]! },
    xs: bandXs,
    width,
    rows,
    rowBoxes: rows.map((_, i) => ({ x0: xs[0]!, y0: ys[r0 + i]!, x1: xs[nc]!, y1: ys[r0 + i + 1]! })),
  };
}

/** An empty cell's box grows with the rectangle it covers; a cell with text keeps its text's box. */
function ws0(cell: Cell): boolean {
  return cell.text === '';
}

function cellText(ws: Word[]): { text: string; confidence?: number } {
  if (ws.length === 0) return { text: '' };
  const lines = groupLines(ws);
  const text = joinWrapped(lines.map((l) => l.text));
  const confs = ws.map((w) => w.confidence).filter((c): c is number => c !== undefined);
  return confs.length ? { text, confidence: Math.min(...confs) } : { text };
}

// ───────────────────────── borderless tables ─────────────────────────

interface Chunk {
  words: Word[];
  box: Box;
  text: string;
}

const FIGURE = /^[-+]?\d[\d,]*(?:\.\d+)?%?(?:元|万元|件|个|条|次|项)?$|^[/／—–-]$|^无$/;

function chunksOf(line: Line): Chunk[] {
  const out: Word[][] = [];
  for (const w of line.words) {
    const last = out[out.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && w.box.x0 - prev.box.x1 < 1.0 * line.size) last.push(w);
    else out.push([w]);
  }
  // A word holding several figures separated by spaces ("0 0 0") is split into one chunk per figure.
  return out.map((ws) => ({ words: ws, box: unionBox(ws.map((w) => w.box)), text: joinWords(ws) }));
}

const isFigure = (c: Chunk) => FIGURE.test(c.text.replace(/\s+/g, ''));
const NUMBERED_LABEL = /^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.]|[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[.、](?!\d))/;

/**
 * Finds borderless tables among the page's lines: runs of lines where figures stand apart in aligned
 * columns. Returns the lines that stay text and the table fragments built from the others.
 */
function borderlessTables(lines: Line[], page: number): { lines: Line[]; tables: TableFrag[] } {
  const chunked = lines.map((l) => ({ line: l, chunks: chunksOf(l) }));
  const left = Math.min(...lines.map((l) => l.box.x0));
  // A figure counts where a table puts figures: after a label, or alone well right of the margin (the
  // figures of a row whose label wraps round them).
  const figuresOf = (c: RowIn) => c.chunks.filter((k, i) => isFigure(k) && (i > 0 || k.box.x0 - left > 8 * c.line.size));
  const figureCount = chunked.map((c) => figuresOf(c).length);
  const isDataLine = (i: number) => figureCount[i]! >= 1;
  const isHeaderLine = (i: number) => chunked[i]!.chunks.length >= 2 && figureCount[i] === 0;
  const used = new Set<number>();
  const tables: TableFrag[] = [];
  let i = 0;
  while (i < chunked.length) {
    if (!isDataLine(i)) {
      i++;
      continue;
    }
    // Grow the run around this data line: header lines above, data lines and short label lines inside.
    let a = i;
    // A header line above: several words apart, or words standing over the figures (a group title).
    const figuresFrom = Math.min(...figuresOf(chunked[i]!).map((k) => k.box.x0));
    const overFigures = (k: number) => chunked[k]!.line.box.x0 >= figuresFrom - 2 * chunked[k]!.line.size;
    // A lone line starting with its own numbering (a section heading such as 四、…) is not a header.
    const heading = (k: number) => chunked[k]!.chunks.length === 1 && NUMBERED_LABEL.test(chunked[k]!.line.text);
    // The first part of a label wrapped round its figures sits right above them, tightly
    // (up to three lines, each tight on the next).
    const wrappedLabel = (k: number) =>
      k >= i - 3 && chunked[k]!.chunks.length === 1 && !isFigure(chunked[k]!.chunks[0]!) && chunked[k]!.line.box.x1 < figuresFrom && chunked[k + 1]!.line.box.y0 - chunked[k]!.line.box.y1 < 0.6 * chunked[k]!.line.size;
    while (a > 0 && (((isHeaderLine(a - 1) || overFigures(a - 1)) && !heading(a - 1)) || wrappedLabel(a - 1)) && !used.has(a - 1) && closeBelow(chunked[a - 1]!.line, chunked[a]!.line)) a--;
    let b = i + 1;
    while (b < chunked.length && (isDataLine(b) || isHeaderLine(b) || isContinuation(chunked, b, a)) && closeBelow(chunked[b - 1]!.line, chunked[b]!.line)) b++;
    // Trailing label-only lines belong to the table when a data line follows them, or when they sit
    // tightly under the last row (the rest of its wrapped label).
    const tight = (k: number) => chunked[k]!.line.box.y0 - chunked[k - 1]!.line.box.y1 < 0.6 * chunked[k]!.line.size;
    let tail = b;
    while (tail - 1 > i && !isDataLine(tail - 1) && !isHeaderLine(tail - 1)) tail--;
    let keep = tail;
    while (keep < b && tight(keep)) keep++;
    b = keep;
    const figures = range(a, b).reduce((sum, k) => sum + figureCount[k]!, 0);
    const headed = range(a, i).some(isHeaderLine);
    if (figures >= 2 || (figures === 1 && headed)) {
      tables.push(alignedFragment(chunked.slice(a, b), page));
      for (let k = a; k < b; k++) used.add(k);
    }
    i = b;
  }
  return { lines: lines.filter((_, k) => !used.has(k)), tables };
}

type RowIn = { line: Line; chunks: Chunk[] };

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, k) => a + k);
}

/** Lines of one table follow each other closely (no more than about two blank lines between). */
function closeBelow(upper: Line, lower: Line): boolean {
  return lower.box.y0 - upper.box.y1 < 2.5 * Math.max(upper.size, lower.size);
}

/**
 * A line of one piece of text standing in the table's label area (left of its figures, near its lines):
 * the wrapped part of a label, left-aligned or centred in its cell.
 */
function isContinuation(chunked: { line: Line; chunks: Chunk[] }[], k: number, start: number): boolean {
  const c = chunked[k]!;
  if (c.chunks.length !== 1 || isFigure(c.chunks[0]!)) return false;
  const above = chunked.slice(start, k);
  const left = Math.min(...above.map((x) => x.line.box.x0));
  const figures = above.flatMap((x) => x.chunks.filter((ch, i) => i > 0 && isFigure(ch)).map((ch) => ch.box.x0));
  const labelEnd = figures.length ? Math.min(...figures) : left + 12 * c.line.size;
  return c.line.box.x0 >= left - c.line.size && c.line.box.x1 < labelEnd;
}

/**
 * Builds a grid from aligned lines: data columns are clusters of the middles of figures and header words
 * (header words that span several columns, like a group title, are not columns); label columns are
 * clusters of the left edges of the words left of the first data column.
 */
function alignedFragment(rowsIn: { line: Line; chunks: Chunk[] }[], page: number): TableFrag {
  const size = median(rowsIn.map((r) => r.line.size));
  const tol = Math.max(4, 1.2 * size);
  const runLeft = Math.min(...rowsIn.map((r) => r.line.box.x0));
  const isRowFigure = (k: Chunk, i: number) => isFigure(k) && (i > 0 || k.box.x0 - runLeft > 8 * size);
  const firstFigureX = Math.min(...rowsIn.flatMap((r) => r.chunks.filter(isRowFigure).map((k) => k.box.x0)));
  // Where the data columns start: after the longest label of a row with figures (a column blank in every
  // row still has its header there), and at the latest at the first figure.
  const labelRight = Math.max(
    ...rowsIn.map((r) => {
      const first = r.chunks.findIndex(isRowFigure);
      return first <= 0 ? -Infinity : Math.max(...r.chunks.slice(0, first).map((k) => k.box.x1));
    }),
  );
  // Columns stand where figures stand.
  const figureAnchors = clusterPositions(rowsIn.flatMap((r) => r.chunks.filter(isRowFigure).map((k) => midX(k.box))), tol);
  const gaps = figureAnchors.slice(1).map((x, j) => x - figureAnchors[j]!);
  const usualGap = median(gaps);
  // The first data column's left edge: half a column before the first figures (when figures show the
  // column width), and never before the end of the longest label.
  const byLabels = Number.isFinite(labelRight) ? labelRight + 0.5 * size : firstFigureX - tol;
  const byColumns = gaps.length > 0 ? figureAnchors[0]! - usualGap / 2 - tol : -Infinity;
  const dataStart = Math.min(firstFigureX - tol, Math.max(byLabels, byColumns));
  // Data chunks stand right of the label columns: figures, words after the first of their line centred in
  // the data region (headers are wider than figures), anything starting there.
  const isDataChunk = (k: Chunk, i = 1) => isRowFigure(k, i) || (i > 0 && midX(k.box) >= dataStart) || k.box.x0 >= dataStart;
  // A header word adds a column only where no figure stands (a column blank in every row) and when it is
  // not a group title sitting between two columns of figures.
  const dataChunks = rowsIn.flatMap((r) => r.chunks.filter(isDataChunk));
  const headerAnchors = clusterPositions(
    dataChunks.filter((k) => !isFigure(k)).map((k) => midX(k.box)),
    tol,
  ).filter((x) => {
    if (figureAnchors.some((f) => Math.abs(f - x) <= tol)) return false;
    const left = Math.max(...figureAnchors.filter((f) => f < x));
    const right = Math.min(...figureAnchors.filter((f) => f > x));
    // (Only judged when the figures show a regular spacing: three columns of figures or more.)
    return !(gaps.length >= 2 && Number.isFinite(left) && Number.isFinite(right) && right - left <= 1.5 * usualGap);
  });
  const anchors = [...figureAnchors, ...headerAnchors].sort((p, q) => p - q);
  // A header word far from every column (a group title) goes over the column nearest its right end,
  // like a merged cell's text goes to the last column it spans.
  const spanning = (k: Chunk) => !anchors.some((x) => Math.abs(x - midX(k.box)) <= tol);
  // Label columns: left edges of the labels of rows with figures (a centred header such as 信息内容 is not
  // a column of its own; it joins the nearest).
  const labelChunks = (rs: typeof rowsIn) => rs.flatMap((r) => r.chunks.filter((k, i) => !isDataChunk(k, i)).map((k) => k.box.x0));
  const dataRows = rowsIn.filter((r) => r.chunks.some((k, i) => isDataChunk(k, i) && isFigure(k)));
  const labelLefts = clusterPositions(labelChunks(dataRows).length ? labelChunks(dataRows) : labelChunks(rowsIn), 2 * size);
  const nLabels = Math.max(1, labelLefts.length);
  const width = nLabels + anchors.length;
  const colOf = (k: Chunk, i: number): number => {
    if (!isDataChunk(k, i)) {
      let best = 0;
      labelLefts.forEach((x, j) => {
        if (Math.abs(x - k.box.x0) < Math.abs(labelLefts[best]! - k.box.x0)) best = j;
      });
      return best;
    }
    const at = spanning(k) ? k.box.x1 : midX(k.box);
    let best = 0;
    anchors.forEach((x, j) => {
      if (Math.abs(x - at) < Math.abs(anchors[best]! - at)) best = j;
    });
    return nLabels + best;
  };
  // Rows: a line with figures or several header words is a row; a lone label line joins the nearer row,
  // unless it starts with its own numbering (a group label such as （三）不予公开). A line of figures
  // without a label, right under a label-only row, completes that row (a label wrapped round its figures).
  const hasData = (r: RowIn) => r.chunks.some(isDataChunk);
  const isRowLine = (r: RowIn) => r.chunks.length >= 2 || hasData(r) || NUMBERED_LABEL.test(r.chunks[0]?.text ?? '');
  const rowLines: { lines: RowIn[] }[] = [];
  let pending: RowIn[] = [];
  for (const r of rowsIn) {
    if (!isRowLine(r)) {
      pending.push(r);
      continue;
    }
    const prev = rowLines[rowLines.length - 1];
    const toNext: RowIn[] = [];
    for (const p of pending) {
      const dPrev = prev ? midY(p.line.box) - midY(prev.lines[prev.lines.length - 1]!.line.box) : Infinity;
      const dNext = midY(r.line.box) - midY(p.line.box);
      if (prev && dPrev <= dNext) prev.lines.push(p);
      else toNext.push(p);
    }
    pending = [];
    const labelless = !r.chunks.some((k, i) => !isDataChunk(k, i));
    if (prev && toNext.length === 0 && labelless && !prev.lines.some(hasData) && midY(r.line.box) - midY(prev.lines[prev.lines.length - 1]!.line.box) < 1.5 * size) {
      prev.lines.push(r);
    } else rowLines.push({ lines: [...toNext, r] });
  }
  rowLines[rowLines.length - 1]?.lines.push(...pending);
  for (const rl of rowLines) rl.lines.sort((x, y) => midY(x.line.box) - midY(y.line.box));
  mergeLabelRowsIntoFigures(rowLines, (l) => l.chunks.map((k, i) => ({ col: colOf(k, i), text: k.text, data: isDataChunk(k, i) })), size);
  const rows: (Cell | null)[][] = [];
  const rowBoxes: Box[] = [];
  rowLines.forEach((rl, ri) => {
    const perCol = new Map<number, Word[]>();
    // A label line of one piece without numbering continues the label it stands under (labels centred in
    // their cells start at different x): it takes the column of the overlapping label of the row.
    const labelChunksOfRow = rl.lines.flatMap((l) => l.chunks.map((k, i) => ({ k, i, l })).filter(({ k, i }) => !isDataChunk(k, i)));
    const columnOf = (k: Chunk, i: number, l: RowIn): number => {
      if (isDataChunk(k, i) || l.chunks.length !== 1 || NUMBERED_LABEL.test(k.text)) return colOf(k, i);
      const over = labelChunksOfRow.find((o) => o.l !== l && o.l.chunks.length > 0 && o.k.box.x0 < k.box.x1 && k.box.x0 < o.k.box.x1 && (o.l.chunks.length > 1 || NUMBERED_LABEL.test(o.k.text)));
      return over ? colOf(over.k, over.i) : colOf(k, i);
    };
    for (const l of rl.lines) l.chunks.forEach((k, i) => perCol.set(columnOf(k, i, l), [...(perCol.get(columnOf(k, i, l)) ?? []), ...k.words]));
    const row: (Cell | null)[] = Array.from({ length: width }, () => null);
    for (const [c, ws] of perCol) row[c] = { ...cellText(ws), box: unionBox(ws.map((w) => w.box)), r0: ri, r1: ri, c0: c, c1: c };
    rows.push(row);
    rowBoxes.push(unionBox(rl.lines.map((l) => l.line.box)));
  });
  const box = unionBox(rowBoxes);
  return { page, box, xs: [...labelLefts, ...anchors], width, rows, rowBoxes, anchors };
}

/**
 * A label wrapped over several lines can start above its figures with its own numbering ("2.申请人逾期未按
 * 收费通知要求" / "缴纳费用、…" with the figures, its group label "（六）其" / "他处理" beside it): a row of
 * labels only, tight above a row with figures whose labels continue it (no numbering of their own), is the
 * top of that row. Rows are merged from the bottom up, so a chain of such rows joins the figures' row.
 */
function mergeLabelRowsIntoFigures(
  rowLines: { lines: RowIn[] }[],
  cellsOf: (l: RowIn) => { col: number; text: string; data: boolean }[],
  size: number,
): void {
  const labelsByCol = (rl: { lines: RowIn[] }) => {
    const out = new Map<number, string>();
    for (const l of rl.lines) for (const c of cellsOf(l)) if (!c.data && !out.has(c.col)) out.set(c.col, c.text);
    return out;
  };
  const hasData = (rl: { lines: RowIn[] }) => rl.lines.some((l) => cellsOf(l).some((c) => c.data));
  for (let d = rowLines.length - 1; d > 0; d--) {
    const target = rowLines[d]!;
    if (!hasData(target)) continue;
    while (d > 0) {
      const above = rowLines[d - 1]!;
      if (hasData(above)) break;
      const gap = unionBox(target.lines.map((l) => l.line.box)).y0 - unionBox(above.lines.map((l) => l.line.box)).y1;
      if (gap > 0.6 * size) break;
      const mine = labelsByCol(above);
      const theirs = labelsByCol(target);
      const fits = [...mine.keys()].every((c) => !theirs.has(c) || !NUMBERED_LABEL.test(theirs.get(c)!));
      const continues = [...mine.keys()].some((c) => theirs.has(c) && !NUMBERED_LABEL.test(theirs.get(c)!));
      if (!fits || !continues) break;
      target.lines = [...above.lines, ...target.lines];
      rowLines.splice(d - 1, 1);
      d--;
    }
  }
}

// ───────────────────────── pages ─────────────────────────

/** Page numbers and running footers in the top or bottom margin are page furniture, not content. */
function isFurniture(line: Line, page: PageWords): boolean {
  const margin = 0.1 * page.height;
  const inMargin = line.box.y0 > page.height - margin || line.box.y1 < margin;
  if (!inMargin) return false;
  return isPageFooter(line.text) || /^\d{1,4}$/.test(line.text) || /^[-—–]\s*\d{1,4}\s*[-—–]?$/.test(line.text);
}

/**
 * A title in large type wrapped over lines ("…工作年度报" / "告") is one line of text: on the first page,
 * the leading lines printed clearly larger than the body text, of one size and close together, are joined.
 */
function joinWrappedTitle(lines: Line[]): Line[] {
  const body = median(lines.map((l) => l.size));
  const large = (x: Line) => x.size >= 1.15 * body;
  let n = 0;
  while (n < lines.length && large(lines[n]!)) n++;
  const out: Line[] = [];
  for (const l of lines.slice(0, n)) {
    const prev = out[out.length - 1];
    if (prev && Math.abs(prev.size - l.size) <= 0.1 * l.size && l.box.y0 - prev.box.y1 < 1.5 * l.size) {
      out[out.length - 1] = { words: [...prev.words, ...l.words], box: unionBox([prev.box, l.box]), size: prev.size, text: joinWrapped([prev.text, l.text]) };
    } else out.push(l);
  }
  return [...out, ...lines.slice(n)];
}

function pageElements(page: PageWords): PageElement[] {
  const words = page.words.map(toWord).filter((w): w is Word => w !== null);
  const grids = findRuledGrids(page.rulings).filter((g) => g.box.x1 - g.box.x0 > 20 && g.box.y1 - g.box.y0 > 8);
  const inGrid = (w: Word, g: RuledGrid) => {
    const x = midX(w.box);
    const y = midY(w.box);
    return x >= g.box.x0 - 0.5 && x <= g.box.x1 + 0.5 && y >= g.box.y0 - 0.5 && y <= g.box.y1 + 0.5;
  };
  const elements: PageElement[] = [];
  const free: Word[] = [];
  const perGrid = grids.map(() => [] as Word[]);
  for (const w of words) {
    const gi = grids.findIndex((g) => inGrid(w, g));
    if (gi >= 0) perGrid[gi]!.push(w);
    else free.push(w);
  }
  grids.forEach((g, gi) => {
    for (const t of ruledFragments(g, perGrid[gi]!, page.page)) {
      // A ruled box around plain text (a framed note) is not a table.
      if (t.rows.length === 0) continue;
      elements.push({ kind: 'table', table: t, top: t.box.y0 });
    }
  });
  const lines = groupLines(free).filter((l) => !isFurniture(l, page));
  const split = borderlessTables(lines, page.page);
  const textLines = page.page === 1 ? joinWrappedTitle(split.lines.sort((a, b) => a.box.y0 - b.box.y0)) : split.lines;
  for (const l of textLines) elements.push({ kind: 'line', line: l, top: l.box.y0 });
  for (const t of split.tables) elements.push({ kind: 'table', table: t, top: t.box.y0 });
  return elements.sort((a, b) => a.top - b.top);
}

// ───────────────────────── joining across pages ─────────────────────────

/** A fragment made only of full-width title rows (第二十条第（五）项 left alone at a page's foot). */
function isTitleOnly(f: TableFrag): boolean {
  return f.width === 1;
}

function sameColumns(a: TableFrag, b: TableFrag): boolean {
  if (isTitleOnly(a)) return true;
  if (a.anchors || b.anchors) {
    // Borderless: the same data columns, wherever the labels stand.
    if (!a.anchors || !b.anchors || a.anchors.length !== b.anchors.length) return false;
    return a.anchors.every((x, i) => Math.abs(x - b.anchors![i]!) <= 8);
  }
  if (a.width !== b.width || a.xs.length !== b.xs.length) return false;
  return a.xs.every((x, i) => Math.abs(x - b.xs[i]!) <= 4);
}

/**
 * The grid column that carries a merged cell's text: the last column it spans (data stay right-aligned),
 * but the first for a cell spanning the whole row (a title).
 */
function textColumn(cell: Cell, width: number): number {
  return cell.c0 === 0 && cell.c1 === width - 1 && width > 1 ? 0 : cell.c1;
}

const rowText = (row: (Cell | null)[]) => row.map((c, i) => (c && textColumn(c, row.length) === i ? c.text : '')).join('\u0001');

/** Columns left of the first column that holds a figure anywhere in the table: label columns. */
function firstDataColumn(frags: TableFrag[]): number {
  let first = Infinity;
  for (const f of frags)
    for (const row of f.rows)
      row.forEach((c, i) => {
        if (c && FIGURE.test(c.text.replace(/\s+/g, ''))) first = Math.min(first, i);
      });
  return first;
}

/**
 * Joins `next` (top of a page) to `prev` (bottom of the previous page): drops a repeated header and joins
 * a label cell that the page break cut in two (its parts both span rows, or one part is empty).
 */
function joinContinuation(table: TableFrag[], next: TableFrag): void {
  const prev = table[table.length - 1]!;
  if (isTitleOnly(prev)) {
    // The title row takes the columns of the table it heads; its text stays in the first column.
    prev.rows = prev.rows.map((row) => Array.from({ length: next.width }, (_, i) => (i === 0 ? widen(row[0] ?? null, next.width) : null)));
    prev.width = next.width;
    prev.xs = next.xs;
    return;
  }
  const head = table[0]!;
  if (next.anchors) {
    // Borderless: only a repeated header is dropped; cut cells cannot be told without rulings.
    let repeated = 0;
    while (repeated < next.rows.length - 1 && repeated < head.rows.length && rowText(next.rows[repeated]!) === rowText(head.rows[repeated]!)) repeated++;
    next.rows = next.rows.slice(repeated);
    next.rowBoxes = next.rowBoxes.slice(repeated);
    return;
  }
  let skip = 0;
  while (skip < next.rows.length && skip < head.rows.length && rowText(next.rows[skip]!) === rowText(head.rows[skip]!)) skip++;
  if (skip > 0 && skip < next.rows.length) {
    next.rows = next.rows.slice(skip);
    next.rowBoxes = next.rowBoxes.slice(skip);
  }
  const labels = Math.min(firstDataColumn([...table, next]), next.width);
  const last = prev.rows[prev.rows.length - 1];
  const first = next.rows[0];
  if (!last || !first) return;
  // A merged label cell cut by the break: both parts span rows (or one is empty) and the second part does
  // not start a new numbered label.
  for (let c = 0; c < labels; c++) {
    const a = last[c];
    const b = first[c];
    if (!a || !b || a.c0 !== b.c0 || a.c1 !== b.c1 || c !== a.c1) continue;
    const spans = a.r1 > a.r0 || b.r1 > b.r0;
    if (!spans || (a.text === '' && b.text === '') || NUMBERED_LABEL.test(b.text)) continue;
    const text = joinWrapped([a.text, b.text]);
    a.text = text;
    b.text = text;
  }
  // A row cut by the break: the first row on the new page continues the last row's leaf label (no numbering
  // of its own) and one of the two parts holds no figure. Its texts join the last row; the part row goes.
  const leaf = labels - 1;
  const leafText = leaf >= 0 ? (first[leaf]?.c1 === leaf ? first[leaf]!.text : '') : '';
  const hasFigures = (row: (Cell | null)[]) => row.some((cell, i) => i >= labels && cell !== null && cell.c1 === i && cell.text !== '');
  if (leaf >= 0 && first[leaf] && first[leaf] !== last[leaf] && first[leaf]!.r1 === first[leaf]!.r0 && leafText !== '' && !NUMBERED_LABEL.test(leafText) && (!hasFigures(first) || !hasFigures(last))) {
    for (let c = 0; c < next.width; c++) {
      const a = last[c];
      const b = first[c];
      if (!a || !b || a === b || b.text === '' || a.text === b.text || b.c1 !== c) continue;
      if (b.r1 > b.r0) continue; // a spanning cell lives on in the following rows
      a.text = joinWrapped([a.text, b.text]);
    }
    next.rows = next.rows.slice(1);
    next.rowBoxes = next.rowBoxes.slice(1);
  }
}

function widen(cell: Cell | null, width: number): Cell | null {
  if (!cell) return null;
  return { ...cell, c0: 0, c1: width - 1 };
}

// ───────────────────────── blocks ─────────────────────────

/**
 * Builds the document's blocks from its pages' words: paragraphs (one per line) and grid rows, in reading
 * order, each with its page and box; `line` numbers all blocks of the document in order.
 */
export function buildBlocks(pages: PageWords[]): Block[] {
  const perPage = [...pages].sort((a, b) => a.page - b.page).map(pageElements);
  // Join tables across page breaks: the last element of a page and the first of the next.
  const tables: TableFrag[][] = [];
  const order: ({ kind: 'line'; line: Line; page: number } | { kind: 'table'; frags: TableFrag[] })[] = [];
  perPage.forEach((elements, pi) => {
    elements.forEach((el, ei) => {
      if (el.kind === 'line') {
        order.push({ kind: 'line', line: el.line, page: pages[pi]?.page ?? pi + 1 });
        return;
      }
      const prevEl = order[order.length - 1];
      const continues =
        ei === 0 &&
        prevEl?.kind === 'table' &&
        prevEl.frags[prevEl.frags.length - 1]!.page === el.table.page - 1 &&
        sameColumns(prevEl.frags[prevEl.frags.length - 1]!, el.table);
      if (continues && prevEl.kind === 'table') {
        joinContinuation(prevEl.frags, el.table);
        prevEl.frags.push(el.table);
      } else {
        const frags = [el.table];
        tables.push(frags);
        order.push({ kind: 'table', frags });
      }
    });
  });
  const blocks: Block[] = [];
  let line = 0;
  let tableIndex = 0;
  for (const el of order) {
    if (el.kind === 'line') {
      line++;
      const p: ParagraphBlock = { kind: 'paragraph', text: el.line.text, prov: { page: el.page, line, box: roundBox(el.line.box) } };
      blocks.push(p);
      continue;
    }
    if (el.frags.every(isTitleOnly)) {
      // A ruled box of one column that no table continues (a framed note or heading) is text.
      for (const frag of el.frags) {
        frag.rows.forEach((row, ri) => {
          const text = row[0]?.text ?? '';
          if (text === '') return;
          line++;
          blocks.push({ kind: 'paragraph', text, prov: { page: frag.page, line, box: roundBox(frag.rowBoxes[ri]!) } });
        });
      }
      continue;
    }
    let gridRow = 0;
    for (const frag of el.frags) {
      frag.rows.forEach((row, ri) => {
        line++;
        const fields: SourceField[] = row.map((cell, col) => {
          const text = cell && col === textColumn(cell, frag.width) ? cell.text : '';
          const prov: SourceField['prov'] = { page: frag.page, line, tableIndex, gridRow, gridCol: col };
          if (cell) prov.box = roundBox(cell.box);
          if (cell?.confidence !== undefined && text !== '') prov.confidence = cell.confidence;
          return { text, col, prov };
        });
        const r: RowBlock = {
          kind: 'row',
          positions: 'grid',
          gridWidth: frag.width,
          fields,
          prov: { page: frag.page, line, tableIndex, gridRow, box: roundBox(frag.rowBoxes[ri]!) },
        };
        blocks.push(r);
        gridRow++;
      });
    }
    tableIndex++;
  }
  return blocks;
}

function roundBox(b: Box): Box {
  const r = (v: number) => Math.round(v * 10) / 10;
  return { x0: r(b.x0), y0: r(b.y0), x1: r(b.x1), y1: r(b.y1) };
}
