/**
 * The runs table: one row per ingest or rerun, so an analyst can tell which run wrote which document
 * and whether a run was interrupted.
 */
import { hostname } from 'node:os';
import { PIPELINE_VERSION } from '../../pipeline.js';
import type { Db } from './db.js';

export interface RunCounts {
  ok: number;
  findings: number;
  failed: number;
  skipped: number;
}

export type RunStatus = 'completed' | 'interrupted' | 'failed';

export function startRun(db: Db, command: string, args: unknown): number {
  markAbandonedRuns(db);
  const info = db
    .prepare(
      `INSERT INTO runs (command, pipeline_version, started_at, status, pid, hostname, arguments) VALUES (?, ?, ?, 'running', ?, ?, ?)`,
    )
    .run(command, PIPELINE_VERSION, new Date().toISOString(), process.pid, hostname(), JSON.stringify(args));
  return Number(info.lastInsertRowid);
}

export function finishRun(db: Db, runId: number, status: RunStatus, counts: RunCounts): void {
  db.prepare(
    `UPDATE runs SET finished_at = ?, status = ?, documents_ok = ?, documents_findings = ?, documents_failed = ?, documents_skipped = ? WHERE id = ?`,
  ).run(new Date().toISOString(), status, counts.ok, counts.findings, counts.failed, counts.skipped, runId);
}

/** Runs still marked running whose process is gone (killed) on this host are marked abandoned. */
function markAbandonedRuns(db: Db): void {
  const running = db.prepare<[string], { id: number; pid: number | null }>(`SELECT id, pid FROM runs WHERE status = 'running' AND hostname = ?`).all(hostname());
  const mark = db.prepare(`UPDATE runs SET status = 'abandoned' WHERE id = ?`);
  for (const run of running) {
    if (run.pid === null || !processAlive(run.pid)) mark.run(run.id);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
