/**
 * Where the store's time goes, per report: the SQLite writer on generated text reports, whole and with parts
 * of each document left out (its sections; its sections' texts; its findings; its cells; its cells, sections,
 * tables and findings)
 * or with ids in ascending order instead of content hashes, in groups of 32 documents
 * per transaction (as ingest commits when the main thread is behind) and one transaction per document, with
 * the database's size per report. CPU time is printed too: on a busy machine it says more than the wall time. In-process, one thread: run it before and after a change to the store.
 *
 *   npm run build && node dist/scripts/debug/store-profile.js [--docs N] [--samples | --dir FOLDER]
 *
 * `--samples`: copies of the five sample reports (scripts/bench/sample-copies.ts) instead of generated ones —
 * the corpus issue 13 measured text on. `--dir`: the first N files of a folder (say, the same reports as text
 * and as one-paragraph copies, to compare what each form costs to store).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { processLoaded } from '../../src/pipeline.js';
import { loadFile, sniffFormat } from '../../src/stages/load.js';
import { openDatabase } from '../../src/store/sqlite/db.js';
import type { Db } from '../../src/store/sqlite/db.js';
import { DocumentWriter } from '../../src/store/sqlite/write-document.js';
import type { ProcessedDocument } from '../../src/types.js';
import { cpuMsSince } from '../bench/cpu-time.js';
import { loadSampleTexts, sampleCopy } from '../bench/sample-copies.js';
import { generateReport } from '../generate/corpus.js';

const GROUP = 32;

async function reports(n: number, samples: boolean, dir: string | undefined): Promise<ProcessedDocument[]> {
  const docs: ProcessedDocument[] = [];
  if (dir !== undefined) {
    for (const name of readdirSync(dir).sort().slice(0, n)) docs.push(await processLoaded(await loadFile(join(dir, name)), {}, {}));
    return docs;
  }
  const texts = samples ? loadSampleTexts() : [];
  for (let seed = 1; docs.length < n; seed++) {
    const r = samples ? sampleCopy(texts, seed) : generateReport(seed);
    const loaded = { path: r.name, bytes: r.bytes, sha256: createHash('sha256').update(r.bytes).digest('hex'), format: sniffFormat(r.bytes, r.name), sizeBytes: r.bytes.length };
    docs.push(await processLoaded(loaded, {}, {}));
  }
  return docs;
}

/** Stores the documents, `group` per transaction (each in its savepoint, as ingest does); ms per document and bytes per document. */
function storeAll(dir: string, name: string, docs: ProcessedDocument[], group: number): { ms: number; cpu: number; kb: number } {
  const path = join(dir, `${name}.sqlite`);
  const db: Db = openDatabase(path);
  const writer = new DocumentWriter(db);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < docs.length; i += group) {
    if (group > 1) db.exec('BEGIN IMMEDIATE');
    for (let j = i; j < Math.min(docs.length, i + group); j++) writer.store(docs[j]!, { path: `/r/${j}.txt`, sizeBytes: docs[j]!.sizeBytes, mtimeMs: 0 }, { runId: null });
    if (group > 1) db.exec('COMMIT');
  }
  const ms = (performance.now() - t0) / docs.length;
  const cpu = cpuMsSince(c0) / docs.length;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const wal = `${path}-wal`;
  const bytes = statSync(path).size + (existsSync(wal) ? statSync(wal).size : 0);
  return { ms, cpu, kb: bytes / docs.length / 1024 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { docs: { type: 'string', default: '2000' }, samples: { type: 'boolean', default: false }, dir: { type: 'string' } } });
  const docs = await reports(Number(values.docs), values.samples, values.dir);
  const per = (f: (d: ProcessedDocument) => number) => (docs.reduce((s, d) => s + f(d), 0) / docs.length).toFixed(1);
  const what = values.dir !== undefined ? `reports of ${values.dir}` : values.samples ? 'copies of the samples' : 'generated text reports';
  console.log(`${docs.length} ${what}: per report ${per((d) => d.tables.reduce((s, t) => s + t.cells.length, 0))} cells, ${per((d) => d.sections.length)} sections, ${per((d) => d.findings.length)} findings`);
  const noCells = docs.map((d) => ({ ...d, tables: d.tables.map((t) => ({ ...t, cells: [] })) }));
  const noSections = docs.map((d) => ({ ...d, sections: [] }));
  const noFindings = docs.map((d) => ({ ...d, findings: [] }));
  const noSectionTexts = docs.map((d) => ({ ...d, sections: d.sections.map((x) => ({ ...x, text: '' })) }));
  // Document ids in ascending order instead of content hashes: what the indexes on document_id cost by being
  // inserted at random places (documents, reports, document_paths; before migration 8 also sections,
  // report_tables and findings).
  const ascendingIds = docs.map((d, i) => ({ ...d, id: String(i).padStart(64, '0') }));
  const bare = docs.map((d) => ({ ...d, tables: [], sections: [], findings: [] }));
  const dir = mkdtempSync(join(tmpdir(), 'ogi-store-profile-'));
  try {
    const runs: [string, ProcessedDocument[], number][] = [
      [`whole, ${GROUP} per transaction`, docs, GROUP],
      ['whole, one per transaction', docs, 1],
      ['without sections', noSections, GROUP],
      ["without the sections' texts", noSectionTexts, GROUP],
      ['without findings', noFindings, GROUP],
      ['ids in ascending order', ascendingIds, GROUP],
      ['without cells', noCells, GROUP],
      ['without cells, sections, tables, findings', bare, GROUP],
    ];
    // A first pass, not printed: the first database written in a process takes longer (compiling, caches), which
    // made the first line of the table read high.
    storeAll(dir, 'warm-up', docs.slice(0, 500), GROUP);
    for (const [name, set, group] of runs) {
      const r = storeAll(dir, name.replace(/\W+/g, '-'), set, group);
      console.log(`  ${name.padEnd(44)} ${r.ms.toFixed(3)} ms/report (CPU ${r.cpu.toFixed(3)})  ${r.kb.toFixed(1)} KB/report`);
    }
    console.log(`  load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
