/**
 * Two builds' pipelines on the same documents in one thread, for a before/after on a host whose speed drifts by
 * 20–30% within minutes: both builds are loaded (each its own module graph and JIT state), the first half of the
 * documents warms both up, and the second half is run in blocks, each block by one build then the other (the order
 * alternating), timed by this thread's CPU clock (/proc/thread-self/schedstat). Prints the ratio of the sums (B/A)
 * and the median of the blocks' ratios, which a burst of load on one block does not move.
 *
 *   npm run build && node dist/scripts/bench/build-ab.js <distA> <distB> [--form samples|text|stream] [--form-b F] [--docs N] [--block B]
 *
 * With --form-b, B runs the same reports in another form: `build-ab.js dist <a copy of dist> --form text --form-b
 * stream` is what a one-paragraph copy costs against the same report as text (issue 10), each form on a module
 * graph of its own — so on code the JIT shaped for that form alone, as in a batch of one form.
 *
 * <distA>, <distB>: the `dist` folders of two builds (a worktree's, e.g. `git worktree add /tmp/before <rev>`, then
 * `npx tsc -p tsconfig.json` there with node_modules linked). `samples`: copies of the five samples (the corpus of
 * issue 13's text figure); `text` and `stream`: generated reports (those with an HTML form) as text or as one-paragraph
 * copies (issue 10). The documents are made in a worker thread (documents-apart.ts), so that neither build's JIT is
 * trained on the generator, which runs pipeline modules.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadedFile } from '../../src/stages/load.js';
import type { processLoaded as ProcessLoaded } from '../../src/pipeline.js';
import { documentsApart } from './documents-apart.js';
import type { DocumentForm } from './documents-apart.js';
import { option, threadCpuNs } from './measure.js';

interface Pipeline {
  processLoaded: typeof ProcessLoaded;
}

async function load(dist: string): Promise<Pipeline> {
  return (await import(pathToFileURL(resolve(dist, 'src', 'pipeline.js')).href)) as Pipeline;
}

async function runBlock(p: Pipeline, block: readonly LoadedFile[]): Promise<number> {
  const t0 = threadCpuNs();
  for (const d of block) await p.processLoaded(d, {}, {});
  return threadCpuNs() - t0;
}

async function main(argv: string[]): Promise<void> {
  const [distA, distB] = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  if (!distA || !distB) throw new Error('usage: build-ab.js <distA> <distB> [--form samples|text|stream] [--form-b F] [--docs N] [--block B]');
  const form = option(argv, '--form', 'samples') as DocumentForm;
  const formB = option(argv, '--form-b', form) as DocumentForm;
  const n = Number(option(argv, '--docs', '4000'));
  const size = Number(option(argv, '--block', '20'));
  if (distA === distB) throw new Error('two builds need two folders: copy dist to compare two forms on one build');
  const [a, b] = [await load(distA), await load(distB)];
  // Made in a worker thread: the generator runs pipeline modules, which would train one build's JIT here.
  const made = await documentsApart(formB === form ? [form] : [form, formB], n);
  const docs = made[0]!;
  const docsB = made[1] ?? docs;
  const half = Math.floor(n / 2);
  for (let i = 0; i < half; i++) {
    await a.processLoaded(docs[i]!, {}, {});
    await b.processLoaded(docsB[i]!, {}, {});
  }
  const ratios: number[] = [];
  let sumA = 0;
  let sumB = 0;
  for (let i = half, k = 0; i < n; i += size, k++) {
    const block = docs.slice(i, i + size);
    const blockB = docsB.slice(i, i + size);
    let x: number;
    let y: number;
    if (k % 2 === 0) {
      x = await runBlock(a, block);
      y = await runBlock(b, blockB);
    } else {
      y = await runBlock(b, blockB);
      x = await runBlock(a, block);
    }
    ratios.push(y / x);
    sumA += x;
    sumB += y;
  }
  ratios.sort((p, q) => p - q);
  const measured = n - half;
  const ms = (ns: number): string => (ns / 1e6 / measured).toFixed(3);
  console.log(
    `${formB === form ? form : `A ${form}, B ${formB}`}, ${measured} documents after ${half} of warm-up, blocks of ${size}: A ${ms(sumA)} ms, B ${ms(sumB)} ms per document; B/A ${(sumB / sumA).toFixed(3)} (sums), ${ratios[ratios.length >> 1]!.toFixed(3)} (median of ${ratios.length} blocks)`,
  );
}

void main(process.argv.slice(2));
