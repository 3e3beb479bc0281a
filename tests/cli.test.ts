/**
 * End-to-end: the built `ogi` on the samples — ingest a folder into a temporary database, ingest again
 * (idempotent), rerun, show, export, and read the CSV back against the gold figures.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, query, runCli, SAMPLES, ROOT } from './helpers/cli.js';

const GOLD_DIR = join(ROOT, 'tests', 'fixtures', 'gold');

interface Gold {
  document: string;
  agency: string;
  year: number;
  layout: string;
  tables: Record<string, Record<string, Record<string, number | null>>>;
}

let dir: string;
let db: string;
let input: string;
let first: ReturnType<typeof runCli>;

const readCsv = (file: string) => parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
const count = (sql: string) => query<{ n: number }>(db, sql)[0]!.n;

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ogi-cli-'));
  db = join(dir, 'db', 'ogi.sqlite');
  input = join(dir, 'in');
  mkdirSync(join(input, 'nested', 'deeper'), { recursive: true });
  const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).sort();
  samples.forEach((f, i) => copyFileSync(join(SAMPLES, f), join(input, i % 2 ? 'nested' : '.', f)));
  // The same content under a second name, and files that are not reports.
  copyFileSync(join(SAMPLES, samples[0]!), join(input, 'nested', 'deeper', 'same content, other name.txt'));
  writeFileSync(join(input, 'nested', 'notes.csv'), 'a,b\n');
  writeFileSync(join(input, 'image.png'), 'not an image');
  first = runCli(['ingest', input, '--db', db, '--concurrency', '2']);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ogi ingest', () => {
  it('ingests the folder recursively and prints a summary', () => {
    expect(first.stderr).not.toMatch(/internal error|Error:/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Ingested 6 documents into /);
    expect(first.stdout).toMatch(/failed\s+0/);
    expect(first.stdout).toMatch(/duplicates\s+1/);
    expect(first.stdout).toMatch(/not reports\s+2/);
    expect(first.stdout).toMatch(/By format: text 6/);
    expect(first.stdout).toMatch(/Exit status 0/);
    const ok = Number(/ok\s+(\d+)/.exec(first.stdout)![1]);
    const findings = Number(/with findings\s+(\d+)/.exec(first.stdout)![1]);
    expect(ok + findings).toBe(5);
    // Non-TTY: one plain progress line per document on stderr, over the true total from the first line on
    // (the folder is scanned before the first document starts).
    const lines = first.stderr.trim().split('\n');
    expect(lines).toHaveLength(6);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^\\[${i + 1}/6\\] (ok|findings \\d+e/\\d+w|duplicate) +\\S`)));
  });

  it('stores one document per content, with every path recorded', () => {
    expect(count('SELECT COUNT(*) AS n FROM documents')).toBe(5);
    expect(count('SELECT COUNT(*) AS n FROM document_paths')).toBe(6);
    expect(count(`SELECT COUNT(*) AS n FROM runs WHERE status = 'completed'`)).toBe(1);
    expect(query<{ integrity_check: string }>(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  it('is idempotent: a second ingest skips everything and changes nothing', () => {
    const before = query(db, 'SELECT id, ingested_at FROM documents ORDER BY id');
    const cells = count('SELECT COUNT(*) AS n FROM cells');
    const again = runCli(['ingest', input, '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Ingested 0 documents/);
    expect(again.stdout).toMatch(/skipped\s+6/);
    expect(query(db, 'SELECT id, ingested_at FROM documents ORDER BY id')).toEqual(before);
    expect(count('SELECT COUNT(*) AS n FROM cells')).toBe(cells);
  });

  it('--force re-extracts, still one document per content', () => {
    const forced = runCli(['ingest', input, '--db', db, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Ingested 6 documents/);
    expect(count('SELECT COUNT(*) AS n FROM documents')).toBe(5);
  });
});

describe('flags and help', () => {
  it.each(['ingest', 'rerun', 'show', 'export'])('`ogi %s --help` has an example', (command) => {
    const r = runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples?:\n\s+\$ ogi /);
  });

  it('ingest --help states the exit status and the limits with their defaults', () => {
    const r = runCli(['ingest', '--help']);
    expect(r.stdout).toMatch(/0\s+every document was processed/);
    expect(r.stdout).toMatch(/1\s+at least one document failed/);
    expect(r.stdout).toMatch(/--max-file-size <size>[\s\S]*?default:\s+"100MB"/);
    expect(r.stdout).toMatch(/--timeout <seconds>[\s\S]*?default:\s+"120"/);
    expect(r.stdout).toMatch(/--max-pages <n>[\s\S]*?default:\s+"500"/);
    expect(r.stdout).toMatch(/--max-memory <MB>[\s\S]*?default:\s+"1024"/);
  });

  it.each([
    [['ingest', 'samples', '--concurrency', 'x'], "Expected --concurrency to be a whole number from 1 up, got 'x'"],
    [['ingest', 'samples', '--concurrency', '0'], "Expected --concurrency to be a whole number from 1 up, got '0'"],
    [['ingest', 'samples', '--timeout', '-1'], "Expected --timeout to be a number of seconds above 0, got '-1'"],
    [['ingest', 'samples', '--max-file-size', 'big'], "Expected --max-file-size to be a size like 100MB, 512KB or 2GB, got 'big'"],
    [['ingest', 'no/such/folder'], 'No such file or folder: no/such/folder'],
    [['rerun'], 'Expected a document id or path, or --failed'],
  ])('rejects bad flags before opening anything: %j', (args, message) => {
    const r = runCli([...args, '--db', join(dir, 'never-created.sqlite')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(readdirSync(dir)).not.toContain('never-created.sqlite');
  });
});

describe('ogi rerun and show', () => {
  it('reruns one document by path and by id prefix, printing its findings', () => {
    const [doc] = query<{ id: string; path: string }>(db, 'SELECT id, path FROM documents ORDER BY path LIMIT 1');
    const byPath = runCli(['rerun', doc!.path, '--db', db]);
    expect(byPath.code).toBe(0);
    expect(byPath.stdout).toContain(doc!.id.slice(0, 12));
    expect(byPath.stdout).toMatch(/Re-ran 1 document/);
    const byId = runCli(['rerun', doc!.id.slice(0, 10), '--db', db]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(/(no findings|\d+ findings?)/);
    expect(count(`SELECT COUNT(*) AS n FROM runs WHERE command = 'rerun'`)).toBe(2);
  });

  it('reports an unknown document', () => {
    const r = runCli(['rerun', 'deadbeefdeadbeef', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Not found: no document with id or path 'deadbeefdeadbeef'/);
  });

  it('rerun --failed redoes failed documents once their file is fixed', () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    const file = join(broken, 'report.txt');
    writeFileSync(file, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x80, 0x81]));
    const r = runCli(['ingest', broken, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed\s+1/);
    expect(r.stdout).toContain('report.txt — [segment]');
    copyFileSync(join(SAMPLES, readdirSync(SAMPLES).filter((f) => f.endsWith('.txt'))[1]!), file);
    const fixed = runCli(['rerun', '--failed', '--db', db]);
    expect(fixed.code).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM documents WHERE status = 'failed'`)).toBe(0);
    // The failed document (old content of that path) is gone; the path now points to the sample's document.
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM document_paths WHERE path = ?', file)[0]!.n).toBe(1);
  });

  it('shows a document with its status, tables, findings and inferred cells', () => {
    const [doc] = query<{ id: string; path: string }>(db, `SELECT id, path FROM documents WHERE file_name LIKE '000_%'`);
    const r = runCli(['show', doc!.path, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`document  ${doc!.id}`);
    expect(r.stdout).toContain('also at');
    expect(r.stdout).toMatch(/agency\s+中宁县徐套乡人民政府/);
    expect(r.stdout).toMatch(/Findings/);
    expect(r.stdout).toMatch(/Cells inferred rather than read/);
    // Needs the table stage: the sec3 grid with its row keys and the 总计 column.
    expect(r.stdout).toMatch(/^sec3 — /m);
    expect(r.stdout).toMatch(/^\s+new_received(\s+\d+){6}/m);
  });
});

describe('ogi export', () => {
  let out: string;
  beforeAll(() => {
    out = join(dir, 'csv');
    const r = runCli(['export', '--db', db, '--out', out]);
    expect(r.code).toBe(0);
  });

  it('writes the four files with the documented columns', () => {
    const cells = readFileSync(join(out, 'cells.csv'), 'utf8');
    expect(cells.startsWith('\ufeffdocument_id,path,file,agency,year,layout,table,row,col,value,raw,unit,')).toBe(true);
    for (const col of ['page', 'line', 'method']) expect(cells.split('\n')[0]).toContain(col);
    expect(readFileSync(join(out, 'findings.csv'), 'utf8').split('\r\n')[0]).toBe('\ufeffdocument_id,file,rule,severity,message,table,row,col,actual,expected,page,line,char_offset,resolved');
    const reports = readCsv(join(out, 'reports.csv'));
    expect(reports).toHaveLength(5);
    expect(reports.map((r) => r.file).sort()).toEqual(readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).sort().map((f) => f));
  });

  it('reports.csv has the metadata of every sample', () => {
    const reports = readCsv(join(out, 'reports.csv'));
    for (const goldFile of readdirSync(GOLD_DIR)) {
      const gold = JSON.parse(readFileSync(join(GOLD_DIR, goldFile), 'utf8')) as Gold;
      const row = reports.find((r) => r.file === gold.document);
      expect(row, gold.document).toBeDefined();
      expect({ agency: row!.agency, year: row!.year }).toEqual({ agency: gold.agency, year: String(gold.year) });
    }
  });

  // Needs the table stage (lead): every figure of cells.csv equals the gold, blank stays blank.
  it.each(readdirSync(GOLD_DIR).sort())('cells.csv reproduces the gold figures of %s', (goldFile) => {
    const gold = JSON.parse(readFileSync(join(GOLD_DIR, goldFile), 'utf8')) as Gold;
    const rows = readCsv(join(out, 'cells.csv')).filter((r) => r.file === gold.document);
    const actual = new Map(rows.map((r) => [`${r.table}.${r.row}.${r.col}`, r.value]));
    const expected = new Map<string, string>();
    for (const [table, tableRows] of Object.entries(gold.tables)) {
      for (const [row, cols] of Object.entries(tableRows)) {
        for (const [col, value] of Object.entries(cols)) expected.set(`${table}.${row}.${col}`, value === null ? '' : String(value));
      }
    }
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    expect(new Set(rows.map((r) => r.layout))).toEqual(new Set([gold.layout]));
    expect(basename(rows[0]?.path ?? '')).toBe(gold.document);
  });

  it('refuses an --out that is a file', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = runCli(['export', '--db', db, '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Expected --out to be a folder');
  });

  it('says so when there is no database', () => {
    const r = runCli(['export', '--db', join(dir, 'missing.sqlite'), '--out', join(dir, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no database at .*missing\.sqlite: run `ogi ingest` first/);
  });
});
