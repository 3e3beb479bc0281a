/**
 * The queue mode on real servers (Redis and PostgreSQL started for the run): a corpus ingested through the
 * queue by worker processes into PostgreSQL exports exactly what an embedded run into SQLite exports; a
 * worker SIGKILLed mid-batch loses nothing and stores nothing twice; a job that keeps failing ends failed
 * with its reason; unreachable servers are clear errors naming their URL.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportAsHtml } from '../scripts/bench/bench.js';
import { generateReport } from '../scripts/generate/corpus.js';
import { renderReportPdf } from '../scripts/generate/pdf-corpus.js';
import { queueName } from '../src/run/queue.js';
import { assertBuilt, CLI, runCli } from './helpers/cli.js';
import { servicesAvailable, startPostgres, startRedis } from './helpers/services.js';
import type { Service } from './helpers/services.js';

let redis: Service;
let postgres: Service & { createDatabase(name: string): string };
const dir = mkdtempSync(join(tmpdir(), 'ogi-queue-'));
const workers: ChildProcess[] = [];
/** Producers still waiting when a test fails are stopped at the end (they would wait for their jobs forever). */
const producers: ChildProcess[] = [];
const ENV = { ...process.env, OGI_QUEUE_LOCK_MS: '3000' };

/** A corpus of text, HTML and text-layer PDF reports, all distinct. */
function corpus(name: string, texts: number, pdfs: number): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  let html = 0;
  for (let seed = 1; seed <= texts; seed++) {
    const r = generateReport(seed);
    writeFileSync(join(folder, r.name), r.bytes);
    const page = html < texts / 4 ? reportAsHtml(r, html) : null;
    if (page) writeFileSync(join(folder, `page-${seed}.html`), page), html++;
  }
  for (let i = 0; i < pdfs; i++) writeFileSync(join(folder, `report-${i}.pdf`), renderReportPdf(generateReport(5000 + i), 5000 + i).bytes);
  return folder;
}

function startWorker(db: string, name: string): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'worker', '--queue', redis.url, '--db', db, '--concurrency', '1'], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', () => undefined);
  (child as ChildProcess & { label?: string }).label = name;
  workers.push(child);
  return child;
}

async function stopWorkers(): Promise<void> {
  await Promise.all(
    workers.splice(0).map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.exitCode !== null || w.signalCode !== null) return resolve();
          w.once('exit', () => resolve());
          w.kill('SIGTERM');
        }),
    ),
  );
}

function ingestThroughQueue(folder: string, db: string, ...flags: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'ingest', folder, '--queue', redis.url, '--db', db, ...flags], { env: ENV });
    producers.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The three exports of a store, as text. */
function exported(db: string, name: string): Record<string, string> {
  const out = join(dir, `export-${name}`);
  const r = runCli(['export', '--db', db, '--out', out]);
  if (r.code !== 0) throw new Error(r.stderr);
  return Object.fromEntries(['cells.csv', 'reports.csv', 'findings.csv'].map((f) => [f, readFileSync(join(out, f), 'utf8')]));
}

async function pgText(db: string, sql: string): Promise<string> {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return String((await client.query(sql)).rows[0]?.v ?? '');
  } finally {
    await client.end();
  }
}

async function pgCount(db: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return Number((await client.query(sql)).rows[0].n);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  if (!servicesAvailable) return;
  assertBuilt();
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
}, 60_000);

afterAll(async () => {
  for (const p of producers) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await stopWorkers();
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

describe.skipIf(!servicesAvailable)('queue mode', () => {
  it('ingests through the queue with two workers into PostgreSQL, exporting what an embedded run into SQLite exports', async () => {
    const folder = corpus('same', 40, 3);
    const sqlite = join(dir, 'embedded.sqlite');
    expect(runCli(['ingest', folder, '--db', sqlite]).code).toBe(0);
    const db = postgres.createDatabase('same');
    startWorker(db, 'a');
    startWorker(db, 'b');
    // A worker of another store on the same Redis: it never takes this store's jobs.
    const elsewhere = postgres.createDatabase('elsewhere');
    startWorker(elsewhere, 'elsewhere');
    const r = await ingestThroughQueue(folder, db);
    expect(r.stdout).toMatch(/Ingested 53 documents into postgres:\/\//);
    expect(r.code).toBe(0);
    // Every line of the progress is a document (plain lines: not a terminal).
    expect(r.stderr.trim().split('\n')).toHaveLength(53);
    expect(exported(db, 'queue')).toEqual(exported(sqlite, 'embedded'));
    expect(await pgCount(elsewhere, 'SELECT COUNT(*) AS n FROM documents')).toBe(0);
    // The same files again: the producer skips them all (the store has them), as an embedded ingest does.
    const again = await ingestThroughQueue(folder, db);
    expect(again.stdout).toMatch(/skipped\s+53/);
    await stopWorkers();
  }, 120_000);

  it('loses nothing when a worker is killed mid-batch: the batch completes, each document stored once', async () => {
    const folder = corpus('fault', 150, 12);
    const sqlite = join(dir, 'fault.sqlite');
    expect(runCli(['ingest', folder, '--db', sqlite]).code).toBe(0);
    const db = postgres.createDatabase('fault');
    const victim = startWorker(db, 'victim');
    startWorker(db, 'b');
    startWorker(db, 'c');
    const producer = ingestThroughQueue(folder, db);
    // Once documents are being stored, the victim is holding jobs of its own: kill it there.
    for (let i = 0; i < 200 && (await pgCount(db, 'SELECT COUNT(*) AS n FROM documents').catch(() => 0)) < 20; i++) await new Promise((r) => setTimeout(r, 50));
    victim.kill('SIGKILL');
    const r = await producer;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Ingested 200 documents/);
    expect(await pgCount(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(200);
    expect(await pgCount(db, 'SELECT COUNT(*) AS n FROM document_paths')).toBe(200);
    expect(exported(db, 'fault-queue')).toEqual(exported(sqlite, 'fault-embedded'));
    await stopWorkers();
  }, 180_000);

  it('ends a job that keeps failing as failed, with its reason, after a bounded number of attempts', async () => {
    const folder = join(dir, 'poison');
    mkdirSync(folder);
    for (const seed of [1, 2, 3]) writeFileSync(join(folder, `ok-${seed}.txt`), generateReport(seed).bytes);
    writeFileSync(join(folder, 'poison.txt'), generateReport(9).bytes);
    const db = postgres.createDatabase('poison');
    // The store refuses this one path, every time (as a store in trouble would): its job can never succeed.
    expect(runCli(['export', '--db', db, '--out', join(dir, 'init')]).code).toBe(0); // creates the schema (an empty export)
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    await client.query(`CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF NEW.path LIKE '%/poison.txt' THEN RAISE EXCEPTION 'refused: %', NEW.path; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await client.query('CREATE TRIGGER refuse BEFORE INSERT ON document_paths FOR EACH ROW EXECUTE FUNCTION refuse()');
    await client.end();
    startWorker(db, 'a');
    const r = await ingestThroughQueue(folder, db);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ok\s+\d/);
    expect(r.stdout).toMatch(/poison\.txt — \[queue\] the job failed on all 3 attempts: .*refused/);
    expect(await pgCount(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(3);
    await stopWorkers();
  }, 120_000);

  it('feeds the queue no faster than the workers take it: file bytes waiting in Redis stay within --queue-memory', async () => {
    const folder = join(dir, 'backlog');
    mkdirSync(folder);
    const sizes: number[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const r = generateReport(100 + seed);
      writeFileSync(join(folder, r.name), r.bytes);
      sizes.push(r.bytes.length);
    }
    const db = postgres.createDatabase('backlog');
    // Room for about two files: with no worker running, the producer must stop after two jobs and wait.
    const budget = Math.max(...sizes) * 2 + 10;
    const producer = ingestThroughQueue(folder, db, '--queue-memory', `${budget}B`);
    // The producer creates the schema, and with it the store's identity that names its queue.
    let storeId = '';
    for (let i = 0; i < 100 && !storeId; i++) {
      await new Promise((r) => setTimeout(r, 100));
      storeId = await pgText(db, 'SELECT store_id AS v FROM ogi_schema').catch(() => '');
    }
    const queue = new Queue(queueName(storeId), { connection: { url: redis.url } });
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = await queue.getWaitingCount();
    expect(waiting).toBeGreaterThanOrEqual(1);
    expect(waiting).toBeLessThanOrEqual(2);
    // A worker starts taking jobs: the producer feeds it the rest, and the batch completes.
    startWorker(db, 'a');
    const r = await producer;
    await queue.close();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Ingested 12 documents/);
    expect(await pgCount(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(12);
    await stopWorkers();
  }, 120_000);

  it('says clearly when Redis or PostgreSQL cannot be reached (exit 2), naming the URL', () => {
    const noRedis = runCli(['worker', '--queue', 'redis://127.0.0.1:1', '--db', postgres.url]);
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    const noPg = runCli(['ingest', dir, '--queue', redis.url, '--db', 'postgres://ogi@127.0.0.1:1/ogi']);
    expect(noPg.code).toBe(2);
    expect(noPg.stderr).toMatch(/cannot reach PostgreSQL at postgres:\/\/ogi@127\.0\.0\.1:1\/ogi/);
    const sqlite = runCli(['ingest', dir, '--queue', redis.url, '--db', join(dir, 'x.sqlite')]);
    expect(sqlite.code).toBe(2);
    expect(sqlite.stderr).toMatch(/the queue mode needs a store every worker reaches/);
  });
});
