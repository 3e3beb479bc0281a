/**
 * Ruling lines of a PDF page, read from its operator list: the strokes and thin filled rectangles an office
 * suite draws as table borders. Only axis-aligned segments count; curves, big fills (cell shading) and
 * clipping paths are ignored. Coordinates come out in page points with the origin at the top-left corner.
 */
import type { RulingLine } from './geometry-types.js';

/** A 2-D affine matrix [a, b, c, d, e, f] as PDF writes it. */
export type Matrix = [number, number, number, number, number, number];

/** The operator codes this module needs, taken from pdf.js's `OPS` at run time (they are not a stable API). */
export interface PathOps {
  save: number;
  restore: number;
  transform: number;
  constructPath: number;
  stroke: number;
  closeStroke: number;
  fill: number;
  eoFill: number;
  fillStroke: number;
  eoFillStroke: number;
  closeFillStroke: number;
  closeEOFillStroke: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  paintImageXObject: number;
  paintInlineImageXObject: number;
  paintImageMaskXObject: number;
  paintImageXObjectRepeat: number;
}

/** What a page draws besides text: ruling lines, and the boxes of the pictures it paints. */
export interface PageGraphics {
  rulings: RulingLine[];
  images: { x0: number; y0: number; x1: number; y1: number }[];
}

/** pdf.js's DrawOPS, the commands inside a constructPath buffer. */
const MOVE_TO = 0;
const LINE_TO = 1;
const CURVE_TO = 2;
const QUAD_TO = 3;
const CLOSE = 4;

/** Thicker than this, a filled rectangle is shading or a picture, not a border. */
const MAX_RULE_THICKNESS = 3;
/** Shorter than this, a segment is a tick or a glyph part, not a border. */
const MIN_RULE_LENGTH = 4;
/** How far off axis-aligned a segment may be (points). */
const AXIS_TOLERANCE = 0.8;

export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

type Point = [number, number];

/**
 * Walks an operator list and returns the page's ruling lines and picture boxes.
 * `viewport` maps PDF user space to top-left page points (pdf.js's viewport transform at scale 1).
 */
export function readPageGraphics(fnArray: ArrayLike<number>, argsArray: unknown[], ops: PathOps, viewport: Matrix): PageGraphics {
  const lines: RulingLine[] = [];
  const images: PageGraphics['images'] = [];
  const imageOps = new Set([ops.paintImageXObject, ops.paintInlineImageXObject, ops.paintImageMaskXObject, ops.paintImageXObjectRepeat]);
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i];
    if (fn === ops.save) stack.push(ctm);
    else if (fn === ops.restore) ctm = stack.pop() ?? ctm;
    else if (fn === ops.transform) ctm = multiply(args as Matrix, ctm);
    else if (fn === ops.paintFormXObjectBegin) {
      // A form XObject draws in its own space: [matrix, bbox]; its End restores.
      stack.push(ctm);
      const matrix = (args as [ArrayLike<number> | null])[0];
      if (matrix && matrix.length === 6) ctm = multiply(Array.from(matrix) as Matrix, ctm);
    } else if (fn === ops.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (imageOps.has(fn!)) {
      // A picture fills the unit square of its transform.
      const toPage = multiply(ctm, viewport);
      const corners = [apply(toPage, 0, 0), apply(toPage, 1, 0), apply(toPage, 0, 1), apply(toPage, 1, 1)];
      const xs = corners.map((c) => c[0]);
      const ys = corners.map((c) => c[1]);
      images.push({ x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) });
    }
    else if (fn === ops.constructPath) {
      // pdf.js 5: [paintOp, [Float32Array of DrawOPS], minMax]
      const [paintOp, [buffer]] = args as [number, [ArrayLike<number> | null]];
      if (!buffer || !isPainted(paintOp, ops)) continue;
      const toPage = multiply(ctm, viewport);
      const subpaths = parseSubpaths(buffer).map((sp) => sp.map(([x, y]) => apply(toPage, x, y)));
      const stroked = isStroked(paintOp, ops);
      for (const sp of subpaths) lines.push(...rulingsOfSubpath(sp, stroked));
    }
  }
  return { rulings: lines, images };
}

function isPainted(op: number, ops: PathOps): boolean {
  return isStroked(op, ops) || op === ops.fill || op === ops.eoFill;
}

function isStroked(op: number, ops: PathOps): boolean {
  return [ops.stroke, ops.closeStroke, ops.fillStroke, ops.eoFillStroke, ops.closeFillStroke, ops.closeEOFillStroke].includes(op);
}

/** Splits a DrawOPS buffer into polylines; a subpath with a curve is dropped (never a border). */
function parseSubpaths(buf: ArrayLike<number>): Point[][] {
  const out: Point[][] = [];
  let cur: Point[] = [];
  let curved = false;
  const flush = () => {
    if (cur.length > 1 && !curved) out.push(cur);
    cur = [];
    curved = false;
  };
  for (let k = 0; k < buf.length; ) {
    const op = buf[k++];
    if (op === MOVE_TO) {
      flush();
      cur.push([buf[k]!, buf[k + 1]!]);
      k += 2;
    } else if (op === LINE_TO) {
      cur.push([buf[k]!, buf[k + 1]!]);
      k += 2;
    } else if (op === CURVE_TO) {
      curved = true;
      k += 6;
    } else if (op === QUAD_TO) {
      curved = true;
      k += 4;
    } else if (op === CLOSE) {
      const first = cur[0];
      if (first) cur.push(first);
      flush();
    } else break; // unknown command: stop rather than misread the buffer
  }
  flush();
  return out;
}

/**
 * A stroked polyline gives one ruling per axis-aligned segment. A filled polygon counts only when it is
 * a thin rectangle (a border drawn as a fill, as Word and WPS do): it becomes the line along its middle.
 */
function rulingsOfSubpath(points: Point[], stroked: boolean): RulingLine[] {
  if (stroked) {
    const out: RulingLine[] = [];
    for (let k = 1; k < points.length; k++) {
      const seg = axisSegment(points[k - 1]!, points[k]!);
      if (seg) out.push(seg);
    }
    return out;
  }
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  if (!isAxisRectangle(points)) return [];
  const w = x1 - x0;
  const h = y1 - y0;
  if (h <= MAX_RULE_THICKNESS && w >= MIN_RULE_LENGTH) return [{ x0, y0: (y0 + y1) / 2, x1, y1: (y0 + y1) / 2 }];
  if (w <= MAX_RULE_THICKNESS && h >= MIN_RULE_LENGTH) return [{ x0: (x0 + x1) / 2, y0, x1: (x0 + x1) / 2, y1 }];
  return [];
}

function isAxisRectangle(points: Point[]): boolean {
  if (points.length < 4 || points.length > 6) return false;
  for (let k = 1; k < points.length; k++) {
    const [ax, ay] = points[k - 1]!;
    const [bx, by] = points[k]!;
    if (Math.abs(ax - bx) > AXIS_TOLERANCE && Math.abs(ay - by) > AXIS_TOLERANCE) return false;
  }
  return true;
}

function axisSegment([ax, ay]: Point, [bx, by]: Point): RulingLine | null {
  if (Math.abs(ay - by) <= AXIS_TOLERANCE && Math.abs(ax - bx) >= MIN_RULE_LENGTH) {
    const y = (ay + by) / 2;
    return { x0: Math.min(ax, bx), y0: y, x1: Math.max(ax, bx), y1: y };
  }
  if (Math.abs(ax - bx) <= AXIS_TOLERANCE && Math.abs(ay - by) >= MIN_RULE_LENGTH) {
    const x = (ax + bx) / 2;
    return { x0: x, y0: Math.min(ay, by), x1: x, y1: Math.max(ay, by) };
  }
  return null;
}
