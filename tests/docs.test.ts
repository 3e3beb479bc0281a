import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OGI_ANNUAL_REPORT } from '../pipelines/ogi-annual-report/index.js';

const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('README documents every finding rule', () => {
  it('lists each rule id the code can emit', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const ids = new Set(OGI_ANNUAL_REPORT.identities.map((i) => i.id));
    for (const file of sources(join(ROOT, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/finding\(\s*'([a-z0-9-]+\/[a-z0-9-]+)'/g)) ids.add(m[1]!);
    }
    expect(ids.size).toBeGreaterThan(20);
    const missing = [...ids].filter((id) => !readme.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });
});
