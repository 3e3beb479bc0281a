/**
 * `ogi serve` at the HTTP level: every page and endpoint, their errors, the security rules (escaping, no
 * path from a request, JSON-only same-origin writes, size limit), and the loop a reviewer closes —
 * correct a figure, see the finding resolved, export the corrected value, re-extract and keep it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../src/commands/serve.js';
import { assertBuilt, runCli } from './helpers/cli.js';
import { defaultSec3, reportText } from './helpers/report.js';
import { HOSTILE_TITLE, makeReviewFixture } from './helpers/review.js';
import type { ReviewFixture } from './helpers/review.js';

let fx: ReviewFixture;
let base: string;
let close: () => Promise<void>;

interface Listed {
  id: string;
  file: string;
  agency: string | null;
  year: number | null;
  layout: string | null;
  format: string | null;
  status: string;
  errors: number;
  warnings: number;
}

const json = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const r = await fetch(base + path);
  return { status: r.status, body: (await r.json()) as T };
};
const idOf = async (file: string): Promise<string> => {
  const { body } = await json<{ documents: Listed[] }>(`/api/documents?q=${encodeURIComponent(file)}`);
  const hit = body.documents.find((d) => d.file === file);
  if (!hit) throw new Error(`no ${file}`);
  return hit.id;
};
const post = (id: string, body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  fetch(`${base}/api/documents/${id}/corrections`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

beforeAll(async () => {
  assertBuilt();
  fx = makeReviewFixture();
  const s = await serve({ db: fx.db, host: '127.0.0.1', port: 0, open: false, reviewer: 'tester', lockTimeoutS: 5, stdout: { write: () => true } as unknown as NodeJS.WritableStream });
  base = s.url.replace(/\/$/, '');
  close = s.close;
}, 120_000);

afterAll(async () => {
  await close?.();
});

describe('collection', () => {
  it('lists every document with its counts, and filters, sorts and pages them', async () => {
    const all = await json<{ total: number; documents: Listed[] }>('/api/documents');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(4);
    expect(Object.keys(all.body.documents[0]!).sort()).toEqual(['agency', 'errors', 'file', 'format', 'id', 'layout', 'path', 'status', 'warnings', 'year'].sort());
    const broken = all.body.documents.find((d) => d.file === 'broken.txt')!;
    expect(broken).toMatchObject({ status: 'findings', year: 2021, layout: '2021', format: 'text' });
    expect(broken.errors).toBeGreaterThan(0);
    expect((await json<{ total: number }>('/api/documents?status=ok')).body.total).toBe(all.body.documents.filter((d) => d.status === 'ok').length);
    expect((await json<{ documents: Listed[] }>('/api/documents?q=flagged')).body.documents.map((d) => d.file)).toEqual(['flagged.pdf']);
    expect((await json<{ total: number }>('/api/documents?year=1999')).body.total).toBe(0);
    const byErrors = await json<{ documents: Listed[] }>('/api/documents?sort=errors&order=desc');
    expect(byErrors.body.documents[0]!.errors).toBe(Math.max(...all.body.documents.map((d) => d.errors)));
    expect((await json<{ documents: Listed[] }>('/api/documents?page=2')).body.documents).toEqual([]);
  });

  it('renders the collection page with the summary band and the filters applied', async () => {
    const r = await fetch(`${base}/?errors=1`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await r.text();
    expect(html).toContain('按规则的问题 findings by rule');
    expect(html).toContain('broken.txt');
    expect(html).not.toContain('000_e7764d80f1cd94c2.txt'); // no errors: filtered out
  });
});

describe('document', () => {
  it('returns the document, its tables with every cell and provenance, findings and corrections', async () => {
    const id = await idOf('flagged.pdf');
    const { status, body } = await json<{ document: { id: string; format: string }; tables: { table: string; cells: { row: string; col: string; page: number; box: number[] | null; method: string }[] }[]; findings: { rule: string; resolved: boolean }[]; corrections: unknown[] }>(
      `/api/documents/${id}`,
    );
    expect(status).toBe(200);
    expect(body.document).toMatchObject({ id, format: 'pdf' });
    const cell = body.tables.find((t) => t.table === 'sec3')!.cells.find((c) => c.row === 'granted' && c.col === 'total')!;
    expect(cell.page).toBeGreaterThan(0);
    expect(cell.box).toHaveLength(4);
    expect(body.findings.some((f) => f.rule === 'sec3/row-sum' && !f.resolved)).toBe(true);
    expect(body.corrections).toEqual([]);
  });

  it('renders a PDF page as PNG, and the document page with the cells boxed on it', async () => {
    const id = await idOf('flagged.pdf');
    const png = await fetch(`${base}/documents/${id}/pages/1.png`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    expect((await fetch(`${base}/documents/${id}/pages/999.png`)).status).toBe(404);
    const html = await (await fetch(`${base}/documents/${id}`)).text();
    expect(html).toMatch(/class="box [^"]*" data-cell="sec3\|granted\|total"/);
    expect(html).toContain('<td class="v m-');
  });

  it('shows a text document beside its source lines', async () => {
    const id = await idOf('broken.txt');
    const html = await (await fetch(`${base}/documents/${id}`)).text();
    expect(html).toMatch(/<div class="src-line" id="L\d+"/);
    expect((await fetch(`${base}/documents/${id}/pages/1.png`)).status).toBe(404); // not a PDF
  });

  it('answers 404 for an unknown document, page or path — and never reads a path from the request', async () => {
    expect((await fetch(`${base}/api/documents/deadbeef`)).status).toBe(404);
    expect((await fetch(`${base}/documents/deadbeef`)).status).toBe(404);
    expect((await fetch(`${base}/documents/..%2F..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${base}/documents/x/pages/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'PUT' })).status).toBe(405);
  });

  it('escapes every text that comes from a report', async () => {
    const id = await idOf('hostile.txt');
    for (const path of [`/documents/${id}`, '/?q=hostile']) {
      const html = await (await fetch(base + path)).text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const agency = (await json<{ documents: Listed[] }>(`/api/documents?q=hostile`)).body.documents[0]!.agency!;
    const compare = await (await fetch(`${base}/agencies/${encodeURIComponent(agency)}`)).text();
    expect(compare).not.toContain('<script>alert(1)');
    expect(HOSTILE_TITLE).toContain('<script>');
  });
});

describe('corrections', () => {
  it('refuses bad bodies with a message, unknown documents, other content types and other origins', async () => {
    const id = await idOf('broken.txt');
    const ok = { table: 'sec3', row: 'granted', col: 'total', value: 3, reason: 'the row sums to 3' };
    const message = async (r: Response) => ((await r.json()) as { error: string }).error;
    let r = await post(id, { ...ok, col: 'nonsense' });
    expect(r.status).toBe(400);
    expect(await message(r)).toMatch(/no cell sec3\.granted\.nonsense/);
    r = await post(id, { ...ok, value: '3' });
    expect(r.status).toBe(400);
    expect(await message(r)).toMatch(/"value" must be a number/);
    r = await post(id, { ...ok, reason: '  ' });
    expect(r.status).toBe(400);
    expect(await message(r)).toMatch(/"reason" is required/);
    expect((await post(id, '{not json')).status).toBe(400);
    expect((await post('deadbeef', ok)).status).toBe(404);
    expect((await post(id, 'table=sec3', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post(id, ok, { 'Content-Type': 'application/json', Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(id, ok, { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await post(id, { ...ok, reason: 'x'.repeat(20_000) })).status).toBe(413);
    expect((await json<{ corrections: unknown[] }>(`/api/documents/${id}`)).body.corrections).toEqual([]);
  });

  it('records a correction without touching the extracted cell, and re-checks the document with it', async () => {
    const id = await idOf('broken.txt');
    const before = await json<{ findings: { rule: string; row?: string; resolved: boolean }[] }>(`/api/documents/${id}`);
    expect(before.body.findings.filter((f) => f.rule === 'sec3/row-sum' && f.row === 'granted' && !f.resolved)).toHaveLength(1);
    const r = await post(id, { table: 'sec3', row: 'granted', col: 'total', value: 3, reason: '3 + 0 + … = 3: the 总计 is misprinted', reviewer: '李四' });
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ table: 'sec3', row: 'granted', col: 'total', action: 'set', value: 3, extractedValue: 4, reviewer: '李四', status: 'active' });
    const after = await json<{ tables: { table: string; cells: { row: string; col: string; value: number; method: string; corrected: { extractedValue: number } | null }[] }[]; findings: { rule: string; row?: string; resolved: boolean }[]; addedFindings: unknown[] }>(
      `/api/documents/${id}`,
    );
    const cell = after.body.tables.find((t) => t.table === 'sec3')!.cells.find((c) => c.row === 'granted' && c.col === 'total')!;
    expect(cell).toMatchObject({ value: 3, method: 'corrected', corrected: { extractedValue: 4 } });
    expect(after.body.findings.filter((f) => f.rule.startsWith('sec3/')).every((f) => f.resolved)).toBe(true);
    expect(after.body.addedFindings).toEqual([]);
    // The stored cell is as extracted.
    const page = await (await fetch(`${base}/documents/${id}`)).text();
    expect(page).toContain('m-corrected');
    expect(page).toContain('3 + 0 + … = 3: the 总计 is misprinted');
  });

  it('shows a correction that breaks an identity as a new finding', async () => {
    const id = await idOf('000_e7764d80f1cd94c2.txt');
    expect((await post(id, { table: 'sec4', row: 'review', col: 'total', value: 99, reason: 'test: a wrong correction' })).status).toBe(201);
    const { body } = await json<{ addedFindings: { rule: string; row: string }[] }>(`/api/documents/${id}`);
    expect(body.addedFindings).toContainEqual(expect.objectContaining({ rule: 'sec4/row-sum', row: 'review' }));
  });

  it('exports the corrected value with the extracted one beside it, resolved findings, and every correction', () => {
    const out = join(fx.dir, 'export');
    expect(runCli(['export', '--db', fx.db, '--out', out]).code).toBe(0);
    const read = (f: string) => parse(readFileSync(join(out, f)), { bom: true, columns: true }) as Record<string, string>[];
    const cell = read('cells.csv').find((c) => c.file === 'broken.txt' && c.table === 'sec3' && c.row === 'granted' && c.col === 'total');
    expect(cell).toMatchObject({ value: '3', method: 'corrected', extracted_value: '4' });
    const untouched = read('cells.csv').find((c) => c.file === 'broken.txt' && c.table === 'sec3' && c.row === 'granted' && c.col === 'natural');
    expect(untouched).toMatchObject({ value: '3', extracted_value: '' });
    expect(read('reports.csv').find((r) => r.file === 'broken.txt')!['sec3.granted.total']).toBe('3');
    const findings = read('findings.csv').filter((f) => f.file === 'broken.txt' && f.rule === 'sec3/row-sum');
    expect(findings.map((f) => f.resolved)).toEqual(['true']);
    expect(read('findings.csv').some((f) => f.message.startsWith('after corrections: ') && f.rule === 'sec4/row-sum')).toBe(true);
    expect(read('corrections.csv').map((c) => [c.file, c.table, c.row, c.col, c.value, c.extracted_value, c.status])).toEqual([
      ['000_e7764d80f1cd94c2.txt', 'sec4', 'review', 'total', '99', expect.any(String), 'active'],
      ['broken.txt', 'sec3', 'granted', 'total', '3', '4', 'active'],
    ]);
  });

  it('keeps corrections across ogi rerun, and marks stale those whose cell was re-extracted otherwise', async () => {
    let r = runCli(['rerun', fx.files.broken, '--db', fx.db]);
    expect(r.stdout).toMatch(/corrections: 1 still apply, 0 stale/);
    const id = await idOf('broken.txt');
    expect((await json<{ corrections: { status: string }[] }>(`/api/documents/${id}`)).body.corrections.map((c) => c.status)).toEqual(['active']);
    // The file now prints another 总计 for 予以公开: the correction no longer replaces what is there.
    const sec3 = defaultSec3();
    sec3.set('granted', '3\t0\t0\t0\t0\t0\t5');
    writeFileSync(fx.files.broken, reportText({ sec3 }));
    r = runCli(['rerun', fx.files.broken, '--db', fx.db]);
    expect(r.stdout).toMatch(/corrections: 0 still apply, 1 stale/);
    expect(r.stdout).toMatch(/Corrections: 0 still apply, 1 stale/);
    const newId = await idOf('broken.txt');
    const { body } = await json<{ corrections: { status: string }[]; tables: { table: string; cells: { row: string; col: string; value: number; method: string }[] }[] }>(`/api/documents/${newId}`);
    expect(body.corrections.map((c) => c.status)).toEqual(['stale']);
    const cell = body.tables.find((t) => t.table === 'sec3')!.cells.find((c) => c.row === 'granted' && c.col === 'total')!;
    expect(cell).toMatchObject({ value: 5 });
    expect(cell.method).not.toBe('corrected');
  });
});
