/**
 * Loading pdf.js (its legacy build, with core-js) must leave the thread's built-ins as V8 made them: core-js
 * replaces Array.prototype.push, JSON.stringify and JSON.parse on Node 20 with slow JavaScript versions,
 * which src/extract/pdf/pdfjs-natives.ts puts back after each pdf.js module (pdf.mjs, its worker, the text-only
 * copy of the worker). What core-js adds and pdf.js needs stays.
 */
import { describe, expect, it } from 'vitest';
import { loadPdfJs, loadPdfJsForRendering } from '../src/extract/pdf/pdf.js';
import { textWorker } from '../src/extract/pdf/pdf-text-worker.js';

// Taken when this file loads, before anything here has imported pdf.js.
const before = { push: Array.prototype.push, stringify: JSON.stringify, parse: JSON.parse };

describe('loadPdfJs', () => {
  it('keeps the native push, JSON.stringify and JSON.parse, and the additions pdf.js needs', async () => {
    await loadPdfJs();
    expect(Array.prototype.push).toBe(before.push);
    expect(JSON.stringify).toBe(before.stringify);
    expect(JSON.parse).toBe(before.parse);
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
  });

  it('keeps them after the worker modules (pdf.js own, for rendering, and the text-only copy) have loaded too', async () => {
    await loadPdfJsForRendering();
    await textWorker(await loadPdfJs());
    expect(Array.prototype.push).toBe(before.push);
    expect(JSON.stringify).toBe(before.stringify);
    expect(JSON.parse).toBe(before.parse);
  });
});
