/**
 * The documents a before/after measures, made in a worker thread of their own. The generator runs the
 * pipeline's own modules (make-html-docx-samples reads the text with textToDocument and segment): made in the
 * measuring thread, it trains the JIT of whichever build shares the script's `dist` on generating, not on
 * reading — that build then ran its text path up to ~20% slower in some processes and not in others
 * (build-ab.js read one paragraph against text as 1.0 or as 1.2 on the same build). In a worker, no build
 * under test sees the generator run.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { LoadedFile } from '../../src/stages/load.js';
import { loadedOf, textAndParagraphCopies } from './measure.js';
import { loadSampleTexts, sampleCopy } from './sample-copies.js';

/** `samples`: copies of the five samples; `text` and `stream`: generated reports as text or as one-paragraph copies. */
export type DocumentForm = 'samples' | 'text' | 'stream';

/** What the worker is asked; tagged, so that another script's worker importing this module is not taken for it. */
interface Request {
  documentsApart: { forms: DocumentForm[]; n: number };
}

/** `n` documents of each form, in the order asked, made in a worker thread. */
export async function documentsApart(forms: DocumentForm[], n: number): Promise<LoadedFile[][]> {
  const made = await answerOfWorker<LoadedFile[][]>(new URL(import.meta.url), { documentsApart: { forms, n } } satisfies Request);
  return made.map(withBuffers);
}

/** The first message of a worker thread started on `url` with `data`; the worker is then stopped. */
export async function answerOfWorker<T>(url: URL, data: unknown): Promise<T> {
  const worker = new Worker(url, { workerData: data });
  const answer = await new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  return answer;
}

/** Documents that crossed between threads: a Buffer arrives as a plain Uint8Array, and is made a Buffer again. */
export function withBuffers(docs: readonly LoadedFile[]): LoadedFile[] {
  return docs.map((d) => ({ ...d, bytes: Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength) }));
}

/** The documents of one form, made in this thread. */
export function documentsOf(form: DocumentForm, n: number): LoadedFile[] {
  if (form === 'samples') {
    const samples = loadSampleTexts();
    return Array.from({ length: n }, (_, i) => {
      const copy = sampleCopy(samples, i);
      return loadedOf(copy.name, copy.bytes);
    });
  }
  return textAndParagraphCopies(n, 1).map(([text, paragraph]) => (form === 'stream' ? paragraph : text));
}

const asked = isMainThread ? undefined : (workerData as Partial<Request> | null)?.documentsApart;
if (asked && parentPort) parentPort.postMessage(asked.forms.map((form) => documentsOf(form, asked.n)));
