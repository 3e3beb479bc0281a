/**
 * Benchmark: ingest N text reports (copies of the samples with varied figures) end to end with the built
 * CLI, and print documents per second.   npm run bench -- [N] [--concurrency C]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Copies of the samples whose figures in table rows are changed (deterministically), each a distinct document. */
export function makeVariedCopies(dir: string, n: number, samplesDir = join(ROOT, 'samples')): void {
  const samples = readdirSync(samplesDir).filter((f) => f.endsWith('.txt')).sort().map((f) => readFileSync(join(samplesDir, f), 'utf8'));
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `part-${Math.floor(i / 100)}`);
    mkdirSync(sub, { recursive: true });
    const text = samples[i % samples.length]!.split('\n').map((line) => (line.includes('\t') ? line.replace(/\b\d+\b/g, (d) => String(next() % (Number(d) * 2 + 3))) : line)).join('\n');
    writeFileSync(join(sub, `report-${i}.txt`), `${text}\n（副本 ${i}）\n`);
  }
}

function main(argv: string[]): void {
  const n = Number(argv.find((a) => /^\d+$/.test(a)) ?? 1000);
  const ci = argv.indexOf('--concurrency');
  const dir = mkdtempSync(join(tmpdir(), 'ogi-bench-'));
  try {
    makeVariedCopies(join(dir, 'in'), n);
    const args = [join(ROOT, 'dist', 'src', 'cli.js'), 'ingest', join(dir, 'in'), '--db', join(dir, 'bench.sqlite'), '--timings'];
    if (ci >= 0 && argv[ci + 1]) args.push('--concurrency', argv[ci + 1]!);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const seconds = (Date.now() - t0) / 1000;
    process.stdout.write(r.stdout);
    process.stdout.write(`\nbench: ${n} text reports in ${seconds.toFixed(2)} s end to end (process start included): ${(n / seconds).toFixed(0)} documents/s\n`);
    process.exitCode = r.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
