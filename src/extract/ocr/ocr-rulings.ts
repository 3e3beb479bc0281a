/**
 * Table ruling lines on a scanned page: found in the rendered bitmap as long horizontal and vertical
 * runs of dark pixels, so the geometric table builder can use cell boundaries on scans as it does on
 * text-layer PDFs. Scans are rotated a little (up to about ±0.7°), which breaks a one-pixel-thick
 * line into short steps; so the skew is estimated first (from the long horizontal structures) and
 * the image is deskewed before the lines are looked for.
 *
 * Everything here is pure arithmetic on a grey bitmap, so it can be tested without OCR.
 */
import { UnionFind, clusterPositions } from '../pdf/pdf-geometry.js';

/** An 8-bit grey image, row-major, 0 = black. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A ruling in pixels of the (deskewed) image: a horizontal line has y0 === y1, a vertical one x0 === x1. */
export interface PixelRuling {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Thickness in pixels. */
  width: number;
}

/** A cell of a ruled table, in pixels: the rectangle between its four rulings (spans merged). */
export interface PixelCell {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Index of the table on the page, in reading order. */
  table: number;
}

/** Otsu's threshold: the grey level that best separates ink from paper on this page. */
export function otsuThreshold(img: GreyImage): number {
  const hist = new Array<number>(256).fill(0);
  for (let i = 0; i < img.data.length; i++) hist[img.data[i]!]! += 1;
  const total = img.data.length;
  let sumAll = 0;
  for (let g = 0; g < 256; g++) sumAll += g * hist[g]!;
  let sumBelow = 0;
  let countBelow = 0;
  let best = 128;
  let bestVar = -1;
  for (let g = 0; g < 256; g++) {
    countBelow += hist[g]!;
    if (countBelow === 0) continue;
    const countAbove = total - countBelow;
    if (countAbove === 0) break;
    sumBelow += g * hist[g]!;
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sumAll - sumBelow) / countAbove;
    const between = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = g;
    }
  }
  return best;
}

/**
 * The grey level below which a pixel, averaged along a line, belongs to a ruling: a third of the way from
 * the paper towards Otsu's ink threshold. Thin rulings on a blurred, contrast-shifted scan are much lighter
 * than text strokes (grey 200 on paper 250, where text is below 120), so Otsu's threshold misses them.
 */
export function rulingThreshold(img: GreyImage): number {
  const ink = otsuThreshold(img);
  const paper = medianGrey(img);
  return Math.round(paper - (paper - ink) * 0.35);
}

function medianGrey(img: GreyImage): number {
  const hist = new Array<number>(256).fill(0);
  for (let i = 0; i < img.data.length; i += 7) hist[img.data[i]!]! += 1;
  const half = hist.reduce((a, b) => a + b, 0) / 2;
  let seen = 0;
  for (let g = 0; g < 256; g++) {
    seen += hist[g]!;
    if (seen >= half) return g;
  }
  return 255;
}

/**
 * A mask of pixels that are dark on average along one direction (a window of 2·reach+1 pixels): averaging
 * along the line keeps a faint ruling and its noise-broken stretches, and washes out specks and the
 * short strokes of text.
 */
export function directionalMask(img: GreyImage, dir: 'h' | 'v', threshold: number, reach: number): Uint8Array {
  if (dir === 'h') return horizontalMask(img, threshold, reach);
  // Back from the column-major layout that findRulings uses.
  const { width, height } = img;
  const columns = verticalMaskByColumn(img, threshold, reach);
  const mask = new Uint8Array(width * height);
  for (let x = 0; x < width; x++) for (let y = 0; y < height; y++) if (columns[x * height + y] === 1) mask[y * width + x] = 1;
  return mask;
}

/** directionalMask along rows: a running sum per row, with the row's ends padded by paper (255). */
function horizontalMask({ width, height, data }: GreyImage, threshold: number, reach: number): Uint8Array {
  const mask = new Uint8Array(data.length);
  const limit = threshold * (2 * reach + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 255 * (reach + 1);
    for (let i = 0; i < reach && i < width; i++) sum += data[row + i]!;
    for (let i = width; i < reach; i++) sum += 255;
    for (let i = 0; i < width; i++) {
      const enter = i + reach < width ? data[row + i + reach]! : 255;
      const leave = i - reach - 1 >= 0 ? data[row + i - reach - 1]! : 255;
      sum += enter - leave;
      if (sum <= limit) mask[row + i] = 1;
    }
  }
  return mask;
}

/**
 * directionalMask along columns, stored column-major (pixel (x, y) at x·height + y), so that the runs
 * along columns are collected as runs along rows. The running sums are kept for every column at once
 * and advanced a row at a time, so the image is read in memory order (a column walk strides the whole
 * width per pixel and took most of the rulings' time); the mask's few inked pixels are written across.
 */
function verticalMaskByColumn({ width, height, data }: GreyImage, threshold: number, reach: number): Uint8Array {
  const mask = new Uint8Array(data.length);
  const limit = threshold * (2 * reach + 1);
  const sums = new Int32Array(width).fill(255 * (reach + 1));
  for (let i = 0; i < reach; i++) {
    if (i < height) for (let x = 0; x < width; x++) sums[x]! += data[i * width + x]!;
    else for (let x = 0; x < width; x++) sums[x]! += 255;
  }
  for (let i = 0; i < height; i++) {
    const enterRow = i + reach < height ? (i + reach) * width : -1;
    const leaveRow = i - reach - 1 >= 0 ? (i - reach - 1) * width : -1;
    for (let x = 0; x < width; x++) {
      const enter = enterRow >= 0 ? data[enterRow + x]! : 255;
      const leave = leaveRow >= 0 ? data[leaveRow + x]! : 255;
      const sum = (sums[x] = sums[x]! + enter - leave);
      if (sum <= limit) mask[x * height + i] = 1;
    }
  }
  return mask;
}

/** A 0/1 mask of ink pixels. */
export function binarize(img: GreyImage, threshold = otsuThreshold(img)): Uint8Array {
  const mask = new Uint8Array(img.data.length);
  for (let i = 0; i < img.data.length; i++) mask[i] = img.data[i]! <= threshold ? 1 : 0;
  return mask;
}

/**
 * Estimates the page's skew in degrees (positive = the content is rotated clockwise, i.e. a
 * horizontal line falls to the right, in image coordinates where y grows downwards).
 *
 * Projection-profile method restricted to pixels on long horizontal runs: ruling lines and text
 * baselines make the row profile sharpest at the true angle. Only angles up to `maxDegrees` are tried.
 */
export function estimateSkew(img: GreyImage, mask: Uint8Array = binarize(img), maxDegrees = 1.5): number {
  const { width, height } = img;
  // Sample ink pixels that sit on a horizontal run of some length: lines and text rows, not noise.
  const xs: number[] = [];
  const ys: number[] = [];
  const minRun = Math.max(8, Math.round(width / 150));
  for (let y = 0; y < height; y++) {
    let run = 0;
    for (let x = 0; x <= width; x++) {
      const ink = x < width && mask[y * width + x] === 1;
      if (ink) run += 1;
      else {
        if (run >= minRun) {
          // Keep every 4th pixel of the run: enough for the profile, four times cheaper.
          for (let k = x - run; k < x; k += 4) {
            xs.push(k);
            ys.push(y);
          }
        }
        run = 0;
      }
    }
  }
  if (xs.length < 50) return 0;
  const profile = new Float64Array(height + 2 * Math.ceil(width * Math.tan((maxDegrees * Math.PI) / 180)) + 4);
  const offset = Math.floor((profile.length - height) / 2);
  const score = (deg: number): number => {
    profile.fill(0);
    const t = Math.tan((deg * Math.PI) / 180);
    for (let i = 0; i < xs.length; i++) {
      const row = Math.round(ys[i]! - xs[i]! * t) + offset;
      if (row >= 0 && row < profile.length) profile[row]! += 1;
    }
    let s = 0;
    for (let r = 0; r < profile.length; r++) s += profile[r]! * profile[r]!;
    return s;
  };
  // Coarse search, then a fine one around the best coarse angle.
  let best = 0;
  let bestScore = -1;
  for (let deg = -maxDegrees; deg <= maxDegrees + 1e-9; deg += 0.1) {
    const s = score(deg);
    if (s > bestScore) {
      bestScore = s;
      best = deg;
    }
  }
  const coarse = best;
  for (let deg = coarse - 0.1; deg <= coarse + 0.1 + 1e-9; deg += 0.01) {
    const s = score(deg);
    if (s > bestScore) {
      bestScore = s;
      best = deg;
    }
  }
  return Math.round(best * 100) / 100;
}

export interface RulingOptions {
  /** Shortest line, in pixels; default: 1/25 of the page width. */
  minLength?: number;
  /** Gaps (noise, blur) up to this many pixels do not break a line. */
  maxGap?: number;
  /** Thickest line, in pixels: thicker dark bands (pictures, bold bars) are not rulings. */
  maxThickness?: number;
}

/** Finds horizontal and vertical rulings in an (already deskewed) grey image. */
export function findRulings(img: GreyImage, options: RulingOptions = {}): { horizontal: PixelRuling[]; vertical: PixelRuling[] } {
  const { width, height } = img;
  const minLength = options.minLength ?? Math.max(20, Math.round(width / 25));
  const maxGap = options.maxGap ?? Math.max(2, Math.round(width / 800));
  const maxThickness = options.maxThickness ?? Math.max(4, Math.round(width / 250));
  const reach = Math.max(1, Math.round(width / 1200));
  const threshold = rulingThreshold(img);
  const hMask = directionalMask(img, 'h', threshold, reach);
  const vMask = verticalMaskByColumn(img, threshold, reach);
  const horizontal = mergeRuns(collectRuns(hMask, width, height, minLength, maxGap), maxThickness, maxGap).map((r) => ({
    x0: r.from,
    x1: r.to,
    y0: r.mid,
    y1: r.mid,
    width: r.thickness,
  }));
  // Column-major: the runs along columns are read as rows of the turned mask, in memory order.
  const vertical = mergeRuns(collectRuns(vMask, height, width, minLength, maxGap), maxThickness, maxGap).map((r) => ({
    x0: r.mid,
    x1: r.mid,
    y0: r.from,
    y1: r.to,
    width: r.thickness,
  }));
  const bridge = 4 * reach;
  return keepFramed(
    bridgeGaps(snapPositions(horizontal, 'h', maxGap), 'h', bridge),
    bridgeGaps(snapPositions(vertical, 'v', maxGap), 'v', bridge),
    maxGap + reach + 3,
  );
}

/** Pieces of one ruling at the same position, a short gap apart (a faint stretch), are one ruling. */
function bridgeGaps(rulings: PixelRuling[], dir: 'h' | 'v', maxGap: number): PixelRuling[] {
  const pos = (r: PixelRuling) => (dir === 'h' ? r.y0 : r.x0);
  const from = (r: PixelRuling) => (dir === 'h' ? r.x0 : r.y0);
  const to = (r: PixelRuling) => (dir === 'h' ? r.x1 : r.y1);
  const sorted = [...rulings].sort((a, b) => pos(a) - pos(b) || from(a) - from(b));
  const out: PixelRuling[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && pos(last) === pos(r) && from(r) <= to(last) + maxGap) {
      if (dir === 'h') last.x1 = Math.max(last.x1, r.x1);
      else last.y1 = Math.max(last.y1, r.y1);
      last.width = Math.max(last.width, r.width);
      continue;
    }
    out.push({ ...r });
  }
  return out;
}

/**
 * Keeps the rulings that frame cells: each end of a table ruling meets a ruling across it (a border or a
 * column line). Runs found inside text (a line of characters averaged into a dark stripe) end in the
 * middle of a cell, and are dropped; dropping them may leave others unframed, so this repeats. A ruling
 * whose end runs on past the last ruling across it is cut back to that ruling: text printed against the
 * line's end merges with it (a group label centred in its merged cell, "(五)不予处理", touching the row
 * rule that starts at the cell's edge), and dropping the ruling would merge the two rows it parts.
 */
function keepFramed(horizontal: PixelRuling[], vertical: PixelRuling[], tol: number): { horizontal: PixelRuling[]; vertical: PixelRuling[] } {
  let h = horizontal;
  let v = vertical;
  for (let round = 0; round < 4; round++) {
    const nh = framedRulings(h, v, 'h', tol);
    const nv = framedRulings(v, h, 'v', tol);
    const same = nh.length === h.length && nv.length === v.length && nh.every((r, i) => r === h[i]) && nv.every((r, i) => r === v[i]);
    h = nh;
    v = nv;
    if (same) break;
  }
  return { horizontal: h, vertical: v };
}

/**
 * The rulings of one direction that meet a ruling across them at both ends, each as found or cut back to the
 * outermost rulings across it; a ruling that crosses fewer than two is dropped.
 */
function framedRulings(rulings: PixelRuling[], across: PixelRuling[], dir: 'h' | 'v', tol: number): PixelRuling[] {
  const out: PixelRuling[] = [];
  for (const r of rulings) {
    // Along the ruling: its position, where it starts and ends; for a ruling across it, where it crosses.
    const pos = dir === 'h' ? r.y0 : r.x0;
    const from = dir === 'h' ? r.x0 : r.y0;
    const to = dir === 'h' ? r.x1 : r.y1;
    const crossings: number[] = [];
    for (const a of across) {
      const at = dir === 'h' ? a.x0 : a.y0;
      const [lo, hi] = dir === 'h' ? [a.y0, a.y1] : [a.x0, a.x1];
      if (at >= from - tol && at <= to + tol && pos >= lo - tol && pos <= hi + tol) crossings.push(at);
    }
    if (crossings.length === 0) continue;
    const first = Math.min(...crossings);
    const last = Math.max(...crossings);
    const meetsFrom = first <= from + tol;
    const meetsTo = last >= to - tol;
    if (meetsFrom && meetsTo) out.push(r);
    else if (last - first > tol) {
      const [x0, x1] = [meetsFrom ? from : first, meetsTo ? to : last];
      out.push(dir === 'h' ? { ...r, x0, x1 } : { ...r, y0: x0, y1: x1 });
    }
  }
  return out;
}

/**
 * Pieces of one straight ruling (a column line cut by a page's two tables, say) get exactly one position:
 * a table builder comparing positions should not see 283 and 284 as two different column lines.
 */
function snapPositions(rulings: PixelRuling[], dir: 'h' | 'v', tolerance: number): PixelRuling[] {
  const pos = (r: PixelRuling) => (dir === 'h' ? r.y0 : r.x0);
  const centres = clusterPositions(rulings.map(pos), tolerance);
  return rulings.map((r) => {
    const p = pos(r);
    const snapped = centres.reduce((best, c) => (Math.abs(c - p) < Math.abs(best - p) ? c : best), centres[0] ?? p);
    return dir === 'h' ? { ...r, y0: snapped, y1: snapped } : { ...r, x0: snapped, x1: snapped };
  });
}

interface Run {
  /** Row (for horizontal runs) or column (vertical). */
  line: number;
  from: number;
  to: number;
}

/**
 * Runs of ink along the rows of a row-major mask (`width` × `height`), gaps of up to `maxGap` bridged.
 * The mask is mostly empty: the next inked pixel is found with the typed array's native search.
 */
function collectRuns(mask: Uint8Array, width: number, height: number, minLength: number, maxGap: number): Run[] {
  const runs: Run[] = [];
  for (let line = 0; line < height; line++) {
    const row = mask.subarray(line * width, (line + 1) * width);
    let start = -1;
    let lastInk = -1;
    for (let i = row.indexOf(1); i >= 0; i = row.indexOf(1, i + 1)) {
      if (start < 0 || i - lastInk - 1 > maxGap) {
        if (start >= 0 && lastInk - start + 1 >= minLength) runs.push({ line, from: start, to: lastInk });
        start = i;
      }
      lastInk = i;
    }
    if (start >= 0 && lastInk - start + 1 >= minLength) runs.push({ line, from: start, to: lastInk });
  }
  return runs;
}

/** Runs on adjacent rows (columns) that overlap are one thick line; bands thicker than a ruling are dropped. */
function mergeRuns(runs: Run[], maxThickness: number, maxGap: number): { mid: number; from: number; to: number; thickness: number }[] {
  interface Group {
    first: number;
    last: number;
    from: number;
    to: number;
  }
  const open: Group[] = [];
  const done: Group[] = [];
  for (const run of runs) {
    // Groups not continued by the previous line are finished.
    for (let i = open.length - 1; i >= 0; i--) {
      if (open[i]!.last < run.line - 1) done.push(...open.splice(i, 1));
    }
    // A run may join several pieces of the line above (a line broken by noise on one row): merge them all.
    const touching = open.filter((o) => o.last >= run.line - 1 && o.from <= run.to + maxGap && run.from <= o.to + maxGap);
    const g: Group = { first: run.line, last: run.line, from: run.from, to: run.to };
    for (const o of touching) {
      g.first = Math.min(g.first, o.first);
      g.from = Math.min(g.from, o.from);
      g.to = Math.max(g.to, o.to);
      open.splice(open.indexOf(o), 1);
    }
    open.push(g);
  }
  done.push(...open);
  return done
    .filter((g) => g.last - g.first + 1 <= maxThickness)
    .map((g) => ({ mid: (g.first + g.last) / 2, from: g.from, to: g.to, thickness: g.last - g.first + 1 }))
    .sort((a, b) => a.mid - b.mid || a.from - b.from);
}

/**
 * Turns rulings into the cells of ruled tables. Rulings are grouped into tables (vertical lines that
 * cross or touch the same horizontal lines); within a table, the distinct line positions make an
 * elementary grid, and neighbouring elementary cells with no ruling between them are merged (spans).
 */
export function cellsFromRulings(horizontal: PixelRuling[], vertical: PixelRuling[], tolerance = 4): PixelCell[] {
  const tables = groupTables(horizontal, vertical, tolerance);
  const cells: PixelCell[] = [];
  tables.forEach((t, table) => {
    const ys = clusterPositions(t.h.map((h) => h.y0), tolerance);
    const xs = clusterPositions(t.v.map((v) => v.x0), tolerance);
    if (ys.length < 2 || xs.length < 2) return;
    const rows = ys.length - 1;
    const cols = xs.length - 1;
    const hasH = (y: number, xa: number, xb: number) =>
      t.h.some((h) => Math.abs(h.y0 - y) <= tolerance && h.x0 <= xa + tolerance && h.x1 >= xb - tolerance);
    const hasV = (x: number, ya: number, yb: number) =>
      t.v.some((v) => Math.abs(v.x0 - x) <= tolerance && v.y0 <= ya + tolerance && v.y1 >= yb - tolerance);
    // Elementary cells with no ruling between them are one merged cell.
    const sets = new UnionFind(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const x0 = xs[c]!;
        const x1 = xs[c + 1]!;
        const y0 = ys[r]!;
        const y1 = ys[r + 1]!;
        if (c + 1 < cols && !hasV(x1, y0 + (y1 - y0) / 3, y1 - (y1 - y0) / 3)) sets.union(r * cols + c, r * cols + c + 1);
        if (r + 1 < rows && !hasH(y1, x0 + (x1 - x0) / 3, x1 - (x1 - x0) / 3)) sets.union(r * cols + c, (r + 1) * cols + c);
      }
    }
    const merged = new Map<number, PixelCell>();
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const root = sets.find(r * cols + c);
        const m = merged.get(root);
        const box = { x0: xs[c]!, y0: ys[r]!, x1: xs[c + 1]!, y1: ys[r + 1]!, table };
        if (!m) merged.set(root, box);
        else {
          m.x0 = Math.min(m.x0, box.x0);
          m.y0 = Math.min(m.y0, box.y0);
          m.x1 = Math.max(m.x1, box.x1);
          m.y1 = Math.max(m.y1, box.y1);
        }
      }
    }
    cells.push(...merged.values());
  });
  return cells.sort((a, b) => a.table - b.table || a.y0 - b.y0 || a.x0 - b.x0);
}

interface TableRulings {
  h: PixelRuling[];
  v: PixelRuling[];
}

/** Groups rulings that touch each other into tables; lone lines (underlines, separators) are dropped. */
function groupTables(horizontal: PixelRuling[], vertical: PixelRuling[], tol: number): TableRulings[] {
  const all = [...horizontal.map((r) => ({ r, h: true })), ...vertical.map((r) => ({ r, h: false }))];
  const sets = new UnionFind(all.length);
  for (let i = 0; i < all.length; i++) {
    const a = all[i]!;
    if (!a.h) continue;
    for (let j = 0; j < all.length; j++) {
      const b = all[j]!;
      if (b.h) continue;
      const touches =
        b.r.x0 >= a.r.x0 - tol && b.r.x0 <= a.r.x1 + tol && a.r.y0 >= b.r.y0 - tol && a.r.y0 <= b.r.y1 + tol;
      if (touches) sets.union(i, j);
    }
  }
  const groups = new Map<number, TableRulings>();
  all.forEach((item, i) => {
    const root = sets.find(i);
    const g = groups.get(root) ?? { h: [], v: [] };
    (item.h ? g.h : g.v).push(item.r);
    groups.set(root, g);
  });
  return [...groups.values()]
    .filter((g) => g.h.length >= 2 && g.v.length >= 2)
    .sort((a, b) => Math.min(...a.h.map((h) => h.y0)) - Math.min(...b.h.map((h) => h.y0)));
}
