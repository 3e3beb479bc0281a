/**
 * Checkpoints a batch's database on a thread of its own. SQLite's automatic checkpoint runs inside the COMMIT
 * that crosses its threshold: it copies tens of MB from the WAL into the database and syncs both, and the main
 * thread — which stores every document — stalls ~70 ms each time (5,000 text reports: seven stalls, ~0.5 s,
 * 0.3 s of it waiting for fsync, while the workers ran out of jobs). Here a second connection copies the pages
 * as they come (a PASSIVE checkpoint: the writer never waits for it), and the writer's automatic checkpoints
 * are off while it runs. To let SQLite start the WAL over, the writer holds its writes for a moment now and
 * then (`hold` … `release`; see checkpoint-worker.ts): it keeps taking results meanwhile, and stores them after.
 *
 * If the thread cannot start, its checkpoint fails, or the WAL does not start over (another process writing, a
 * long read elsewhere), the writer's automatic checkpoints are back on: the WAL grows no more than without it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckpointerData, CheckpointerMessage, CheckpointerReply } from './checkpoint-worker.js';
import { WAL_AUTOCHECKPOINT_PAGES } from './db.js';
import type { Db } from './db.js';

/** How often the thread copies: ~10 MB of WAL at ~900 text reports a second (250, 500 and 1,000 ms measured alike). */
const CHECKPOINT_INTERVAL_MS = 500;
/** A WAL of this many frames (4 KB pages: 8 MB) is started over at the next quiet moment. */
const RESTART_FRAMES = 2048;
/**
 * …but if it has not started over after this many quiet moments in a row (another process writes to the database
 * meanwhile, or a reader holds an old snapshot), the checkpoints go back to SQLite, as without this thread.
 */
const GIVE_UP_AFTER_QUIET_MOMENTS = 3;

/** The compiled worker: next to this module in the build; from the sources (tests), the build's copy. */
const WORKER_FILES = [new URL('./checkpoint-worker.js', import.meta.url), new URL('../../../dist/src/store/sqlite/checkpoint-worker.js', import.meta.url)];

/** What the writer does for a quiet moment: `hold` commits and holds its writes (false if it cannot), `release` writes them. */
export interface QuietMoments {
  hold(): boolean;
  release(): void;
}

export interface CheckpointerStats {
  checkpoints: number;
  /** Quiet moments after which the WAL started over (its checkpoint sequence number went up). */
  restarts: number;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  restartFrames?: number;
  giveUpAfter?: number;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private running = false;
  private holding = false;
  private stats: CheckpointerStats | null = null;

  private constructor(
    private readonly db: Db,
    private readonly writer: QuietMoments,
    url: URL,
    options: CheckpointerOptions,
  ) {
    const data: CheckpointerData = {
      path: db.name,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      restartFrames: options.restartFrames ?? RESTART_FRAMES,
      giveUpAfter: options.giveUpAfter ?? GIVE_UP_AFTER_QUIET_MOMENTS,
      busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number,
    };
    this.worker = new Worker(url, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 } });
    this.worker.on('message', (reply: CheckpointerReply) => this.onReply(reply));
    // A failure to start (a missing build) is as a failed checkpoint: automatic checkpoints go on.
    this.worker.on('error', () => this.handBack());
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.handBack();
        resolve();
      }),
    );
  }

  /**
   * Starts checkpointing `db` (a file database in WAL mode, written by `writer` on this connection), or returns
   * null where that does not apply: an in-memory or read-only database, or no built worker.
   */
  static start(db: Db, writer: QuietMoments, options: CheckpointerOptions = {}): WalCheckpointer | null {
    if (db.memory || db.readonly || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null;
    const url = WORKER_FILES.find((u) => existsSync(fileURLToPath(u)));
    return url ? new WalCheckpointer(db, writer, url, options) : null;
  }

  /** True while the thread checkpoints (the writer's automatic checkpoints are off). */
  get active(): boolean {
    return this.running;
  }

  /** Stops the thread after its current checkpoint, and gives the checkpoints back to the writer. */
  async stop(): Promise<CheckpointerStats | null> {
    this.worker.postMessage('stop' satisfies CheckpointerMessage);
    await this.exited;
    return this.stats;
  }

  private onReply(reply: CheckpointerReply): void {
    if ('ready' in reply) {
      this.running = true;
      this.db.pragma('wal_autocheckpoint = 0');
    } else if ('wantQuiet' in reply) {
      this.holding = this.running && this.writer.hold();
      // Not held (the writer failed): the thread's copy still runs, the WAL only does not start over.
      this.worker.postMessage('quiet' satisfies CheckpointerMessage);
    } else if ('resume' in reply) this.releaseWriter();
    else if ('failed' in reply) this.handBack();
    else this.stats = { checkpoints: reply.checkpoints, restarts: reply.restarts };
  }

  private releaseWriter(): void {
    if (!this.holding) return;
    this.holding = false;
    this.writer.release();
  }

  /** The thread is gone or failed: the writer checkpoints again, and writes what it held. */
  private handBack(): void {
    this.releaseWriter();
    if (!this.running) return;
    this.running = false;
    // The connection may have been closed after a fatal database error: nothing is left to checkpoint then.
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  }
}
