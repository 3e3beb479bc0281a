/**
 * Region: which administrative division a report's body belongs to, and which body it is across years.
 *
 * The agency's name is read from its start as a chain of division names (`中卫市` `中宁县` `徐套乡`), longest
 * name first; what follows is the body's organ (`人民政府`, or a department: `教育局`, `人民政府办公室`). Each
 * name of the chain must lie under the one before it, which settles most names that several places share.
 * What is still open is decided by what else the report says, in order: the places named in its title and
 * its crawl header's publisher (`中宁县徐套乡`), then the places its prose names (addresses, the county's
 * website, the province's regulations). The candidate that the most named places lie above wins — and when
 * two tie, nothing is chosen: the code stays empty and `meta/ambiguous-region` lists the candidates. A
 * place the dataset lacks gets `meta/unknown-region`, linked to the real parent its name gives if any.
 * Never a guess; and nothing here knows a place: the places come from the dataset (region/divisions.ts).
 */
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import { isAncestor, lineage, mentionNames, regionCode } from '../region/divisions.js';
import type { Division, DivisionIndex } from '../region/divisions.js';
import { GOVERNING_ORGANS, ORGAN_FOLDS, PLACE_SUFFIX } from '../region/vocabulary.js';
import type { RegionLink } from '../types.js';

/** What the stage reads: the metadata already found, and the report's whole text (read only when needed). */
export interface RegionInput {
  agency: string | null;
  title: string | null;
  publisher: string | null;
  text: () => string;
}

export interface RegionResult {
  region: RegionLink | null;
  findings: Finding[];
}

/** How many candidates a finding lists by name before it says "and N more". */
const LISTED_CANDIDATES = 12;

export function linkRegion(input: RegionInput, index: DivisionIndex): RegionResult {
  if (!input.agency) return { region: null, findings: [] };
  const agency = normaliseName(input.agency);
  // The agency's own name first; a name without any place (`教育局`) may get one from the publisher or title.
  const names = [agency, ...[input.publisher, input.title].filter((n): n is string => !!n).map(normaliseName)];
  for (const name of names) {
    const chain = readChain(name, index);
    if (chain.tokens.length > 0) return resolveChain(agency, chain, input, index);
  }
  return unknown(agency, index);
}

/** Names as printed vary in spaces and bracket widths; a body key must not. */
function normaliseName(name: string): string {
  return name.replace(/[\s\u3000]+/g, '').replace(/\(/g, '（').replace(/\)/g, '）');
}

interface Token {
  name: string;
  start: number;
  divisions: readonly Division[];
}

interface Chain {
  name: string;
  tokens: Token[];
}

/** The division names that begin `name`, one after another, each the longest name that fits there. */
function readChain(name: string, index: DivisionIndex): Chain {
  const tokens: Token[] = [];
  let at = 0;
  while (at < name.length) {
    const hit = index.longestNameAt(name, at);
    if (!hit) break;
    tokens.push({ name: hit.name, start: at, divisions: hit.divisions });
    at += hit.name.length;
  }
  return { name, tokens };
}

function resolveChain(agency: string, chain: Chain, input: RegionInput, index: DivisionIndex): RegionResult {
  // Each name narrows to the places under one of the places the name before it may be.
  let candidates: readonly Division[] = chain.tokens[0]!.divisions;
  let used = 1;
  for (; used < chain.tokens.length; used++) {
    const next = chain.tokens[used]!.divisions.filter((d) => candidates.some((c) => isAncestor(c, d)));
    if (next.length === 0) break;
    candidates = next;
  }
  const lastToken = chain.tokens[used - 1]!;
  const rest = chain.name.slice(lastToken.start + lastToken.name.length);
  const decided = decide(candidates, input);
  if (decided.length !== 1) return ambiguous(agency, lastToken.name, decided, index);
  const division = decided[0]!;
  const organ = organOf(rest);
  if (organ.unknownPlace === null) return { region: link(division, organ), findings: [] };
  // A place under a real parent that the dataset does not have (invented, renamed, or a zone): the parent it names.
  const where = lineage(division).map((d) => d.name).join('');
  return {
    region: link(division, organ),
    findings: [
      finding(
        'meta/unknown-region',
        'warning',
        `“${organ.unknownPlace}” is not a division under ${where} (${regionCode(division)}) in ${index.source}: the report is linked to ${where} only`,
        { actual: organ.unknownPlace, expected: regionCode(division) },
      ),
    ],
  };
}

/**
 * Narrows candidates by the places the report names: first in its title and publisher, then anywhere in its
 * text. A candidate scores one for each of its ancestors named; only a single best candidate is taken.
 */
function decide(candidates: readonly Division[], input: RegionInput): readonly Division[] {
  if (candidates.length <= 1) return candidates;
  let open = candidates;
  const evidence = [[input.title, input.publisher].filter(Boolean).join('\n'), null];
  for (const source of evidence) {
    const text = source ?? input.text();
    const scores = open.map((d) => ancestorsNamed(d, text));
    const best = Math.max(...scores);
    if (best > 0) open = open.filter((_, i) => scores[i] === best);
    if (open.length === 1) return open;
  }
  return open;
}

function ancestorsNamed(d: Division, text: string): number {
  let n = 0;
  for (let a = d.parent; a; a = a.parent) {
    if (!a.placeholder && mentionNames(a).some((name) => text.includes(name))) n++;
  }
  return n;
}

interface Organ {
  /** The body's organ as its name writes it: `人民政府`, `办事处`, `教育局`, or the unknown place's whole name. */
  name: string;
  /** The place's own government (`人民政府`, `政府`, `管委会`, `街道办事处`, or nothing after the place's name). */
  governing: boolean;
  /** What of the rest names a place the dataset does not have there (`城关镇`), or null. */
  unknownPlace: string | null;
}

/** What follows the division names: the place's own government, a department of it, or an unknown place. */
function organOf(rest: string): Organ {
  if (rest === '') return { name: '', governing: true, unknownPlace: null };
  const governing = GOVERNING_ORGANS.find(([printed]) => rest === printed);
  if (governing) return { name: governing[1], governing: true, unknownPlace: null };
  return { name: foldOrgan(rest), governing: false, unknownPlace: placeOf(rest) };
}

/** The place a name is of, when what is left of it without its governing organ ends as a place does. */
function placeOf(name: string): string | null {
  const organ = GOVERNING_ORGANS.find(([printed]) => name.endsWith(printed) && name.length > printed.length);
  const place = organ ? name.slice(0, name.length - organ[0].length) : name;
  return PLACE_SUFFIX.test(place) ? place : null;
}

/** `政府办公室` → `人民政府办公室`, `镇政府` → `镇人民政府`: one body, however its name is shortened. */
function foldOrgan(rest: string): string {
  let out = rest;
  for (const [printed, canonical] of GOVERNING_ORGANS) {
    if (out.endsWith(printed) && !out.endsWith(canonical)) {
      out = out.slice(0, out.length - printed.length) + canonical;
      break;
    }
  }
  for (const [short, long] of ORGAN_FOLDS) if (out.startsWith(short)) out = long + out.slice(short.length);
  return out;
}

/**
 * The division's names and the body's key: the code alone for the place's own government, however its organ
 * is printed (`徐套乡人民政府`, `徐套乡政府`, `徐套乡`); the code and the organ for a department (`320813:教育局`).
 */
function link(division: Division, organ: Organ): RegionLink {
  const names = lineage(division);
  const at = (level: Division['level']): string | null => names.find((d) => d.level === level)?.name ?? null;
  const code = regionCode(division);
  return {
    code,
    level: division.level,
    province: at('province'),
    city: at('city'),
    county: at('county'),
    township: at('township'),
    bodyId: organ.governing ? code : `${code}:${organ.name}`,
    bodyName: names.map((d) => d.name).join('') + organ.name,
  };
}

/** No division: the body is known by its printed name alone (spaces removed, brackets full-width). */
export function unlinkedBody(agency: string): RegionLink {
  const name = normaliseName(agency);
  return { code: null, level: null, province: null, city: null, county: null, township: null, bodyId: `name:${name}`, bodyName: name };
}

function ambiguous(agency: string, name: string, candidates: readonly Division[], index: DivisionIndex): RegionResult {
  const listed = candidates.slice(0, LISTED_CANDIDATES).map(describe);
  const more = candidates.length > LISTED_CANDIDATES ? ` and ${candidates.length - LISTED_CANDIDATES} more` : '';
  return {
    region: unlinkedBody(agency),
    findings: [
      finding(
        'meta/ambiguous-region',
        'warning',
        `“${name}” may be any of ${candidates.length} divisions in ${index.source} and nothing in the report tells which: ${listed.join('; ')}${more}. The region is left empty`,
        { actual: name, expected: candidates.map((d) => regionCode(d)).join(' ') },
      ),
    ],
  };
}

function unknown(agency: string, index: DivisionIndex): RegionResult {
  const place = placeOf(agency);
  const what = place ? `no division named “${place}” in ${index.source}` : `“${agency}” names no division of ${index.source}`;
  return {
    region: unlinkedBody(agency),
    findings: [finding('meta/unknown-region', 'warning', `${what}: the region is left empty`, place ? { actual: place } : {})],
  };
}

/** `宁夏回族自治区中卫市中宁县 (640521)`. */
function describe(d: Division): string {
  return `${lineage(d).map((x) => x.name).join('')} (${regionCode(d)})`;
}
