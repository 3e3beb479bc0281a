/**
 * `ogi show <document-id|path>`: one document as a reader checks it — its tables as aligned grids
 * (inferred cells marked), each finding with the source line it points at, and the list of cells that
 * were inferred rather than read.
 */
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { UsageError } from '../findings.js';
import type { ReportKind } from '../kind.js';
import { KindLabels, shown } from './display-labels.js';
import type { LabelMode } from './display-labels.js';
import { openStore } from '../store/open.js';
import type { SqlClient } from '../store/sql.js';
import { formatNumber } from './csv.js';
import { sourceLines } from '../review/source-lines.js';
import { resolveDocument } from './resolve-documents.js';
import type { StoredDocumentRef } from './resolve-documents.js';

export interface ShowOptions {
  target: string;
  db: string;
  lockTimeoutS: number;
  /** Keys, the format's own words, or both (display-labels.ts). */
  labels?: LabelMode;
  stdout?: NodeJS.WritableStream;
}

/** Placement methods that mean "not read as printed": the figures to check first. */
export const INFERRED_METHODS = new Set(['identity-inferred', 'identity-placed', 'glued-split', 'joined', 'lone-total']);

interface ShownCell {
  table: string;
  row: string;
  col: string;
  value: number | null;
  raw: string | null;
  note: string | null;
  unit: string | null;
  method: string;
  line: number | null;
  page: number | null;
}

interface ShownFinding {
  rule: string;
  severity: string;
  message: string;
  table: string | null;
  row: string | null;
  col: string | null;
  actual: string | null;
  expected: string | null;
  page: number | null;
  line: number | null;
  char_offset: number | null;
}

export async function show(options: ShowOptions): Promise<number> {
  const store = await openStore(options.db, { lockTimeoutS: options.lockTimeoutS, mustExist: true });
  try {
    const r = await resolveDocument(store.sql, options.target);
    if (!r.ok) throw new UsageError(r.reason);
    const text = await renderDocument(store.sql, r.doc, OGI_ANNUAL_REPORT, options.labels ?? 'keys');
    (options.stdout ?? process.stdout).write(text);
    return 0;
  } finally {
    await store.close();
  }
}

export async function renderDocument(sql: SqlClient, ref: StoredDocumentRef, kind: ReportKind, mode: LabelMode = 'keys'): Promise<string> {
  const names = new KindLabels(kind);
  const d = (await sql.get<Record<string, string | number | null>>(
    `SELECT d.*, r.agency, r.year, r.layout, r.published_date, r.title, r.body_id, b.name AS body_name,
            b.region_code, b.region_level, b.province, b.city, b.county, b.township
     FROM documents d LEFT JOIN reports r ON r.document_id = d.id LEFT JOIN bodies b ON b.id = r.body_id WHERE d.id = ?`,
    [ref.id],
  ))!;
  const cells = await sql.all<ShownCell>(`SELECT "table" AS "table", "row" AS "row", col, value, raw, note, unit, method, line, page FROM cells WHERE document_id = ? ORDER BY "table", "row", col`, [ref.id]);
  const findings = await sql.all<ShownFinding>(
    `SELECT rule, severity, message, "table" AS "table", "row" AS "row", col, actual, expected, page, line, char_offset FROM findings WHERE document_id = ? ORDER BY position`,
    [ref.id],
  );
  const tables = await sql.all<{ table: string; layout: string; line: number | null; page: number | null }>(`SELECT "table" AS "table", layout, line, page FROM report_tables WHERE document_id = ?`, [ref.id]);

  const out: string[] = [];
  out.push(String(d.title ?? d.file_name));
  out.push(`  document  ${ref.id}`);
  out.push(`  file      ${ref.path}`);
  for (const p of ref.paths.slice(1)) out.push(`  also at   ${p}`);
  const counts = { error: 0, warning: 0, info: 0 } as Record<string, number>;
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  out.push(`  status    ${d.status}${findings.length ? ` (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info)` : ''}`);
  if (d.status === 'failed') out.push(`  error     [${d.failed_stage}] ${d.error}`);
  out.push(`  agency    ${d.agency ?? '?'}   year ${d.year ?? '?'}   layout ${d.layout ?? '?'}   format ${d.format ?? '?'}   pipeline ${d.pipeline_version}`);
  out.push(...(await renderBody(sql, ref.id, d)));

  const tableOrder = new Map(kind.tables.map((t, i) => [t.key, i]));
  tables.sort((a, b) => (tableOrder.get(a.table) ?? 99) - (tableOrder.get(b.table) ?? 99));
  for (const t of tables) {
    out.push('');
    const def = kind.tables.find((k) => k.key === t.table);
    const where = t.page !== null ? `page ${t.page}` : t.line !== null ? `line ${t.line}` : '';
    const heading = mode === 'zh' && def ? def.title : `${t.table}${def ? ` — ${def.title}` : ''}`;
    out.push(`${heading}  (layout ${t.layout}${where ? `, ${where}` : ''})`);
    const variant = def?.variants.find((v) => v.layout === t.layout);
    const mine = cells.filter((c) => c.table === t.table);
    out.push(
      ...renderGrid(mine, variant?.rows.map((r) => r.key) ?? [], variant?.columns.map((c) => c.key) ?? [], {
        row: (k) => shown(mode, k, names.row(t.table, k, t.layout)),
        col: (k) => shown(mode, k, names.column(t.table, k, t.layout)),
      }),
    );
  }
  if (tables.length) out.push('', "  * inferred or placed by the identities rather than read (listed below); blank = empty in the source");

  out.push('', findings.length ? 'Findings' : 'Findings: none');
  const lines = findings.some((f) => f.line !== null) ? await sourceLines(ref) : null;
  if (lines?.changed) out.push('  (the file has changed since it was ingested: source lines may not match; `ogi rerun` it)');
  for (const f of findings) {
    const at = [f.table, f.row, f.col].filter((x) => x !== null).join('.');
    const detail = [at && `at ${at}`, f.actual !== null && `actual ${f.actual}`, f.expected !== null && `expected ${f.expected}`].filter(Boolean).join(', ');
    out.push(`  ${f.severity.padEnd(7)} ${f.rule}  ${f.message}${detail ? `  (${detail})` : ''}`);
    if (f.line !== null) {
      const src = lines?.byLine.get(f.line);
      const where = `${f.page !== null ? `page ${f.page} ` : ''}line ${f.line}${f.char_offset !== null ? `, character ${f.char_offset + 1}` : ''}`;
      out.push(`          ${where}: ${src !== undefined ? excerpt(src, f.char_offset) : '(source not available)'}`);
    }
  }

  const inferred = cells.filter((c) => INFERRED_METHODS.has(c.method));
  out.push('', inferred.length ? 'Cells inferred rather than read' : 'Cells inferred rather than read: none');
  for (const c of inferred) {
    out.push(`  ${c.table}.${c.row}.${c.col} = ${c.value === null ? '(blank)' : formatNumber(c.value)}  ${c.method}${c.raw !== null ? `  raw '${c.raw}'` : ''}${c.line !== null ? `  line ${c.line}` : ''}`);
  }
  return out.join('\n') + '\n';
}

/** Longest source line quoted whole; a longer one (a report saved as one line) is quoted around the offset. */
const MAX_QUOTED_CHARS = 120;

/** The part of a source line a finding points at: the whole line when short, else a window from its offset. */
export function excerpt(line: string, offset: number | null): string {
  if (line.length <= MAX_QUOTED_CHARS) return line;
  const from = Math.max(0, Math.min(offset ?? 0, line.length - MAX_QUOTED_CHARS) - 10);
  const to = Math.min(line.length, from + MAX_QUOTED_CHARS);
  return `${from > 0 ? '…' : ''}${line.slice(from, to)}${to < line.length ? '…' : ''}`;
}

/** A grid with row keys down the side and column keys across, widths measured in terminal columns. */
export function renderGrid(
  cells: ShownCell[],
  rowOrder: string[],
  colOrder: string[],
  label: { row: (key: string) => string; col: (key: string) => string } = { row: (k) => k, col: (k) => k },
): string[] {
  const rows = [...rowOrder];
  const cols = [...colOrder];
  for (const c of cells) {
    if (!rows.includes(c.row)) rows.push(c.row);
    if (!cols.includes(c.col)) cols.push(c.col);
  }
  const byKey = new Map(cells.map((c) => [`${c.row}\u0000${c.col}`, c]));
  const shownRows = rows.filter((r) => cols.some((c) => byKey.has(`${r}\u0000${c}`)));
  const text = (r: string, c: string): string => {
    const cell = byKey.get(`${r}\u0000${c}`);
    if (!cell) return '';
    const v = cell.value !== null ? formatNumber(cell.value) : (cell.raw ?? '');
    return v + (INFERRED_METHODS.has(cell.method) ? '*' : '');
  };
  const grid = [['', ...cols.map(label.col)], ...shownRows.map((r) => [label.row(r), ...cols.map((c) => text(r, c))])];
  const widths = cols.map((_, i) => Math.max(...grid.map((line) => displayWidth(line[i + 1]!))));
  const labelWidth = Math.max(...grid.map((line) => displayWidth(line[0]!)));
  return grid.map((line) => '  ' + padEnd(line[0]!, labelWidth) + line.slice(1).map((v, i) => '  ' + padStart(v, widths[i]!)).join(''));
}

/** Terminal width of a string: CJK and full-width characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) || ch.codePointAt(0)! > 0x1ffff ? 2 : 1;
  return w;
}

function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

/**
 * The report's division and body, and the body's other years: the same body under another printed name
 * (`洪泽区人民政府` one year, `淮安市洪泽区人民政府` the next) is listed too.
 */
async function renderBody(sql: SqlClient, id: string, d: Record<string, string | number | null>): Promise<string[]> {
  if (d.body_id === null || d.body_id === undefined) return [];
  const names = [d.province, d.city, d.county, d.township].filter((n) => n !== null).join(' / ');
  const out = [
    `  region    ${d.region_code !== null ? `${d.region_code} ${d.region_level}   ${names}` : '(none: see the meta/ findings)'}`,
    `  body      ${d.body_id}   ${d.body_name}`,
  ];
  const others = await sql.all<{ document_id: string; year: number | null; agency: string | null; file_name: string }>(
    `SELECT r.document_id, r.year, r.agency, d.file_name FROM reports r JOIN documents d ON d.id = r.document_id
     WHERE r.body_id = ? AND r.document_id <> ? ORDER BY r.year, d.path`,
    [String(d.body_id), id],
  );
  if (others.length === 0) out.push('  other years: none stored');
  for (const o of others) out.push(`  other year ${o.year ?? '?'}  ${o.document_id.slice(0, 12)}  ${o.file_name}${o.agency !== d.agency ? `  (printed ${o.agency ?? '?'})` : ''}`);
  return out;
}
