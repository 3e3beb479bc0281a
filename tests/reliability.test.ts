/**
 * Issue 5: bad input, crashes and interruptions lose nothing. Each test runs the built CLI as a child
 * process and then checks the database from outside.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHostileCorpus } from '../scripts/generate/make-hostile-corpus.js';
import { DocumentPool } from '../src/run/pool.js';
import type { CorpusEntry } from '../scripts/generate/make-hostile-corpus.js';
import { assertBuilt, query, runCli, SAMPLES, startCli } from './helpers/cli.js';
import type { CliResult } from './helpers/cli.js';
import { makeCopies } from './helpers/corpus.js';

let dir: string;
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ogi-rel-'));
  chmodSync(dir, 0o755);
});
afterAll(() => {
  // Give back the permissions the hostile corpus took away, so the folder can be removed by a non-root user.
  for (const locked of ['hostile/locked-folder', 'hostile/unreadable.txt']) {
    try {
      chmodSync(join(dir, locked), 0o755);
    } catch {
      // not created
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Per document: how many rows of each kind it has — a stored document must match the reference exactly. */
function documentShapes(db: string): Map<string, string> {
  // Killed before the first migration committed: the file exists but holds no schema (nothing stored).
  if (query<{ n: number }>(db, `SELECT COUNT(*) AS n FROM sqlite_schema WHERE name = 'documents'`)[0]!.n === 0) return new Map();
  const rows = query<{ id: string; status: string; cells: number; findings: number; sections: number; reports: number }>(
    db,
    `SELECT d.id, d.status,
            (SELECT COUNT(*) FROM cells c WHERE c.document_id = d.id) AS cells,
            (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id) AS findings,
            (SELECT COUNT(*) FROM sections s WHERE s.document_id = d.id) AS sections,
            (SELECT COUNT(*) FROM reports r WHERE r.document_id = d.id) AS reports
     FROM documents d`,
  );
  return new Map(rows.map((r) => [r.id, `${r.status}/${r.cells}/${r.findings}/${r.sections}/${r.reports}`]));
}

function integrity(db: string): { integrity: string; foreignKeys: number } {
  const conn = new Database(db);
  try {
    return {
      integrity: (conn.pragma('integrity_check', { simple: true }) as string),
      foreignKeys: (conn.pragma('foreign_key_check') as unknown[]).length,
    };
  } finally {
    conn.close();
  }
}

/** The first text sample (samples/ also holds other formats of the same reports). */
const firstTextSample = () => readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).sort()[0]!;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hostile corpus', () => {
  let corpus: string;
  let entries: CorpusEntry[];
  let db: string;
  let result: CliResult;

  beforeAll(() => {
    corpus = join(dir, 'hostile');
    entries = makeHostileCorpus(corpus, { samplesDir: SAMPLES, bigTextMb: 200 });
    const dbDir = join(dir, 'hostile-db');
    mkdirSync(dbDir);
    chmodSync(dbDir, 0o777);
    db = join(dbDir, 'ogi.sqlite');
    // As root, mode 000 does not stop reads: run as nobody so the unreadable file is honestly unreadable.
    result = runCli(['ingest', corpus, '--db', db, '--timings', '--timeout', '60'], isRoot ? { uid: NOBODY, gid: NOBODY } : {});
  }, 180_000);

  it('finishes without crashing and exits 1 because some documents failed', () => {
    expect(result.signal).toBeNull();
    expect(result.stderr).not.toMatch(/internal error|at .*\.js:\d+|FATAL/);
    expect(result.code).toBe(1);
  });

  it('accounts for every file in the summary', () => {
    const reportFiles = entries.filter((e) => e.expect !== 'ignored' && e.expect !== 'unreadable-folder');
    const num = (label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(result.stdout)?.[1] ?? 0);
    expect(num('ok') + num('with findings') + num('failed') + num('duplicates')).toBe(reportFiles.length);
    expect(num('not reports')).toBe(entries.filter((e) => e.expect === 'ignored').length);
    const failedBlock = result.stdout.split('Failed:\n')[1] ?? '';
    for (const e of entries.filter((x) => x.expect === 'failed')) {
      expect(failedBlock, e.what).toContain(`${e.path} — [`);
    }
    expect(result.stdout).toMatch(/unreadable\.txt — \[load\] cannot read the file \(EACCES/);
    expect(result.stdout).toMatch(/huge\.txt — \[load\] file is 200\.0 MB, over the limit of 100\.0 MB; raise --max-file-size/);
    expect(result.stdout).toMatch(/pipe\.txt — \[load\] not a regular file/);
    expect(result.stdout).toMatch(/Folders that could not be read:\n\s+\S*locked-folder — cannot list the folder \(EACCES\)/);
  });

  it('stores every report-named file: processed ones as documents, failed ones with their reason', () => {
    const stored = new Map(
      query<{ path: string; status: string; error: string | null; document_id: string }>(
        db,
        'SELECT p.path, d.status, d.error, p.document_id FROM document_paths p JOIN documents d ON d.id = p.document_id',
      ).map((r) => [r.path, r]),
    );
    for (const e of entries) {
      const row = stored.get(e.path);
      if (e.expect === 'ignored' || e.expect === 'unreadable-folder') expect(row, e.path).toBeUndefined();
      else expect(row, e.path).toBeDefined();
      if (e.expect === 'processed') expect(row!.status, e.path).not.toBe('failed');
      if (e.expect === 'failed') expect(row!.error, e.path).toBeTruthy();
    }
    // Duplicates with different names: one document, both paths.
    const dups = entries.filter((e) => e.path.includes(`${join('dup', '')}`)).map((e) => stored.get(e.path)!.document_id);
    expect(new Set(dups).size).toBe(1);
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM document_paths WHERE document_id = ?', dups[0])[0]!.n).toBe(2);
    // The symlink loop was walked once: nothing recorded under it.
    expect([...stored.keys()].some((p) => p.includes('back-to-top'))).toBe(false);
    expect(integrity(db)).toEqual({ integrity: 'ok', foreignKeys: 0 });
  });

  it('keeps memory bounded (peak RSS of the whole process, workers included)', () => {
    const rss = Number(/peak RSS\s+(\d+) MB/.exec(result.stdout)?.[1]);
    process.stdout.write(`hostile corpus: peak RSS ${rss} MB\n`);
    expect(rss).toBeGreaterThan(0);
    expect(rss).toBeLessThan(1536);
  });
});

describe('limits', () => {
  it('stops a document over --timeout by terminating its worker; the batch goes on', () => {
    const folder = join(dir, 'slow');
    mkdirSync(folder);
    // ~70 MB of text: well over a second to read (30 MB took 0.7–0.8 s once text decoding got faster).
    const big = Buffer.from(readFileSync(join(SAMPLES, firstTextSample()), 'utf8').repeat(6000));
    writeFileSync(join(folder, 'big.txt'), big);
    makeCopies(join(folder, 'fine'), 3, 'fine');
    const db = join(dir, 'slow.sqlite');
    const r = runCli(['ingest', folder, '--db', db, '--timeout', '1', '--concurrency', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/big\.txt — \[timeout\] timed out after 1 s without progress and was stopped; raise --timeout/);
    expect(r.stdout).toMatch(/failed\s+1/);
    const rows = query<{ id: string; status: string; format: string }>(db, `SELECT id, status, format FROM documents WHERE file_name = 'big.txt'`);
    expect(rows).toEqual([{ id: createHash('sha256').update(big).digest('hex'), status: 'failed', format: 'text' }]);
    expect(query<{ n: number }>(db, `SELECT COUNT(*) AS n FROM documents WHERE status <> 'failed'`)[0]!.n).toBe(3);
  });

  it('fails a document that needs more than --max-memory, in its worker, and goes on', () => {
    const folder = join(dir, 'memory');
    mkdirSync(folder);
    writeFileSync(join(folder, 'big.txt'), readFileSync(join(SAMPLES, firstTextSample()), 'utf8').repeat(2500));
    makeCopies(join(folder, 'fine'), 2, 'mem');
    const r = runCli(['ingest', folder, '--db', join(dir, 'memory.sqlite'), '--max-memory', '64', '--concurrency', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/big\.txt — \[memory\] ran out of memory: processing it needed more than 64 MB; raise --max-memory/);
    expect(r.stdout).toMatch(/failed\s+1\n/);
  });

  it('fails a file over --max-file-size without reading it', () => {
    const folder = join(dir, 'size');
    makeCopies(folder, 2, 'sized');
    const r = runCli(['ingest', folder, '--db', join(dir, 'size.sqlite'), '--max-file-size', '1KB']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/over the limit of 1\.0 KB; raise --max-file-size/);
  });
});

describe('SIGKILL at random points', () => {
  it('leaves every document fully stored or absent, and the next ingest completes the folder once', async () => {
    const folder = join(dir, 'kill-corpus');
    const paths = makeCopies(folder, 300, 'k');
    const reference = join(dir, 'kill-reference.sqlite');
    expect(runCli(['ingest', folder, '--db', reference]).code).toBe(0);
    const expected = documentShapes(reference);
    expect(expected.size).toBe(300);

    const db = join(dir, 'kill.sqlite');
    let killedWithSome = 0;
    for (let round = 0; round < 4; round++) {
      const { child, done } = startCli(['ingest', folder, '--db', db]);
      if (round === 0) {
        // Anywhere in start-up (opening, migrating) or the first documents: the whole folder takes under a
        // second now, so a later kill would find it done.
        await sleep(Math.floor(Math.random() * 500));
      } else {
        // Once a random number of documents has gone by (one progress line each).
        const target = 1 + Math.floor(Math.random() * 80);
        await new Promise<void>((resolve) => {
          let lines = 0;
          child.stderr!.on('data', (d: Buffer) => {
            lines += (d.toString().match(/\n/g) ?? []).length;
            if (lines >= target) resolve();
          });
          child.on('close', () => resolve());
        });
      }
      child.kill('SIGKILL');
      const r = await done;
      if (!existsSync(db)) continue; // killed before the database was created
      expect(integrity(db)).toEqual({ integrity: 'ok', foreignKeys: 0 });
      const shapes = documentShapes(db);
      for (const [id, shape] of shapes) expect(shape, `document ${id} after kill ${round}`).toBe(expected.get(id));
      if (r.signal === 'SIGKILL' && shapes.size > 0 && shapes.size < 300) killedWithSome++;
    }
    const before = documentShapes(db).size;
    const resumed = runCli(['ingest', folder, '--db', db]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Ingested ${300 - before} documents`);
    if (before > 0) expect(resumed.stdout).toMatch(new RegExp(`skipped\\s+${before}\\b`));
    expect(documentShapes(db)).toEqual(expected);
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM document_paths')[0]!.n).toBe(paths.length);
    expect(query<{ status: string }>(db, `SELECT DISTINCT status FROM runs WHERE status NOT IN ('completed', 'abandoned')`)).toEqual([]);
    process.stdout.write(`SIGKILL test: ${killedWithSome} of 4 kills landed part-way; ${before} documents stored before the resume\n`);
    expect(killedWithSome).toBeGreaterThan(0);
  }, 120_000);
});

describe('two processes on one database', () => {
  it('two ingests of different folders at once both finish with correct results', async () => {
    const a = join(dir, 'two-a');
    const b = join(dir, 'two-b');
    makeCopies(a, 120, 'a');
    makeCopies(b, 120, 'b');
    const db = join(dir, 'two.sqlite');
    const [ra, rb] = await Promise.all([startCli(['ingest', a, '--db', db, '--concurrency', '1']).done, startCli(['ingest', b, '--db', db, '--concurrency', '1']).done]);
    expect(ra.stderr + rb.stderr).not.toMatch(/locked|internal error/);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(ra.stdout).toContain('Ingested 120 documents');
    expect(rb.stdout).toContain('Ingested 120 documents');
    expect(integrity(db)).toEqual({ integrity: 'ok', foreignKeys: 0 });
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM documents')[0]!.n).toBe(240);
    expect(query<{ status: string; n: number }>(db, 'SELECT status, COUNT(*) AS n FROM runs GROUP BY status')).toEqual([{ status: 'completed', n: 2 }]);
  }, 120_000);

  it('an export while an ingest writes reads a consistent snapshot', async () => {
    const folder = join(dir, 'busy');
    makeCopies(folder, 150, 'busy');
    const db = join(dir, 'busy.sqlite');
    expect(runCli(['ingest', join(SAMPLES), '--db', db]).code).toBe(0);
    const ingest = startCli(['ingest', folder, '--db', db]);
    await sleep(300);
    const exported = await startCli(['export', '--db', db, '--out', join(dir, 'busy-csv')]).done;
    expect(exported.code).toBe(0);
    expect((await ingest.done).code).toBe(0);
  }, 120_000);

  it('says clearly when the lock cannot be had', () => {
    const db = join(dir, 'locked.sqlite');
    expect(runCli(['ingest', SAMPLES, '--db', db]).code).toBe(0);
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const r = runCli(['ingest', SAMPLES, '--db', db, '--force', '--lock-timeout', '0.5']);
      expect(r.code).toBe(2);
      expect(r.stderr + r.stdout).toMatch(/the database .*locked\.sqlite is locked by another process \(waited 0\.5 s for it\)\. Wait for the other ogi command to finish, or raise --lock-timeout/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(integrity(db)).toEqual({ integrity: 'ok', foreignKeys: 0 });
  });

  it('a commit that fails stores nothing of its group and says so: those documents are listed as abandoned, none counted', () => {
    const db = join(dir, 'failing-commit.sqlite');
    const folder = join(dir, 'failing-commit');
    makeCopies(folder, 30, 'copy');
    writeFileSync(join(folder, 'batch-0', 'copy-9999-poison.txt'), `${readFileSync(join(folder, 'batch-0', 'copy-0000.txt'), 'utf8')}（poison）\n`);
    expect(runCli(['ingest', join(folder, 'batch-0', 'copy-0001.txt'), '--db', db]).code).toBe(0);
    // A deferred foreign key that the poisoned file breaks: checked, and failed, only at COMMIT.
    const conn = new Database(db);
    conn.exec(`CREATE TABLE poison (k INTEGER REFERENCES documents(key) DEFERRABLE INITIALLY DEFERRED);
               CREATE TRIGGER poison_at_commit AFTER INSERT ON documents WHEN new.file_name LIKE '%poison%' BEGIN INSERT INTO poison VALUES (-1); END;`);
    conn.close();
    const r = runCli(['ingest', folder, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Stopped: .*FOREIGN KEY/);
    expect(r.stdout).toMatch(/Abandoned:\n[\s\S]*copy-9999-poison\.txt/);
    const stored = query<{ file_name: string }>(db, 'SELECT file_name FROM documents').map((d) => d.file_name);
    expect(stored).not.toContain('copy-9999-poison.txt');
    // What the summary counts as done is exactly what the database holds (the earlier run stored copy-0001).
    const counted = Number(/ok\s+(\d+)/.exec(r.stdout)![1]) + Number(/with findings\s+(\d+)/.exec(r.stdout)![1]) + Number(/failed\s+(\d+)/.exec(r.stdout)![1]);
    const skipped = Number(/skipped\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
    expect(counted + skipped).toBe(stored.length);
    expect(integrity(db).integrity).toBe('ok');
  });

  it('refuses a database written by a newer ogi', () => {
    const db = join(dir, 'newer.sqlite');
    const conn = new Database(db);
    conn.pragma('user_version = 99');
    conn.close();
    const r = runCli(['ingest', SAMPLES, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/was written by a newer version of ogi \(database schema 99; this ogi knows schemas up to \d+\)\. Upgrade ogi/);
  });
});

describe('Ctrl-C', () => {
  it('SIGINT stops taking documents, prints the summary so far, exits 130; the next ingest finishes the folder', async () => {
    const folder = join(dir, 'int-corpus');
    makeCopies(folder, 300, 'int');
    const db = join(dir, 'int.sqlite');
    const { child, done } = startCli(['ingest', folder, '--db', db]);
    // Interrupt once documents are flowing.
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        if ((seen.match(/\n/g) ?? []).length >= 5) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Interrupted: taking no new documents');
    expect(r.stdout).toContain('Interrupted — summary so far:');
    expect(r.stdout).toContain('Exit status 130');
    const storedNow = Number(/Ingested (\d+) documents/.exec(r.stdout)![1]);
    expect(storedNow).toBeGreaterThan(0);
    expect(storedNow).toBeLessThan(300);
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM documents')[0]!.n).toBe(storedNow);
    expect(query<{ status: string }>(db, 'SELECT status FROM runs')).toEqual([{ status: 'interrupted' }]);
    expect(integrity(db)).toEqual({ integrity: 'ok', foreignKeys: 0 });
    const resumed = runCli(['ingest', folder, '--db', db]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Ingested ${300 - storedNow} documents`);
    expect(query<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM documents')[0]!.n).toBe(300);
  }, 120_000);

  it('a second SIGINT abandons the document in flight: not stored, listed as abandoned', async () => {
    const folder = join(dir, 'int-slow');
    mkdirSync(folder);
    // Two quick documents, then one that takes seconds, with one worker: once the two quick ones are
    // reported, the slow one is in flight.
    const text = readFileSync(join(SAMPLES, firstTextSample()), 'utf8');
    writeFileSync(join(folder, 'a-fast-1.txt'), text + '\n（1）\n');
    writeFileSync(join(folder, 'a-fast-2.txt'), text + '\n（2）\n');
    writeFileSync(join(folder, 'b-slow.txt'), text.repeat(2500));
    makeCopies(join(folder, 'z'), 3, 'after');
    const db = join(dir, 'int-slow.sqlite');
    const { child, done } = startCli(['ingest', folder, '--db', db, '--concurrency', '1', '--timeout', '60']);
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        if ((seen.match(/\n/g) ?? []).length >= 2) resolve();
      });
    });
    await sleep(100);
    child.kill('SIGINT');
    await sleep(200);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Abandoning the documents in flight');
    expect(r.stdout).toMatch(/abandoned\s+\d+\s+in flight when stopped/);
    expect(r.stdout).toMatch(/Abandoned:\n[\s\S]*b-slow\.txt/);
    expect(query<{ file_name: string }>(db, 'SELECT file_name FROM documents ORDER BY file_name')).toEqual([{ file_name: 'a-fast-1.txt' }, { file_name: 'a-fast-2.txt' }]);
    expect(integrity(db)).toEqual({ integrity: 'ok', foreignKeys: 0 });
  }, 60_000);
});

describe('worker pool', () => {
  const workerUrl = new URL('../dist/src/run/document-worker.js', import.meta.url);
  const textSamples = () => readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).sort().map((f) => join(SAMPLES, f));

  it('runs documents on reused workers and returns each ProcessedDocument', async () => {
    const pool = new DocumentPool({ size: 2, timeoutS: 30, maxMemoryMb: 256, processOptions: {}, workerUrl });
    try {
      const paths = [...textSamples(), ...textSamples()];
      const docs = await Promise.all(paths.map((p) => pool.process(p)));
      expect(docs.map((d) => d?.path)).toEqual(paths);
      expect(docs.every((d) => d !== null && d.status !== 'failed' && d.meta.agency)).toBe(true);
      expect(docs[0]!.id).toBe(docs[5]!.id);
    } finally {
      await pool.close();
    }
  });

  it('restarts a document\'s time limit when it reports progress (OCR pages), and still stops a silent one', async () => {
    // A stand-in worker: "steady" jobs report progress every 300 ms for 2.4 s, "silent" ones never answer.
    const fake = join(dir, 'progress-worker.mjs');
    writeFileSync(
      fake,
      [
        "import { parentPort } from 'node:worker_threads';",
        'parentPort.on("message", (job) => {',
        '  if (job.path.includes("silent")) return;',
        '  let n = 0;',
        '  const t = setInterval(() => {',
        '    parentPort.postMessage({ jobId: job.jobId, progress: true });',
        '    if (++n === 8) { clearInterval(t); parentPort.postMessage({ jobId: job.jobId, crash: "finished" }); }',
        '  }, 300);',
        '});',
        'parentPort.postMessage({ ready: true });',
      ].join('\n'),
    );
    const pool = new DocumentPool({ size: 2, timeoutS: 1, maxMemoryMb: 256, processOptions: {}, workerUrl: pathToFileURL(fake) });
    try {
      const [steady, silent] = await Promise.all([pool.process('/x/steady.pdf'), pool.process('/x/silent.pdf')]);
      expect(steady).toMatchObject({ failedStage: 'process', error: 'internal error: finished' });
      expect(silent).toMatchObject({ failedStage: 'timeout' });
      expect(silent!.error).toMatch(/timed out after 1 s without progress/);
    } finally {
      await pool.close();
    }
  });

  /**
   * A stand-in worker that speaks the pool's protocol (jobs wait in order, a job not started can be
   * cancelled): "/x/sleep-N" answers after N ms, "/x/hang" loops forever; the answer names the thread.
   */
  function protocolWorker(): URL {
    const fake = join(dir, 'protocol-worker.mjs');
    writeFileSync(
      fake,
      [
        "import { parentPort, threadId } from 'node:worker_threads';",
        'const waiting = []; let running = false;',
        'parentPort.on("message", (m) => {',
        '  if ("cancel" in m) { const i = waiting.findIndex((j) => j.jobId === m.cancel); if (i >= 0) { waiting.splice(i, 1); parentPort.postMessage({ jobId: m.cancel, cancelled: true }); } return; }',
        '  waiting.push(m); if (!running) next();',
        '});',
        'function next() {',
        '  const job = waiting.shift(); running = !!job; if (!job) return;',
        '  if (job.path === "/x/hang") for (;;);',
        '  const ms = Number(job.path.split("-")[1]);',
        '  setTimeout(() => { parentPort.postMessage({ jobId: job.jobId, crash: `done ${job.path} on ${threadId}` }); setImmediate(next); }, ms);',
        '}',
        'parentPort.postMessage({ ready: true });',
      ].join('\n'),
    );
    return pathToFileURL(fake);
  }
  const ranOn = (d: { error: string | null } | null): string => /on (\d+)$/.exec(d?.error ?? '')?.[1] ?? 'not run';

  /** Starts both workers (two quick jobs), so the next jobs are dealt deterministically. */
  async function warmPool(timeoutS: number): Promise<DocumentPool> {
    const pool = new DocumentPool({ size: 2, timeoutS, maxMemoryMb: 256, processOptions: {}, workerUrl: protocolWorker() });
    await Promise.all([pool.process('/x/sleep-1'), pool.process('/x/sleep-2')]);
    return pool;
  }

  it('gives a busy worker its next job in advance, and moves it to a worker that falls idle', async () => {
    const pool = await warmPool(30);
    try {
      const finished: string[] = [];
      const track = (path: string) => pool.process(path).then((d) => (finished.push(path), d));
      // Two workers, three jobs: the third waits behind the long one, until the other worker is free.
      const [long, short, moved] = await Promise.all([track('/x/sleep-1500'), track('/x/sleep-10'), track('/x/sleep-20')]);
      expect(finished).toEqual(['/x/sleep-10', '/x/sleep-20', '/x/sleep-1500']);
      expect(ranOn(moved)).toBe(ranOn(short));
      expect(ranOn(moved)).not.toBe(ranOn(long));
    } finally {
      await pool.close();
    }
  });

  it('gives each worker about 10 ms of documents in advance: many quick ones, or one more slow one', async () => {
    const pool = await warmPool(30);
    try {
      expect(pool.jobsPerWorker).toBeGreaterThanOrEqual(2);
      await Promise.all(Array.from({ length: 60 }, () => pool.process('/x/sleep-0')));
      // Documents of ~1 ms: a worker holds several beyond the one it runs, and the batch hands the pool as many.
      const quick = pool.jobsPerWorker;
      expect(quick).toBeGreaterThanOrEqual(4);
      expect(pool.capacity).toBe(2 * (quick + 1));
      for (let i = 0; i < 6; i++) await Promise.all([pool.process('/x/sleep-80'), pool.process('/x/sleep-80')]);
      // Documents of 80 ms: the running one and the next, as before.
      expect(pool.jobsPerWorker).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('a job waiting behind one that times out is not failed with it: it runs on another worker', async () => {
    const pool = await warmPool(1);
    try {
      const [hung, short, waiting] = await Promise.all([pool.process('/x/hang'), pool.process('/x/sleep-10'), pool.process('/x/sleep-20')]);
      expect(hung).toMatchObject({ failedStage: 'timeout' });
      expect(waiting!.error).toMatch(/^internal error: done \/x\/sleep-20 on \d+$/);
      expect(ranOn(waiting)).toBe(ranOn(short));
    } finally {
      await pool.close();
    }
  });

  it('Ctrl-C (dropQueued) takes back the jobs a worker holds but has not started; running ones finish', async () => {
    const pool = await warmPool(30);
    try {
      const jobs = ['/x/sleep-1200', '/x/sleep-1210', '/x/sleep-5', '/x/sleep-6'].map((p) => pool.process(p));
      // Long enough for both workers to have started their first job on a busy machine, well before either ends.
      await new Promise((r) => setTimeout(r, 400));
      pool.dropQueued();
      expect(pool.pending).toBe(2); // what the Ctrl-C message says is being finished
      const [a, b, c, d] = await Promise.all(jobs);
      expect([ranOn(a) !== 'not run', ranOn(b) !== 'not run']).toEqual([true, true]);
      expect([c, d]).toEqual([null, null]);
    } finally {
      await pool.close();
    }
  });

  it('starts the workers documents to come will need before they are sent, no more than its size', async () => {
    // A stand-in worker that notes its start in a file, then answers each job with the thread it ran on.
    const log = join(dir, 'prestart.log');
    const fake = join(dir, 'prestart-worker.mjs');
    writeFileSync(
      fake,
      [
        "import { appendFileSync } from 'node:fs';",
        "import { parentPort, threadId } from 'node:worker_threads';",
        `appendFileSync(${JSON.stringify(log)}, threadId + '\\n');`,
        'parentPort.on("message", (job) => { if (!("cancel" in job)) parentPort.postMessage({ jobId: job.jobId, crash: `done on ${threadId}` }); });',
        'parentPort.postMessage({ ready: true });',
      ].join('\n'),
    );
    const started = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    const pool = new DocumentPool({ size: 2, timeoutS: 30, maxMemoryMb: 256, processOptions: {}, workerUrl: pathToFileURL(fake) });
    try {
      pool.prestart(1);
      pool.prestart(5);
      for (let waited = 0; started().length < 2 && waited < 10_000; waited += 50) await sleep(50);
      await sleep(200);
      expect(started()).toHaveLength(2);
      // The documents go to the workers already started: none is started for them.
      const docs = await Promise.all(['/x/a.txt', '/x/b.txt', '/x/c.txt'].map((p) => pool.process(p)));
      const threads = docs.map((d) => /on (\d+)$/.exec(d?.error ?? '')?.[1]);
      expect(new Set(threads)).toEqual(new Set(started()));
      expect(started()).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('a worker that cannot start fails the documents with a reason instead of respawning forever', async () => {
    const bad = join(dir, 'bad-worker.mjs');
    writeFileSync(bad, 'throw new Error("broken install");\n');
    const pool = new DocumentPool({ size: 2, timeoutS: 30, maxMemoryMb: 256, processOptions: {}, workerUrl: pathToFileURL(bad) });
    try {
      const docs = await Promise.all(textSamples().map((p) => pool.process(p)));
      for (const d of docs) {
        expect(d).toMatchObject({ status: 'failed', failedStage: 'worker' });
        expect(d!.error).toMatch(/the worker thread could not start .*broken install/);
      }
    } finally {
      await pool.close();
    }
  });
});
