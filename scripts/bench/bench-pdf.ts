/**
 * Text-layer PDF throughput on this machine: extracts the given PDFs (default: the five text-layer sample
 * PDFs) several times, in one thread, and prints pages per second for extraction alone and for the whole
 * pipeline (processFile), with the CPU time of this process per page beside the wall time (the machine is shared:
 * CPU time is the steadier figure; it includes pdf.js's inflate threads).
 *
 *   npm run build && node dist/scripts/bench/bench-pdf.js [--rounds N] [FILE.pdf …]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { extractPdf } from '../../src/extract/pdf/pdf.js';
import { processFile } from '../../src/pipeline.js';
import { loadFile } from '../../src/stages/load.js';
import { cpuMsSince } from './cpu-time.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let rounds = 5;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--rounds') rounds = Number(args[++i]);
    else files.push(args[i]!);
  }
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`Expected --rounds to be a whole number from 1 up, got '${rounds}'`);
  if (files.length === 0) {
    const dir = join(process.cwd(), 'tests', 'fixtures', 'pdf');
    files.push(...readdirSync(dir).filter((f) => f.endsWith('.text.pdf')).sort().map((f) => join(dir, f)));
  }
  const loaded = await Promise.all(files.map((f) => loadFile(f)));
  // Warm-up: pdf.js and the cMaps load once.
  await extractPdf(loaded[0]!, {});
  let pages = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const f of loaded) pages += (await extractPdf(f, {})).pages ?? 0;
  const extractMs = performance.now() - t0;
  const extractCpuMs = cpuMsSince(c0);
  let pipelinePages = 0;
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const f of files) pipelinePages += Number((await processFile(f)).extractMeta.pdfPages ?? 0);
  const pipelineMs = performance.now() - t1;
  const pipelineCpuMs = cpuMsSince(c1);
  const rate = (p: number, ms: number) => (p / (ms / 1000)).toFixed(1);
  const perPage = (ms: number, p: number) => (ms / p).toFixed(1);
  console.log(`${files.length} PDFs × ${rounds} rounds, ${pages / rounds} pages per round, one thread`);
  console.log(
    `extract (text layer → blocks): ${rate(pages, extractMs)} pages/s (${perPage(extractMs, pages)} ms/page; CPU ${perPage(extractCpuMs, pages)} ms/page)`,
  );
  console.log(
    `whole pipeline (processFile):  ${rate(pipelinePages, pipelineMs)} pages/s (${perPage(pipelineMs, pipelinePages)} ms/page; CPU ${perPage(pipelineCpuMs, pipelinePages)} ms/page)`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
