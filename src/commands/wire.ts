/**
 * The form in which a ProcessedDocument crosses from a worker to the main thread. postMessage
 * structured-clones it, and deserializing ~200 cell objects with their nested provenance costs the main
 * thread (which also stores every document, and so limits the batch) ~0.4 ms per report. Packed as one
 * flat array of primitives per table, the same cells cost ~0.15 ms to receive and a few µs to rebuild.
 */
import type { Cell, ExtractedTable, ProcessedDocument, Provenance } from '../types.js';

type Primitive = string | number | null;

export interface WireTable extends Omit<ExtractedTable, 'cells'> {
  /** CELL_WIDTH values per cell, in the order of packCell. */
  cells: Primitive[];
}

export interface WireDocument extends Omit<ProcessedDocument, 'tables'> {
  tables: WireTable[];
}

const PROV_NUMBERS = ['line', 'page', 'tableIndex', 'gridRow', 'gridCol', 'confidence'] as const;
const CELL_WIDTH = 8 + PROV_NUMBERS.length + 4;

export function packDocument(doc: ProcessedDocument): WireDocument {
  return { ...doc, tables: doc.tables.map((t) => ({ table: t.table, layout: t.layout, prov: t.prov, cells: packCells(t.cells) })) };
}

export function unpackDocument(wire: WireDocument): ProcessedDocument {
  return { ...wire, tables: wire.tables.map((t) => ({ table: t.table, layout: t.layout, prov: t.prov, cells: unpackCells(t.cells) })) };
}

function packCells(cells: readonly Cell[]): Primitive[] {
  const out: Primitive[] = [];
  for (const c of cells) {
    out.push(c.table, c.row, c.col, c.value, c.raw, c.unit, c.note, c.method);
    const p = c.prov;
    for (const k of PROV_NUMBERS) out.push(p[k] ?? null);
    const b = p.box;
    if (b) out.push(b.x0, b.y0, b.x1, b.y1);
    else out.push(null, null, null, null);
  }
  return out;
}

function unpackCells(flat: readonly Primitive[]): Cell[] {
  const cells: Cell[] = [];
  for (let i = 0; i < flat.length; i += CELL_WIDTH) {
    const prov: Provenance = {};
    PROV_NUMBERS.forEach((k, j) => {
      const v = flat[i + 8 + j];
      if (v !== null && v !== undefined) prov[k] = v as number;
    });
    const x0 = flat[i + 8 + PROV_NUMBERS.length];
    if (x0 !== null && x0 !== undefined) {
      const at = i + 8 + PROV_NUMBERS.length;
      prov.box = { x0: x0 as number, y0: flat[at + 1] as number, x1: flat[at + 2] as number, y1: flat[at + 3] as number };
    }
    cells.push({
      table: flat[i] as string,
      row: flat[i + 1] as string,
      col: flat[i + 2] as string,
      value: flat[i + 3] as number | null,
      raw: flat[i + 4] as string | null,
      unit: flat[i + 5] as string | null,
      note: flat[i + 6] as string | null,
      method: flat[i + 7] as Cell['method'],
      prov,
    });
  }
  return cells;
}
