/**
 * How the region stage does on the generated corpus, whose agencies put real townships' names under real
 * counties at random (`中宁县城关镇`): a pair the dataset has must get the township's code, an invented pair
 * the county's code with `meta/unknown-region` — never another place's code. The truth comes from the
 * dataset looked up by hand here (the county by its name, the township among the county's children), not
 * from the stage's own reading.
 *
 *   npm run build && node dist/scripts/bench/region-accuracy.js [--docs N]
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { processLoaded } from '../../src/pipeline.js';
import { divisionIndex, regionCode } from '../../src/region/divisions.js';
import type { Division } from '../../src/region/divisions.js';
import { sniffFormat } from '../../src/stages/load.js';
import { generateReport } from '../generate/corpus.js';

export type Outcome =
  /** A real township (or county) given its own code. */
  | 'linked'
  /** An invented township given its real county's code, with meta/unknown-region. */
  | 'parent-with-finding'
  /** Left empty with meta/ambiguous-region or meta/unknown-region. */
  | 'empty-with-finding'
  /** Anything else: a wrong code, or a code or an empty one without its finding. */
  | 'wrong';

export interface RegionCase {
  name: string;
  agency: string;
  invented: boolean;
  expected: string | null;
  got: string | null;
  rules: string[];
  outcome: Outcome;
}

/** The codes the dataset gives the generated names: the county's, and the township's if the county has one so named. */
function truth(county: string, town: string | null): { county: Division | null; town: Division | null } {
  const index = divisionIndex();
  const counties = index.named(county).filter((d) => d.level === 'county');
  const c = counties.length === 1 ? counties[0]! : null;
  const t = c && town ? (index.named(town).find((d) => d.level === 'township' && d.parent === c) ?? null) : null;
  return { county: c, town: t };
}

export async function measureRegions(firstSeed: number, n: number): Promise<RegionCase[]> {
  const out: RegionCase[] = [];
  for (let seed = firstSeed; seed < firstSeed + n; seed++) {
    const r = generateReport(seed);
    const doc = await processLoaded({ path: r.name, bytes: r.bytes, sha256: createHash('sha256').update(r.bytes).digest('hex'), format: sniffFormat(r.bytes, r.name), sizeBytes: r.bytes.length });
    const t = truth(r.county, r.town);
    const invented = r.town !== null && t.town === null;
    const expected = t.town ? regionCode(t.town) : t.county ? regionCode(t.county) : null;
    const got = doc.meta.region?.code ?? null;
    const rules = doc.findings.filter((f) => f.rule.endsWith('-region')).map((f) => f.rule);
    out.push({ name: r.name, agency: r.agency, invented, expected, got, rules, outcome: outcomeOf(invented, expected, got, rules) });
  }
  return out;
}

function outcomeOf(invented: boolean, expected: string | null, got: string | null, rules: string[]): Outcome {
  if (got === null) return rules.length > 0 ? 'empty-with-finding' : 'wrong';
  if (got !== expected) return 'wrong';
  if (invented) return rules.includes('meta/unknown-region') ? 'parent-with-finding' : 'wrong';
  return rules.length === 0 ? 'linked' : 'wrong';
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--docs');
  const n = i >= 0 ? Number(argv[i + 1]) : 2000;
  const t0 = performance.now();
  const cases = await measureRegions(1, n);
  const ms = performance.now() - t0;
  const count = (pred: (c: RegionCase) => boolean): number => cases.filter(pred).length;
  console.log(`${n} generated reports (${(ms / n).toFixed(2)} ms/doc through the whole pipeline)`);
  console.log(`  real places:     ${count((c) => !c.invented)}  linked to their code ${count((c) => !c.invented && c.outcome === 'linked')}`);
  console.log(`  invented places: ${count((c) => c.invented)}  parent's code + meta/unknown-region ${count((c) => c.invented && c.outcome === 'parent-with-finding')}, empty + finding ${count((c) => c.invented && c.outcome === 'empty-with-finding')}`);
  console.log(`  invented places given a real code of their own: ${count((c) => c.invented && c.got !== null && c.got !== c.expected)}`);
  console.log(`  wrong: ${count((c) => c.outcome === 'wrong')}`);
  for (const c of cases.filter((x) => x.outcome === 'wrong').slice(0, 20)) console.log(`    ${c.name} ${c.agency}: expected ${c.expected}, got ${c.got} [${c.rules.join(', ')}]`);
}

if (process.argv[1]?.endsWith('region-accuracy.js')) void main(process.argv.slice(2));
