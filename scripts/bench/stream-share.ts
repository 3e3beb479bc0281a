/**
 * Where a one-paragraph copy's extra cost is (issue 10's speed line): the same generated reports as text and as
 * one-paragraph copies, each form in a worker thread of its own (an isolate of its own, as in an ingest's workers),
 * the two at the same time, several rounds. Per document: the thread's CPU over the second half of the documents (the
 * first half warms the JIT up), and how much of it goes to placing figures in cells and settling them with the
 * identities — rowCandidates and solveTable, read from a sampled CPU profile of one more pass over the same half
 * (their inclusive time against the pipeline's), so that no timer is put into the code measured.
 *
 *   npm run build && node dist/scripts/bench/stream-share.js [--docs N] [--rounds R]
 */
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { processLoaded } from '../../src/pipeline.js';
import type { LoadedFile } from '../../src/stages/load.js';
import { answerOfWorker, documentsApart, withBuffers } from './documents-apart.js';
import type { DocumentForm } from './documents-apart.js';
import { option, threadCpuNs } from './measure.js';

/** The functions that place a table's figures and settle them: what glued digits cost more than separated cells. */
const PLACING = ['rowCandidates', 'solveTable'];
/** The pipeline's entry, whose inclusive time is the whole. */
const WHOLE = 'processLoaded';

interface Measured {
  cpuUs: number;
  placingShare: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Time under any of `names` (each sample counted once, whatever the nesting) and under `whole`, from a profile. */
export function inclusiveShare(profile: Profile, names: readonly string[], whole: string): number {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let inNames = 0;
  let inWhole = 0;
  for (const [i, id] of profile.samples.entries()) {
    const dt = profile.timeDeltas[i] ?? 0;
    let named = false;
    let underWhole = false;
    for (let n = byId.get(id); n; n = byId.get(parent.get(n.id) ?? -1)) {
      if (names.includes(n.callFrame.functionName)) named = true;
      if (n.callFrame.functionName === whole) underWhole = true;
    }
    if (underWhole) inWhole += dt;
    if (underWhole && named) inNames += dt;
  }
  return inWhole === 0 ? 0 : inNames / inWhole;
}

async function measureHere(docs: LoadedFile[]): Promise<Measured> {
  const half = Math.floor(docs.length / 2);
  for (const d of docs.slice(0, half)) await processLoaded(d, {}, {});
  const t0 = threadCpuNs();
  for (const d of docs.slice(half)) await processLoaded(d, {}, {});
  const cpuUs = (threadCpuNs() - t0) / 1000 / (docs.length - half);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  for (const d of docs.slice(half)) await processLoaded(d, {}, {});
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  return { cpuUs, placingShare: inclusiveShare(profile as unknown as Profile, PLACING, WHOLE) };
}

function measureInWorker(docs: LoadedFile[]): Promise<Measured> {
  return answerOfWorker<Measured>(new URL(import.meta.url), { streamShare: docs });
}

async function main(argv: string[]): Promise<void> {
  const n = Number(option(argv, '--docs', '4000'));
  const rounds = Number(option(argv, '--rounds', '3'));
  const forms: DocumentForm[] = ['text', 'stream'];
  const docs = await documentsApart(forms, n);
  const measured = n - Math.floor(n / 2);
  console.log(`${n} generated reports as text and as one-paragraph copies, each form in a worker thread of its own, the two at once, ${rounds} rounds; per document over the last ${measured}:`);
  for (let r = 0; r < rounds; r++) {
    // Both at once, one on each core: the host's drift (±20% within minutes here) falls on both.
    const got = await Promise.all(forms.map((_, i) => measureInWorker(docs[i]!)));
    for (const [i, form] of forms.entries()) {
      const m = got[i]!;
      const placing = m.cpuUs * m.placingShare;
      console.log(
        `  ${form === 'text' ? 'text         ' : 'one paragraph'}  ${m.cpuUs.toFixed(0)} µs: placing and settling figures ${placing.toFixed(0)} µs (${(100 * m.placingShare).toFixed(0)}%), the rest ${(m.cpuUs - placing).toFixed(0)} µs`,
      );
    }
    const rest = got.map((m) => m.cpuUs * (1 - m.placingShare));
    console.log(`  ratio ${(got[1]!.cpuUs / got[0]!.cpuUs).toFixed(2)}; without placing and settling, ${(rest[1]! / rest[0]!).toFixed(2)}`);
  }
}

const asked = isMainThread ? undefined : (workerData as { streamShare?: LoadedFile[] } | null)?.streamShare;
if (asked && parentPort) {
  const port = parentPort;
  void measureHere(withBuffers(asked)).then((m) => port.postMessage(m));
} else if (isMainThread && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main(process.argv.slice(2));
