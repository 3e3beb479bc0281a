/**
 * What a one-paragraph copy costs the pipeline against the same report as text (issue 10's speed line).
 * The same generated reports are processed as text and as one-paragraph copies, each form in a process of its
 * own (so that neither runs on code the JIT shaped for the other), the two processes running at the same time,
 * one on each core, so that the host's drift falls on both; several rounds. Each process times the pipeline by its main thread's own CPU clock
 * (/proc/thread-self/schedstat: V8's background compiler and collector threads are not counted); the first
 * half of its documents warms the JIT up, and the figures are over the second half, per document.
 * With --interleaved, both forms run in turn in one process instead.
 *
 *   npm run build && node dist/scripts/bench/stream-cost.js [--docs N] [--rounds R] [--seed S] [--interleaved]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadavg } from 'node:os';
import { processLoaded } from '../../src/pipeline.js';
import type { LoadedFile } from '../../src/stages/load.js';
import { option, textAndParagraphCopies, threadCpuNs } from './measure.js';





interface Tally {
  cpuNs: number;
  stages: Record<string, number>;
  findings: number;
}

async function timedRun(loaded: LoadedFile, tally: Tally | null): Promise<void> {
  const stages: Record<string, number> = {};
  const t0 = threadCpuNs();
  const doc = await processLoaded(loaded, {}, stages);
  const spent = threadCpuNs() - t0;
  if (!tally) return;
  tally.cpuNs += spent;
  tally.findings += doc.findings.length;
  for (const [k, v] of Object.entries(stages)) tally.stages[k] = (tally.stages[k] ?? 0) + v;
}

type Form = 'text' | 'stream';

const FORM_NAMES: Record<Form, string> = { text: 'text', stream: 'one paragraph' };

/** Runs the documents' second half of one form (or both in turn) and returns the tallies. */
async function measure(docs: [LoadedFile, LoadedFile][], forms: Form[]): Promise<Record<Form, Tally>> {
  const tallies: Record<Form, Tally> = { text: { cpuNs: 0, stages: {}, findings: 0 }, stream: { cpuNs: 0, stages: {}, findings: 0 } };
  const half = Math.floor(docs.length / 2);
  for (const [i, pair] of docs.entries()) {
    // In turn, alternate which form goes first, so that neither always runs on caches the other just warmed.
    const order = i % 2 === 0 ? forms : [...forms].reverse();
    for (const form of order) await timedRun(pair[form === 'text' ? 0 : 1], i >= half ? tallies[form] : null);
  }
  return tallies;
}

function perDoc(t: Tally, measured: number): { cpu: number; stages: Record<string, number>; findings: number } {
  return { cpu: t.cpuNs / 1e6 / measured, stages: Object.fromEntries(Object.entries(t.stages).map(([k, v]) => [k, v / measured])), findings: t.findings / measured };
}

type PerDoc = ReturnType<typeof perDoc>;

function report(rounds: Record<Form, PerDoc>[], what: string): void {
  const line = (form: Form, pick: (d: PerDoc) => number): string => rounds.map((r) => pick(r[form]).toFixed(3)).join(', ');
  console.log(what);
  for (const form of ['text', 'stream'] as const) console.log(`  ${FORM_NAMES[form].padEnd(14)} thread CPU ${line(form, (d) => d.cpu)} ms per document`);
  console.log(`  ratio          ${rounds.map((r) => (r.stream.cpu / r.text.cpu).toFixed(2)).join(', ')}`);
  const stages = Object.keys({ ...rounds[0]!.text.stages, ...rounds[0]!.stream.stages });
  const best = (form: Form, k: string): string => Math.min(...rounds.map((r) => r[form].stages[k] ?? 0)).toFixed(3);
  for (const k of stages) console.log(`  ${k.padEnd(14)} text ${best('text', k)} ms, one paragraph ${best('stream', k)} ms (wall, best round)`);
  console.log(`  findings       text ${rounds[0]!.text.findings.toFixed(1)}, one paragraph ${rounds[0]!.stream.findings.toFixed(1)} per document`);
  console.log(`  load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

async function main(argv: string[]): Promise<void> {
  const n = Number(option(argv, '--docs', '4000'));
  const seed = Number(option(argv, '--seed', '1'));
  const rounds = Number(option(argv, '--rounds', '3'));
  const measured = n - Math.floor(n / 2);
  const child = option(argv, '--child', '');
  if (child === 'text' || child === 'stream') {
    const t = await measure(textAndParagraphCopies(n, seed), [child]);
    process.stdout.write(JSON.stringify(perDoc(t[child], measured)));
    return;
  }
  if (argv.includes('--interleaved')) {
    const t = await measure(textAndParagraphCopies(n, seed), ['text', 'stream']);
    report([{ text: perDoc(t.text, measured), stream: perDoc(t.stream, measured) }], `${n} generated reports as text and as one-paragraph copies, in turn in one thread; per document over the last ${measured}:`);
    return;
  }
  const results: Record<Form, PerDoc>[] = [];
  const run = async (form: Form): Promise<PerDoc> => {
    const { stdout } = await promisify(execFile)(process.execPath, [process.argv[1]!, '--child', form, '--docs', String(n), '--seed', String(seed)], { encoding: 'utf8' });
    return JSON.parse(stdout) as PerDoc;
  };
  for (let r = 0; r < rounds; r++) {
    // The two forms run at the same time, one on each core: whatever the host does to one, it does to the other.
    const [text, stream] = await Promise.all([run('text'), run('stream')]);
    results.push({ text, stream });
  }
  report(results, `${n} generated reports as text and as one-paragraph copies, each form in a process of its own, the two at the same time, ${rounds} rounds; per document over the last ${measured}:`);
}

void main(process.argv.slice(2));
