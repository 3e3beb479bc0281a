/**
 * The tally of a batch (ingest or rerun) and its printed summary: every file is accounted for —
 * ok, with findings, failed (with its reason), skipped, duplicate, abandoned or not a report.
 */
import { relative, isAbsolute } from 'node:path';
import { countBySeverity } from '../findings.js';
import { isPostgresUrl } from '../store/sql.js';
import type { ProcessedDocument } from '../types.js';
import type { StoreOutcome } from '../store/document-rows.js';
import type { ThreadCpuSplit } from '../run/thread-cpu.js';

/** What a batch's tally needs of a processed document. */
export interface DocumentOutcome {
  path: string;
  format: string | null;
  status: ProcessedDocument['status'];
  failedStage: string | null;
  error: string | null;
  errors: number;
  warnings: number;
  timings: Record<string, number>;
  /** Pages of a paged document (PDF), for pages/s. */
  pages: number | null;
}

export function documentOutcome(doc: ProcessedDocument): DocumentOutcome {
  const counts = countBySeverity(doc.findings);
  const pages = doc.extractMeta.pages;
  return {
    path: doc.path,
    format: doc.format,
    status: doc.status,
    failedStage: doc.failedStage,
    error: doc.error,
    errors: counts.error,
    warnings: counts.warning,
    timings: doc.timings,
    pages: typeof pages === 'number' ? pages : null,
  };
}

export interface FailedEntry {
  path: string;
  stage: string | null;
  reason: string;
}

const MARK_EVERY = 1000;

export class BatchSummary {
  ok = 0;
  withFindings = 0;
  errors = 0;
  warnings = 0;
  failed: FailedEntry[] = [];
  /** Already ingested by this pipeline version (unchanged path). */
  skipped = 0;
  /** Of the skipped, how many are stored as failed. */
  skippedFailed = 0;
  /** Same content as a document already stored: only the path was recorded. */
  duplicates: string[] = [];
  /** In flight when the run was stopped: not stored, done by the next ingest. */
  abandoned: string[] = [];
  /** Files whose extension is not a report format. */
  ignored = 0;
  unreadableFolders: FailedEntry[] = [];
  byFormat = new Map<string, number>();
  /** Milliseconds per stage summed over documents, plus store. */
  stageMs = new Map<string, number>();
  interrupted = false;
  fatal: string | null = null;
  /** The batch's CPU by thread (Linux; null elsewhere, or where the queue's workers are other processes). */
  threadCpuMs: ThreadCpuSplit | null = null;
  readonly startedAt = Date.now();
  /** Milliseconds from the start at every MARK_EVERY-th document, and store time so far then: shows whether time per document grows. */
  readonly marks: { documents: number; elapsedMs: number; storeMs: number }[] = [];

  record(doc: ProcessedDocument, outcome: StoreOutcome): void {
    this.recordOutcome(documentOutcome(doc), outcome);
  }

  /** The tally of one document from its outcome alone (a queue's producer learns no more of a worker's document). */
  recordOutcome(doc: DocumentOutcome, outcome: StoreOutcome): void {
    const format = doc.format ?? 'unknown';
    this.byFormat.set(format, (this.byFormat.get(format) ?? 0) + 1);
    for (const [stage, ms] of Object.entries(doc.timings)) this.addTime(stage, ms);
    this.mark();
    if (outcome === 'duplicate') {
      this.duplicates.push(doc.path);
      return;
    }
    if (doc.status === 'failed') {
      this.failed.push({ path: doc.path, stage: doc.failedStage, reason: doc.error ?? 'unknown reason' });
    } else if (doc.status === 'findings') {
      this.withFindings++;
      this.errors += doc.errors;
      this.warnings += doc.warnings;
    } else {
      this.ok++;
    }
  }

  private mark(): void {
    // Counted before this document is added to a tally, hence the + 1.
    const n = this.processed + 1;
    if (n % MARK_EVERY === 0) this.marks.push({ documents: n, elapsedMs: Date.now() - this.startedAt, storeMs: Math.round(this.stageMs.get('store') ?? 0) });
  }

  addTime(stage: string, ms: number): void {
    this.stageMs.set(stage, (this.stageMs.get(stage) ?? 0) + ms);
  }

  /** Documents whose pipeline ran to the end in this batch (stored or duplicate). */
  get processed(): number {
    return this.ok + this.withFindings + this.failed.length + this.duplicates.length;
  }

  exitCode(): number {
    if (this.fatal) return 2;
    if (this.interrupted) return 130;
    return this.failed.length > 0 || this.unreadableFolders.length > 0 ? 1 : 0;
  }
}

export interface SummaryContext {
  verb: string;
  dbPath: string;
  runId: number | null;
  pipelineVersion: string;
  timings: boolean;
}

export function formatSummary(s: BatchSummary, ctx: SummaryContext): string {
  const lines: string[] = [];
  const seconds = (Date.now() - s.startedAt) / 1000;
  if (s.interrupted) lines.push(`Interrupted — summary so far:`);
  lines.push(
    `${ctx.verb} ${s.processed} document${s.processed === 1 ? '' : 's'} into ${isPostgresUrl(ctx.dbPath) ? ctx.dbPath : displayPath(ctx.dbPath)} in ${seconds.toFixed(1)} s` +
      ` (run ${ctx.runId ?? '-'}, pipeline ${ctx.pipelineVersion})`,
  );
  lines.push(`  ok              ${s.ok}`);
  lines.push(`  with findings   ${s.withFindings}${s.withFindings ? `  (${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'})` : ''}`);
  lines.push(`  failed          ${s.failed.length}`);
  if (s.skipped) {
    lines.push(
      `  skipped         ${s.skipped}  already ingested by this pipeline version (--force redoes them)` +
        (s.skippedFailed ? `; ${s.skippedFailed} of them failed before: \`ogi rerun --failed\` retries them` : ''),
    );
  }
  if (s.duplicates.length) lines.push(`  duplicates      ${s.duplicates.length}  same content as another file: one document, path recorded`);
  if (s.abandoned.length) lines.push(`  abandoned       ${s.abandoned.length}  in flight when stopped: not stored; the next ingest does them`);
  if (s.ignored) lines.push(`  not reports     ${s.ignored}  files skipped by their extension`);
  if (s.byFormat.size) {
    const formats = [...s.byFormat.entries()].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`);
    lines.push(`By format: ${formats.join(', ')}`);
  }
  if (s.failed.length) {
    lines.push('Failed:');
    for (const f of s.failed) lines.push(`  ${displayPath(f.path)} — ${f.stage ? `[${f.stage}] ` : ''}${f.reason}`);
  }
  if (s.unreadableFolders.length) {
    lines.push('Folders that could not be read:');
    for (const f of s.unreadableFolders) lines.push(`  ${displayPath(f.path)} — ${f.reason}`);
  }
  if (s.abandoned.length) {
    lines.push('Abandoned:');
    for (const p of s.abandoned) lines.push(`  ${displayPath(p)}`);
  }
  if (ctx.timings) lines.push(...formatTimings(s, seconds));
  if (s.fatal) lines.push(`Stopped: ${s.fatal}`);
  lines.push(exitLine(s));
  return lines.join('\n') + '\n';
}

/** The figures of `--timings` in machine-readable form (`ingest --timings-json FILE`), for the benchmark. */
export interface TimingsReport {
  documents: number;
  byFormat: Record<string, number>;
  ok: number;
  withFindings: number;
  failed: number;
  duplicates: number;
  wallMs: number;
  /** Milliseconds per stage summed over documents (worker time for load…validate, main thread for store). */
  stageMs: Record<string, number>;
  /** Peak resident memory of the whole process (main thread and workers), in MB. */
  peakRssMb: number;
  /** CPU time of the whole process (every thread), user + system: robust to other load on the machine. */
  cpuMs: number;
  /** Elapsed and store time at every 1,000th document. */
  marks: { documents: number; elapsedMs: number; storeMs: number }[];
  /** cpuMs by thread: the main thread, each worker, the rest (V8's compiler and collector, the checkpointer); null off Linux. */
  threadCpuMs: ThreadCpuSplit | null;
}

export function timingsReport(s: BatchSummary): TimingsReport {
  return {
    documents: s.processed,
    byFormat: Object.fromEntries(s.byFormat),
    ok: s.ok,
    withFindings: s.withFindings,
    failed: s.failed.length,
    duplicates: s.duplicates.length,
    wallMs: Date.now() - s.startedAt,
    stageMs: Object.fromEntries([...s.stageMs].map(([k, v]) => [k, Math.round(v * 10) / 10])),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    marks: s.marks,
    threadCpuMs: s.threadCpuMs,
  };
}

function formatTimings(s: BatchSummary, seconds: number): string[] {
  const out = ['Timings (total over documents):'];
  const n = Math.max(1, s.processed);
  for (const [stage, ms] of s.stageMs) out.push(`  ${stage.padEnd(10)} ${ms.toFixed(0).padStart(8)} ms  (${(ms / n).toFixed(2)} ms/document)`);
  out.push(`  wall       ${(seconds * 1000).toFixed(0).padStart(8)} ms  (${(s.processed / Math.max(seconds, 1e-3)).toFixed(0)} documents/s)`);
  out.push(`  peak RSS   ${(process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(8)} MB`);
  const t = s.threadCpuMs;
  if (t) {
    const perDoc = (ms: number): string => (ms / n).toFixed(2);
    const workers = t.workers.length === 0 ? '' : `${t.workers.length === 1 ? 'worker' : 'workers'} ${t.workers.map(perDoc).join(' + ')}, `;
    out.push(`  CPU        main thread ${perDoc(t.main)}, ${workers}other threads ${perDoc(t.other)} ms/document`);
  }
  return out;
}

function exitLine(s: BatchSummary): string {
  const code = s.exitCode();
  if (code === 0) return 'Exit status 0: every document was processed.';
  if (code === 2) return 'Exit status 2: the run could not continue.';
  if (code === 130) return 'Exit status 130: interrupted; run the same command again to finish.';
  const n = s.failed.length;
  return `Exit status 1: ${n} document${n === 1 ? '' : 's'} failed${s.unreadableFolders.length ? ' or folders could not be read' : ''}; fix the cause and run \`ogi rerun --failed\`.`;
}

/** A path relative to the working folder when it is inside it, so summaries stay short. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
