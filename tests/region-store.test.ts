/**
 * Bodies and regions through the built CLI: two years of one body printed under two names are one body,
 * the cross-year checks compare them, exports carry the division, and `ogi show` lists the other year.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.js';
import { assertBuilt, query, runCli } from './helpers/cli.js';
import { defaultSec3, reportText } from './helpers/report.js';

let dir: string;
let db: string;

/** One body, two printed names: the 2022 report says 洪泽区人民政府, the 2023 one 淮安市洪泽区人民政府. */
function writeReports(): void {
  writeFileSync(join(dir, 'reports', 'hongze-2022.txt'), reportText({ title: '洪泽区人民政府2022年政府信息公开工作年度报告' }));
  // 2023 prints 2 requests carried over from 2022, which carried none forward: the carry-over check must fire.
  const sec3 = defaultSec3();
  sec3.set('carried_over', '2\t0\t0\t0\t0\t0\t2');
  sec3.set('granted', '5\t0\t0\t0\t0\t0\t5');
  sec3.set('total', '6\t0\t0\t0\t0\t0\t6');
  writeFileSync(join(dir, 'reports', 'hongze-2023.txt'), reportText({ title: '淮安市洪泽区人民政府2023年政府信息公开工作年度报告', sec3 }));
  // Another body of the same county: never compared with the government's reports.
  writeFileSync(join(dir, 'reports', 'hongze-edu-2023.txt'), reportText({ title: '洪泽区教育局2023年政府信息公开工作年度报告', sec3 }));
}

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ogi-region-'));
  db = join(dir, 'ogi.sqlite');
  mkdirSync(join(dir, 'reports'));
  writeReports();
  const r = runCli(['ingest', join(dir, 'reports'), '--db', db, '--concurrency', '1']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one body across years', () => {
  it('links both reports to one body and one division', () => {
    const rows = query<{ file_name: string; agency: string; body_id: string; region_code: string; region_level: string; city: string; county: string }>(
      db,
      'SELECT file_name, agency, body_id, region_code, region_level, city, county FROM reports_by_region ORDER BY file_name',
    );
    expect(rows).toEqual([
      { file_name: 'hongze-2022.txt', agency: '洪泽区人民政府', body_id: '320813', region_code: '320813', region_level: 'county', city: '淮安市', county: '洪泽区' },
      { file_name: 'hongze-2023.txt', agency: '淮安市洪泽区人民政府', body_id: '320813', region_code: '320813', region_level: 'county', city: '淮安市', county: '洪泽区' },
      { file_name: 'hongze-edu-2023.txt', agency: '洪泽区教育局', body_id: '320813:教育局', region_code: '320813', region_level: 'county', city: '淮安市', county: '洪泽区' },
    ]);
  });

  it('cross_year_checks compares the two years although the printed names differ', () => {
    const rows = query<Record<string, unknown>>(
      db,
      `SELECT c.rule, c.agency, c.previous_agency, c.year, c.body_id, c.previous_value, c.value, p.file_name AS previous_file, d.file_name AS file
       FROM cross_year_checks c JOIN documents p ON p.id = c.previous_document_id JOIN documents d ON d.id = c.document_id
       WHERE c.rule = 'carry-over'`,
    );
    expect(rows).toEqual([
      {
        rule: 'carry-over', agency: '淮安市洪泽区人民政府', previous_agency: '洪泽区人民政府', year: 2023, body_id: '320813',
        previous_value: 0, value: 2, previous_file: 'hongze-2022.txt', file: 'hongze-2023.txt',
      },
    ]);
  });

  it('ogi show lists the body’s other year, under its other printed name', () => {
    const r = runCli(['show', join(dir, 'reports', 'hongze-2023.txt'), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('region    320813 county   江苏省 / 淮安市 / 洪泽区');
    expect(r.stdout).toContain('body      320813   江苏省淮安市洪泽区人民政府');
    expect(r.stdout).toMatch(/other year 2022 {2}[0-9a-f]{12} {2}hongze-2022\.txt {2}\(printed 洪泽区人民政府\)/);
    expect(r.stdout).not.toContain('hongze-edu-2023.txt');
  });

  it('the review page’s years compared follows the body from either printed name', async () => {
    const store = await openStore(db, { mustExist: true });
    try {
      for (const printed of ['洪泽区人民政府', '淮安市洪泽区人民政府']) {
        const years = await store.bodyYears(printed);
        expect(years.map((y) => [y.document.year, y.document.file])).toEqual([[2022, 'hongze-2022.txt'], [2023, 'hongze-2023.txt']]);
      }
    } finally {
      await store.close();
    }
  });

  it('exports the division and body on every row of reports.csv and cells.csv', () => {
    const out = join(dir, 'out');
    expect(runCli(['export', '--db', db, '--out', out]).code).toBe(0);
    const reports = parse(readFileSync(join(out, 'reports.csv')), { columns: true, bom: true }) as Record<string, string>[];
    const edu = reports.find((r) => r.file === 'hongze-edu-2023.txt')!;
    expect([edu.region_code, edu.region_level, edu.province, edu.city, edu.county, edu.township, edu.body_id]).toEqual(['320813', 'county', '江苏省', '淮安市', '洪泽区', '', '320813:教育局']);
    const cells = parse(readFileSync(join(out, 'cells.csv')), { columns: true, bom: true }) as Record<string, string>[];
    const of2022 = cells.filter((c) => c.file === 'hongze-2022.txt');
    expect(of2022.length).toBeGreaterThan(100);
    expect(new Set(of2022.map((c) => `${c.region_code} ${c.region_level} ${c.province} ${c.city} ${c.county} ${c.body_id}`))).toEqual(new Set(['320813 county 江苏省 淮安市 洪泽区 320813']));
  });
});
