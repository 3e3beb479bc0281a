/**
 * Smoke test of the benchmark script: a tiny text run end to end (generated corpus → built CLI →
 * timings JSON) writes a figures file with the keys a reader compares runs by. No timing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSampleTexts, sampleCopy } from '../scripts/bench/sample-copies.js';
import { twoWorkerCeiling } from '../scripts/bench/bench.js';

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
    for (const key of ['documentsPerS', 'stageShare', 'stageMs', 'peakRssMb', 'dbBytes', 'cpuMsPerDocument', 'coresBusy', 'loadavgBefore', 'loadavgAfter']) expect(text).toHaveProperty(key);
    expect(Object.keys(text.stageShare)).toEqual(['load', 'extract', 'segment', 'tables', 'validate', 'store']);
    expect(text.stageMs.store).toBeGreaterThan(0);
    expect(text.dbBytes).toBeGreaterThan(0);
  }, 60_000);

  it('measures text on copies of the samples with --text-corpus samples, each copy a distinct document', () => {
    const r = spawnSync(process.execPath, [BENCH, '--docs', '10', '--formats', 'text', '--text-corpus', 'samples', '--concurrency', '1', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/corpus generated in [\d.]+ s \(copies of the five samples\)/);
    expect(r.stdout).toMatch(/text \(copies of the samples\): [\d.]+ documents\/s/);
    const report = JSON.parse(readFileSync(join(out, 'bench-latest.json'), 'utf8'));
    expect(report.options.textCorpus).toBe('samples');
    expect(report.results[0]).toMatchObject({ format: 'text', documents: 10, failed: 0 });
    expect(report.textComparison.corpus).toBe('samples');
  }, 60_000);

  it('refuses an unknown text corpus', () => {
    const r = spawnSync(process.execPath, [BENCH, '--text-corpus', 'pdfs'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Expected --text-corpus to be generated or samples, got 'pdfs'/);
  });

  it('makes each copy of a sample a distinct document holding the sample text', () => {
    const samples = loadSampleTexts();
    expect(samples.map((s) => s.name)).toHaveLength(5);
    const copies = Array.from({ length: 300 }, (_, n) => sampleCopy(samples, n));
    expect(new Set(copies.map((c) => c.bytes.toString('latin1'))).size).toBe(300);
    copies.forEach((c, n) => {
      const sample = samples[n % 5]!;
      expect(c.bytes.subarray(0, sample.bytes.length).equals(sample.bytes)).toBe(true);
      expect(c.bytes.subarray(sample.bytes.length).toString()).toMatch(/^\n+ *$/);
    });
  });
});

describe('two workers against one', () => {
  it('caps the speed-up by the CPU two workers need over the cores, and by twice one worker', () => {
    // One OCR worker using a spare core (13.2 s per document, 18.9 s of CPU with two): 18.9 / 2 cores = 9.45 s at best.
    expect(twoWorkerCeiling({ wallS: 52.9, documents: 4 }, { cpuMsPerDocument: 18_900 }, 2)).toBe('at most 1.40× on 2 cores: two workers need 18.9 s of CPU per document');
    // A worker that uses one core on a machine with four: twice one worker.
    expect(twoWorkerCeiling({ wallS: 40, documents: 2 }, { cpuMsPerDocument: 20_000 }, 4)).toMatch(/^at most 2\.00× on 4 cores/);
  });
});
