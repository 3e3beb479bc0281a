/**
 * Writes src/stages/radicals.ts: each CJK radical and stroke character (U+2E80–U+2FDF, U+31C0–U+31EF) with the
 * unified ideograph Unicode names as its equivalent, from the Unicode Character Database's
 * EquivalentUnifiedIdeograph.txt (Debian: package unicode-data, /usr/share/unicode).
 *
 * Why: a PDF's text layer maps each glyph to one code point, and CJK fonts draw 民 and the radical ⺠ with the
 * same glyph — so Chromium's and other printers' PDFs say 人⺠政府 where the page said 人民政府. NFKC maps
 * the Kangxi radicals (U+2F00–U+2FD5) but not the CJK Radicals Supplement (U+2E80–U+2EFF) nor the strokes.
 *
 *   npm run build && node dist/scripts/generate/radicals.js [/usr/share/unicode/EquivalentUnifiedIdeograph.txt]
 */
import { readFileSync, writeFileSync } from 'node:fs';

function main(path: string): void {
  const pairs: [number, number][] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*([0-9A-F]{4,6})/.exec(line);
    if (!m) continue;
    const from = parseInt(m[1]!, 16);
    const to = m[2] ? parseInt(m[2], 16) : from;
    const ideograph = parseInt(m[3]!, 16);
    // One UTF-16 unit for one keeps the normalised text as long as the source (offsets stay put); the few
    // radicals whose ideograph lies outside the BMP (⺇ 𠘨) are components no report prints as words.
    if (ideograph > 0xffff) continue;
    for (let c = from; c <= to; c++) pairs.push([c, ideograph]);
  }
  const body = pairs.map(([from, to]) => `${String.fromCodePoint(from)}${String.fromCodePoint(to)}`).join('');
  writeFileSync(
    'src/stages/radicals.ts',
    `/**
 * CJK radicals and strokes with their equivalent unified ideographs (${pairs.length} pairs, code point by code point), written by
 * scripts/generate/radicals.ts from Unicode's EquivalentUnifiedIdeograph.txt. A PDF's text layer often gives the
 * radical ⺠ (U+2EA0) for 民, ⻛ for 风, ⻓ for 长: CJK fonts draw both with one glyph. Do not edit by hand.
 */
const PAIRS = '${body}';

/** Radical or stroke → its equivalent ideograph. */
export const RADICAL_EQUIVALENTS: ReadonlyMap<string, string> = pairsOf(Array.from(PAIRS));

function pairsOf(chars: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < chars.length; i += 2) map.set(chars[i]!, chars[i + 1]!);
  return map;
}
`,
  );
  console.log(`src/stages/radicals.ts: ${pairs.length} radicals and strokes`);
}

main(process.argv[2] ?? '/usr/share/unicode/EquivalentUnifiedIdeograph.txt');
