/**
 * Smoke test of the benchmark script: a tiny text run end to end (generated corpus → built CLI →
 * timings JSON) writes a figures file with the keys a reader compares runs by. No timing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BENCH = new URL('../dist/scripts/bench/bench.js', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'ogi-bench-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run bench', () => {
  it('runs on 20 text reports and writes the figures as JSON', () => {
    const r = spawnSync(process.execPath, [BENCH, '--docs', '20', '--formats', 'text', '--concurrency', '1', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/text ×20, concurrency 1: [\d.]+ documents\/s/);
    expect(r.stdout).toMatch(/load average/);
    expect(existsSync(join(out, 'bench-latest.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'bench-latest.json'), 'utf8'));
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['startedAt', 'machine', 'options', 'results']));
    expect(report.machine.loadavg).toHaveLength(3);
    const [text] = report.results;
    expect(text).toMatchObject({ format: 'text', documents: 20, failed: 0 });
    for (const key of ['documentsPerS', 'stageShare', 'stageMs', 'peakRssMb', 'dbBytes', 'cpuMsPerDocument', 'loadavgBefore', 'loadavgAfter']) expect(text).toHaveProperty(key);
    expect(Object.keys(text.stageShare)).toEqual(['load', 'extract', 'segment', 'tables', 'validate', 'store']);
    expect(text.stageMs.store).toBeGreaterThan(0);
    expect(text.dbBytes).toBeGreaterThan(0);
  }, 60_000);
});
