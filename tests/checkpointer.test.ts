import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { SqliteBatchWriter } from '../src/run/sqlite-writer.js';
import { openStore } from '../src/store/open.js';
import { SqliteClient } from '../src/store/sqlite/sqlite-client.js';
import { WalCheckpointer } from '../src/store/sqlite/checkpointer.js';
import { openDatabase, WAL_AUTOCHECKPOINT_PAGES } from '../src/store/sqlite/db.js';
import type { Db } from '../src/store/sqlite/db.js';

const CLI = join(process.cwd(), 'dist', 'src', 'cli.js');

/** A writer like ingest's: groups of rows in transactions, with room for the checkpoint thread's quiet moments. */
class GroupWriter {
  holds = 0;
  held = false;
  private readonly insert;

  constructor(private readonly db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    this.insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  }

  /** One group of rows, unless the checkpoint thread holds the writer. */
  writeGroup(): boolean {
    if (this.held) return false;
    this.db.transaction(() => {
      for (let i = 0; i < 20; i++) this.insert.run('本年新收政府信息公开申请'.repeat(40));
    })();
    return true;
  }

  hold(): boolean {
    expect(this.db.inTransaction).toBe(false);
    this.holds++;
    this.held = true;
    return true;
  }

  release(): void {
    this.held = false;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

describe('WalCheckpointer: the WAL checkpointed on a thread of its own', () => {
  let dir: string;
  let db: Db;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ogi-ckpt-'));
    db = openDatabase(join(dir, 'ogi.sqlite'));
  });

  afterEach(() => {
    if (db.open) db.close();
  });

  it('copies while the writer writes, starts the WAL over in quiet moments, and hands checkpoints back when stopped', async () => {
    const writer = new GroupWriter(db);
    const checkpointer = WalCheckpointer.start(db, writer, { intervalMs: 20, restartFrames: 64 });
    expect(checkpointer).not.toBeNull();
    let walMax = 0;
    let written = 0;
    let autocheckpointWhileActive: number | null = null;
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      if (writer.writeGroup()) written++;
      if (checkpointer!.active) autocheckpointWhileActive = db.pragma('wal_autocheckpoint', { simple: true }) as number;
      walMax = Math.max(walMax, statSync(join(dir, 'ogi.sqlite-wal')).size);
      await tick();
    }
    const stats = await checkpointer!.stop();
    // While the thread ran, the writer's own checkpoints (which stall its COMMITs) were off; they are back now.
    expect(autocheckpointWhileActive).toBe(0);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
    expect(checkpointer!.active).toBe(false);
    expect(writer.holds).toBeGreaterThan(0);
    expect(writer.held).toBe(false);
    expect(stats!.restarts).toBeGreaterThan(0);
    // Started over again and again, the WAL stays far smaller than what was written through it.
    const writtenBytes = written * 20 * 40 * 3 * 12;
    expect(written).toBeGreaterThan(50);
    expect(walMax).toBeLessThan(writtenBytes / 4);
    expect(db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: written * 20 });
  });

  it('gives the checkpoints back to SQLite when the WAL cannot start over (a long read elsewhere)', async () => {
    const writer = new GroupWriter(db);
    writer.writeGroup();
    // Another process reads in one long transaction (an export, say): its snapshot keeps the WAL from starting over.
    const reader = new Database(join(dir, 'ogi.sqlite'), { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) AS n FROM filler').get();
    const checkpointer = WalCheckpointer.start(db, writer, { intervalMs: 10, restartFrames: 16 });
    let wasActive = false;
    const until = Date.now() + 10_000;
    while (Date.now() < until && !(wasActive && !checkpointer!.active)) {
      writer.writeGroup();
      wasActive ||= checkpointer!.active;
      await tick();
    }
    expect(wasActive).toBe(true);
    expect(checkpointer!.active).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
    expect(writer.held).toBe(false);
    await checkpointer!.stop();
    reader.exec('COMMIT');
    reader.close();
  });

  it('does not apply to an in-memory database', () => {
    const memory = new Database(':memory:');
    expect(WalCheckpointer.start(memory, { hold: () => false, release: () => undefined })).toBeNull();
    memory.close();
  });

  it('gives the checkpoints back and releases a held writer if the thread stops during a quiet moment', async () => {
    const writer = new GroupWriter(db);
    const checkpointer = WalCheckpointer.start(db, writer, { intervalMs: 5, restartFrames: 1 });
    // Keep writing until the thread asks for a quiet moment, then stop it at once.
    const until = Date.now() + 5000;
    while (writer.holds === 0 && Date.now() < until) {
      writer.writeGroup();
      await tick();
    }
    expect(writer.holds).toBeGreaterThan(0);
    await checkpointer!.stop();
    expect(writer.held).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
  });
});

describe("the batch writer's quiet moments", () => {
  async function writerOnNewDatabase(stored: string[]): Promise<{ writer: SqliteBatchWriter; close: () => Promise<void> }> {
    const store = await openStore(join(mkdtempSync(join(tmpdir(), 'ogi-quiet-')), 'ogi.sqlite'));
    const runId = await store.startRun('ingest', {});
    const db = (store.sql as SqliteClient).db;
    const writer = new SqliteBatchWriter(db, { runId, force: false }, { stored: (doc) => stored.push(doc.id), fatal: () => undefined, time: () => undefined });
    return { writer, close: () => store.close() };
  }
  const sample = processFile(join('samples', readdirSync('samples').filter((f) => f.endsWith('.txt'))[0]!));
  const copy = async (i: number) => ({ ...(await sample), id: `copy-${i}` });
  const seen = (i: number) => ({ path: `/in/${i}.txt`, sizeBytes: 1, mtimeMs: 0 });

  it('holds results during a quiet moment and stores them at release', async () => {
    const stored: string[] = [];
    const { writer, close } = await writerOnNewDatabase(stored);
    writer.write(await copy(1), seen(1));
    expect(writer.hold()).toBe(true);
    // The open group was committed first.
    expect(stored).toEqual(['copy-1']);
    writer.write(await copy(2), seen(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Held: not written, so not committed by the group timer either.
    expect(stored).toEqual(['copy-1']);
    writer.release();
    writer.flush();
    expect(stored).toEqual(['copy-1', 'copy-2']);
    await writer.close();
    await close();
  });

  it('does not hold for ever: past 128 results, or after a second, they are stored anyway', async () => {
    const stored: string[] = [];
    const { writer, close } = await writerOnNewDatabase(stored);
    expect(writer.hold()).toBe(true);
    for (let i = 0; i < 127; i++) writer.write(await copy(i), seen(i));
    expect(stored).toHaveLength(0);
    // The 128th ends the quiet moment: all are written (and committed, 64 a group) without waiting for a flush.
    writer.write(await copy(127), seen(127));
    expect(stored).toHaveLength(128);
    expect(writer.hold()).toBe(true);
    writer.write(await copy(500), seen(500));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Released by its time limit: written into a new group, committed by the group's own timer.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stored).toContain('copy-500');
    await writer.close();
    await close();
  });
});

describe('ingest with the checkpoint thread', () => {
  it('stores every document of a batch long enough to start it, and leaves a consistent database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ogi-ckpt-ingest-'));
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    const samples = readdirSync('samples').filter((f) => f.endsWith('.txt'));
    // 400 files (past the 256 documents after which the thread starts): copies of the samples, each made distinct.
    for (let i = 0; i < 400; i++) {
      const name = samples[i % samples.length]!;
      copyFileSync(join('samples', name), join(inputs, `copy-${i}-${name}`));
      execFileSync('sh', ['-c', `printf '\\n%s\\n' ${i} >> "${join(inputs, `copy-${i}-${name}`)}"`]);
    }
    const db = join(dir, 'ogi.sqlite');
    execFileSync(process.execPath, [CLI, 'ingest', inputs, '--db', db], { stdio: 'pipe' });
    expect(existsSync(`${db}-wal`)).toBe(false);
    const conn = new Database(db, { readonly: true });
    try {
      expect(conn.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 400 });
      expect(conn.prepare("SELECT count(*) AS n FROM documents WHERE status = 'failed'").get()).toEqual({ n: 0 });
      expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      conn.close();
    }
  });
});
