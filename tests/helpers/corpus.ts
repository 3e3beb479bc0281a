/** Folders of report copies for the reliability tests: each copy unique (its own document). */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES } from './cli.js';

export function makeCopies(dir: string, n: number, tag = 'copy'): string[] {
  mkdirSync(dir, { recursive: true });
  const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).sort().map((f) => readFileSync(join(SAMPLES, f), 'utf8'));
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    // Spread over sub-folders, so the walk is exercised too.
    const sub = join(dir, `batch-${Math.floor(i / 50)}`);
    mkdirSync(sub, { recursive: true });
    const path = join(sub, `${tag}-${String(i).padStart(4, '0')}.txt`);
    writeFileSync(path, `${samples[i % samples.length]}\n（${tag} ${i}）\n`);
    paths.push(path);
  }
  return paths;
}
