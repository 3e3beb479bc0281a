import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isReportFileName, sniffFormat } from '../src/stages/load.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');

describe('samples/manifest.json', () => {
  it('lists every sample with its current sha256 and sniffed format', () => {
    const manifest = JSON.parse(readFileSync(join(SAMPLES, 'manifest.json'), 'utf8')) as { file: string; sha256: string; format: string }[];
    const files = readdirSync(SAMPLES).filter(isReportFileName).sort();
    expect(manifest.map((m) => m.file).sort()).toEqual(files);
    for (const m of manifest) {
      const bytes = readFileSync(join(SAMPLES, m.file));
      expect(createHash('sha256').update(bytes).digest('hex'), m.file).toBe(m.sha256);
      expect(sniffFormat(bytes, m.file), m.file).toBe(m.format);
    }
  });
});
