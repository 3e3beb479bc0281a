/**
 * Progress of a long document (a scanned PDF read page by page): the extractor says "still working",
 * and the worker pool, told so, restarts the document's time limit. A document that hangs says nothing
 * and is still stopped; a 40-page scan that makes steady progress is not.
 */
let listener: (() => void) | null = null;

/** Called by the worker thread around each document. */
export function onProgress(fn: (() => void) | null): void {
  listener = fn;
}

/** Called by an extractor each time it finishes a unit of work (an OCR page). */
export function reportProgress(): void {
  listener?.();
}
