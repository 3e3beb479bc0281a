/**
 * Progress of a long document (a scanned PDF read page by page): the extractor says "still working",
 * and the worker pool, told so, restarts the document's time limit. A document that hangs says nothing
 * and is still stopped; a 40-page scan that makes steady progress is not.
 */
/** How far a long document is: `done` of `total` units (OCR pages). */
export interface ProgressStep {
  done: number;
  total: number;
}

let listener: ((step: ProgressStep) => void) | null = null;

/** Called by the worker thread around each document. */
export function onProgress(fn: ((step: ProgressStep) => void) | null): void {
  listener = fn;
}

/** Called by an extractor each time it finishes a unit of work (an OCR page): the progress bar shows it too. */
export function reportProgress(step: ProgressStep): void {
  listener?.(step);
}
