/**
 * Hard-wrapped copies: a report saved as one paragraph, then folded into lines of a fixed width by the tool that
 * saved it. The breaks cut labels and runs of figures ("…政府集中采购37539443" / "2.52"); the text is read with its
 * wrapped lines joined back, and every figure is traced to the source line and offset its digits start at.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wrapLine } from '../scripts/bench/stream-corpus.js';
import { remapProvenance, unwrapHardWrapped } from '../src/extract/text/unwrap.js';
import { processFile } from '../src/pipeline.js';
import type { ProcessedDocument } from '../src/types.js';
import { REAL_DIR, realGoldMisses } from './helpers/gold.js';
import type { RealGold } from './helpers/gold.js';

const PARAGRAPH =
  '本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室印发的年度报告格式编制而成，所列数据统计时限为2022年1月1日至12月31日。' +
  '一、总体情况 2022年，本机关坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开，主动公开政府信息，依法办理政府信息公开申请。' +
  '二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章000行政规范性文件8855698 ' +
  '第二十条第（九）项 信息内容 采购项目数量 采购总金额 政府集中采购375394432.52 三、收到和处理政府信息公开申请情况';

/** The text of a crawl copy, its body hard-wrapped (the header lines stay as they are). */
function wrapBody(text: string, width: number, atSpaces: boolean): string {
  const lines = text.split('\n');
  const body = lines.findIndex((l) => l.startsWith('====='));
  return [...lines.slice(0, body + 1), ...lines.slice(body + 1).map((l) => (l === '' ? l : wrapLine(l, width, atSpaces)))].join('\n');
}

/** Each figure read points at where its digits start in the file: on its line, running on to the next when the wrap cut it. */
function misplacedFigures(doc: ProcessedDocument, path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  return doc.tables
    .flatMap((t) => t.cells)
    .filter((c) => c.raw !== null && c.prov.offset !== undefined)
    .filter((c) => !`${lines[c.prov.line! - 1]!}${lines[c.prov.line!] ?? ''}`.startsWith(c.raw!, c.prov.offset))
    .map((c) => `${c.table}.${c.row}.${c.col} ${c.raw} at ${c.prov.line}:${c.prov.offset}`);
}

describe('unwrapHardWrapped', () => {
  it('joins a paragraph folded anywhere at a width back as it was, and says where each source line starts in it', () => {
    const folded = wrapLine(PARAGRAPH, 40, false).split('\n');
    expect(folded.length).toBeGreaterThan(5);
    const u = unwrapHardWrapped(['标题: 某某报告', ...folded], 1);
    expect(u).not.toBeNull();
    expect(u!.width).toBe(40);
    expect(u!.lines[1]).toBe(PARAGRAPH);
    expect(u!.lines.slice(2).every((l) => l === '')).toBe(true);
    expect(u!.joins.get(2)).toEqual(folded.map((_, k) => 40 * k));
  });

  it('puts back the space a wrap at spaces took', () => {
    const folded = wrapLine(PARAGRAPH, 36, true).split('\n');
    expect(folded.some((l) => l.length < 36 && l !== folded[folded.length - 1])).toBe(true);
    expect(unwrapHardWrapped(folded, 0)!.lines[0]).toBe(PARAGRAPH);
  });

  it('keeps a break the wrap did not make: a short line whose next word would have fitted on it', () => {
    const folded = wrapLine(PARAGRAPH, 40, false).split('\n');
    // A table's rows on short lines of their own, between wrapped paragraphs.
    const lines = [...folded, '', '规章 0 0 0', '行政规范性文件 8 0 5', '其他 1 1 1', '', ...folded];
    const u = unwrapHardWrapped(lines, 0)!;
    expect(u).not.toBeNull();
    expect(u.lines.filter((l) => l !== '')).toEqual([PARAGRAPH, '规章 0 0 0', '行政规范性文件 8 0 5', '其他 1 1 1', PARAGRAPH]);
  });

  it('leaves alone lines that line up by design, and texts that are not wrapped', () => {
    const grid = ['+------+------+', '| 规章 | 0    |', '+------+------+', '| 规范 | 8    |', '+------+------+', '| 其他 | 1    |', '+------+------+'];
    expect(unwrapHardWrapped(grid, 0)).toBeNull();
    const padded = wrapLine(PARAGRAPH, 40, false)
      .split('\n')
      .map((l) => l.padEnd(44));
    expect(unwrapHardWrapped(padded, 0)).toBeNull();
    for (const sample of ['000_e7764d80f1cd94c2', '002_8df272ac7a397eaf', '004_3f2d163066b69b0a']) {
      const text = readFileSync(join(import.meta.dirname, '..', 'samples', `${sample}.txt`), 'utf8');
      expect(unwrapHardWrapped(text.split('\n'), 0)).toBeNull();
    }
    // A real one-paragraph copy, as saved: one long line.
    expect(unwrapHardWrapped(readFileSync(join(REAL_DIR, 'pingtan-2022.txt'), 'utf8').split('\n'), 9)).toBeNull();
  });

  it('moves a position in a joined line to the source line and offset it points at', () => {
    const joins = new Map([[10, [0, 40, 80]]]);
    expect(remapProvenance({ line: 10, offset: 5 }, joins)).toEqual({ line: 10, offset: 5 });
    expect(remapProvenance({ line: 10, offset: 40 }, joins)).toEqual({ line: 11, offset: 0 });
    expect(remapProvenance({ line: 10, offset: 97 }, joins)).toEqual({ line: 12, offset: 17 });
    expect(remapProvenance({ line: 10 }, joins)).toEqual({ line: 10 });
    expect(remapProvenance({ line: 3, offset: 50 }, joins)).toEqual({ line: 3, offset: 50 });
  });
});

describe('real copies hard-wrapped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-wrapped-'));
  for (const name of ['pingtan-2022', 'pingtan-2023']) {
    for (const [width, atSpaces] of [
      [60, false],
      [80, true],
      [120, false],
    ] as const) {
      it(`${name} folded at ${width} ${atSpaces ? 'at spaces' : 'anywhere'}: the gold figures, each traced to its own digits`, async () => {
        const gold = JSON.parse(readFileSync(join(REAL_DIR, `${name}.json`), 'utf8')) as RealGold;
        const path = join(dir, `${name}-${width}${atSpaces ? 's' : ''}.txt`);
        writeFileSync(path, wrapBody(readFileSync(join(REAL_DIR, `${name}.txt`), 'utf8'), width, atSpaces));
        const doc = await processFile(path);
        expect(doc.findings.filter((f) => f.rule === 'extract/hard-wrapped')).toHaveLength(1);
        expect(doc.meta.year).toBe(gold.year);
        expect(doc.meta.agency).toMatch(/^平潭综合实验区/);
        expect(realGoldMisses(doc, gold)).toEqual([]);
        expect(misplacedFigures(doc, path)).toEqual([]);
        // Sections and findings point into the source's lines, not past the end of the joined one.
        const lineCount = readFileSync(path, 'utf8').split('\n').length;
        expect(doc.sections.every((s) => s.line !== null && s.line <= lineCount)).toBe(true);
        const lines = readFileSync(path, 'utf8').split('\n');
        expect(doc.findings.filter((f) => f.offset !== undefined).every((f) => f.offset! < lines[f.line! - 1]!.length)).toBe(true);
      });
    }
  }
});

describe('a figure in a piece of a line', () => {
  it('points at its own digits, not at the start of the piece its line was cut into', async () => {
    // One break after 总计's label: the piece "723000075四、结转下年度继续办理 0000000" before section 四's heading is
    // read as a label and its figures, not as a stream; its figures start 21 characters into the line.
    const text = readFileSync(join(REAL_DIR, 'pingtan-2022.txt'), 'utf8').replace('（七）总计 723000075', '（七）总计\n723000075');
    expect(text).toContain('\n723000075四、结转下年度继续办理');
    const path = join(mkdtempSync(join(tmpdir(), 'ogi-piece-')), 'pingtan-2022-broken.txt');
    writeFileSync(path, text);
    const doc = await processFile(path);
    const forward = doc.tables.find((t) => t.table === 'sec3')!.cells.filter((c) => c.row === 'carried_forward');
    expect(forward.map((c) => c.raw)).toEqual(['0', '0', '0', '0', '0', '0', '0']);
    expect(misplacedFigures(doc, path)).toEqual([]);
  });
});
