/**
 * `--labels zh|both` on show and export: rows, columns and tables as the format writes them, taken from
 * the templates in pipelines/ (checked here against those templates), and the choice kept in OGI_LABELS
 * or ~/.config/ogi/config.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../pipelines/ogi-annual-report/tables.js';
import { resolveLabelMode } from '../src/commands/display-labels.js';
import { UsageError } from '../src/findings.js';
import { assertBuilt, runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ogi-labels-'));
const db = join(dir, 'ogi.sqlite');
const SAMPLE = 'samples/000_e7764d80f1cd94c2.txt';
const readCsv = (file: string) => parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
const sec3 = TABLES.find((t) => t.key === 'sec3')!;

beforeAll(() => {
  assertBuilt();
  expect(runCli(['ingest', SAMPLE, '--db', db]).code).toBe(0);
});

describe('label mode', () => {
  it('takes the flag, else OGI_LABELS, else the config file, else keys', () => {
    const home = mkdtempSync(join(tmpdir(), 'ogi-config-'));
    const env = { XDG_CONFIG_HOME: home } as NodeJS.ProcessEnv;
    expect(resolveLabelMode(undefined, env)).toBe('keys');
    mkdirSync(join(home, 'ogi'));
    writeFileSync(join(home, 'ogi', 'config.json'), '{"labels": "zh"}');
    expect(resolveLabelMode(undefined, env)).toBe('zh');
    expect(resolveLabelMode(undefined, { ...env, OGI_LABELS: 'both' })).toBe('both');
    expect(resolveLabelMode('keys', { ...env, OGI_LABELS: 'both' })).toBe('keys');
    expect(() => resolveLabelMode(undefined, { ...env, OGI_LABELS: 'chinese' })).toThrow(UsageError);
    writeFileSync(join(home, 'ogi', 'config.json'), '{labels: zh}');
    expect(() => resolveLabelMode(undefined, env)).toThrow(/config\.json to be JSON/);
  });
});

describe('ogi show --labels', () => {
  it('prints every row and column of sec3 as the template writes them', () => {
    const r = runCli(['show', SAMPLE, '--db', db, '--labels', 'zh']);
    expect(r.code).toBe(0);
    const variant = sec3.variants.find((v) => v.layout === '2021')!;
    for (const row of variant.rows) expect(r.stdout).toContain(row.group ? `${row.group} ${row.labels[0]}` : row.labels[0]!);
    for (const col of variant.columns) expect(r.stdout).toContain(col.labels[0]!);
    expect(r.stdout).toContain(sec3.title);
    expect(r.stdout).not.toMatch(/denied_state_secret/);
  });

  it('prints keys and words with both, and keys by default', () => {
    expect(runCli(['show', SAMPLE, '--db', db, '--labels', 'both']).stdout).toContain('denied_state_secret （三）不予公开 1.属于国家秘密');
    expect(runCli(['show', SAMPLE, '--db', db]).stdout).not.toContain('属于国家秘密');
    expect(runCli(['show', SAMPLE, '--db', db], { env: { ...process.env, OGI_LABELS: 'zh' } }).stdout).toContain('（三）不予公开 1.属于国家秘密');
  });

  it('refuses an unknown mode', () => {
    const r = runCli(['show', SAMPLE, '--db', db, '--labels', 'fr']);
    expect(r.code).toBe(2);
  });
});

describe('ogi export --labels', () => {
  it('names reports.csv template columns and cells.csv rows as the templates write them', () => {
    const out = join(dir, 'zh');
    expect(runCli(['export', '--db', db, '--out', out, '--labels', 'zh']).code).toBe(0);
    const header = Object.keys(readCsv(join(out, 'reports.csv'))[0]!);
    const total = sec3.variants[1]!.columns.find((c) => c.key === 'total')!.labels[0];
    const received = sec3.variants[1]!.rows.find((r) => r.key === 'new_received')!.labels[0];
    expect(header).toContain(`${sec3.title}·${received}·${total}`);
    expect(header).not.toContain('sec3.new_received.total');
    expect(new Set(header).size).toBe(header.length);
    const cells = readCsv(join(out, 'cells.csv'));
    expect(cells.find((c) => c.row === '（三）不予公开 1.属于国家秘密' && c.col === '自然人')).toMatchObject({ table: sec3.title, value: '0' });
  });

  it('keeps the keys and adds the words with both', () => {
    const out = join(dir, 'both');
    expect(runCli(['export', '--db', db, '--out', out, '--labels', 'both']).code).toBe(0);
    const cell = readCsv(join(out, 'cells.csv')).find((c) => c.row === 'denied_state_secret' && c.col === 'natural');
    expect(cell).toMatchObject({ table: 'sec3', table_label: sec3.title, row_label: '（三）不予公开 1.属于国家秘密', col_label: '自然人' });
    expect(Object.keys(readCsv(join(out, 'reports.csv'))[0]!)).toContain(`sec3.new_received.total ${sec3.title}·一、本年新收政府信息公开申请数量·总计`);
  });
});
