/**
 * Text hard-wrapped at a fixed width: a one-paragraph copy of a report page folded into lines of N characters
 * by the tool that saved it (`fold`, a converter's text wrapping). The line breaks are not the report's: they
 * cut labels, and runs of figures ("…政府集中采购37539443" / "2.52" for 375394432.52, read as two figures). Such a
 * text is read with its wrapped lines joined back, and every position read in the joined line is traced back to
 * the source line and offset it came from (remapProvenance).
 */
import type { LineJoins, Provenance } from '../../types.js';

export interface Unwrapped {
  /** The lines with every wrapped run joined into its first line; the lines joined into it left empty. */
  lines: string[];
  joins: LineJoins;
  /** The width the text was wrapped at. */
  width: number;
}

/** The narrowest width taken for a wrap: shorter full lines are as likely a table's rows of one length. */
const MIN_WRAP_WIDTH = 30;
/** Full lines needed, and their least share of the text's lines, before its breaks are taken for a wrap. */
const MIN_FULL_LINES = 5;
const MIN_FULL_SHARE = 0.4;

/**
 * The text's lines from `from` on with its wrapped runs joined, or null when it is not hard-wrapped. A text is
 * hard-wrapped when its longest lines all have one length (the width), many of its lines have it, and none is
 * longer: lines a report prints itself never line up so. A line of the full width was cut where the width ran
 * out: it is joined to the next line as it stands; a shorter line was cut at a space, which the wrap took, when the
 * next line's first word would not have fitted on it: it is joined with one. Any other break (a short line of a
 * table, a paragraph's end) and an empty line end a run.
 */
export function unwrapHardWrapped(lines: readonly string[], from: number): Unwrapped | null {
  const width = wrapWidth(lines, from);
  if (width === null) return null;
  const out = [...lines];
  const joins = new Map<number, number[]>();
  for (let i = from; i < lines.length; i++) {
    if (isBlank(lines[i]!)) continue;
    let joined = lines[i]!;
    const starts = [0];
    let j = i;
    while (j + 1 < lines.length && !isBlank(lines[j + 1]!)) {
      const gap = wrapGap(lines[j]!, lines[j + 1]!, width);
      if (gap === null) break;
      joined += gap;
      starts.push(joined.length);
      joined += lines[j + 1]!;
      j++;
    }
    if (j > i) {
      out[i] = joined;
      for (let k = i + 1; k <= j; k++) out[k] = '';
      joins.set(i + 1, starts);
    }
    i = j;
  }
  return joins.size > 0 ? { lines: out, joins, width } : null;
}

/**
 * A line of a table drawn in text (a markdown grid or pipe table, box drawing, a tab-separated row): such lines
 * line up by design, and a text that has them is not taken for a wrapped one.
 */
const DRAWN_TABLE_LINE = /\t|^\s*(?:\||\+[-=:+]|[\u2500-\u257f])/;

/** The width a text's lines were wrapped at, or null when they were not. */
function wrapWidth(lines: readonly string[], from: number): number | null {
  // Every text is looked at: the lengths first (most texts' longest line is one of a kind), the rest only then.
  let longest = 0;
  let full = 0;
  let text = 0;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlank(line)) continue;
    text++;
    if (line.length > longest) {
      longest = line.length;
      full = 1;
    } else if (line.length === longest) full++;
  }
  if (longest < MIN_WRAP_WIDTH || full < MIN_FULL_LINES || full < MIN_FULL_SHARE * text) return null;
  let padded = 0;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (DRAWN_TABLE_LINE.test(line)) return null;
    if (line.length === longest && /\s$/.test(line)) padded++;
  }
  // Lines padded with spaces to one width (a fixed-width export) are as long as each other by design, not wrapped.
  return padded * 2 > full ? null : longest;
}

/**
 * What the wrap took between a line and the next: nothing after a full line (cut where the width ran out), a space
 * after a shorter one when the next line's first word would not have fitted on it (cut at that space); null when
 * it would have: the break is the text's own (a short line of a table, a paragraph's end).
 */
function wrapGap(line: string, next: string, width: number): string | null {
  if (line.length === width) return '';
  const start = next.length - next.trimStart().length;
  const space = next.slice(start).search(/\s/);
  const firstWord = space < 0 ? next.length - start : space;
  return line.trimEnd().length + 1 + firstWord > width ? ' ' : null;
}

function isBlank(line: string): boolean {
  return line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '');
}

/**
 * A provenance read in a joined line, moved to the source line and offset it points at (unchanged when its line
 * was not joined, or it has no offset: the joined line's first line).
 */
export function remapProvenance(prov: Provenance, joins: LineJoins): Provenance {
  if (prov.line === undefined || prov.offset === undefined) return prov;
  const starts = joins.get(prov.line);
  if (!starts) return prov;
  let k = 0;
  while (k + 1 < starts.length && starts[k + 1]! <= prov.offset) k++;
  return { ...prov, line: prov.line + k, offset: prov.offset - starts[k]! };
}
