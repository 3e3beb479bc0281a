/**
 * The pdf.js worker that documents opened for text run on: the copy of pdf.js's worker module that the build
 * writes (`dist/pdfjs-text-worker.mjs`, scripts/generate/pdfjs-text-worker.ts, which lists its patches), which
 * leaves out what only a renderer needs — compiled font files, glyphs, decoded pictures.
 * Rendering (OCR, the review server's page images) never comes here: it keeps pdf.js's own in-thread worker
 * with the unchanged module.
 *
 * In Node pdf.js runs its worker in the same thread ("fake worker"): the two sides talk through a loopback
 * port. This module does the same with the copy: one port and one `PDFWorker` per thread, shared by every
 * document opened for text (pdf.js keeps each document's state apart on the worker side, as a browser
 * viewer's worker does for the documents it opens one after another).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OgiError } from '../../findings.js';
import { importKeepingNatives } from './pdfjs-natives.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfWorker = InstanceType<PdfJs['PDFWorker']>;

/** What is used of the generated module (it ships no type declarations). */
interface TextWorkerModule {
  WorkerMessageHandler: { initializeFromPort(port: LoopbackPort): void };
  /** The pdfjs-dist version the copy was made from. */
  ogiPdfjsVersion: string;
}

type MessageListener = (event: { data: unknown }) => void;
/** What can be transferred with a message (structuredClone's `transfer` list). */
type Transfer = NonNullable<NonNullable<Parameters<typeof structuredClone>[1]>['transfer']>;
/** The port as pdf.js types it (a Worker). */
type PdfJsPort = NonNullable<Parameters<PdfJs['PDFWorker']['create']>[0]['port']>;

/**
 * Both sides of the in-thread worker on one object, as pdf.js's own LoopbackPort (which it does not export):
 * a message posted by either side reaches every listener — each side's message handler keeps those addressed
 * to it — on a later microtask, as a copy (copyForDelivery).
 */
export class LoopbackPort {
  readonly #listeners = new Map<MessageListener, (() => void) | null>();
  readonly #delivered = Promise.resolve();

  postMessage(message: unknown, transfer?: Transfer): void {
    const event = { data: copyForDelivery(message, transfer) };
    void this.#delivered.then(() => {
      // As pdf.js's port: a listener added while this message is delivered receives it too.
      for (const listener of this.#listeners.keys()) listener.call(this, event);
    });
  }

  addEventListener(_type: 'message', listener: MessageListener, options?: { signal?: AbortSignal }): void {
    const signal = options?.signal;
    if (signal?.aborted) return;
    let stopWatching: (() => void) | null = null;
    if (signal) {
      // pdf.js's message handlers stop listening by aborting the signal they registered with.
      const onAbort = (): void => this.removeEventListener('message', listener);
      signal.addEventListener('abort', onAbort);
      stopWatching = () => signal.removeEventListener('abort', onAbort);
    }
    this.#listeners.set(listener, stopWatching);
  }

  removeEventListener(_type: 'message', listener: MessageListener): void {
    this.#listeners.get(listener)?.();
    this.#listeners.delete(listener);
  }

  terminate(): void {
    for (const stopWatching of this.#listeners.values()) stopWatching?.();
    this.#listeners.clear();
  }
}

/**
 * What the receiver of a message gets. pdf.js's own port gives it a structured clone, as a real worker would:
 * pdf.js reuses some of what it has posted — an operator list's arrays are emptied right after a chunk is
 * posted, a page's text content gets new `items` and `styles` — so the receiver must not share the sender's
 * objects. A structured clone of everything, though, was ~7% of reading a PDF's text, nearly all of it in the
 * two kinds of chunk that carry a page's content, whose parts pdf.js never touches again once posted
 * (scripts/generate/pdfjs-text-worker.ts leaves the glyphs out of the operator lists). So:
 * - a message of plain values only (the streams' pull and progress messages) is copied as it is;
 * - a text-content chunk gets an object of its own, holding the posted items and styles;
 * - an operator-list chunk gets its own copies of the two arrays pdf.js empties, holding the posted arguments;
 * - anything else is cloned, as pdf.js does.
 */
export function copyForDelivery(message: unknown, transfer?: Transfer): unknown {
  if (isRecord(message)) {
    if (Object.values(message).every(isPlainValue)) return { ...message };
    const chunk = message.stream === STREAM_ENQUEUE ? message.chunk : undefined;
    if (isRecord(chunk)) {
      if (Array.isArray(chunk.items) && typeof chunk.styles === 'object' && chunk.styles !== null) return { ...message, chunk: { ...chunk } };
      if (Array.isArray(chunk.fnArray) && Array.isArray(chunk.argsArray)) {
        return { ...message, chunk: { ...chunk, fnArray: chunk.fnArray.slice(), argsArray: chunk.argsArray.slice() } };
      }
    }
  }
  return structuredClone(message, transfer ? { transfer } : undefined);
}

/** pdf.js's `StreamKind.ENQUEUE`: a chunk of a stream (a page's text content, its operator list). */
const STREAM_ENQUEUE = 4;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

function isPlainValue(x: unknown): boolean {
  return x === null || (typeof x !== 'object' && typeof x !== 'function' && typeof x !== 'symbol');
}

/** Where the build writes the copy: dist/, seen from dist/src/extract/pdf/ or from src/extract/pdf/ (tests run the sources). */
const MODULE_FILES = [new URL('../../../pdfjs-text-worker.mjs', import.meta.url), new URL('../../../dist/pdfjs-text-worker.mjs', import.meta.url)];

async function importTextWorkerModule(pdfjsVersion: string): Promise<TextWorkerModule> {
  const file = MODULE_FILES.find((u) => existsSync(u));
  if (!file) {
    throw new OgiError(`pdf.js text worker missing (${fileURLToPath(MODULE_FILES[0]!)}): run \`npm run build\`, which writes it from the pdfjs-dist package`);
  }
  const mod = (await importKeepingNatives(() => import(file.href))) as TextWorkerModule;
  if (mod.ogiPdfjsVersion !== pdfjsVersion) {
    // pdf.js refuses a worker of another version; say what to do instead.
    throw new OgiError(
      `pdf.js text worker ${fileURLToPath(file)} was made from pdfjs-dist ${String(mod.ogiPdfjsVersion)}, but ${pdfjsVersion} is installed: run \`npm run build\``,
    );
  }
  return mod;
}

let worker: Promise<PdfWorker> | null = null;

/** The thread's worker for documents opened for text; set up on first use. */
export function textWorker(pdfjs: PdfJs): Promise<PdfWorker> {
  if (!worker) {
    const starting = startTextWorker(pdfjs);
    // A failed start (the copy missing or stale) is not kept: after a rebuild the next document finds the copy.
    starting.catch(() => {
      if (worker === starting) worker = null;
    });
    worker = starting;
  }
  return worker;
}

async function startTextWorker(pdfjs: PdfJs): Promise<PdfWorker> {
  const { WorkerMessageHandler } = await importTextWorkerModule(pdfjs.version);
  const port = new LoopbackPort();
  // The worker side listens first; both sides' first messages ("ready", "configure") are delivered later.
  WorkerMessageHandler.initializeFromPort(port);
  // pdf.js types the port as a Worker; it only calls postMessage, addEventListener and removeEventListener.
  const pdfWorker = pdfjs.PDFWorker.create({ port: port as unknown as PdfJsPort, verbosity: pdfjs.VerbosityLevel.ERRORS });
  await pdfWorker.promise;
  return pdfWorker;
}
