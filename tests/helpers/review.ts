/**
 * A small collection for the review server's tests: text samples, a text-layer PDF whose source table
 * contradicts itself (a flagged figure with a box on its page), a text report whose 予以公开 总计 breaks its
 * identities, and a report titled with markup — ingested into a fresh database by the built CLI.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateReport } from '../../scripts/generate/corpus.js';
import { renderReportPdf } from '../../scripts/generate/pdf-corpus.js';
import { runCli, SAMPLES } from './cli.js';
import { defaultSec3, reportText } from './report.js';

export interface ReviewFixture {
  dir: string;
  db: string;
  files: { broken: string; hostile: string; pdf: string; sample: string };
}

export const HOSTILE_TITLE = '<script>alert(1)</script>县人民政府2021年政府信息公开工作年度报告';

export function makeReviewFixture(): ReviewFixture {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-review-'));
  const input = join(dir, 'reports');
  mkdirSync(input);
  const sec3 = defaultSec3();
  sec3.set('granted', '3\t0\t0\t0\t0\t0\t4'); // 总计 printed 4 for 3: row sum and the 总计 column break
  const broken = join(input, 'broken.txt');
  writeFileSync(broken, reportText({ sec3 }));
  const hostile = join(input, 'hostile.txt');
  writeFileSync(hostile, reportText({ title: HOSTILE_TITLE }));
  const report = generateReport(21);
  const granted = report.tables.sec3!.granted!;
  granted.total = (granted.total ?? 0) + 1; // the PDF prints a 总计 one too many: flagged, with its box
  const pdf = join(input, 'flagged.pdf');
  writeFileSync(pdf, renderReportPdf(report, 21).bytes);
  const sample = join(input, '000_e7764d80f1cd94c2.txt');
  copyFileSync(join(SAMPLES, '000_e7764d80f1cd94c2.txt'), sample);
  const db = join(dir, 'ogi.sqlite');
  const r = runCli(['ingest', input, '--db', db]);
  if (r.code !== 0) throw new Error(`fixture ingest failed: ${r.stdout}${r.stderr}`);
  return { dir, db, files: { broken, hostile, pdf, sample } };
}
