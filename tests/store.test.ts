import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCsv } from '../src/commands/export.js';
import { formatNumber, formulaSafe } from '../src/commands/csv.js';
import { DatabaseError } from '../src/findings.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import type { Db } from '../src/store/sqlite/db.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/store/migrations/index.js';
import { SqlStore } from '../src/store/sql-store.js';
import { SqliteClient } from '../src/store/sqlite/sqlite-client.js';
import { DocumentWriter } from '../src/store/sqlite/write-document.js';
import { cell, makeDocument, manyCells } from './helpers/documents.js';
import type { ProcessedDocument } from '../src/types.js';

let dir: string;
let db: Db;
const seen = (path: string) => ({ path, sizeBytes: 1234, mtimeMs: 1_700_000_000_000 });
const count = (table: string, where = '1') => (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
/** A database as an older ogi left it: the first `version` migrations applied, nothing after. */
function databaseAtSchema(path: string, version: number): Database.Database {
  const old = new Database(path);
  for (const m of MIGRATIONS.slice(0, version)) old.exec(m.sql);
  old.pragma(`user_version = ${version}`);
  return old;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ogi-store-'));
  db = openDatabase(join(dir, 'sub', 'ogi.sqlite'));
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the folder and schema, in WAL mode, with foreign keys and the schema version', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    MIGRATIONS.forEach((m, i) => expect(m.version).toBe(i + 1));
    const strict = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%STRICT%'`).all() as { name: string }[];
    expect(strict.map((t) => t.name).sort()).toEqual(['bodies', 'cell_slots', 'cell_values', 'corrections', 'document_paths', 'documents', 'findings_by_key', 'report_tables_by_key', 'reports', 'runs', 'sections_by_key']);
  });

  it('waits for another process that holds a new database in rollback mode while it turns it to WAL', async () => {
    // Two ingests starting at once on a database that does not exist yet: one holds the write lock of the new file
    // while the other asks for WAL, which SQLite answers with SQLITE_BUSY at once (a deadlock to it, so its busy
    // handler is not called) — the second ingest failed with "locked" after no wait at all.
    const file = join(dir, 'busy.sqlite');
    const holder = spawn(process.execPath, [
      '-e',
      `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)}); db.exec('CREATE TABLE t(x)');
       db.exec('BEGIN IMMEDIATE'); db.exec('INSERT INTO t VALUES (1)'); process.stdout.write('locked\\n');
       setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`,
    ], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const started = Date.now();
    const other = openDatabase(file, { lockTimeoutS: 10 });
    expect(Date.now() - started).toBeGreaterThan(200);
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
    await new Promise<void>((resolve) => (holder.exitCode !== null ? resolve() : holder.once('exit', () => resolve())));
  });

  it('refuses a database written by a newer ogi, with a message saying what to do', () => {
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(join(dir, 'sub', 'ogi.sqlite'))).toThrow(DatabaseError);
    expect(() => openDatabase(join(dir, 'sub', 'ogi.sqlite'))).toThrow(new RegExp(`newer version of ogi .*schema ${SCHEMA_VERSION + 1}.*Upgrade ogi`));
  });

  it('refuses a file that is not a database', () => {
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'this is not sqlite at all, just some text that is long enough to be a header'.repeat(20));
    expect(() => openDatabase(junk)).toThrow(/not a usable ogi database/);
  });

  it('runs a migration in a transaction: a failing migration leaves the schema version unchanged', () => {
    const fresh = new Database(join(dir, 'fresh.sqlite'));
    const broken = { version: 1, name: 'broken', sql: 'CREATE TABLE a (x INTEGER) STRICT; CREATE TABLE oops (' };
    expect(() =>
      fresh.transaction(() => {
        fresh.exec(broken.sql);
        fresh.pragma('user_version = 1');
      }).immediate(),
    ).toThrow();
    expect(fresh.pragma('user_version', { simple: true })).toBe(0);
    expect(fresh.prepare(`SELECT COUNT(*) AS n FROM sqlite_schema WHERE name = 'a'`).get()).toEqual({ n: 0 });
    fresh.close();
  });

  it('migration 3 moves the cells of an existing database to integer document keys, readable through the cells view', () => {
    // A database as ogi wrote it before migration 3: schema 2, cells keyed by the content hash.
    const path = join(dir, 'v2.sqlite');
    const old = databaseAtSchema(path, 2);
    const ids = ['a', 'b'].map((seed) => makeDocument(seed).id);
    for (const id of ids) {
      old.prepare(`INSERT INTO documents (id, path, file_name, size_bytes, status, pipeline_version, ingested_at) VALUES (?, ?, 'x.txt', 1, 'ok', 'v', 'now')`).run(id, `/r/${id}`);
      old.prepare(`INSERT INTO cells (document_id, "table", "row", col, value, raw, method, line) VALUES (?, 'sec3', 'new_received', 'total', ?, ?, 'position', 7)`).run(id, id === ids[0] ? 12 : 30, id === ids[0] ? '12' : '30');
    }
    old.close();
    const migrated = openDatabase(path);
    try {
      expect(migrated.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(migrated.prepare(`SELECT type FROM sqlite_schema WHERE name = 'cells'`).get()).toEqual({ type: 'view' });
      expect(migrated.prepare('SELECT document_id, value, raw, line FROM cells ORDER BY value').all()).toEqual([
        { document_id: ids[0], value: 12, raw: '12', line: 7 },
        { document_id: ids[1], value: 30, raw: '30', line: 7 },
      ]);
      const keys = migrated.prepare('SELECT key FROM documents ORDER BY key').all() as { key: number }[];
      expect(new Set(keys.map((k) => k.key)).size).toBe(2);
      // The views of migration 1 still read the cells through the view.
      expect(migrated.prepare('SELECT sec3_new_received AS v FROM report_summary WHERE document_id = ?').get(ids[1])).toEqual({ v: 30 });
      // A document stored after the migration takes a new key, and deleting a document removes its cells.
      new DocumentWriter(migrated).store(makeDocument('c'), seen('/r/c.txt'), { runId: null });
      expect(migrated.prepare('SELECT COUNT(DISTINCT key) AS n FROM documents').get()).toEqual({ n: 3 });
      migrated.prepare('DELETE FROM documents WHERE id = ?').run(ids[0]);
      expect(migrated.prepare('SELECT COUNT(*) AS n FROM cell_values').get()).toEqual({ n: 1 + 5 });
    } finally {
      migrated.close();
    }
  });

  it('migration 7 gives cells integer slots: the cells view reads what it read before, and a deleted document takes its cells along', () => {
    const path = join(dir, 'v6.sqlite');
    const old = databaseAtSchema(path, 6);
    const ids = ['a', 'b'].map((seed) => makeDocument(seed).id);
    ids.forEach((id, k) => {
      old.prepare(`INSERT INTO documents (id, key, path, file_name, size_bytes, status, pipeline_version, ingested_at) VALUES (?, ?, ?, 'x.pdf', 1, 'ok', 'v', 'now')`).run(id, k + 1, `/r/${id}`);
      const insert = old.prepare(
        `INSERT INTO cell_values (document_key, "table", "row", col, value, raw, unit, note, method, page, line, table_index, grid_row, grid_col, box, confidence, char_offset)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      insert.run(k + 1, 'sec3', 'new_received', 'total', 12 + k, '12', null, null, 'position', 2, 7, 1, 3, 8, '[1,2,3,4]', 0.91, null);
      insert.run(k + 1, 'sec3', 'granted', 'natural', null, null, null, 'note', 'blank', null, 8, null, null, null, null, null, 40);
      insert.run(k + 1, 'sec2_art20_8', 'fees', 'amount', 1.5, '1.5', '万元', null, 'position', null, 30, null, null, null, null, null, null);
    });
    const before = old.prepare('SELECT * FROM cells ORDER BY document_id, "table", "row", col').all();
    old.close();
    const migrated = openDatabase(path);
    try {
      expect(migrated.prepare('SELECT * FROM cells ORDER BY document_id, "table", "row", col').all()).toEqual(before);
      expect(migrated.prepare('SELECT COUNT(*) AS n FROM cell_slots').get()).toEqual({ n: 3 });
      expect(migrated.prepare(`SELECT COUNT(*) AS n FROM sqlite_schema WHERE name = 'cell_values_6'`).get()).toEqual({ n: 0 });
      expect(migrated.prepare('SELECT sec3_new_received AS v FROM report_summary WHERE document_id = ?').get(ids[1])).toEqual({ v: 13 });
      migrated.prepare('DELETE FROM documents WHERE id = ?').run(ids[0]);
      expect(migrated.prepare('SELECT COUNT(*) AS n FROM cell_values').get()).toEqual({ n: 3 });
      expect(migrated.prepare('SELECT COUNT(*) AS n FROM cells WHERE document_id = ?').get(ids[1])).toEqual({ n: 3 });
    } finally {
      migrated.close();
    }
  });

  it('migration 8 keys sections, tables and findings by the document key: the old tables read the same through views', () => {
    const path = join(dir, 'v7.sqlite');
    const old = databaseAtSchema(path, 7);
    const ids = ['a', 'b'].map((seed) => makeDocument(seed).id);
    ids.forEach((id, k) => {
      old.prepare(`INSERT INTO documents (id, key, path, file_name, size_bytes, status, pipeline_version, ingested_at) VALUES (?, ?, ?, 'x.txt', 1, 'findings', 'v', 'now')`).run(id, k + 1, `/r/${id}`);
      old.prepare(`INSERT INTO sections (document_id, position, key, heading, text, line, page) VALUES (?, 0, 'overview', '一、总体情况', ?, 3, NULL), (?, 1, 'requests', '三、收到和处理政府信息公开申请情况', '表', 9, 2)`).run(id, `概述${k}`, id);
      old.prepare(`INSERT INTO report_tables (document_id, "table", layout, page, line) VALUES (?, 'sec3', '2021', 2, 10)`).run(id);
      old.prepare(
        `INSERT INTO findings (document_id, position, rule, severity, message, "table", "row", col, actual, expected, page, line, char_offset)
         VALUES (?, 0, 'sum/row', 'error', 'row does not add up', 'sec3', 'total', 'total', '5', '6', 2, 11, 40), (?, 1, 'meta/date', 'warning', 'no date', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                (?, 2, 'sum/col', 'warning', 'a row of sec3', 'sec3', 'granted', NULL, NULL, NULL, NULL, NULL, NULL)`,
      ).run(id, id, id);
      // Cells for doubtful_cells: one a finding names by row and column, two by row only, one no finding names.
      for (const [slot, value] of [[1, 5], [2, 3], [3, 1], [4, 9]] as const) {
        old.prepare(`INSERT INTO cell_values (document_key, slot, value, raw, method, line) VALUES (?, ?, ?, ?, 'position', 12)`).run(k + 1, slot, value + k, String(value + k));
      }
    });
    old.exec(`INSERT INTO cell_slots (slot, "table", "row", col) VALUES (1, 'sec3', 'total', 'total'), (2, 'sec3', 'granted', 'natural'), (3, 'sec3', 'granted', 'total'), (4, 'sec4', 'review', 'total')`);
    const read = (db: Database.Database) => [
      ...['sections', 'report_tables', 'findings', 'document_findings'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY document_id, 2, 3`).all()),
      db.prepare('SELECT * FROM doubtful_cells ORDER BY document_id, "table", "row", col, rule').all(),
    ];
    const before = read(old);
    old.close();
    const migrated = openDatabase(path);
    try {
      expect(read(migrated)).toEqual(before);
      expect(before[4]).toHaveLength(6);
      for (const name of ['sections', 'report_tables', 'findings']) expect(migrated.prepare('SELECT type FROM sqlite_schema WHERE name = ?').get(name)).toEqual({ type: 'view' });
      expect(migrated.prepare('SELECT errors, warnings FROM report_summary WHERE document_id = ?').get(ids[1])).toEqual({ errors: 1, warnings: 2 });
      // A document stored after the migration: its rows under its key; a finding's id follows the copied ones.
      const doc = makeDocument('c');
      new DocumentWriter(migrated).store(doc, seen('/r/c.txt'), { runId: null });
      expect(migrated.prepare('SELECT COUNT(*) AS n FROM findings WHERE document_id = ?').get(doc.id)).toEqual({ n: doc.findings.length });
      expect((migrated.prepare('SELECT MIN(id) AS id FROM findings WHERE document_id = ?').get(doc.id) as { id: number }).id).toBeGreaterThan(6);
      // Deleting a document takes its keyed rows along (a trigger, as for cells).
      migrated.prepare('DELETE FROM documents WHERE id = ?').run(ids[0]);
      for (const table of ['sections_by_key', 'report_tables_by_key', 'findings_by_key']) {
        expect(migrated.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE document_key = 1`).get()).toEqual({ n: 0 });
        expect((migrated.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE document_key = 2`).get() as { n: number }).n).toBeGreaterThan(0);
      }
    } finally {
      migrated.close();
    }
  });

  it('an existing up-to-date database is opened without migrating again', () => {
    db.close();
    const again = openDatabase(join(dir, 'sub', 'ogi.sqlite'));
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
  });
});

describe('DocumentWriter', () => {
  it('stores every part of a document in its tables', async () => {
    const w = new DocumentWriter(db);
    const runId = await new SqlStore(new SqliteClient(db)).startRun('test', []);
    const doc = makeDocument('a');
    expect(w.store(doc, seen(doc.path), { runId })).toBe('stored');
    expect(count('documents')).toBe(1);
    expect(count('reports')).toBe(1);
    expect(count('sections')).toBe(2);
    expect(count('report_tables')).toBe(2);
    expect(count('cells')).toBe(5);
    expect(count('findings')).toBe(2);
    expect(count('document_paths')).toBe(1);
    const fee = db.prepare(`SELECT value, raw, unit, method, line FROM cells WHERE "table" = 'sec2_art20_8'`).get();
    expect(fee).toEqual({ value: 168.102, raw: '168.102', unit: '万元', method: 'position', line: 60 });
    expect(db.prepare(`SELECT value, method FROM cells WHERE "row" = 'new_received' AND col = 'legal'`).get()).toEqual({ value: null, method: 'blank' });
    expect(db.prepare('SELECT file_name, status, pipeline_version, run_id FROM documents').get()).toMatchObject({ file_name: 'a.txt', status: 'findings', run_id: runId });
  });

  it('keeps its savepoint journals in memory (on disk they were two write calls per page a document touched); readers keep the default', () => {
    expect(db.pragma('temp_store', { simple: true })).toBe(0);
    new DocumentWriter(db);
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
  });

  it('a document that fails to store takes the slots it added with it: the next document with the same new places stores its cells', () => {
    const w = new DocumentWriter(db);
    const newPlace = (seed: string, findings: ProcessedDocument['findings']) =>
      makeDocument(seed, { findings, tables: [{ table: 'sec3', layout: '2021', prov: {}, cells: [cell('sec3', 'brand_new_row', 'brand_new_col', 7)] }] });
    // Inside a caller's transaction (ingest's group commit): the failing document is rolled back to its savepoint.
    db.exec('BEGIN IMMEDIATE');
    const refused = newPlace('x', [{ rule: 'r', severity: 'bogus' as 'error', message: 'a severity the schema refuses' }]);
    expect(() => w.store(refused, seen('/r/x.txt'), { runId: null })).toThrow();
    expect(count('cell_slots', `"row" = 'brand_new_row'`)).toBe(0);
    const ok = newPlace('y', []);
    expect(w.store(ok, seen('/r/y.txt'), { runId: null })).toBe('stored');
    db.exec('COMMIT');
    expect(db.prepare(`SELECT value FROM cells WHERE document_id = ? AND "row" = 'brand_new_row'`).get(ok.id)).toEqual({ value: 7 });
  });

  it('stores cells from text (line only) and cells with a page, box and confidence alike', () => {
    const w = new DocumentWriter(db);
    const pdf = makeDocument('pdf', {
      format: 'pdf',
      tables: [{ table: 'sec3', layout: '2021', prov: { page: 2 }, cells: [cell('sec3', 'new_received', 'total', 9, { note: 'n', prov: { page: 2, line: 4, box: { x0: 1, y0: 2, x1: 3, y1: 4 }, confidence: 0.5, tableIndex: 0, gridRow: 3, gridCol: 7 } })] }],
    });
    const text = makeDocument('text', { tables: [{ table: 'sec3', layout: '2021', prov: {}, cells: [cell('sec3', 'new_received', 'total', 5, { prov: { line: 9, offset: 120 } })] }] });
    w.store(pdf, seen('/r/p.pdf'), { runId: null });
    w.store(text, seen('/r/t.txt'), { runId: null });
    const read = db.prepare(`SELECT value, note, page, line, table_index, grid_row, grid_col, box, confidence, char_offset FROM cells WHERE document_id = ?`);
    expect(read.get(pdf.id)).toEqual({ value: 9, note: 'n', page: 2, line: 4, table_index: 0, grid_row: 3, grid_col: 7, box: '[1,2,3,4]', confidence: 0.5, char_offset: null });
    expect(read.get(text.id)).toEqual({ value: 5, note: null, page: null, line: 9, table_index: null, grid_row: null, grid_col: null, box: null, confidence: null, char_offset: 120 });
  });

  it('writes many cells through the batched insert', () => {
    const w = new DocumentWriter(db);
    const doc = makeDocument('big', { tables: [{ table: 'sec3', layout: '2021', prov: {}, cells: manyCells(175) }] });
    w.store(doc, seen(doc.path), { runId: null });
    expect(count('cells')).toBe(175);
    expect(db.prepare(`SELECT value FROM cells WHERE "row" = 'r24' AND col = 'c6'`).get()).toEqual({ value: 174 });
  });

  it('re-storing with force replaces the rows of that document and leaves the others alone', () => {
    const w = new DocumentWriter(db);
    const a = makeDocument('a');
    const b = makeDocument('b');
    w.store(a, seen(a.path), { runId: null });
    w.store(b, seen(b.path), { runId: null });
    const a2 = makeDocument('a', { findings: [], status: 'ok', tables: [{ table: 'sec4', layout: '2021', prov: {}, cells: manyCells(3).map((c) => ({ ...c, table: 'sec4' })) }] });
    expect(w.store(a2, seen(a.path), { runId: null, force: true })).toBe('stored');
    expect(count('cells', `document_id = '${a.id}'`)).toBe(3);
    expect(count('findings', `document_id = '${a.id}'`)).toBe(0);
    expect(count('cells', `document_id = '${b.id}'`)).toBe(5);
    expect(db.prepare('SELECT status FROM documents WHERE id = ?').get(a.id)).toEqual({ status: 'ok' });
  });

  it('a re-stored document keeps its key, and its old cells are gone', () => {
    const w = new DocumentWriter(db);
    const a = makeDocument('a');
    w.store(a, seen(a.path), { runId: null });
    w.store(makeDocument('b'), seen('/r/b.txt'), { runId: null });
    const keyOf = (id: string) => (db.prepare('SELECT key FROM documents WHERE id = ?').get(id) as { key: number }).key;
    const before = keyOf(a.id);
    w.store(makeDocument('a', { tables: [] }), seen(a.path), { runId: null, force: true });
    expect(keyOf(a.id)).toBe(before);
    expect(count('cell_values', `document_key = ${before}`)).toBe(0);
    expect(keyOf(makeDocument('b').id)).not.toBe(before);
  });

  it('without force, the same content at another path is one document with both paths recorded', () => {
    const w = new DocumentWriter(db);
    const a = makeDocument('a');
    w.store(a, seen('/x/a.txt'), { runId: null });
    expect(w.store({ ...a, findings: [] }, seen('/y/copy of a.txt'), { runId: null })).toBe('duplicate');
    expect(count('documents')).toBe(1);
    expect(count('findings')).toBe(2);
    expect(db.prepare('SELECT path FROM document_paths ORDER BY path').all()).toEqual([{ path: '/x/a.txt' }, { path: '/y/copy of a.txt' }]);
  });

  it('within one run a duplicate is recorded once even with force', async () => {
    const w = new DocumentWriter(db);
    const runId = await new SqlStore(new SqliteClient(db)).startRun('test', []);
    const a = makeDocument('a');
    expect(w.store(a, seen('/x/a.txt'), { runId, force: true })).toBe('stored');
    expect(w.store(a, seen('/x/b.txt'), { runId, force: true })).toBe('duplicate');
    expect(count('document_paths')).toBe(2);
  });

  it('a path whose file now has other content moves to the new document; the old one, left without a path, is removed', () => {
    const w = new DocumentWriter(db);
    const old = makeDocument('old');
    w.store(old, seen('/r/report.txt'), { runId: null });
    const fresh = makeDocument('new');
    w.store(fresh, seen('/r/report.txt'), { runId: null });
    expect(db.prepare('SELECT id FROM documents').all()).toEqual([{ id: fresh.id }]);
    expect(count('cells', `document_id = '${old.id}'`)).toBe(0);
  });

  it('a failed write leaves nothing of the document behind (one transaction)', () => {
    const w = new DocumentWriter(db);
    const doc = makeDocument('dup-cells');
    const c = doc.tables[1]!.cells[0]!;
    doc.tables[1]!.cells.push({ ...c }); // same (table,row,col) twice violates the primary key
    expect(() => w.store(doc, seen(doc.path), { runId: null })).toThrow(/UNIQUE|PRIMARY/);
    for (const t of ['documents', 'reports', 'sections', 'cells', 'findings', 'document_paths']) expect(count(t)).toBe(0);
  });

  it('knownPath tells ingest what is stored for a path', () => {
    const w = new DocumentWriter(db);
    const a = makeDocument('a');
    w.store(a, seen('/x/a.txt'), { runId: null, pipelineVersion: 'k@9' });
    expect(w.knownPath('/x/a.txt')).toEqual({ documentId: a.id, sizeBytes: 1234, mtimeMs: 1_700_000_000_000, pipelineVersion: 'k@9', status: 'findings' });
    expect(w.knownPath('/x/other.txt')).toBeUndefined();
  });

  it('views give one row per report with the sec3 totals, and the inferred cells', () => {
    const w = new DocumentWriter(db);
    const a = makeDocument('a');
    w.store(a, seen(a.path), { runId: null });
    expect(db.prepare('SELECT document_id, agency, errors, warnings, sec3_new_received, sec3_granted FROM report_summary').get()).toEqual({
      document_id: a.id,
      agency: '某某县人民政府',
      errors: 1,
      warnings: 1,
      sec3_new_received: 12,
      sec3_granted: 3,
    });
    expect((db.prepare('SELECT "row", col, method FROM inferred_cells ORDER BY method').all() as unknown[]).length).toBe(2);
    expect(db.prepare('SELECT "row", col, rule FROM doubtful_cells').all()).toEqual([{ row: 'new_received', col: 'total', rule: 'sec3/row-sum' }]);
  });
});

describe('export', () => {
  const read = (file: string) => parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];

  it('traces a PDF figure to its page and box in cells.csv', async () => {
    const w = new DocumentWriter(db);
    const doc = makeDocument('pdf', {
      path: '/reports/pdf.pdf',
      format: 'pdf',
      tables: [
        {
          table: 'sec4',
          layout: '2021',
          prov: { page: 5 },
          cells: [cell('sec4', 'review', 'total', 5, { method: 'grid', prov: { page: 5, line: 88, box: { x0: 412.5, y0: 301, x1: 420, y1: 312.25 }, tableIndex: 2, gridRow: 3, gridCol: 4 } })],
        },
      ],
    });
    w.store(doc, seen('/reports/pdf.pdf'), { runId: null });
    db.close();
    const out = join(dir, 'csv');
    await exportCsv({ db: join(dir, 'sub', 'ogi.sqlite'), out, lockTimeoutS: 1, stdout: { write: () => true } as unknown as NodeJS.WritableStream });
    const [row] = read(join(out, 'cells.csv'));
    expect(row).toMatchObject({ page: '5', line: '88', box: '[412.5,301,420,312.25]', table_index: '2', grid_row: '3', grid_col: '4', method: 'grid' });
  });

  it('writes the three CSV files with a BOM, values as printed, blanks empty, formulas made inert', async () => {
    const w = new DocumentWriter(db);
    const a = makeDocument('a', { path: '/reports/=evil.txt' });
    w.store(a, seen('/reports/=evil.txt'), { runId: null });
    db.close();
    const out = join(dir, 'csv');
    await exportCsv({ db: join(dir, 'sub', 'ogi.sqlite'), out, lockTimeoutS: 1, stdout: { write: () => true } as unknown as NodeJS.WritableStream });
    for (const f of ['cells.csv', 'reports.csv', 'findings.csv']) expect(readFileSync(join(out, f)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const cells = read(join(out, 'cells.csv'));
    expect(cells).toHaveLength(5);
    expect(Object.keys(cells[0]!)).toEqual(expect.arrayContaining(['document_id', 'path', 'file', 'agency', 'year', 'layout', 'table', 'row', 'col', 'value', 'raw', 'unit', 'page', 'line', 'method']));
    const fee = cells.find((c) => c.table === 'sec2_art20_8')!;
    expect(fee).toMatchObject({ value: '168.102', unit: '万元', file: "'=evil.txt", path: '/reports/=evil.txt', year: '2021' });
    expect(cells.find((c) => c.col === 'natural')!.value).toBe('12');
    expect(cells.find((c) => c.col === 'legal')!.value).toBe('');
    const reports = read(join(out, 'reports.csv'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ status: 'findings', errors: '1', warnings: '1', 'sec3.new_received.total': '12', 'sec3.new_received.legal': '', 'sec2_art20_8.fees.amount': '168.102' });
    expect(Object.keys(reports[0]!)).toContain('sec3.carried_forward.total');
    const findings = read(join(out, 'findings.csv'));
    expect(findings[0]).toMatchObject({ rule: 'sec3/row-sum', message: "'=SUM(A1) 自然人 + … ≠ 总计", table: 'sec3', row: 'new_received', col: 'total', actual: '12', expected: '13', line: '61' });
  });

  it('never writes through a symlink planted in --out', async () => {
    db.close();
    const out = join(dir, 'csv');
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'precious');
    await exportCsv({ db: join(dir, 'sub', 'ogi.sqlite'), out, lockTimeoutS: 1, stdout: { write: () => true } as unknown as NodeJS.WritableStream });
    rmSync(join(out, 'cells.csv'));
    symlinkSync(outside, join(out, 'cells.csv'));
    await exportCsv({ db: join(dir, 'sub', 'ogi.sqlite'), out, lockTimeoutS: 1, stdout: { write: () => true } as unknown as NodeJS.WritableStream });
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(lstatSync(join(out, 'cells.csv')).isSymbolicLink()).toBe(false);
  });

  it('formats numbers as printed and escapes every formula prefix', () => {
    expect([3, 3.2, 168.102, 24252.311082, -0, 75394432.52].map(formatNumber)).toEqual(['3', '3.2', '168.102', '24252.311082', '0', '75394432.52']);
    expect(['=1+2', '+1', '-3', '@SUM', 'ok', '12'].map(formulaSafe)).toEqual(["'=1+2", "'+1", "'-3", "'@SUM", 'ok', '12']);
  });
});

describe('cross_year_checks view (soft rules across two reports of one body)', () => {
  const report = (seed: string, year: number, carriedOver: number, carriedForward: number, inForce: number) =>
    makeDocument(seed, {
      path: `/reports/${seed}.txt`,
      meta: { agency: '某某县人民政府', year, layout: '2021', publishedDate: null, title: null },
      tables: [
        {
          table: 'sec3',
          layout: '2021',
          prov: {},
          cells: [cell('sec3', 'carried_over', 'total', carriedOver), cell('sec3', 'carried_forward', 'total', carriedForward)],
        },
        {
          table: 'sec2_art20_1',
          layout: '2021',
          prov: {},
          cells: [cell('sec2_art20_1', 'normative', 'issued', 5), cell('sec2_art20_1', 'normative', 'repealed', 1), cell('sec2_art20_1', 'normative', 'in_force', inForce)],
        },
      ],
    });

  it('reports a carry-over and an in-force count that do not follow from last year', () => {
    const w = new DocumentWriter(db);
    w.store(report('y2021', 2021, 0, 3, 40), seen('/reports/y2021.txt'), { runId: null });
    w.store(report('y2022', 2022, 2, 0, 40), seen('/reports/y2022.txt'), { runId: null });
    const rows = db.prepare('SELECT rule, year, previous_value, value FROM cross_year_checks ORDER BY rule').all();
    expect(rows).toEqual([
      { rule: 'carry-over', year: 2022, previous_value: 3, value: 2 },
      { rule: 'in-force', year: 2022, previous_value: 44, value: 40 },
    ]);
  });

  it('is empty when the years agree', () => {
    const w = new DocumentWriter(db);
    w.store(report('y2021', 2021, 0, 3, 40), seen('/reports/y2021.txt'), { runId: null });
    w.store(report('y2022', 2022, 3, 0, 44), seen('/reports/y2022.txt'), { runId: null });
    expect(db.prepare('SELECT * FROM cross_year_checks').all()).toEqual([]);
  });
});
