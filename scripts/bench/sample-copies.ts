/**
 * Copies of the five sample reports (samples/*.txt, ~11 KB each): the text corpus issue 13 measured on. Each
 * copy is made a distinct document (another content hash) by trailing blank lines and spaces, which change no
 * figure, no finding and no provenance.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SampleText {
  name: string;
  bytes: Buffer;
}

/** The project's samples/ folder, seen from scripts/bench/ (tests run the sources) or from dist/scripts/bench/. */
const SAMPLES_DIR = [join(import.meta.dirname, '..', '..', 'samples'), join(import.meta.dirname, '..', '..', '..', 'samples')].find((d) => existsSync(d));

/** The samples' text copies, in name order. */
export function loadSampleTexts(dir = SAMPLES_DIR ?? 'samples'): SampleText[] {
  const names = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  if (names.length === 0) throw new Error(`no sample reports (*.txt) in ${dir}`);
  return names.map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

/** The n-th copy (n ≥ 0): the samples in turn, each with its own trailing blank lines and spaces. */
export function sampleCopy(samples: readonly SampleText[], n: number): SampleText {
  const sample = samples[n % samples.length]!;
  const tail = '\n'.repeat(1 + (n % 60)) + ' '.repeat(Math.floor(n / 60));
  return { name: `copy-${String(n).padStart(5, '0')}-${sample.name}`, bytes: Buffer.concat([sample.bytes, Buffer.from(tail)]) };
}
