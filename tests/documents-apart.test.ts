/**
 * build-ab.js makes its documents in a worker thread, so that the generator (which runs pipeline modules) trains
 * no build under test: what comes back must be the documents themselves, byte for byte and as Buffers.
 */
import { describe, expect, it } from 'vitest';
import { documentsOf } from '../scripts/bench/documents-apart.js';

// The built module: a worker thread runs it as plain JavaScript (`npm test` builds first).
const BUILT = new URL('../dist/scripts/bench/documents-apart.js', import.meta.url).href;

describe('documentsApart', () => {
  it('returns the documents each form makes in this thread, in the order asked, as Buffers', async () => {
    const { documentsApart } = (await import(BUILT)) as typeof import('../scripts/bench/documents-apart.js');
    const [stream, text] = await documentsApart(['stream', 'text'], 3);
    for (const [form, made] of [['stream', stream], ['text', text]] as const) {
      const here = documentsOf(form, 3);
      expect(made!.map((d) => d.path)).toEqual(here.map((d) => d.path));
      expect(made!.map((d) => d.sha256)).toEqual(here.map((d) => d.sha256));
      for (const [i, d] of made!.entries()) {
        expect(Buffer.isBuffer(d.bytes)).toBe(true);
        expect(d.bytes.equals(here[i]!.bytes)).toBe(true);
        expect(d.format).toBe(here[i]!.format);
      }
    }
    // The two forms are different copies of the same reports.
    expect(stream![0]!.sha256).not.toBe(text![0]!.sha256);
  });
});
