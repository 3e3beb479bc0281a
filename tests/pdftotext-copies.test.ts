/**
 * Text copies of the samples' PDFs made by poppler's pdftotext (tests/fixtures/pdftotext/README.md): the form
 * a user holds after converting PDFs with the most common tool. With -layout every figure is read or flagged;
 * in reading order (no -layout) some rows print two labels before their figures, or a column of labels after
 * the table's figures: such a table is read in order when its identities hold so read, else its cells are empty
 * with an error — and no figure is wrong or missing without a finding.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline.js';
import { goldMisses as compare, loadGold } from './helpers/gold.js';
import { analyseText, DEFAULT_SEC2, defaultSec3, reportText, rowValues, SEC3_LABELS_2021 } from './helpers/report.js';

const COPIES = join(import.meta.dirname, 'fixtures', 'pdftotext');

describe('pdftotext copies of the samples', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.layout.txt: the gold figures, or a finding; the title's agency and year`, async () => {
      const doc = await processFile(join(COPIES, `${base}.layout.txt`));
      expect(doc.error).toBeNull();
      expect(doc.meta).toMatchObject({ agency: gold.agency, year: gold.year });
      const { wrong, silent } = compare(doc, gold.tables);
      expect(silent).toEqual([]);
      expect(wrong.length).toBeLessThanOrEqual(1);
    });

    it(`${base}.raw.txt: no figure wrong or missing without a finding; the title's agency and year`, async () => {
      const doc = await processFile(join(COPIES, `${base}.raw.txt`));
      expect(doc.error).toBeNull();
      expect(doc.meta).toMatchObject({ agency: gold.agency, year: gold.year });
      expect(compare(doc, gold.tables).silent).toEqual([]);
    });
  }
});

describe('pdftotext copies of the samples, all five', () => {
  it('reads the reading-order copies to 915 of their 996 gold cells (a table whose labels stand apart is read in order)', async () => {
    let cells = 0;
    let wrongCells = 0;
    for (const { base, gold } of loadGold()) {
      const doc = await processFile(join(COPIES, `${base}.raw.txt`));
      const { wrong } = compare(doc, gold.tables);
      cells += Object.values(gold.tables).reduce((n, rows) => n + Object.values(rows).reduce((m, cols) => m + Object.keys(cols).length, 0), 0);
      wrongCells += wrong.length;
    }
    expect(cells).toBe(996);
    // 329 before labels wrapped over lines were joined and such tables read in order; 000's section 三 lost a figure.
    expect(cells - wrongCells).toBeGreaterThanOrEqual(915);
  });
});

describe('what pdftotext does to a report, case by case', () => {
  it('drops bare page numbers that count the pages up before each form feed: no figure of a table', async () => {
    // A 2021 section 二 whose one-column 收费 row is the last of its page: the page number under it ("1") would
    // be its second figure, and the table read as the 2019 layout.
    const text = reportText()
      .replace('行政事业性收费\t24252.311082', '行政事业性收费\t24252.311082\n\n                            1\n\f')
      .replace('五、存在的主要问题及改进情况', '                               2\n\f五、存在的主要问题及改进情况');
    const doc = await analyseText(text);
    expect(doc.tables.find((t) => t.table === 'sec2_art20_8')).toMatchObject({ layout: '2021' });
    expect(rowValues(doc, 'sec2_art20_8', 'fees')).toEqual([24252.311082]);
  });

  it('reports figures a table prints apart from their labels (two labels, then both rows\' figures)', async () => {
    const sec3 = defaultSec3();
    sec3.set('denied_state_secret', '2\t0\t0\t0\t0\t0\t2');
    sec3.set('total', '5\t0\t0\t0\t0\t0\t5');
    const text = reportText({ sec3 })
      .split('\n')
      .flatMap((l) => {
        if (l.includes('1.属于国家秘密')) return ['\t（三）不予公开\t1.属于国家秘密'];
        if (l.includes('2.其他法律行政法规禁止公开')) return ['\t\t2.其他法律行政法规禁止公开', ...'2 0 0 0 0 0 2 0 0 0 0 0 0 0'.split(' ')];
        return [l];
      })
      .join('\n');
    const doc = await analyseText(text);
    const error = doc.findings.find((f) => f.rule === 'table/unread-figures');
    expect(error).toMatchObject({ severity: 'error', table: 'sec3' });
    expect(error!.row).toBeUndefined();
  });

  it('warns that a row printed without figures may own figures its section left unread', async () => {
    // Section 二 of 2019: 行政处罚's figures printed under the table before it.
    const sec2 = [
      '第二十条第（五）项',
      '信息内容\t上一年项目数量\t本年增/减\t处理决定数量',
      '行政许可\t5\t1\t20',
      '108',
      '+5',
      '97',
      '第二十条第（六）项',
      '信息内容\t上一年项目数量\t本年增/减\t处理决定数量',
      '行政处罚',
      '行政强制\t2\t0\t2',
    ].join('\n');
    const doc = await analyseText(reportText({ sec2 }).replace('2021年政府信息公开', '2020年政府信息公开'));
    expect(doc.findings.find((f) => f.rule === 'table/unread-figures' && f.severity === 'error')).toMatchObject({ table: 'sec2_art20_5', actual: '108 +5 97' });
    expect(doc.findings.find((f) => f.rule === 'table/unread-figures' && f.severity === 'warning')).toMatchObject({ table: 'sec2_art20_6', row: 'penalty' });
  });

  it('does not join figures into one where no identity checks the join (section 二: "74 8 87" under one column)', async () => {
    const sec2 = DEFAULT_SEC2.replace('行政强制\t2', '行政强制\t74\t8\t87');
    const doc = await analyseText(reportText({ sec2 }));
    expect(rowValues(doc, 'sec2_art20_6', 'coercion')).toEqual([null]);
    expect(doc.findings.map((f) => f.rule)).not.toContain('table/split-number');
    expect(doc.findings.find((f) => f.rule === 'table/unplaceable-row')).toMatchObject({ table: 'sec2_art20_6', row: 'coercion' });
  });

  it('reads the layout from a header printed as one line with single spaces (pdftotext -raw)', async () => {
    // A 2021 report (by its year) whose section 二 prints the 2019 columns: the header says so.
    const sec2 = DEFAULT_SEC2.replace('信息内容\t本年制发件数\t本年废止件数\t现行有效件数', '信息内容 本年新制作数量 本年新公开数量 对外公开总数量')
      .replace('规章\t0\t0\t0', '规 章 0 0 0')
      .replace('行政规范性文件\t5\t1\t20', '规 范 性 文 件 7 1 60');
    const doc = await analyseText(reportText({ sec2 }));
    expect(doc.tables.find((t) => t.table === 'sec2_art20_1')?.layout).toBe('2019');
    expect(rowValues(doc, 'sec2_art20_1', 'normative')).toEqual([7, 1, 60]);
  });

  it('reports the figures of a wrapped label\'s last line that no row of the table\'s layout takes', async () => {
    // "府信息公开申请", the last line of 1.申请人无正当理由逾期不补正…申请 whose first line was lost: under （六）其他处理
    // it reads as that 2019 row (or, alone, as 一、本年新收政府信息公开申请数量, already read) — no row of this 2021 table.
    const sec3 = defaultSec3();
    const text = reportText({ sec3 })
      .split('\n')
      .flatMap((l) => (l.includes('1.申请人无正当理由逾期不补正') ? ['\t（六）其他处理', '府信息公开申请', '19 0 0 0 0 0 19'] : [l]))
      .join('\n');
    const doc = await analyseText(text);
    expect(doc.findings.find((f) => f.rule === 'table/unread-figures' && f.severity === 'error')).toMatchObject({ table: 'sec3', actual: '19 0 0 0 0 0 19' });
  });

  it('reports figures read as a row of the other layout (（六）其他处理 with figures in a 2021 table)', async () => {
    const text = reportText()
      .split('\n')
      .flatMap((l) => (l.includes('1.申请人无正当理由逾期不补正') ? ['\t（六）其他处理\t\t5\t0\t0\t0\t0\t0\t5', l.replace('（六）其他处理', '')] : [l]))
      .join('\n');
    const doc = await analyseText(text);
    expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2021');
    const error = doc.findings.find((f) => f.rule === 'table/unread-figures');
    expect(error).toMatchObject({ severity: 'error', table: 'sec3', actual: '5 0 0 0 0 0 5' });
    expect(error!.row).toBeUndefined();
  });

  it('reads a row label wrapped after its group label on the same line ("（六）其他处理 | 1.…其政" / "府信息公开申请")', async () => {
    const sec3 = defaultSec3();
    sec3.set('new_received', '23\t0\t0\t0\t0\t0\t23');
    sec3.set('total', '23\t0\t0\t0\t0\t0\t23');
    const text = reportText({ sec3 })
      .split('\n')
      .flatMap((l) => (l.includes('1.申请人无正当理由逾期不补正') ? ['\t（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政', '府信息公开申请', '19 0 0 0 0 0 19'] : [l]))
      .join('\n');
    const doc = await analyseText(text);
    expect(rowValues(doc, 'sec3', 'other_no_supplement')).toEqual([19, 0, 0, 0, 0, 0, 19]);
    expect(doc.findings.filter((f) => f.severity !== 'info').map((f) => f.rule)).toEqual([]);
  });

  it('reads rows whose labels wrap over two or three lines before their figures, one per line (reading order)', async () => {
    const sec3 = defaultSec3();
    sec3.set('partial', '2\t0\t0\t0\t0\t0\t2');
    sec3.set('denied_three_safety', '1\t0\t0\t0\t0\t0\t1');
    sec3.set('denied_third_party', '2\t0\t0\t0\t0\t0\t2');
    sec3.set('new_received', '8\t0\t0\t0\t0\t0\t8');
    sec3.set('total', '8\t0\t0\t0\t0\t0\t8');
    const wrapped: Record<string, string[]> = {
      '（二）部分公开': ['（二）部分公开（区分处理的，只', '计这一情形，不计其他情形', '）'],
      '3.危及': ['3.危及“三安全一稳', '定”'],
      '4.保护第三方': ['4.保护第三方合法权', '益'],
    };
    const text = reportText({ sec3 })
      .split('\n')
      .flatMap((l) => {
        const hit = Object.keys(wrapped).find((k) => l.includes(k));
        return hit ? [...wrapped[hit]!, ...l.split('\t').filter((f) => /^\d+$/.test(f))] : [l];
      })
      .join('\n');
    const doc = await analyseText(text);
    expect(rowValues(doc, 'sec3', 'partial')).toEqual([2, 0, 0, 0, 0, 0, 2]);
    expect(rowValues(doc, 'sec3', 'denied_three_safety')).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(rowValues(doc, 'sec3', 'denied_third_party')).toEqual([2, 0, 0, 0, 0, 0, 2]);
    expect(doc.findings.filter((f) => f.severity !== 'info').map((f) => f.rule)).toEqual([]);
  });

  it('warns on a row whose figures, one per line, run on past its cells (another row\'s figure printed among them)', async () => {
    // Reading order: 1.本机关不掌握… prints only its 总计 (0), after the next row's wrapped label.
    const sec3 = defaultSec3();
    sec3.set('unable_need_create', '15\t0\t0\t0\t0\t3\t18');
    sec3.set('new_received', '19\t0\t0\t0\t0\t3\t22');
    sec3.set('total', '19\t0\t0\t0\t0\t3\t22');
    const text = reportText({ sec3 })
      .split('\n')
      .flatMap((l) => {
        if (l.includes('1.本机关不掌握')) return ['\t（四）无法提供\t1.本机关不掌握相关政府', '信息'];
        if (l.includes('2.没有现成信息')) return ['2.没有现成信息需要另行', '制作', '0', ...'15 0 0 0 0 3 18'.split(' ')];
        return [l];
      })
      .join('\n');
    const doc = await analyseText(text);
    const warning = doc.findings.find((f) => f.rule === 'table/unread-figures' && f.row === 'unable_need_create');
    expect(warning).toMatchObject({ severity: 'warning', table: 'sec3', actual: '0 15 0 0 0 0 3 | 18' });
    // The figure left over is the table's, though alone: the rows around it may hold others' figures.
    expect(doc.findings.find((f) => f.rule === 'table/unread-figures' && f.severity === 'error')).toMatchObject({ table: 'sec3', actual: '18' });
  });

  describe('a table whose labels the text prints apart from its figures (reading order: a column of labels after the figures)', () => {
    const APART = ['unable_not_held', 'unable_need_create', 'unable_unclear', 'rejected_petition'];
    /** Section 三 one cell per line, the labels of APART printed after the table's last figure. */
    const readingOrder = (sec3: Map<string, string>, sameLine: string[] = []): string => {
      const lines = ['申请人情况', '自然人', '法人或其他组织', '商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他', '总计'];
      const later: string[] = [];
      for (const [key, label] of SEC3_LABELS_2021) {
        const leaf = label.split('\t').filter(Boolean).pop()!;
        const figures = sec3.get(key)!.split('\t');
        if (sameLine.includes(key)) lines.push(`${leaf} ${figures.join(' ')}`);
        else if (APART.includes(key)) {
          later.push(leaf);
          lines.push(...figures);
        } else lines.push(leaf, ...figures);
      }
      return reportText({ sec3Lines: [...lines, ...later] });
    };
    const sec3 = (): Map<string, string> => {
      const s = defaultSec3();
      s.set('unable_need_create', '3\t0\t0\t0\t0\t0\t3');
      s.set('unable_unclear', '13\t0\t0\t0\t0\t0\t13');
      s.set('new_received', '20\t0\t0\t0\t0\t0\t20');
      s.set('total', '20\t0\t0\t0\t0\t0\t20');
      return s;
    };

    it('reads its figures in order, row by row, when every identity holds so read', async () => {
      const doc = await analyseText(readingOrder(sec3()));
      for (const [key, figures] of sec3()) expect(rowValues(doc, 'sec3', key)).toEqual(figures.split('\t').map(Number));
      expect(doc.findings.find((f) => f.rule === 'table/read-in-order')).toMatchObject({ severity: 'warning', table: 'sec3' });
      expect(doc.findings.filter((f) => f.severity !== 'info' && f.rule !== 'table/read-in-order').map((f) => f.rule)).toEqual([]);
      const cell = doc.tables.find((t) => t.table === 'sec3')!.cells.find((c) => c.row === 'unable_unclear' && c.col === 'natural')!;
      expect(cell.prov.line).toBeGreaterThan(0);
    });

    it('reads them without the page\'s own number printed among them (pages ending in a form feed)', async () => {
      const lines = readingOrder(sec3()).split('\n');
      // Page 2 starts at 8.属于行政查询事项; its footer "2" is printed among the figures after it, after the first "3".
      const at = lines.indexOf('8.属于行政查询事项');
      expect(at).toBeGreaterThan(0);
      lines[at] = `\f${lines[at]}`;
      const three = lines.indexOf('3', at);
      lines.splice(three + 1, 0, '2');
      const doc = await analyseText(lines.join('\n'));
      for (const [key, figures] of sec3()) expect(rowValues(doc, 'sec3', key)).toEqual(figures.split('\t').map(Number));
      const warning = doc.findings.find((f) => f.rule === 'table/read-in-order');
      expect(warning?.message).toContain(`left out as the page's own number: 2 (line ${three + 2}, page 2)`);
      const cell = doc.tables.find((t) => t.table === 'sec3')!.cells.find((c) => c.row === 'unable_unclear' && c.col === 'natural')!;
      expect(cell.prov.page).toBe(2);
    });

    it('does not when an identity breaks so read: the rows read by their labels stand, with the error', async () => {
      const s = sec3();
      s.set('unable_unclear', '0\t13\t0\t0\t0\t0\t13');
      s.set('total', '7\t13\t0\t0\t0\t0\t20');
      s.set('new_received', '20\t0\t0\t0\t0\t0\t20');
      const doc = await analyseText(readingOrder(s));
      expect(doc.findings.map((f) => f.rule)).not.toContain('table/read-in-order');
      expect(doc.findings.find((f) => f.rule === 'table/unread-figures' && f.severity === 'error')).toMatchObject({ table: 'sec3' });
    });

    it('does not when a row printed on one line with its label reads otherwise', async () => {
      // 2.重复申请's line stands before the figures of the rows printed apart: read in order, its figures would
      // be 1.本机关不掌握…'s and every row after it one row down — the outcome rows' sums hold all the same.
      const s = sec3();
      s.set('rejected_repeat', '2\t0\t0\t0\t0\t0\t2');
      s.set('new_received', '22\t0\t0\t0\t0\t0\t22');
      s.set('total', '22\t0\t0\t0\t0\t0\t22');
      const lines = readingOrder(s, ['rejected_repeat']).split('\n');
      const repeat = lines.splice(lines.indexOf('2.重复申请 2 0 0 0 0 0 2'), 1);
      lines.splice(lines.indexOf('8.属于行政查询事项') + 8, 0, ...repeat);
      const doc = await analyseText(lines.join('\n'));
      expect(doc.findings.map((f) => f.rule)).not.toContain('table/read-in-order');
      expect(rowValues(doc, 'sec3', 'rejected_repeat')).toEqual([2, 0, 0, 0, 0, 0, 2]);
    });
  });

  it('warns when section 三 is read in the 2021 layout from 3.其他 alone, its other （六） rows not found', async () => {
    // A 2024 report with section 三 in the 2019 layout (the hybrid): （六）其他处理 on a line of its own, then a
    // repeated header whose last word 其他 stands before the row's figures.
    const lines = reportText().split('\n');
    const start = lines.findIndex((l) => l.includes('（六）其他处理'));
    lines.splice(start, 3, '\t（六）其他处理', '申请人情况', '法人或其他组织', '其他', ...'0 0 0 0 0 0 0'.split(' '));
    const doc = await analyseText(lines.join('\n').replace('2021年政府信息公开', '2024年政府信息公开'));
    expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2021');
    expect(doc.findings.find((f) => f.rule === 'table/layout-uncertain')).toMatchObject({ severity: 'warning', table: 'sec3' });
    expect(doc.findings.find((f) => f.rule === 'table/layout-uncertain')?.row).toBeUndefined();
  });

  it('keeps the 2019 layout when figures follow a lone header word 其他 after the single （六） row', async () => {
    const lines = reportText().split('\n');
    const start = lines.findIndex((l) => l.includes('（六）其他处理'));
    lines.splice(start, 3, '\t（六）其他处理\t\t1\t0\t0\t0\t0\t0\t1');
    const end = lines.findIndex((l) => l.startsWith('四、结转下年度继续办理'));
    lines.splice(end + 1, 0, '其他', '0\t0\t0\t0\t0\t0');
    const doc = await analyseText(lines.join('\n').replace('2021年政府信息公开', '2019年政府信息公开'));
    expect(doc.tables.find((t) => t.table === 'sec3')?.layout).toBe('2019');
    expect(rowValues(doc, 'sec3', 'other')).toEqual([1, 0, 0, 0, 0, 0, 1]);
  });
});
