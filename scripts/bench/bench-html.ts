/**
 * Micro-benchmark of the HTML path (issue 6): runs the pipeline on the sample pages many times in one
 * process and prints ms per page per stage, warm (the first rounds are discarded: JIT warm-up).
 *
 *   node dist/scripts/bench/bench-html.js [--rounds 200] [--dir samples] [--json out.json]
 *
 * Stages: load (read + hash + sniff), decode (bytes → string), parse (string → DOM), extract (the whole
 * HTML extractor: decode + parse + article + blocks), segment, tables, validate (as timed by the
 * pipeline). decode and parse are timed on their own as well, so they also count inside extract. Profile with
 *   node --cpu-prof --cpu-prof-dir /tmp/prof dist/scripts/bench/bench-html.js
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeHtmlBytes, extractHtml, parseHtml } from '../../src/extract/html/html.js';
import { analyse } from '../../src/pipeline.js';
import { loadFile } from '../../src/stages/load.js';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';

interface Args {
  rounds: number;
  dir: string;
  json: string | null;
}

function parseArgs(argv: string[]): Args {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { rounds: Number(flag('--rounds') ?? 200), dir: flag('--dir') ?? 'samples', json: flag('--json') ?? null };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const paths = readdirSync(args.dir)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((f) => resolve(join(args.dir, f)));
  if (paths.length === 0) throw new Error(`no .html files in ${args.dir}`);
  const warmup = Math.max(5, Math.floor(args.rounds / 10));
  const totals: Record<string, number> = {};
  const cpuTotals: Record<string, number> = {};
  let pages = 0;
  const add = (stage: string, ms: number, cpuMs?: number) => {
    totals[stage] = (totals[stage] ?? 0) + ms;
    if (cpuMs !== undefined) cpuTotals[stage] = (cpuTotals[stage] ?? 0) + cpuMs;
  };
  // CPU time (this process, all threads) next to wall time: on a shared machine wall time includes waiting.
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let round = 0; round < warmup + args.rounds; round++) {
    const measured = round >= warmup;
    for (const path of paths) {
      const c0 = cpuMs();
      const t0 = performance.now();
      const loaded = await loadFile(path);
      const t1 = performance.now();
      const c1 = cpuMs();
      const decoded = decodeHtmlBytes(loaded.bytes);
      const tp = performance.now();
      const cp = cpuMs();
      parseHtml(decoded.text);
      const t2 = performance.now();
      const c2 = cpuMs();
      const source = await extractHtml(loaded);
      const t3 = performance.now();
      const c3 = cpuMs();
      const timings: Record<string, number> = {};
      const doc = analyse(loaded, source, OGI_ANNUAL_REPORT, timings);
      const t4 = performance.now();
      const c4 = cpuMs();
      if (doc.status === 'failed') throw new Error(`${path}: ${doc.error}`);
      if (!measured) continue;
      pages++;
      add('load', t1 - t0, c1 - c0);
      add('decode', tp - t1, cp - c1);
      add('parse', t2 - tp, c2 - cp);
      add('extract (whole html)', t3 - t2, c3 - c2);
      for (const [stage, ms] of Object.entries(timings)) add(stage, ms);
      add('analyse (segment+tables+validate)', t4 - t3, c4 - c3);
      add('total (load+extract+analyse)', t1 - t0 + (t4 - t2), c1 - c0 + (c4 - c2));
    }
  }
  const perPage = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / pages]));
  const cpuPerPage = Object.fromEntries(Object.entries(cpuTotals).map(([k, v]) => [k, v / pages]));
  process.stdout.write(`${pages} pages (${paths.length} files × ${args.rounds} rounds, ${warmup} warm-up rounds)\n`);
  process.stdout.write(`  ${'stage'.padEnd(36)} ${'wall ms/page'.padStart(12)} ${'cpu ms/page'.padStart(12)}\n`);
  for (const [stage, ms] of Object.entries(perPage)) {
    const cpu = cpuPerPage[stage];
    process.stdout.write(`  ${stage.padEnd(36)} ${ms.toFixed(3).padStart(12)} ${cpu === undefined ? '' : cpu.toFixed(3).padStart(12)}\n`);
  }
  const total = cpuPerPage['total (load+extract+analyse)'] ?? 0;
  process.stdout.write(`  → ${(1000 / total).toFixed(0)} pages/s per core of CPU time (without store)\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ pages, wallMsPerPage: perPage, cpuMsPerPage: cpuPerPage }, null, 2));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
