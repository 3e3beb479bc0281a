/**
 * Grid tables in text (src/extract/text/grid-tables.ts): pandoc's markdown of a page built of layout tables, each
 * cell's text wrapped at its width, a grid inside a grid, a table laid out with spaces inside a cell.
 */
import { describe, expect, it } from 'vitest';
import { readGridTable, startsGridTable } from '../src/extract/text/grid-tables.js';
import { analyseText, rowValues } from './helpers/report.js';

/** A page as pandoc 2.17 writes it (`-t markdown`): a menu column beside the content, the title cut in three. */
const PAGE = [
  '+-----------------------------------------------------------------------+',
  '| [首页](/) \\| [政务公开](/zwgk/) \\| [办事服务](/bsfw/) \\|              |',
  '| [公众互动](/gzhd/)                                                    |',
  '+-----------------------------------------------------------------------+',
  '| +--------------------------------+--------------------------------+   |',
  '| |   -------------------          | +:-------------------------:+  |   |',
  '| |   [信息公开指南](#)            | | **隆德                    |  |   |',
  '| |   [信息公开制度](#)            | | 县城关镇人民政府2024年政  |  |   |',
  '| |   [信息公开年报](#)            | | 府信息公开工作年度报告**  |  |   |',
  '| |                                | +---------------------------+  |   |',
  '| |                                | | 2024年，隆德县城关镇人民  |  |   |',
  '| |                                | | 政府认真贯彻落实《条例》  |  |   |',
  '| |                                | | ，扎实推进政务公开工作。\\ |  |   |',
  '| |                                | |     一、强化组织领导\\     |  |   |',
  '| |                                | |                           |  |   |',
  '| |                                | |   ----                    |  |   |',
  '| |                                | | ------------------------- |  |   |',
  '| |                                | |    第二十条第（五         |  |   |',
  '| |                                | | ）项                      |  |   |',
  '| |                                | |                           |  |   |',
  '| |                                | |         信息内容          |  |   |',
  '| |                                | |            本年处理决定数 |  |   |',
  '| |                                | | 量                        |  |   |',
  '| |                                | |         行政许可          |  |   |',
  '| |                                | |                   7536    |  |   |',
  '| |                                | |   ----                    |  |   |',
  '| |                                | | ------------------------- |  |   |',
  '| |                                | |                           |  |   |',
  '| |                                | | **三、收到和处            |  |   |',
  '| |                                | | 理政府信息公开申请情况**  |  |   |',
  '| |                                | +---------------------------+  |   |',
  '| +--------------------------------+--------------------------------+   |',
  '+-----------------------------------------------------------------------+',
];

describe('grid tables', () => {
  it('joins each cell\'s wrapped lines back, cell after cell, keeping the source line of each', () => {
    expect(startsGridTable(PAGE, 0)).toBe(true);
    const grid = readGridTable(PAGE, 0)!;
    expect(grid.end).toBe(PAGE.length - 1);
    const texts = grid.lines.map((l) => l.text);
    expect(texts).toContain('**隆德县城关镇人民政府2024年政府信息公开工作年度报告**');
    expect(texts).toContain('2024年，隆德县城关镇人民政府认真贯彻落实《条例》，扎实推进政务公开工作。');
    // The menu is a cell of its own: its items are not joined to the title beside them.
    expect(texts.find((t) => t.includes('信息公开制度'))).not.toContain('县城关镇');
    expect(grid.lines.find((l) => l.text.startsWith('**隆德'))!.line).toBe(7);
    // A line ending in "\" is a line break.
    expect(texts).toContain('一、强化组织领导');
  });

  it('keeps the lines of a table laid out with spaces inside a cell, joining only words of ideographs cut at its edge', () => {
    const texts = readGridTable(PAGE, 0)!.lines.map((l) => l.text);
    // "本年处理决定数" filled the cell: its "量" goes on on the next line. "第二十条第（五" did not: the table's own
    // column cut it, not the cell's edge, and its lines stay as they are.
    expect(texts).toEqual(expect.arrayContaining(['第二十条第（五', '信息内容', '本年处理决定数量', '行政许可', '7536']));
    expect(texts).not.toContain('信息内容本年处理决定数量');
  });

  it('ends the table laid out with spaces at its closing rule, wrapped over two lines: the heading after it is one line', () => {
    const texts = readGridTable(PAGE, 0)!.lines.map((l) => l.text);
    expect(texts).toContain('**三、收到和处理政府信息公开申请情况**');
  });

  it('reads a line that only looks like a border as it is', () => {
    const lines = ['+-----+-----+', '| a   b |', '+-----+-----+'];
    expect(readGridTable(lines, 0)).toBeNull();
  });

  it('reads a report inside a page of grid tables: the title, not the menu, names the agency', async () => {
    const text = [...PAGE.slice(0, 9), '| |                                | +---------------------------+  |   |', ...PAGE.slice(-2)].join('\n') + '\n\n一、总体情况\n\n本年度工作。\n\n二、主动公开政府信息情况\n\n第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t7536\n';
    const doc = await analyseText(text);
    expect(doc.meta.agency).toBe('隆德县城关镇人民政府');
    expect(doc.meta.year).toBe(2024);
    expect(rowValues(doc, 'sec2_art20_5', 'license')).toEqual([7536]);
  });
});
