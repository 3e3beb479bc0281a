/**
 * A stored document's source as lines, re-read from its file: what `ogi show` quotes a finding from and
 * what the review page shows beside the grids. Only the paths recorded for the document are read; the
 * first that can still be extracted is used, and whether its content changed since is said.
 */
import { extractDocument } from '../extract/index.js';
import { decodeText, loadFile } from '../stages/load.js';
import { normalizeText } from '../stages/normalize.js';

export interface SourceLines {
  byLine: Map<number, string>;
  /** The file now holds other content than was ingested: lines may not match. */
  changed: boolean;
}

export async function sourceLines(ref: { id: string; paths: readonly string[] }): Promise<SourceLines | null> {
  for (const path of ref.paths) {
    try {
      const loaded = await loadFile(path);
      if (loaded.format === 'text') {
        // A text file's own lines (normalised as extraction reads them): the unit of cells' lines and offsets.
        const lines = normalizeText(decodeText(loaded.bytes).text).split('\n');
        return { byLine: new Map(lines.map((l, i) => [i + 1, l] as const).filter(([, l]) => l.trim() !== '')), changed: loaded.sha256 !== ref.id };
      }
      const source = await extractDocument(loaded);
      const byLine = new Map<number, string>();
      for (const b of source.blocks) {
        const line = b.prov.line;
        if (line === undefined) continue;
        const text = b.kind === 'paragraph' ? b.text : b.fields.map((f) => f.text).join(' | ');
        byLine.set(line, byLine.has(line) ? `${byLine.get(line)} ${text}` : text);
      }
      return { byLine, changed: loaded.sha256 !== ref.id };
    } catch {
      // Moved, unreadable or no longer extractable: try the next recorded path.
    }
  }
  return null;
}
