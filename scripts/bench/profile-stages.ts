/**
 * In-process measurement of one thread's cost per document, stage by stage, plus what the worker pool
 * adds (the document packed, cloned and unpacked: src/run/wire.ts) and the store (into a fresh database), on generated
 * text reports. For finding hot spots: run it under `node --cpu-prof`.
 *
 *   npm run build && node dist/scripts/bench/profile-stages.js [--docs N] [--format text|html|stream]
 *
 * `stream`: the same reports as one paragraph behind a crawl header (scripts/bench/stream-corpus.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { processLoaded } from '../../src/pipeline.js';
import { sniffFormat } from '../../src/stages/load.js';
import { createHash } from 'node:crypto';
import { openDatabase } from '../../src/store/sqlite/db.js';
import { DocumentWriter } from '../../src/store/sqlite/write-document.js';
import type { ProcessedDocument } from '../../src/types.js';
import { generateReport } from '../generate/corpus.js';
import { reportAsHtml } from './bench.js';
import { streamCopy } from './stream-corpus.js';
import { packDocument, unpackDocument } from '../../src/run/wire.js';
import { cpuMsSince } from './cpu-time.js';

async function main(argv: string[]): Promise<void> {
  const di = argv.indexOf('--docs');
  const n = di >= 0 ? Number(argv[di + 1]) : 500;
  const format = argv.includes('--format') ? argv[argv.indexOf('--format') + 1] : 'text';
  const inputs: { name: string; bytes: Buffer }[] = [];
  for (let seed = 1; inputs.length < n; seed++) {
    const r = generateReport(seed);
    const bytes = format === 'html' ? reportAsHtml(r, inputs.length) : format === 'stream' ? (streamCopy(r, seed)?.bytes ?? null) : r.bytes;
    if (bytes) inputs.push({ name: r.name, bytes });
  }
  const timings: Record<string, number> = {};
  const docs: ProcessedDocument[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const { name, bytes } of inputs) {
    const tl = performance.now();
    const loaded = { path: name, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), format: sniffFormat(bytes, name), sizeBytes: bytes.length };
    const t: Record<string, number> = { load: performance.now() - tl };
    docs.push(await processLoaded(loaded, {}, t));
    for (const [k, v] of Object.entries(t)) timings[k] = (timings[k] ?? 0) + v;
  }
  const pipelineMs = performance.now() - t0;
  const pipelineCpu = cpuMsSince(c0);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  for (const d of docs) unpackDocument(structuredClone(packDocument(d)));
  const cloneMs = performance.now() - t1;
  const cloneCpu = cpuMsSince(c1);
  const dir = mkdtempSync(join(tmpdir(), 'ogi-prof-'));
  try {
    const db = openDatabase(join(dir, 'p.sqlite'));
    const writer = new DocumentWriter(db);
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    docs.forEach((d, i) => writer.store(d, { path: `/x/${i}`, sizeBytes: d.sizeBytes, mtimeMs: 0 }, { runId: null }));
    const storeMs = performance.now() - t2;
    const storeCpu = cpuMsSince(c2);
    db.close();
    const per = (ms: number) => `${(ms / n).toFixed(3)} ms/doc`;
    const cpu = (ms: number) => `, CPU ${(ms / n).toFixed(3)} ms/doc`;
    console.log(`${n} ${format} documents, one thread`);
    for (const [k, v] of Object.entries(timings)) console.log(`  ${k.padEnd(9)} ${per(v)}`);
    console.log(`  pipeline  ${per(pipelineMs)}${cpu(pipelineCpu)}`);
    console.log(`  clone     ${per(cloneMs)}${cpu(cloneCpu)} (the wire form packed, cloned and unpacked: what the worker pool pays, both sides)`);
    console.log(`  store     ${per(storeMs)}${cpu(storeCpu)}`);
    console.log(`  load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main(process.argv.slice(2));
