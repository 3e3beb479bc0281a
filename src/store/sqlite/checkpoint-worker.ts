/**
 * The thread behind WalCheckpointer (checkpointer.ts), with its own connection to the database. Every
 * `intervalMs` it copies the WAL's committed pages into the database file with a PASSIVE checkpoint (the
 * writer goes on meanwhile); then, if the WAL holds `restartFrames` or more, it asks the writer for a quiet
 * moment (no transaction open), copies the few pages committed during the copy, and lets the writer go on:
 * the writer's next transaction starts the WAL over from its beginning. (SQLite rewinds the WAL only when a
 * writer begins while every frame is copied; a writer that is never quiet would grow it without end.)
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointerData {
  path: string;
  intervalMs: number;
  restartFrames: number;
  /**
   * Quiet moments in a row after which the WAL has still not started over (another process wrote meanwhile, or a
   * reader holds an old snapshot): it cannot this way, and the checkpoints go back to SQLite.
   */
  giveUpAfter: number;
  busyTimeoutMs: number;
}

/** `quiet`: the writer has committed and holds its writes; `stop`: close and exit. */
export type CheckpointerMessage = 'quiet' | 'stop';

export type CheckpointerReply =
  | { ready: true }
  /** The WAL is long: the writer should commit, hold its writes and answer `quiet`. */
  | { wantQuiet: true }
  /** Done with the quiet moment: the writer may write again. */
  | { resume: true }
  | { failed: string }
  | { stopped: true; checkpoints: number; restarts: number };

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const port = parentPort;
if (!port) throw new Error('checkpoint-worker must run in a worker thread');
const data = workerData as CheckpointerData;

let checkpoints = 0;
let restarts = 0;
let waitingForQuiet = false;
let fruitlessQuietMoments = 0;
let sequenceAtLastQuiet: number | null = null;
let db: Database.Database;
try {
  db = new Database(data.path, { fileMustExist: true, timeout: data.busyTimeoutMs });
  // As the writer's connection: a checkpoint syncs the WAL before copying and the database after.
  db.pragma('synchronous = NORMAL');
} catch (e) {
  port.postMessage({ failed: (e as Error).message } satisfies CheckpointerReply);
  process.exit(1);
}

const timer = setInterval(copyWhileWriting, data.intervalMs);
port.on('message', (message: CheckpointerMessage) => {
  if (message === 'quiet') copyWhileQuiet();
  else if (message === 'stop') stop();
});
port.postMessage({ ready: true } satisfies CheckpointerReply);

function copyWhileWriting(): void {
  if (waitingForQuiet) return;
  const result = checkpoint();
  if (result && result.log >= data.restartFrames) {
    waitingForQuiet = true;
    port!.postMessage({ wantQuiet: true } satisfies CheckpointerReply);
  }
}

function copyWhileQuiet(): void {
  const result = checkpoint();
  if (!result) return;
  // The WAL's checkpoint sequence number goes up each time it starts over: unchanged since the last quiet
  // moment, that one was for nothing.
  const sequence = walCheckpointSequence();
  if (sequence === null || sequence !== sequenceAtLastQuiet) {
    if (sequenceAtLastQuiet !== null) restarts++;
    fruitlessQuietMoments = 0;
  } else fruitlessQuietMoments++;
  sequenceAtLastQuiet = sequence;
  waitingForQuiet = false;
  port!.postMessage({ resume: true } satisfies CheckpointerReply);
  if (fruitlessQuietMoments >= data.giveUpAfter) giveUp(`the WAL did not start over after ${fruitlessQuietMoments} quiet moments (another writer, or a long read)`);
}

/** The checkpoint sequence number in the WAL file's header (bytes 12–15, big-endian), or null if there is none. */
function walCheckpointSequence(): number | null {
  const header = Buffer.alloc(16);
  try {
    const fd = openSync(`${data.path}-wal`, 'r');
    try {
      return readSync(fd, header, 0, 16, 0) === 16 ? header.readUInt32BE(12) : null;
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function checkpoint(): CheckpointResult | null {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    checkpoints++;
    return result ?? null;
  } catch (e) {
    giveUp((e as Error).message);
    return null;
  }
}

/** Says why and stops: the writer's own automatic checkpoints take over (see checkpointer.ts). */
function giveUp(reason: string): void {
  port!.postMessage({ failed: reason } satisfies CheckpointerReply);
  stop();
}

function stop(): void {
  clearInterval(timer);
  if (db.open) db.close();
  port!.postMessage({ stopped: true, checkpoints, restarts } satisfies CheckpointerReply);
  port!.close();
}
