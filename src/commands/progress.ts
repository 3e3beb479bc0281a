/**
 * Progress while a batch runs: a bar on a terminal, one plain line per document otherwise (logs, CI,
 * pipes), always on stderr so stdout carries only the summary.
 */
import cliProgress from 'cli-progress';
import { countBySeverity } from '../findings.js';
import type { ProcessedDocument } from '../types.js';
import { displayPath } from './summary.js';

export interface Progress {
  /** One more document was queued (the total grows while folders are walked). */
  queued(): void;
  done(doc: ProcessedDocument | null, path: string, note?: string): void;
  message(text: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream, mode: 'auto' | 'lines' | 'none' = 'auto'): Progress {
  if (mode === 'none') return silentProgress;
  if (mode === 'auto' && stream.isTTY) return new BarProgress(stream);
  return new LineProgress(stream);
}

const silentProgress: Progress = { queued() {}, done() {}, message() {}, stop() {} };

class LineProgress implements Progress {
  private total = 0;
  private count = 0;
  constructor(private readonly stream: NodeJS.WritableStream) {}
  queued(): void {
    this.total++;
  }
  done(doc: ProcessedDocument | null, path: string, note?: string): void {
    this.count++;
    this.stream.write(`[${this.count}/${this.total}] ${describe(doc, note).padEnd(13)} ${displayPath(path)}\n`);
  }
  message(text: string): void {
    this.stream.write(text + '\n');
  }
  stop(): void {}
}

class BarProgress implements Progress {
  private readonly bar: cliProgress.SingleBar;
  private total = 0;
  private count = 0;
  constructor(stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      { stream, format: '{bar} {value}/{total} | {file}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(0, 0, { file: '' });
  }
  queued(): void {
    this.total++;
    this.bar.setTotal(this.total);
  }
  done(_doc: ProcessedDocument | null, path: string): void {
    this.count++;
    this.bar.update(this.count, { file: displayPath(path).slice(-60) });
  }
  message(text: string): void {
    this.bar.stop();
    process.stderr.write(text + '\n');
    this.bar.start(this.total, this.count, { file: '' });
  }
  stop(): void {
    this.bar.stop();
  }
}

function describe(doc: ProcessedDocument | null, note?: string): string {
  if (note) return note;
  if (!doc) return 'abandoned';
  if (doc.status === 'findings') {
    const c = countBySeverity(doc.findings);
    return `findings ${c.error}e/${c.warning}w`;
  }
  return doc.status;
}
