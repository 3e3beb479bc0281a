/**
 * `ogi rerun <document-id|path>… | --failed`: re-extract stored documents from their files and replace
 * their rows (one transaction each), then print their findings.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../findings.js';
import { PIPELINE_VERSION } from '../pipeline.js';
import { withStoreErrors } from '../store/errors.js';
import { openStore } from '../store/open.js';
import { displayDb } from '../store/sql.js';
import type { ProcessedDocument } from '../types.js';
import { Batch, batchTarget } from '../run/batch.js';
import type { Limits } from '../run/batch.js';
import type { BatchResult } from './ingest.js';
import { createProgress } from './progress.js';
import { resolveDocument, loadRef } from './resolve-documents.js';
import type { StoredDocumentRef } from './resolve-documents.js';
import { displayPath, formatSummary } from './summary.js';

export interface RerunOptions {
  targets: string[];
  failed: boolean;
  db: string;
  concurrency: number;
  timings: boolean;
  limits: Limits;
  lockTimeoutS: number;
  progress?: 'auto' | 'lines' | 'none';
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream;
}

export async function rerun(options: RerunOptions): Promise<BatchResult> {
  if (!options.failed && options.targets.length === 0) throw new UsageError('Expected a document id or path, or --failed');
  const out = options.stdout ?? process.stdout;
  const store = await openStore(options.db, { lockTimeoutS: options.lockTimeoutS });
  const sql = store.sql;
  try {
    const refs: StoredDocumentRef[] = [];
    const problems: string[] = [];
    if (options.failed) {
      for (const row of await sql.all<{ id: string }>(`SELECT id FROM documents WHERE status = 'failed' ORDER BY path`)) refs.push(await loadRef(sql, row.id));
    }
    for (const target of options.targets) {
      const r = await resolveDocument(sql, target);
      if (r.ok) refs.push(r.doc);
      else problems.push(r.reason);
    }
    for (const p of problems) out.write(`Not found: ${p}\n`);
    const runId = await withStoreErrors(sql, options.lockTimeoutS, () => store.startRun('rerun', { targets: options.targets, failed: options.failed, limits: options.limits }));
    const progress = createProgress(options.stderr ?? process.stderr, options.progress);
    // Reviewers' corrections (ogi serve) are kept across a re-extraction; those whose cell changed turn stale.
    const corrections = { kept: 0, stale: 0 };
    const batch = new Batch({
      target: batchTarget(store),
      runId,
      concurrency: options.concurrency,
      force: true,
      limits: options.limits,
      progress,
      onStored: async (doc) => {
        const c = await store.correctionCounts(doc.id);
        out.write(describeFindings(doc));
        corrections.kept += c.active;
        corrections.stale += c.stale;
        if (c.active || c.stale) out.write(`  corrections: ${c.active} still apply, ${c.stale} stale (the re-extracted cell no longer holds the value they replaced)\n`);
      },
    });
    const seenIds = new Set<string>();
    try {
      progress.start(new Set(refs.map((r) => r.id)).size);
      for (const ref of refs) {
        if (!batch.accepting) break;
        if (seenIds.has(ref.id)) continue;
        seenIds.add(ref.id);
        const path = ref.paths.find((p) => existsSync(p));
        if (!path) {
          batch.summary.failed.push({ path: ref.path, stage: 'load', reason: 'the file is no longer there (nor at any other recorded path); the stored document is kept as it was' });
          continue;
        }
        const info = await stat(path).catch(() => null);
        await batch.add({ path: resolve(path), sizeBytes: info?.size ?? null, mtimeMs: info ? Math.trunc(info.mtimeMs) : null });
      }
    } finally {
      await batch.finish();
    }
    const s = batch.summary;
    try {
      await store.finishRun(runId, s.fatal ? 'failed' : s.interrupted ? 'interrupted' : 'completed', { ok: s.ok, findings: s.withFindings, failed: s.failed.length, skipped: 0 });
    } catch (e) {
      if (!s.fatal) throw e;
    }
    out.write(formatSummary(s, { verb: 'Re-ran', dbPath: displayDb(options.db), runId, pipelineVersion: PIPELINE_VERSION, timings: options.timings }));
    if (corrections.kept + corrections.stale > 0) out.write(`Corrections: ${corrections.kept} still apply, ${corrections.stale} stale — see them with \`ogi serve\`\n`);
    const exitCode = problems.length > 0 && s.exitCode() === 0 ? 1 : s.exitCode();
    return { summary: s, exitCode };
  } finally {
    await store.close();
  }
}

function describeFindings(doc: ProcessedDocument): string {
  const head = `${displayPath(doc.path)}  ${doc.id.slice(0, 12)}  ${doc.status}`;
  if (doc.status === 'failed') return `${head}: [${doc.failedStage}] ${doc.error}\n`;
  if (doc.findings.length === 0) return `${head}: no findings\n`;
  const lines = doc.findings.map((f) => `  ${f.severity.padEnd(7)} ${f.rule}  ${f.message}${f.line !== undefined ? `  (line ${f.line})` : ''}`);
  return `${head}: ${doc.findings.length} finding${doc.findings.length === 1 ? '' : 's'}\n${lines.join('\n')}\n`;
}
