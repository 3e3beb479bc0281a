/**
 * The queue mode's scaling: documents per second (text) and pages per second (scanned PDFs) with 1, 2 and
 * 4 worker processes, and what each document costs Redis (commands) and PostgreSQL (transactions, rows).
 * Needs a Redis and a PostgreSQL server (a superuser URL: a fresh database is made for each run).
 *
 *   npm run build && node dist/scripts/bench/bench-queue.js --redis redis://127.0.0.1:6379 --pg postgres://postgres@127.0.0.1:5432/postgres [--docs 2000] [--scans 4] [--workers 1,2,4]
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { generateReport } from '../generate/corpus.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const { values } = parseArgs({
  options: {
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    docs: { type: 'string', default: '2000' },
    scans: { type: 'string', default: '4' },
    workers: { type: 'string', default: '1,2,4' },
  },
});
const workerCounts = values.workers.split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'ogi-bench-queue-'));

function textCorpus(n: number): string {
  const folder = join(dir, 'text');
  mkdirSync(folder);
  for (let seed = 1; seed <= n; seed++) {
    const r = generateReport(seed);
    writeFileSync(join(folder, r.name), r.bytes);
  }
  return folder;
}

/** Copies of the scanned fixtures, each made distinct (one byte appended after %%EOF) so none is a duplicate. */
function scanCorpus(n: number): { folder: string; pages: number } {
  const folder = join(dir, 'scans');
  mkdirSync(folder);
  const fixtures = join(ROOT, 'tests', 'fixtures', 'pdf');
  const scans = readdirSync(fixtures).filter((f) => f.endsWith('.scan.pdf')).sort();
  let pages = 0;
  for (let i = 0; i < n; i++) {
    const src = join(fixtures, scans[i % scans.length]!);
    const dst = join(folder, `${i}-${scans[i % scans.length]}`);
    copyFileSync(src, dst);
    writeFileSync(dst, Buffer.from(`\n% copy ${i}\n`), { flag: 'a' });
    pages += [6, 4, 7, 4, 6][i % scans.length] ?? 5; // the fixtures' page counts (000…004)
  }
  return { folder, pages };
}

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: values.pg });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(values.pg);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pgStats(db: string): Promise<{ commits: number; inserted: number }> {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  const r = (await c.query('SELECT xact_commit, tup_inserted FROM pg_stat_database WHERE datname = current_database()')).rows[0] as { xact_commit: string; tup_inserted: string };
  await c.end();
  return { commits: Number(r.xact_commit), inserted: Number(r.tup_inserted) };
}

async function redisCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
}

function run(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function measure(label: string, folder: string, workers: number, units: number, unit: string): Promise<void> {
  const db = await freshDatabase(`bench_${label}_${workers}`);
  await run(['export', '--db', db, '--out', join(dir, 'init')]); // the schema, before the clock starts
  const redis = new Redis(values.redis);
  await redis.config('RESETSTAT');
  const before = await pgStats(db);
  const procs: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) procs.push(spawn(process.execPath, [CLI, 'worker', '--queue', values.redis, '--db', db, '--concurrency', '1'], { stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 1500)); // workers up (pipeline loaded) before the clock starts
  const t0 = performance.now();
  const code = await run(['ingest', folder, '--queue', values.redis, '--db', db]);
  const seconds = (performance.now() - t0) / 1000;
  const calls = await redisCalls(redis);
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => p.once('exit', r))));
  // PostgreSQL publishes a connection's statistics when it ends, and a moment after.
  await new Promise((r) => setTimeout(r, 1500));
  const after = await pgStats(db);
  redis.disconnect();
  const docs = Number(readdirSync(folder).length);
  console.log(
    `${label.padEnd(6)} ${String(workers).padStart(7)}   ${(units / seconds).toFixed(2).padStart(8)} ${unit}   ${seconds.toFixed(1).padStart(7)} s   ` +
      `${(calls / docs).toFixed(1).padStart(6)}   ${((after.commits - before.commits) / docs).toFixed(1).padStart(6)}   ${((after.inserted - before.inserted) / docs).toFixed(0).padStart(6)}${code === 0 ? '' : `   (exit ${code})`}`,
  );
}

if (!existsSync(CLI)) throw new Error('run `npm run build` first');
console.log(`machine: ${loadavg().map((l) => l.toFixed(2)).join(' ')} load; queue ${values.redis}, store ${new URL(values.pg).host}`);
console.log('corpus  workers   throughput        wall   Redis cmds/doc   PG commits/doc   PG rows/doc');
const text = textCorpus(Number(values.docs));
for (const w of workerCounts) await measure('text', text, w, Number(values.docs), 'docs/s');
if (Number(values.scans) > 0) {
  const { folder, pages } = scanCorpus(Number(values.scans));
  for (const w of workerCounts) await measure('scans', folder, w, pages, 'pages/s');
}
