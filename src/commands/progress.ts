/**
 * Progress while a batch runs, always on stderr so stdout carries only the summary. On a terminal: a
 * running count while the inputs are scanned, then a bar over the true total with the rate (documents/s,
 * and pages/s once PDFs go by) and the time left; a long scan being read shows its page count, so a batch
 * of scans never looks frozen. Elsewhere (logs, CI, pipes): one plain line per document, `[n/total]`.
 */
import cliProgress from 'cli-progress';
import { displayPath } from './summary.js';
import type { DocumentOutcome } from './summary.js';

export interface Progress {
  /** The inputs are being scanned: `files` found so far (the total is not known yet). */
  scanning(files: number): void;
  /** The scan is done: this many documents are to be processed. */
  start(total: number): void;
  /** A long document is being read: `done` of its `total` pages (OCR). */
  working(path: string, done: number, total: number): void;
  done(doc: DocumentOutcome | null, path: string, note?: string): void;
  message(text: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream, mode: 'auto' | 'lines' | 'none' = 'auto'): Progress {
  if (mode === 'none') return silentProgress;
  if (mode === 'auto' && stream.isTTY) return new BarProgress(stream);
  return new LineProgress(stream);
}

const silentProgress: Progress = { scanning() {}, start() {}, working() {}, done() {}, message() {}, stop() {} };

export class LineProgress implements Progress {
  private total = 0;
  private count = 0;
  constructor(private readonly stream: NodeJS.WritableStream) {}
  scanning(): void {}
  start(total: number): void {
    this.total = total;
  }
  working(): void {}
  done(doc: DocumentOutcome | null, path: string, note?: string): void {
    this.count++;
    this.stream.write(`[${this.count}/${Math.max(this.total, this.count)}] ${describe(doc, note).padEnd(13)} ${displayPath(path)}\n`);
  }
  message(text: string): void {
    this.stream.write(text + '\n');
  }
  stop(): void {}
}

/** How often the scanning count is redrawn. */
const SCAN_REDRAW_MS = 100;

class BarProgress implements Progress {
  private bar: cliProgress.SingleBar | null = null;
  private total = 0;
  private count = 0;
  private pages = 0;
  private startedAt = 0;
  private lastScanDraw = 0;
  private lastFile = '';
  constructor(private readonly stream: NodeJS.WriteStream) {}

  scanning(files: number): void {
    const now = Date.now();
    if (now - this.lastScanDraw < SCAN_REDRAW_MS) return;
    this.lastScanDraw = now;
    this.stream.write(`\r\x1b[2Kscanning… ${files} file${files === 1 ? '' : 's'}`);
  }

  start(total: number): void {
    if (this.lastScanDraw > 0) this.stream.write('\r\x1b[2K');
    this.total = total;
    this.startedAt = Date.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: '{bar} {percentage}% | {value}/{total} | {rate} | {left} | {file}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 100,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, this.payload(''));
  }

  working(path: string, done: number, total: number): void {
    this.bar?.update(this.count, this.payload(`reading page ${done}/${total} of ${shortPath(path, 50)}`));
  }

  done(doc: DocumentOutcome | null, path: string): void {
    this.count++;
    this.pages += doc?.pages ?? 0;
    this.lastFile = shortPath(path, 60);
    this.bar?.update(this.count, this.payload(this.lastFile));
  }

  message(text: string): void {
    this.bar?.stop();
    this.stream.write(text + '\n');
    this.bar?.start(this.total, this.count, this.payload(this.lastFile));
  }

  stop(): void {
    this.bar?.stop();
  }

  private payload(file: string): { file: string; rate: string; left: string } {
    const s = Math.max(0.001, (Date.now() - this.startedAt) / 1000);
    if (this.count === 0) return { file, rate: '…', left: 'time left …' };
    const docs = formatRate(this.count / s, 'doc');
    const rate = this.pages > 0 ? `${docs}, ${formatRate(this.pages / s, 'page')}` : docs;
    return { file, rate, left: `${formatDuration(((this.total - this.count) * s) / this.count)} left` };
  }
}

/** "420 docs/s", "2.5 docs/s", or for slow work (scans) "21 s/doc". */
function formatRate(perSecond: number, unit: string): string {
  if (perSecond < 1) return `${(1 / perSecond).toFixed(perSecond > 0.1 ? 1 : 0)} s/${unit}`;
  return `${perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1)} ${unit}s/s`;
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The end of a long path, cut at a separator when it must be cut. */
function shortPath(path: string, max: number): string {
  const shown = displayPath(path);
  if (shown.length <= max) return shown;
  const tail = shown.slice(-max);
  const cut = tail.indexOf('/');
  return `…${cut >= 0 && cut < max - 10 ? tail.slice(cut) : tail}`;
}

function describe(doc: DocumentOutcome | null, note?: string): string {
  if (note) return note;
  if (!doc) return 'abandoned';
  return doc.status === 'findings' ? `findings ${doc.errors}e/${doc.warnings}w` : doc.status;
}
