/**
 * Stage `validate`: the record's shape (zod), then the rules of the report kind as named findings.
 * Hard rules (the identities, non-negative integer counts) give errors with actual and expected values;
 * the figures stay as printed — a source that contradicts itself is reported, not fixed.
 */
import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import { NanGrids } from '../arrays.js';
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { ColumnDef, ReportKind, TableVariant } from '../kind.js';
import { PLACEMENT_METHODS } from '../types.js';
import type { Cell, ExtractedTable } from '../types.js';
import { sides, tableSpace } from './identities.js';
import type { Equation } from './identities.js';

const LAYOUT_VALUES = ['2019', '2021'] as const;

const METHODS: ReadonlySet<unknown> = new Set(PLACEMENT_METHODS);
const LAYOUTS: ReadonlySet<unknown> = new Set(LAYOUT_VALUES);

/** A table's shape as zod checks it. */
function makeTableSchema(z: typeof Zod) {
  const cell = z.object({
    table: z.string().min(1),
    row: z.string().min(1),
    col: z.string().min(1),
    value: z.number().finite().nullable(),
    raw: z.string().nullable(),
    unit: z.string().nullable(),
    note: z.string().nullable(),
    method: z.enum(PLACEMENT_METHODS),
  });
  return z.object({ table: z.string(), layout: z.enum(LAYOUT_VALUES), cells: z.array(cell).min(1) });
}

let schema: ReturnType<typeof makeTableSchema> | null = null;

/**
 * The zod schema of a table, made on first use: only a table that isWellFormedTable rejects needs it (rarely).
 * zod is loaded then, synchronously (its CommonJS build): imported with the module, it cost every thread — the
 * main one and each worker — ~100 ms at its start.
 */
export function tableSchema(): ReturnType<typeof makeTableSchema> {
  if (!schema) schema = makeTableSchema((createRequire(import.meta.url)('zod') as { z: typeof Zod }).z);
  return schema;
}

/**
 * tableSchema's checks, written out: zod costs about as much as the rest of the stage, and the tables
 * the pipeline builds are well formed nearly always. A table that fails here is parsed by zod, which
 * decides and words the finding; tests hold the two to the same verdict.
 */
export function isWellFormedTable(t: unknown): boolean {
  if (!isRecord(t) || typeof t.table !== 'string' || !LAYOUTS.has(t.layout)) return false;
  return Array.isArray(t.cells) && t.cells.length >= 1 && t.cells.every(isWellFormedCell);
}

function isWellFormedCell(c: unknown): boolean {
  return (
    isRecord(c) &&
    isNonEmptyString(c.table) &&
    isNonEmptyString(c.row) &&
    isNonEmptyString(c.col) &&
    (c.value === null || (typeof c.value === 'number' && Number.isFinite(c.value))) &&
    isStringOrNull(c.raw) &&
    isStringOrNull(c.unit) &&
    isStringOrNull(c.note) &&
    METHODS.has(c.method)
  );
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isNonEmptyString = (x: unknown): boolean => typeof x === 'string' && x.length >= 1;
const isStringOrNull = (x: unknown): boolean => x === null || typeof x === 'string';

export function validate(tables: ExtractedTable[], kind: ReportKind): Finding[] {
  const findings: Finding[] = [];
  for (const t of tables) {
    const shape = isWellFormedTable(t) ? { success: true as const } : tableSchema().safeParse(t);
    if (!shape.success) {
      findings.push(finding('record/shape', 'error', `table ${t.table} has an invalid shape: ${shape.error.issues[0]?.message ?? 'unknown'}`, { table: t.table }));
      continue;
    }
    findings.push(...checkValues(t, kind), ...checkIdentities(t, kind));
  }
  return findings;
}

/** Rule 5: counts are non-negative integers; only amounts may be decimal, only 本年增/减 negative. */
function checkValues(t: ExtractedTable, kind: ReportKind): Finding[] {
  const def = kind.tables.find((d) => d.key === t.table);
  const variant = def?.variants.find((v) => v.layout === t.layout);
  const out: Finding[] = [];
  const columns = variant ? columnsByKey(variant) : null;
  for (const c of t.cells) {
    if (c.value === null) continue;
    const col = columns?.get(c.col);
    const fractional = !col?.decimal && !Number.isInteger(c.value);
    const negative = !col?.signed && c.value < 0;
    if (!fractional && !negative) continue;
    const where = { table: c.table, row: c.row, col: c.col, actual: c.raw ?? String(c.value), prov: c.prov };
    if (fractional) {
      out.push(finding('cell/not-integer', 'error', `${c.table}.${c.row}.${c.col} is a count but reads ${c.raw ?? c.value}`, where));
    }
    if (negative) {
      out.push(finding('cell/negative', 'error', `${c.table}.${c.row}.${c.col} is negative (${c.raw ?? c.value}); only 本年增/减 may be`, where));
    }
  }
  return out;
}

const columnMaps = new WeakMap<TableVariant, Map<string, ColumnDef>>();

/** A layout's columns by key (the first of a key, as a search would find it). */
function columnsByKey(variant: TableVariant): Map<string, ColumnDef> {
  let map = columnMaps.get(variant);
  if (!map) {
    map = new Map();
    for (const c of variant.columns) if (!map.has(c.key)) map.set(c.key, c);
    columnMaps.set(variant, map);
  }
  return map;
}

const IDENTITY_GRIDS = new NanGrids();

/** Rules 1–4: every identity of the table, as printed (blanks count as 0; lost cells are skipped). */
function checkIdentities(t: ExtractedTable, kind: ReportKind): Finding[] {
  // Rows and columns in order of first appearance, each with its index.
  const rowAt = new Map<string, number>();
  const colAt = new Map<string, number>();
  for (const c of t.cells) {
    if (!rowAt.has(c.row)) rowAt.set(c.row, rowAt.size);
    if (!colAt.has(c.col)) colAt.set(c.col, colAt.size);
  }
  const rows = [...rowAt.keys()];
  const cols = [...colAt.keys()];
  const space = tableSpace(t.table, rows, cols, kind);
  const state = IDENTITY_GRIDS.take(rows.length * cols.length);
  const cells: (Cell | undefined)[] = [];
  for (const c of t.cells) {
    const i = rowAt.get(c.row)! * cols.length + colAt.get(c.col)!;
    cells[i] = c;
    state[i] = c.method === 'unresolved' ? NaN : (c.value ?? 0);
  }
  const out: Finding[] = [];
  for (const eq of space.equations) {
    const s = sides(eq, state);
    if (!s || s[0] === s[1]) continue;
    const blanks = Array.from(eq.cells).filter((i) => cells[i]?.value === null).length;
    out.push(identityFinding(t.table, eq, s[0], s[1], cells, blanks));
  }
  return out;
}

/**
 * A broken identity is an error on the source. When some of its cells are blank it may hold with the
 * blanks filled in (blank is not zero: the source may print only totals), so it is a warning then.
 */
function identityFinding(table: string, eq: Equation, lhs: number, rhs: number, cells: (Cell | undefined)[], blanks: number): Finding {
  const target = cells[eq.cells[Array.from(eq.coefs).indexOf(-1)]!];
  const scope = eq.row !== undefined ? `row ${eq.row}` : `column ${eq.col}`;
  const parts = Array.from(eq.cells)
    .filter((_, i) => eq.coefs[i] === 1)
    .map((i) => cells[i]?.value ?? 0)
    .join(' + ');
  const blankNote = blanks > 0 ? ` (${blanks} of its cells are blank and were counted as 0)` : '';
  return finding(
    eq.id,
    blanks > 0 ? 'warning' : 'error',
    `${table} ${scope}: ${eq.description} does not hold as printed — ${parts} = ${lhs}, but the source prints ${rhs}${blankNote}`,
    {
      table,
      ...(target ? { row: target.row, col: target.col, prov: target.prov } : {}),
      actual: String(rhs),
      expected: String(lhs),
    },
  );
}
