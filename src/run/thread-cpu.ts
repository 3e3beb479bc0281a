/**
 * CPU time by thread, on Linux (/proc): which of a batch's threads spent its CPU — the main thread (it stores),
 * the document workers, or the rest (V8's compiler and collector threads, libuv's pool). Elsewhere every
 * function returns null, and callers print nothing.
 */
import { readFileSync, readlinkSync } from 'node:fs';

/** The OS thread id of the calling thread, or null where /proc does not say. */
export function osThreadId(): number | null {
  try {
    // "/proc/thread-self" links to "<pid>/task/<tid>".
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Milliseconds the calling thread has run on a CPU, or null. */
export function ownThreadCpuMs(): number | null {
  return schedstatMs('/proc/thread-self/schedstat');
}

/** Milliseconds a thread of this process has run on a CPU, or null (gone, or no /proc). */
export function threadCpuMs(tid: number): number | null {
  return schedstatMs(`/proc/self/task/${tid}/schedstat`);
}

/** A batch's CPU by thread, in milliseconds. */
export interface ThreadCpuSplit {
  main: number;
  /** Each document worker that had said which thread it is and was still alive at the end of the batch. */
  workers: number[];
  /**
   * Every other thread of the process: V8's and libuv's, workers replaced during the batch, and a worker still
   * starting when a short batch ended (the other one took every document before it was ready).
   */
  other: number;
}

/**
 * The process's CPU so far split between the main thread, the given worker threads and the rest; null where
 * threads cannot be told apart (no /proc). Call it while the workers still run: a thread that has ended, or a
 * worker whose thread is not known yet (null), is only in the total, so in `other`.
 */
export function threadCpuSplit(workerTids: readonly (number | null)[]): ThreadCpuSplit | null {
  const main = ownThreadCpuMs();
  if (main === null) return null;
  const workers: number[] = [];
  for (const tid of workerTids) {
    const ms = tid === null ? null : threadCpuMs(tid);
    if (ms !== null) workers.push(ms);
  }
  const usage = process.cpuUsage();
  const total = (usage.user + usage.system) / 1000;
  const other = Math.max(0, total - main - workers.reduce((a, b) => a + b, 0));
  return { main: Math.round(main), workers: workers.map((ms) => Math.round(ms)), other: Math.round(other) };
}

function schedstatMs(path: string): number | null {
  try {
    // The first field: nanoseconds on a CPU (more precise than /proc's stat, which counts clock ticks).
    const ns = Number(readFileSync(path, 'latin1').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : null;
  } catch {
    return null;
  }
}
