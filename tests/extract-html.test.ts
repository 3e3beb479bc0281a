import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { STYLES, buildModel, encodeHtml, renderHtml } from '../scripts/generate/make-html-docx-samples.js';
import type { Gold } from '../scripts/generate/make-html-docx-samples.js';
import { decodeHtmlBytes, extractHtml, htmlToDocument } from '../src/extract/html/html.js';
import { processFile } from '../src/pipeline.js';
import { loadFile } from '../src/stages/load.js';
import type { Block, RowBlock } from '../src/types.js';
import { modelledReports, reportAsHtml } from '../scripts/bench/bench.js';
import { compareWithTruth } from '../scripts/bench/robustness.js';
import { generateReport } from '../scripts/generate/corpus.js';
import { analyseBytes, cell, rowValues } from './helpers/report.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');
const GOLD = join(import.meta.dirname, 'fixtures', 'gold');
const tmp = mkdtempSync(join(tmpdir(), 'ogi-html-'));

const rows = (blocks: Block[]): RowBlock[] => blocks.filter((b): b is RowBlock => b.kind === 'row');
const texts = (r: RowBlock): string[] => r.fields.map((f) => f.text);
const paragraphs = (blocks: Block[]): string[] => blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));
const page = (body: string, head = '<meta charset="utf-8">'): string => `<!DOCTYPE html><html><head>${head}<title>t</title></head><body>${body}</body></html>`;

async function extractBytes(name: string, bytes: Buffer) {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return extractHtml(await loadFile(path));
}

describe('html tables: rowspan/colspan expansion', () => {
  const doc = htmlToDocument(
    page(`<p>三、收到和处理政府信息公开申请情况</p>
<table>
<tr><th rowspan="2" colspan="2">（本列数据的勾稽关系）</th><th colspan="2">法人或其他组织</th><th rowspan="2">总<br>计</th></tr>
<tr><th>商业企业</th><th>科研机构</th></tr>
<tr><td colspan="2">一、本年新收</td><td>1</td><td>2</td><td>3</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>4</td><td>&nbsp;</td><td>4</td></tr>
<tr><td>（二）部分公开</td><td>5</td><td>6</td></tr>
</table>`),
  );
  const grid = rows(doc.blocks);

  it('repeats a header spanning rows and a label spanning columns into every slot they cover', () => {
    expect(grid.map(texts)).toEqual([
      ['（本列数据的勾稽关系）', '（本列数据的勾稽关系）', '法人或其他组织', '法人或其他组织', '总计'],
      ['（本列数据的勾稽关系）', '（本列数据的勾稽关系）', '商业企业', '科研机构', '总计'],
      ['一、本年新收', '一、本年新收', '1', '2', '3'],
      ['三、本年度办理结果', '（一）予以公开', '4', '', '4'],
      ['三、本年度办理结果', '（二）部分公开', '5', '6', ''],
    ]);
  });

  it('pads a ragged row at its end, keeps &nbsp; cells blank, and gives every cell its grid provenance', () => {
    expect(grid.every((r) => r.positions === 'grid' && r.gridWidth === 5 && r.fields.length === 5)).toBe(true);
    const cell = grid[3]!.fields[3]!;
    expect(cell).toEqual({ text: '', col: 3, prov: { line: 5, tableIndex: 0, gridRow: 3, gridCol: 3 } });
    expect(grid[4]!.fields[4]!.prov).toEqual({ line: 6, tableIndex: 0, gridRow: 4, gridCol: 4 });
    expect(doc.meta.tableCount).toBe(1);
  });

  it('numbers lines of the text rendering: one per paragraph, one per grid row', () => {
    expect(doc.blocks.map((b) => b.prov.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('does not repeat a figure spanning columns: it stays in its first slot', () => {
    const d = htmlToDocument(page('<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>行政许可</td><td colspan="2">7</td></tr><tr><td rowspan="2">9</td><td>x</td><td>y</td></tr><tr><td>z</td><td>w</td></tr></table>'));
    expect(rows(d.blocks).map(texts)).toEqual([
      ['a', 'b', 'c'],
      ['行政许可', '7', ''],
      ['9', 'x', 'y'],
      ['', 'z', 'w'],
    ]);
  });

  it('folds columns that exist only through spans, per band under a full-width title row', () => {
    // The 2021 layout of section 二: one 4-column table; 本年处理决定数量 and its figure span the 3 data columns.
    const d = htmlToDocument(
      page(`<table>
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>1</td><td>0</td><td>1</td></tr>
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
<tr><td>行政许可</td><td colspan="3">47268</td></tr>
</table>`),
    );
    const r = rows(d.blocks);
    expect(r.map((x) => [x.gridWidth, ...texts(x)])).toEqual([
      [4, '第二十条第（一）项', '', '', ''],
      [4, '信息内容', '本年制发件数', '本年废止件数', '现行有效件数'],
      [4, '规章', '1', '0', '1'],
      [2, '第二十条第（五）项', ''],
      [2, '信息内容', '本年处理决定数量'],
      [2, '行政许可', '47268'],
    ]);
    // Provenance still points at the source grid.
    expect(r[5]!.fields[1]!.prov).toMatchObject({ gridRow: 5, gridCol: 1 });
  });

  it('keeps the lines and tab columns of preformatted text', () => {
    const d = htmlToDocument(page('<pre>四、政府信息公开行政复议、行政诉讼情况\n结果维持\t结果纠正\n1\t0\n</pre>'));
    expect(d.blocks.map((b) => (b.kind === 'paragraph' ? b.text : [b.positions, ...texts(b)]))).toEqual([
      '四、政府信息公开行政复议、行政诉讼情况',
      ['tab', '结果维持', '结果纠正'],
      ['tab', '1', '0'],
    ]);
  });

  it('drops a trailing column that is blank in every row, so the last figure stays last', () => {
    const d = htmlToDocument(
      page('<table><tr><td>信息内容</td><td>本年处理决定数量</td><td></td><td>&nbsp;</td></tr><tr><td>行政许可</td><td>47268</td><td></td><td></td></tr></table>'),
    );
    expect(rows(d.blocks).map((r) => [r.gridWidth, ...texts(r)])).toEqual([
      [2, '信息内容', '本年处理决定数量'],
      [2, '行政许可', '47268'],
    ]);
  });

  it('joins a header label broken by <br> or inner paragraphs', () => {
    const d = htmlToDocument(page('<table><tr><th>结果<br>维持</th><th><p>其他</p><p>结果</p></th><th>Total<br/>count</th></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>'));
    expect(texts(rows(d.blocks)[0]!)).toEqual(['结果维持', '其他结果', 'Total count']);
  });

  it('treats a layout table around the article as containers and its inner table as the grid', () => {
    const d = htmlToDocument(
      page(`<table><tr><td class="menu"><a href="#">首页</a></td></tr><tr><td>
<table><tr><td><p>二、主动公开政府信息情况</p><table><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政处罚</td><td>12</td></tr></table></td></tr></table>
</td></tr></table>`),
    );
    expect(paragraphs(d.blocks)).toEqual(['二、主动公开政府信息情况']);
    expect(rows(d.blocks).map(texts)).toEqual([
      ['信息内容', '本年处理决定数量'],
      ['行政处罚', '12'],
    ]);
  });
});

describe('html tables: limits', () => {
  it('refuses a table whose spans blow up to an absurd grid, with a clear reason', () => {
    const rowsHtml = '<tr><td colspan="200">x</td></tr>'.repeat(1100);
    expect(() => htmlToDocument(page(`<table>${rowsHtml}</table>`))).toThrow(/expands to more than 200000 grid cells/);
  });

  it('refuses a table made huge by padding: one full-width row over thousands of one-cell rows', () => {
    const rowsHtml = `<tr><td colspan="200">x</td></tr>${'<tr><td>y</td></tr>'.repeat(2000)}`;
    expect(() => htmlToDocument(page(`<table>${rowsHtml}</table>`))).toThrow(/expands to more than 200000 grid cells \(2001 rows × 200 columns\)/);
  });

  const bigTable = (rowCount: number) =>
    page(`<h1>报告</h1><table>${Array.from({ length: rowCount }, (_, r) => `<tr><td>第${r}行</td><td>1</td><td>2</td></tr>`).join('')}</table>`);

  it('refuses a page with more table cells than the limit, counting them all, before building its tree', () => {
    expect(() => htmlToDocument(bigTable(40), { maxTableCells: 100 })).toThrow(/the page has 120 table cells, over the limit of 100\b/);
    expect(htmlToDocument(bigTable(30), { maxTableCells: 100 }).blocks.filter((b) => b.kind === 'row')).toHaveLength(30);
  });

  it('refuses a page with more elements than the limit', () => {
    const divs = '<div><span>字</span></div>'.repeat(600);
    expect(() => htmlToDocument(page(divs), { maxElements: 1000 })).toThrow(/the page has 1,20\d HTML elements, over the limit of 1,000/);
  });

  it('fails a 50,000-row table by the default limit quickly, with the reason a user reads', async () => {
    writeFileSync(join(tmp, 'huge.html'), bigTable(50_000));
    const started = performance.now();
    const failed = await processFile(join(tmp, 'huge.html'));
    expect(failed.status).toBe('failed');
    expect(failed.failedStage).toBe('extract');
    expect(failed.error).toMatch(/^the page has 150,000 table cells, over the limit of 50,000 .*--max-table-cells/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('html parsing: nesting', () => {
  it('refuses a page nesting elements thousands deep with a reason, not a stack overflow', () => {
    const deep = (n: number) => page(`${'<div>'.repeat(n)}政府信息公开工作年度报告${'</div>'.repeat(n)}`);
    expect(() => htmlToDocument(deep(20_000))).toThrow(/^the page nests elements more than 1,000 deep/);
    expect(paragraphs(htmlToDocument(deep(900)).blocks)).toEqual(['政府信息公开工作年度报告']);
  });
});

describe('html parsing: content after </body>', () => {
  it('reads a paragraph pasted after </html> as the end of the body, as a browser shows it', () => {
    const doc = htmlToDocument('<html><head><title>t</title></head><body><p>一、总体情况</p></body></html>\n<p>五、存在的主要问题及改进情况</p>');
    expect(paragraphs(doc.blocks)).toEqual(['一、总体情况', '五、存在的主要问题及改进情况']);
  });
});

describe('html parsing without <body>', () => {
  it('reads a fragment with no <html>/<body> whole, and never the <head>', () => {
    const doc = htmlToDocument('<title>标题页</title><p>一、总体情况</p><table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table><p>二、其他</p>');
    expect(paragraphs(doc.blocks)).toEqual(['一、总体情况', '二、其他']);
    expect(rows(doc.blocks).map(texts)).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(doc.meta.pageTitle).toBe('标题页');
  });
});

describe('html decoding', () => {
  const body = '<p>三、收到和处理政府信息公开申请情况</p><p>危及“三安全一稳定”——０１２</p>';

  it('reads a GBK page by its <meta charset>', async () => {
    const doc = await extractBytes('gbk.html', iconv.encode(page(body, '<meta charset="gbk">'), 'gbk'));
    expect(doc.meta).toMatchObject({ encoding: 'gb18030', charsetSource: 'meta', declaredCharset: 'gbk' });
    expect(paragraphs(doc.blocks)).toEqual(['三、收到和处理政府信息公开申请情况', '危及“三安全一稳定”——012']);
  });

  it('reads a GB2312 page by its http-equiv Content-Type', async () => {
    const head = '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">';
    const doc = await extractBytes('gb2312.html', iconv.encode(page(body, head), 'gbk'));
    expect(doc.meta).toMatchObject({ encoding: 'gb18030', charsetSource: 'meta', declaredCharset: 'gb2312' });
    expect(paragraphs(doc.blocks)[0]).toBe('三、收到和处理政府信息公开申请情况');
  });

  it('detects the encoding of a page that declares none', async () => {
    const doc = await extractBytes('plain.html', iconv.encode(page(body, ''), 'gbk'));
    expect(doc.meta).toMatchObject({ encoding: 'gb18030', charsetSource: 'detected' });
    expect(paragraphs(doc.blocks)[0]).toBe('三、收到和处理政府信息公开申请情况');
  });

  it('believes the bytes over a stale declaration, and says so', () => {
    const d = decodeHtmlBytes(Buffer.from(page(body, '<meta charset="gb2312">'), 'utf8'));
    expect(d.encoding).toBe('utf-8');
    expect(d.text).toContain('收到和处理政府信息公开申请情况');
    expect(d.findings.map((f) => f.rule)).toEqual(['extract/html-charset-mismatch']);
  });

  it('reads the GBK samples the generator wrote', async () => {
    for (const base of ['001_896bea92d5be09c0', '003_3b18a393dc797b1b']) {
      const doc = await extractHtml(await loadFile(join(SAMPLES, `${base}.html`)));
      expect(doc.meta.charsetSource).toBe('meta');
      expect(paragraphs(doc.blocks)).toContain('三、收到和处理政府信息公开申请情况');
    }
  });
});

describe('html: finding the report inside the page', () => {
  const chrome = page(`
<div class="header"><div class="top">欢迎访问某某县人民政府门户网站 <a href="#">无障碍</a></div></div>
<nav><a href="/">首页</a><a href="/zwgk/">政务公开</a></nav>
<div class="wrap">
  <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="#">年报</a></div>
  <div class="left"><ul><li><a href="#">政府信息公开指南</a></li><li><a href="#">政府信息公开制度</a></li></ul></div>
  <div class="article">
    <h1>某某县2021年政府信息公开工作年度报告</h1>
    <div class="info">发布时间：2022-01-20 字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></div>
    <div id="zoom">
      <p>一、总体情况</p>
      <p>${'本县认真贯彻落实政府信息公开条例，推进政务公开工作。'.repeat(12)}</p>
      <p>二、主动公开政府信息情况</p>
      <table><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>3</td></tr><tr><td>行政处罚</td><td>4</td></tr></table>
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">【打印本页】</a> <a href="#">【关闭窗口】</a></div>
    <div class="related"><h3>相关文章</h3><ul><li><a href="#">某某县2020年政府信息公开工作年度报告</a></li></ul></div>
  </div>
</div>
<div class="footer">主办单位：某某县人民政府办公室 网站标识码：1234567890 ICP备12345678号</div>
<script>var title = "某某县政府"; document.write("访问量");</script>`);

  it('keeps the article (with its title above it) and drops menus, crumbs, font-size bar, share, related list and footer', () => {
    const doc = htmlToDocument(chrome);
    const paras = paragraphs(doc.blocks);
    expect(paras[0]).toBe('某某县2021年政府信息公开工作年度报告');
    expect(paras.slice(1, 3)).toEqual(['一、总体情况', expect.stringMatching(/^本县认真贯彻/)]);
    expect(paras).toContain('二、主动公开政府信息情况');
    const all = doc.blocks.map((b) => (b.kind === 'paragraph' ? b.text : texts(b).join(' '))).join('\n');
    for (const junk of ['首页', '字号', '分享到', '相关文章', '网站标识码', '政府信息公开指南', '欢迎访问', '访问量', '2020年']) expect(all).not.toContain(junk);
    expect(rows(doc.blocks)).toHaveLength(3);
    expect(doc.meta.article).toBe('div#zoom');
  });

  it('leaves no chrome of the generated sample pages in the blocks', async () => {
    for (const base of ['000_e7764d80f1cd94c2', '001_896bea92d5be09c0', '002_8df272ac7a397eaf']) {
      const doc = await extractHtml(await loadFile(join(SAMPLES, `${base}.html`)));
      const all = doc.blocks.map((b) => (b.kind === 'paragraph' ? b.text : texts(b).join(' '))).join('\n');
      const source = readFileSync(join(SAMPLES, `${base}.txt`), 'utf8');
      const junkWords = ['当前位置', '您现在的位置', '字号', '字体', '分享到', '打印', '关闭窗口', '网站标识码', 'ICP备', '信息公开指南', '总访问量'];
      for (const junk of junkWords.filter((w) => !source.includes(w))) {
        expect(all, `${base}: ${junk}`).not.toContain(junk);
      }
      expect(doc.blocks[0]).toMatchObject({ kind: 'paragraph', text: expect.stringMatching(/年度\s*报告$/) });
    }
  });

  it('drops bare menu lines when the report sits directly in <body>', () => {
    const long = '本机关认真贯彻落实政府信息公开条例，推进政务公开。'.repeat(8);
    const doc = htmlToDocument(
      page(`<ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul><p>一、总体情况</p><p>${long}</p><p>网址：<a href="http://www.example.gov.cn">www.example.gov.cn</a></p><table><tr><td>行政许可</td><td>1</td></tr><tr><td>行政处罚</td><td>2</td></tr><tr><td>行政强制</td><td>3</td></tr></table><div><a href="#">关于我们</a> | <a href="#">网站地图</a></div>`),
    );
    expect(doc.meta.article).toBe('body');
    expect(paragraphs(doc.blocks)).toEqual(['一、总体情况', long, '网址：www.example.gov.cn']);
  });

  it('does not repeat the title when the body prints it again', () => {
    const doc = htmlToDocument(
      page(`<div class="nav"><a href="/">首页</a></div><div class="art"><h1>某某县2021年政府信息公开工作年度报告</h1><div id="zoom"><p>某某县 2021年政府信息公开工作年度报告</p><p>${'本县推进政务公开。'.repeat(30)}</p></div></div>`),
    );
    expect(paragraphs(doc.blocks).filter((t) => t.includes('年度报告'))).toHaveLength(1);
  });

  it('keeps a report split over sibling blocks whole', () => {
    const long = '推进政务公开工作，提升政府信息公开质量和实效，'.repeat(10);
    const doc = htmlToDocument(page(`<div class="main"><div class="part1"><p>一、总体情况</p><p>${long}${long}${long}</p></div><div class="part2"><p>五、存在的主要问题及改进情况</p><p>${long}</p></div></div>`));
    expect(paragraphs(doc.blocks)).toContain('五、存在的主要问题及改进情况');
    expect(paragraphs(doc.blocks)).toContain('一、总体情况');
  });
});

describe('html: a page without the report says why', () => {
  it('names the iframe that holds the content', async () => {
    const html = page('<div class="nav"><a href="/">首页</a></div><iframe src="/content/2022/nb.html" width="100%"></iframe><div class="footer">版权所有</div>');
    const path = join(tmp, 'iframe.html');
    writeFileSync(path, html);
    const processed = await processFile(path);
    expect(processed.status).toBe('failed');
    const f = processed.findings.find((x) => x.rule === 'extract/html-no-report');
    expect(f?.severity).toBe('error');
    expect(f?.message).toContain('/content/2022/nb.html');
  });

  it('names the frame of a frameset page', () => {
    const doc = htmlToDocument('<html><head><title>年报</title></head><frameset rows="80,*"><frame src="top.html"><frame src="nb2021.html"></frameset></html>');
    expect(doc.findings[0]?.message).toMatch(/src="top\.html" and 1 more/);
    expect(doc.findings[0]?.actual).toBe('top.html nb2021.html');
  });

  it('points at the script whose string holds the report', () => {
    const report = '一、总体情况<br>本机关认真贯彻落实政府信息公开条例。'.repeat(20);
    const doc = htmlToDocument(page(`<div id="content"></div><script>var html = "${report}"; document.getElementById("content").innerHTML = html;</script>`));
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]).toMatchObject({ rule: 'extract/html-no-report', severity: 'error' });
    expect(doc.findings[0]!.message).toMatch(/JavaScript string \(script #1, about \d+ Chinese characters/);
  });

  it('names the attachment when the page only links the report', () => {
    const doc = htmlToDocument(page('<div class="content"><p>附件：<a href="/upload/2022/nb2021.pdf">某某县2021年政府信息公开工作年度报告.pdf</a></p></div>'));
    expect(doc.findings[0]?.message).toMatch(/attachment \("某某县2021年政府信息公开工作年度报告\.pdf", href="\/upload\/2022\/nb2021\.pdf"\)/);
  });

  it('says when the report is only shown as images', () => {
    const doc = htmlToDocument(page('<div class="content"><p><img src="1.jpg"></p><p><img src="2.jpg"></p></div>'));
    expect(doc.findings[0]?.message).toMatch(/only as 2 images/);
  });

  it('says nothing on a normal page', () => {
    const doc = htmlToDocument(page(`<p>一、总体情况</p><p>${'本机关认真贯彻落实政府信息公开条例。'.repeat(20)}</p><script>var a = "统计";</script>`));
    expect(doc.findings).toEqual([]);
  });
});

describe('the sample generator', () => {
  it('reproduces the committed HTML samples byte for byte', () => {
    const bases = ['000_e7764d80f1cd94c2', '001_896bea92d5be09c0', '002_8df272ac7a397eaf', '003_3b18a393dc797b1b', '004_3f2d163066b69b0a'];
    bases.forEach((base, i) => {
      const gold = JSON.parse(readFileSync(join(GOLD, `${base}.json`), 'utf8')) as Gold;
      const model = buildModel(base, readFileSync(join(SAMPLES, `${base}.txt`), 'utf8'), gold);
      const bytes = encodeHtml(renderHtml(model, STYLES[i]!), STYLES[i]!);
      expect(bytes.equals(readFileSync(join(SAMPLES, `${base}.html`))), base).toBe(true);
    });
  });
});

describe('tables laid out without <table> (rows as <div>, cells as inline <span>)', () => {
  it('reads each row as a line of glued cells: sections 三 and 四 ≥ 99% exact, no wrong figure without a finding', async () => {
    // A page whose rows are blocks and whose cells are inline elements gives each row as one line, its label and
    // figures glued ("行政处罚1195545", "信息内容上一年项目数量本年增/减处理决定数量"): the form of a crawler's
    // textContent with line breaks kept (tests/stream.test.ts).
    let cells = 0;
    let sec34 = 0;
    let sec34Wrong = 0;
    const silent: string[] = [];
    for (const { report, index } of modelledReports(3001, 40)) {
      const html = reportAsHtml(report, index)!;
      const gbk = /charset=(?:"?)(gbk|gb2312)/i.test(html.subarray(0, 600).toString('latin1'));
      const divs = (gbk ? iconv.decode(html, 'gbk') : html.toString('utf8'))
        .replace(/<(\/?)(table|tbody|thead|tr)\b[^>]*>/g, '<$1div>')
        .replace(/<(\/?)t[dh]\b[^>]*>/g, '<$1span>');
      const doc = await analyseBytes(gbk ? iconv.encode(divs, 'gbk') : Buffer.from(divs), `${report.name}.html`);
      const c = compareWithTruth(doc, report);
      cells += c.cells;
      for (const t of ['sec3', 'sec4']) for (const cols of Object.values(report.tables[t] ?? {})) sec34 += Object.keys(cols).length;
      sec34Wrong += c.wrong.filter((w) => w.cell.startsWith('sec3.') || w.cell.startsWith('sec4.')).length;
      silent.push(...c.wrong.filter((w) => !w.flagged).map((w) => `${report.name} ${w.cell}: ${w.got} for ${w.want}`));
    }
    expect(cells).toBeGreaterThan(7000);
    expect(silent).toEqual([]);
    expect((sec34 - sec34Wrong) / sec34).toBeGreaterThan(0.99);
  });
});

describe('a figure in a cell merged over several figure columns', () => {
  const td = (t: string, attrs = ''): string => `<td${attrs}>${t}</td>`;
  const report = (merged: string): string =>
    page(
      `<p>某某乡2020年政府信息公开工作年度报告</p><p>一、总体情况</p><p>2020年，某某乡扎实推进政务公开工作。</p><p>二、主动公开政府信息情况</p>` +
        `<table><tr>${td('第二十条第（六）项', ' colspan="4"')}</tr><tr>${td('信息内容')}${td('上一年项目数量')}${td('本年增/减')}${td('处理决定数量')}</tr>` +
        `<tr>${td('行政处罚')}${td(merged, ' colspan="3"')}</tr><tr>${td('行政强制')}${td('14')}${td('-9')}${td('43')}</tr></table>` +
        `<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p>`,
    );

  it('is read by its figures, not put in the first column with blanks after it', async () => {
    const doc = await analyseBytes(Buffer.from(report('1195545')), 'merged.html');
    // 上一年项目数量 1195545 and two blanks, in silence, before: the cell covers three columns and says not which.
    expect(rowValues(doc, 'sec2_art20_6', 'penalty')).toEqual([null, null, null]);
    expect(doc.findings.find((f) => f.rule === 'table/ambiguous-row' && f.row === 'penalty')).toMatchObject({ severity: 'error', actual: '1195545' });
    expect(rowValues(doc, 'sec2_art20_6', 'coercion')).toEqual([14, -9, 43]);
  });

  it('leaves the row below a figure merged over two rows no blank cell under it', async () => {
    const html = report('1195545').replace(`${td('1195545', ' colspan="3"')}`, `${td('0', ' rowspan="2"')}${td('5')}${td('7')}`).replace(`${td('14')}${td('-9')}`, td('-9'));
    const doc = await analyseBytes(Buffer.from(html), 'merged-rows.html');
    expect(rowValues(doc, 'sec2_art20_6', 'penalty')).toEqual([0, 5, 7]);
    // 行政强制's 上一年项目数量 is under the merged 0: not printed blank (as it was read, in silence).
    expect(cell(doc, 'sec2_art20_6', 'coercion', 'prev_items')).toMatchObject({ value: null, method: 'unresolved' });
    expect(doc.findings.find((f) => f.table === 'sec2_art20_6' && f.row === 'coercion' && f.severity === 'error')).toBeDefined();
  });
});

describe('a table continued on the next page', () => {
  it('reads the rows after a repeated header by their figures, not as figures under the label columns', async () => {
    // Section 三 split in two tables after its 14th row, the second repeating the three header rows — the corner
    // (the note on the identities, merged over the three label columns) included — but not the group cells whose
    // rowspan began in the first (三、本年度办理结果, （三）不予公开…): its rows print their figures one or two columns left
    // of the header's. The corner's columns were taken for a group label's, and the figures under them dropped.
    const silent: string[] = [];
    let sec3 = 0;
    let sec3Wrong = 0;
    for (const { report, index } of modelledReports(31001, 24)) {
      const html = reportAsHtml(report, index)!;
      const gbk = /charset=(?:"?)(gbk|gb2312)/i.test(html.subarray(0, 600).toString('latin1'));
      const split = (gbk ? iconv.decode(html, 'gbk') : html.toString('utf8')).replace(/<table[\s\S]*?<\/table>/g, (table) => {
        const rows = table.match(/<tr[\s\S]*?<\/tr>/g) ?? [];
        if (!table.includes('本年新收') || rows.length < 20) return table;
        const open = table.slice(0, table.indexOf(rows[0]!));
        return `${open}${rows.slice(0, 14).join('')}</table>${open}${rows.slice(0, 3).join('')}${rows.slice(14).join('')}</table>`;
      });
      expect(split).not.toBe(gbk ? iconv.decode(html, 'gbk') : html.toString('utf8'));
      const doc = await analyseBytes(gbk ? iconv.encode(split, 'gbk') : Buffer.from(split), `${report.name}.html`);
      const c = compareWithTruth(doc, report);
      for (const cols of Object.values(report.tables.sec3 ?? {})) sec3 += Object.keys(cols).length;
      sec3Wrong += c.wrong.filter((w) => w.cell.startsWith('sec3.')).length;
      silent.push(...c.wrong.filter((w) => !w.flagged).map((w) => `${report.name} ${w.cell}: ${w.got} for ${w.want}`));
    }
    expect(sec3).toBeGreaterThan(3000);
    expect(silent).toEqual([]);
    expect((sec3 - sec3Wrong) / sec3).toBeGreaterThan(0.99);
  });
});

describe('a report in markdown pasted into a page as text', () => {
  it('reads its pipe rows as rows of cells, in <pre>, in a <p> per line and in lines broken by <br>', async () => {
    // `| （二）部分公开 | 0 |  | 0 | … |` read as words lost its blank cells and placed the figures after them in the
    // wrong columns, without a finding. A line that starts and ends with a pipe is now a row of its cells.
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const reports = [];
    for (let seed = 71001; reports.length < 12; seed++) {
      const r = generateReport(seed);
      if (r.features.includes('style:pipes')) reports.push(r);
    }
    const silent: string[] = [];
    let cells = 0;
    let exact = 0;
    for (const r of reports) {
      for (const body of [`<pre>${esc(r.text)}</pre>`, r.text.split('\n').map((l) => `<p>${esc(l)}</p>`).join('\n'), `<div>${r.text.split('\n').map(esc).join('<br>\n')}</div>`]) {
        const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${r.agency}${r.year}年政府信息公开工作年度报告</title></head><body>${body}</body></html>`;
        const doc = await analyseBytes(Buffer.from(html), `${r.name}.html`);
        const c = compareWithTruth(doc, r);
        cells += c.cells;
        exact += c.exact;
        silent.push(...c.wrong.filter((w) => !w.flagged).map((w) => `${r.name} ${w.cell}: ${w.got} for ${w.want}`));
      }
    }
    expect(silent).toEqual([]);
    expect(exact / cells).toBeGreaterThan(0.995);
  });
});
