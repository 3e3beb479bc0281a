/**
 * One store interface, two implementations, one suite: every test below runs against the SQLite file and
 * against a real PostgreSQL server (started for the run in a temporary folder). Same schema and
 * migrations, same views, a newer schema refused, one transaction per document (complete or absent),
 * re-storing replaces, the same bytes stored once, corrections kept and marked stale.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../src/findings.js';
import Pg from 'pg';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/store/migrations/index.js';
import { openStore } from '../src/store/open.js';
import type { SqlStore } from '../src/store/sql-store.js';
import { UnknownCellError } from '../src/store/store.js';
import { divisionIndex } from '../src/region/divisions.js';
import { linkRegion } from '../src/stages/region.js';
import { cell, makeDocument } from './helpers/documents.js';
import { servicesAvailable, startPostgres } from './helpers/services.js';
import type { Service } from './helpers/services.js';

let pg: (Service & { createDatabase(name: string): string }) | null = null;
let databases = 0;

beforeAll(async () => {
  if (servicesAvailable) pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

const engines: { name: string; fresh: () => string; skip: boolean }[] = [
  { name: 'SQLite', fresh: () => join(mkdtempSync(join(tmpdir(), 'ogi-contract-')), 'ogi.sqlite'), skip: false },
  { name: 'PostgreSQL', fresh: () => pg!.createDatabase(`contract${++databases}`), skip: !servicesAvailable },
];

const seen = (path: string) => ({ path, sizeBytes: 1234, mtimeMs: 1_700_000_000_000 });
const count = async (s: SqlStore, table: string, where = '1 = 1', params: (string | number)[] = []) =>
  (await s.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params))!.n;

describe.each(engines)('store contract: $name', ({ fresh, skip }) => {
  let db: string;
  let store: SqlStore;

  const open = async () => {
    db = fresh();
    store = await openStore(db);
    return store;
  };

  it.skipIf(skip)('creates the schema of every migration, with the analysts\' views, and refuses a newer one', async () => {
    const s = await open();
    const version =
      s.sql.dialect === 'postgres' ? (await s.sql.get<{ version: number }>('SELECT version FROM ogi_schema'))!.version : ((await s.sql.get<{ user_version: number }>('PRAGMA user_version'))!.user_version);
    expect(version).toBe(SCHEMA_VERSION);
    for (const view of ['cells', 'report_summary', 'document_findings', 'report_cells', 'inferred_cells', 'doubtful_cells', 'failed_documents', 'cross_year_checks', 'current_corrections', 'corrected_cells', 'reports_by_region']) {
      expect(await s.sql.all(`SELECT * FROM ${view} LIMIT 1`)).toEqual([]);
    }
    if (s.sql.dialect === 'postgres') await s.sql.run('UPDATE ogi_schema SET version = ?', [SCHEMA_VERSION + 1]);
    else await s.sql.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await s.close();
    await expect(openStore(db)).rejects.toThrow(DatabaseError);
    await expect(openStore(db)).rejects.toThrow(/newer version of ogi/);
  });

  it.skipIf(skip)('stores every part of a document in one transaction and reads it back the same', async () => {
    const s = await open();
    const runId = await s.startRun('test', []);
    const doc = makeDocument('a');
    expect(await s.storeDocument(doc, seen(doc.path), { runId })).toBe('stored');
    expect(await count(s, 'documents')).toBe(1);
    expect(await count(s, 'cells')).toBe(5);
    const back = (await s.getDocument(doc.id))!;
    expect(back.document).toMatchObject({ id: doc.id, path: doc.path, status: 'findings', agency: '某某县人民政府', year: 2021 });
    expect(back.tables.flatMap((t) => t.cells).map((c) => [c.table, c.row, c.col, c.value, c.method]).sort()).toEqual(
      doc.tables.flatMap((t) => t.cells).map((c) => [c.table, c.row, c.col, c.value, c.method]).sort(),
    );
    expect(back.findings.map((f) => f.rule)).toEqual(doc.findings.map((f) => f.rule));
    expect(back.sections.map((x) => x.key)).toEqual(['overview', 'requests']);
    expect((await s.sql.get<{ sec3_new_received: number }>('SELECT sec3_new_received FROM report_summary'))!.sec3_new_received).toBe(12);
    await s.close();
  });

  it.skipIf(skip)('keeps a document complete or absent: a write that fails leaves nothing of it', async () => {
    const s = await open();
    const ok = makeDocument('good');
    await s.storeDocument(ok, seen(ok.path), { runId: null });
    // A finding of a severity the schema does not know fails its INSERT, after the document's other rows.
    const bad = makeDocument('bad', { findings: [{ rule: 'x', severity: 'fatal' as 'error', message: 'm' }] });
    await expect(s.storeDocument(bad, seen(bad.path), { runId: null })).rejects.toThrow();
    expect(await count(s, 'documents', 'id = ?', [bad.id])).toBe(0);
    expect(await count(s, 'cells', 'document_id = ?', [bad.id])).toBe(0);
    expect(await count(s, 'document_paths', 'document_id = ?', [bad.id])).toBe(0);
    expect(await count(s, 'documents')).toBe(1);
    await s.close();
  });

  it.skipIf(skip)('replaces a document stored again, and stores the same bytes under another path once', async () => {
    const s = await open();
    const doc = makeDocument('a');
    const [r1, r2, r3] = [await s.startRun('t', []), await s.startRun('t', []), await s.startRun('t', [])];
    await s.storeDocument(doc, seen('/x/a.txt'), { runId: r1 });
    const key = (await s.sql.get<{ key: number }>('SELECT key FROM documents'))!.key;
    const changed = makeDocument('a', { tables: [{ table: 'sec3', layout: '2021', prov: {}, cells: [cell('sec3', 'new_received', 'total', 7)] }] });
    expect(await s.storeDocument(changed, seen('/x/a.txt'), { runId: r2, force: true })).toBe('stored');
    expect(await count(s, 'cells')).toBe(1);
    expect((await s.sql.get<{ key: number }>('SELECT key FROM documents'))!.key).toBe(key);
    expect(await s.storeDocument(changed, seen('/y/copy of a.txt'), { runId: r3 })).toBe('duplicate');
    expect(await count(s, 'documents')).toBe(1);
    expect((await s.sql.all<{ path: string }>('SELECT path FROM document_paths ORDER BY path')).map((r) => r.path)).toEqual(['/x/a.txt', '/y/copy of a.txt']);
    expect(await s.knownPath('/x/a.txt')).toMatchObject({ documentId: doc.id, sizeBytes: 1234 });
    await s.close();
  });

  it.skipIf(skip)('records corrections, applies them in the views, keeps them on re-store and marks stale those whose cell changed', async () => {
    const s = await open();
    const doc = makeDocument('c');
    const [r1, r2, r3] = [await s.startRun('t', []), await s.startRun('t', []), await s.startRun('t', [])];
    await s.storeDocument(doc, seen(doc.path), { runId: r1 });
    await expect(s.addCorrection({ documentId: doc.id, table: 'sec3', row: 'nope', col: 'total', action: 'set', value: 1, reason: 'r', reviewer: 't' })).rejects.toThrow(UnknownCellError);
    const k = await s.addCorrection({ documentId: doc.id, table: 'sec3', row: 'new_received', col: 'total', action: 'set', value: 13, reason: 'misprinted', reviewer: '张三' });
    expect(k).toMatchObject({ value: 13, extractedValue: 12, status: 'active', reviewer: '张三' });
    expect(await s.sql.get('SELECT value, extracted_value, method FROM corrected_cells WHERE document_id = ? AND "row" = ? AND col = ?', [doc.id, 'new_received', 'total'])).toEqual({
      value: 13,
      extracted_value: 12,
      method: 'corrected',
    });
    await s.storeDocument(doc, seen(doc.path), { runId: r2, force: true });
    expect(await s.correctionCounts(doc.id)).toEqual({ active: 1, stale: 0 });
    const reread = makeDocument('c', { tables: [{ table: 'sec3', layout: '2021', prov: {}, cells: [cell('sec3', 'new_received', 'total', 14)] }] });
    await s.storeDocument(reread, seen(doc.path), { runId: r3, force: true });
    expect(await s.correctionCounts(doc.id)).toEqual({ active: 0, stale: 1 });
    await s.close();
  });

  it.skipIf(skip)('lists, filters, sorts and summarises the collection', async () => {
    const s = await open();
    for (const [seed, year, status] of [['p', 2020, 'ok'], ['q', 2021, 'findings'], ['r', 2022, 'failed']] as const) {
      const d = makeDocument(seed, { status, meta: { agency: `${seed}县人民政府`, year, layout: '2021', publishedDate: null, title: null, publisher: null, sourceUrl: null } });
      await s.storeDocument(d, seen(d.path), { runId: null });
    }
    const all = await s.listDocuments({});
    expect(all.total).toBe(3);
    expect((await s.listDocuments({ status: 'failed' })).documents.map((d) => d.agency)).toEqual(['r县人民政府']);
    expect((await s.listDocuments({ q: 'q县' })).documents).toHaveLength(1);
    expect((await s.listDocuments({ sort: 'year', descending: true })).documents.map((d) => d.year)).toEqual([2022, 2021, 2020]);
    expect((await s.listDocuments({ pageSize: 2, page: 2 })).documents).toHaveLength(1);
    const summary = await s.summary();
    expect(summary.documents).toBe(3);
    expect(summary.facets.years).toEqual([2020, 2021, 2022]);
    expect((await s.bodyYears('q县人民政府')).map((y) => y.document.year)).toEqual([2021]);
    await s.close();
  });

  it.skipIf(skip)('keeps one body across years under two printed names: bodies, reports_by_region, cross_year_checks, years compared', async () => {
    const s = await open();
    const report = (seed: string, agency: string, year: number, carriedOver: number, carriedForward: number) => {
      const region = linkRegion({ agency, title: null, publisher: null, text: () => '' }, divisionIndex()).region;
      return makeDocument(seed, {
        meta: { agency, year, layout: '2021', publishedDate: null, title: null, publisher: null, sourceUrl: null, region },
        tables: [{ table: 'sec3', layout: '2021', prov: {}, cells: [cell('sec3', 'carried_over', 'total', carriedOver), cell('sec3', 'carried_forward', 'total', carriedForward)] }],
      });
    };
    for (const d of [report('h22', '洪泽区人民政府', 2022, 0, 3), report('h23', '淮安市洪泽区人民政府', 2023, 2, 0)]) await s.storeDocument(d, seen(d.path), { runId: null });
    expect(await s.sql.all('SELECT id, name, region_code, region_level, province, city, county, township FROM bodies')).toEqual([
      { id: '320813', name: '江苏省淮安市洪泽区人民政府', region_code: '320813', region_level: 'county', province: '江苏省', city: '淮安市', county: '洪泽区', township: null },
    ]);
    expect(await s.sql.all('SELECT agency, year, body_id, region_code FROM reports_by_region ORDER BY year')).toEqual([
      { agency: '洪泽区人民政府', year: 2022, body_id: '320813', region_code: '320813' },
      { agency: '淮安市洪泽区人民政府', year: 2023, body_id: '320813', region_code: '320813' },
    ]);
    expect(await s.sql.all('SELECT rule, agency, previous_agency, year, body_id, previous_value, value FROM cross_year_checks')).toEqual([
      { rule: 'carry-over', agency: '淮安市洪泽区人民政府', previous_agency: '洪泽区人民政府', year: 2023, body_id: '320813', previous_value: 3, value: 2 },
    ]);
    expect((await s.bodyYears('洪泽区人民政府')).map((y) => y.document.year)).toEqual([2022, 2023]);
    await s.close();
  });
});

describe('PostgreSQL migration 8', () => {
  it.skipIf(!servicesAvailable)('keys sections, tables and findings by the document key: the old tables read the same through views, new findings ids follow the old', async () => {
    const url = pg!.createDatabase(`migrate8_${++databases}`);
    const conn = new Pg.Client({ connectionString: url });
    await conn.connect();
    const ids = ['a', 'b'].map((seed) => makeDocument(seed).id);
    const DOUBTFUL = 'SELECT * FROM doubtful_cells ORDER BY document_id, "table", "row", col, rule';
    const read = async () => {
      const out: unknown[] = [];
      for (const t of ['sections', 'report_tables', 'findings', 'document_findings']) out.push((await conn.query(`SELECT * FROM ${t} ORDER BY document_id, 2, 3`)).rows);
      out.push((await conn.query(DOUBTFUL)).rows);
      return out;
    };
    let before: unknown[];
    try {
      // A database as ogi left it at schema 7.
      await conn.query(`CREATE TABLE ogi_schema (version BIGINT NOT NULL, store_id TEXT NOT NULL DEFAULT md5(random()::text)); INSERT INTO ogi_schema (version) VALUES (7)`);
      for (const m of MIGRATIONS.slice(0, 7)) await conn.query(m.postgres);
      // Slots 1 to 4, given by the identity as ogi's writers have them given.
      await conn.query(`INSERT INTO cell_slots ("table", "row", col) VALUES ('sec3', 'total', 'total'), ('sec3', 'granted', 'natural'), ('sec3', 'granted', 'total'), ('sec4', 'review', 'total')`);
      for (const [k, id] of ids.entries()) {
        await conn.query(`INSERT INTO documents (id, key, path, file_name, size_bytes, status, pipeline_version, ingested_at) VALUES ($1, nextval('documents_key_seq'), $2, 'x.txt', 1, 'findings', 'v', 'now')`, [id, `/r/${id}`]);
        await conn.query(`INSERT INTO sections (document_id, position, key, heading, text, line, page) VALUES ($1, 0, 'overview', '一、总体情况', $2, 3, NULL), ($1, 1, 'requests', '三、收到和处理政府信息公开申请情况', '表', 9, 2)`, [id, `概述${k}`]);
        await conn.query(`INSERT INTO report_tables (document_id, "table", layout, page, line) VALUES ($1, 'sec3', '2021', 2, 10)`, [id]);
        await conn.query(
          `INSERT INTO findings (document_id, position, rule, severity, message, "table", "row", col, actual, expected, page, line, char_offset)
           VALUES ($1, 0, 'sum/row', 'error', 'row does not add up', 'sec3', 'total', 'total', '5', '6', 2, 11, 40), ($1, 1, 'meta/date', 'warning', 'no date', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                  ($1, 2, 'sum/col', 'warning', 'a row of sec3', 'sec3', 'granted', NULL, NULL, NULL, NULL, NULL, NULL)`,
          [id],
        );
        // Cells for doubtful_cells: one a finding names by row and column, two by row only, one no finding names.
        for (const [slot, value] of [[1, 5], [2, 3], [3, 1], [4, 9]] as const) {
          await conn.query(`INSERT INTO cell_values (document_key, slot, value, raw, method, line) SELECT key, $2, $3, $4, 'position', 12 FROM documents WHERE id = $1`, [id, slot, value + k, String(value + k)]);
        }
      }
      before = await read();
    } finally {
      await conn.end();
    }
    const store = await openStore(url);
    try {
      expect(await store.sql.all(`SELECT table_name AS name FROM information_schema.views WHERE table_name IN ('sections', 'report_tables', 'findings', 'report_summary', 'doubtful_cells') ORDER BY 1`)).toEqual(
        ['doubtful_cells', 'findings', 'report_summary', 'report_tables', 'sections'].map((name) => ({ name })),
      );
      const again = new Pg.Client({ connectionString: url });
      await again.connect();
      try {
        const after: unknown[] = [];
        for (const t of ['sections', 'report_tables', 'findings', 'document_findings']) after.push((await again.query(`SELECT * FROM ${t} ORDER BY document_id, 2, 3`)).rows);
        after.push((await again.query(DOUBTFUL)).rows);
        expect(after).toEqual(before);
        expect(before[4]).toHaveLength(6);
      } finally {
        await again.end();
      }
      expect(await store.sql.get<{ errors: number | string; warnings: number | string }>('SELECT errors, warnings FROM report_summary WHERE document_id = ?', [ids[1]]).then((r) => [Number(r!.errors), Number(r!.warnings)])).toEqual([1, 2]);
      const doc = makeDocument('c');
      await store.storeDocument(doc, seen(doc.path), { runId: null });
      const first = await store.sql.get<{ id: number | string }>('SELECT MIN(id) AS id FROM findings WHERE document_id = ?', [doc.id]);
      expect(Number(first!.id)).toBeGreaterThan(6);
      await store.sql.run('DELETE FROM documents WHERE id = ?', [ids[0]]);
      expect(Number((await store.sql.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM findings_by_key WHERE document_key = 1'))!.n)).toBe(0);
      expect(Number((await store.sql.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM sections_by_key WHERE document_key = 2'))!.n)).toBe(2);
    } finally {
      await store.close();
    }
  });
});
