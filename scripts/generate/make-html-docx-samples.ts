/**
 * Generates the HTML and DOCX forms of the samples from samples/*.txt (their paragraphs and table
 * labels) and tests/fixtures/gold/*.json (their figures; gold null = an empty cell).
 *
 * The tables are printed in the official layout, with the spans government sites and Word templates use:
 * - section 二: one 4-column table, a full-width title row per 第二十条 item; single-figure items
 *   (2021 layout) print their header and figure over the three data columns, two-figure items (2019
 *   八/九) print their last header and figure over two;
 * - section 三: the corner cell over 3 rows × 3 label columns (one sample splits it into 2 + 1 cells),
 *   申请人情况 over 7 columns, 自然人 and 总计 over two header rows, 法人或其他组织 over five columns,
 *   三、本年度办理结果 down all outcome rows, （三）…（六） down their items;
 * - section 四: 行政复议 over 5 and 行政诉讼 over 10 columns, the five first labels over two rows.
 * Pages are wrapped in site chrome (banner, menus, crumbs, sidebar, "字号：大 中 小", share and related
 * links, footer, scripts), in three site styles; 001 and 003 are GBK, 004 declares no charset.
 *
 * Run: npx tsc -p . && node dist/scripts/generate/make-html-docx-samples.js [samplesDir] [goldDir]
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { textToDocument } from '../../src/extract/text/text.js';
import { segment } from '../../src/stages/segment.js';
import type { Block, Layout, RowBlock, SectionKey } from '../../src/types.js';

// ───────────────────────────── model ─────────────────────────────

/** A cell of a generated table. `text` may hold '\n': a <br> in HTML, a second paragraph in Word. */
export interface GenCell {
  text: string;
  rowspan?: number;
  colspan?: number;
  header?: boolean;
}

export interface GenTable {
  rows: GenCell[][];
  width: number;
}

export type Part = { kind: 'title'; text: string } | { kind: 'heading'; text: string } | { kind: 'paragraph'; text: string } | { kind: 'table'; table: GenTable };

export interface Gold {
  document: string;
  agency: string;
  year: number;
  layout: Layout;
  tables: Record<string, Record<string, Record<string, number | null>>>;
}

export interface SampleModel {
  name: string;
  agency: string;
  year: number;
  parts: Part[];
}

// ───────────────────────────── from sample + gold to model ─────────────────────────────

const TABLE_SECTIONS: SectionKey[] = ['proactive', 'requests', 'review_litigation'];

export function buildModel(name: string, text: string, gold: Gold): SampleModel {
  const doc = textToDocument(text);
  const seg = segment(doc, OGI_ANNUAL_REPORT);
  const parts: Part[] = [];
  const firstSection = seg.sections[0]?.start ?? doc.blocks.length;
  // The title: the first lines up to the one that says 年度报告.
  const head = doc.blocks.slice(0, Math.max(0, firstSection - 1));
  const titleEnd = head.findIndex((b) => b.kind === 'paragraph' && /年度报告/.test(b.text));
  const titleLines = titleEnd >= 0 && titleEnd < 3 ? head.slice(0, titleEnd + 1) : [];
  parts.push({ kind: 'title', text: titleLines.map(blockLine).join('\n') || `${gold.agency}${gold.year}年政府信息公开工作年度报告` });
  for (const b of head.slice(titleLines.length)) parts.push({ kind: 'paragraph', text: blockLine(b) });

  for (const section of seg.sections) {
    parts.push({ kind: 'heading', text: section.heading });
    const blocks = doc.blocks.slice(section.start, section.end);
    const firstRow = blocks.findIndex((b) => b.kind === 'row');
    const lastRow = blocks.length - 1 - [...blocks].reverse().findIndex((b) => b.kind === 'row');
    if (!TABLE_SECTIONS.includes(section.key) || firstRow < 0) {
      for (const b of blocks) parts.push({ kind: 'paragraph', text: blockLine(b) });
      continue;
    }
    for (const b of blocks.slice(0, firstRow)) parts.push({ kind: 'paragraph', text: blockLine(b) });
    const rows = blocks.slice(firstRow, lastRow + 1).filter((b): b is RowBlock => b.kind === 'row');
    const table =
      section.key === 'proactive' ? sec2Table(rows, gold) : section.key === 'requests' ? sec3Table(rows, gold, name) : sec4Table(rows, gold);
    parts.push({ kind: 'table', table });
    for (const b of blocks.slice(lastRow + 1)) parts.push({ kind: 'paragraph', text: blockLine(b) });
  }
  return { name, agency: gold.agency, year: gold.year, parts: parts.filter((p) => p.kind === 'table' || p.text.trim() !== '') };
}

function blockLine(b: Block): string {
  return b.kind === 'paragraph' ? b.text : b.fields.map((f) => f.text).filter((t) => t !== '').join(' ');
}

const isFigure = (t: string): boolean => /^[+-]?\d[\d,]*(\.\d+)?\s*(元|万元)?$/.test(t.trim());
const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));

function templateColumns(table: string, layout: Layout): string[] {
  const def = OGI_ANNUAL_REPORT.tables.find((t) => t.key === table);
  const variant = def?.variants.find((v) => v.layout === layout) ?? def?.variants[0];
  return variant ? variant.columns.map((c) => c.key) : [];
}

const SEC2_KEYS: Record<string, string> = { 一: 'sec2_art20_1', 五: 'sec2_art20_5', 六: 'sec2_art20_6', 八: 'sec2_art20_8', 九: 'sec2_art20_9' };

/** Section 二: one table of 4 grid columns, a title row per item, spans for items with fewer figures. */
function sec2Table(rows: RowBlock[], gold: Gold): GenTable {
  const out: GenCell[][] = [];
  let key: string | null = null;
  let dataIndex = 0;
  for (const row of rows) {
    const texts = row.fields.map((f) => f.text).filter((t) => t !== '');
    if (texts.length === 0) continue;
    const marker = /第二十条第[（(]([一二三四五六七八九十]+)[)）]项/.exec(texts.join(''));
    if (marker) {
      key = SEC2_KEYS[marker[1]!] ?? null;
      dataIndex = 0;
      out.push([{ text: texts[0]!, colspan: 4, header: true }]);
      continue;
    }
    if (!key) continue;
    const columns = templateColumns(key, gold.layout);
    const spans = spansForFigures(columns.length);
    if (texts[0] === '信息内容') {
      const labels = texts.slice(1);
      out.push([{ text: '信息内容', header: true }, ...columns.map((_, i) => ({ text: labels[i] ?? '', colspan: spans[i]!, header: true }))]);
      continue;
    }
    const rowKey = Object.keys(gold.tables[key] ?? {})[dataIndex++];
    const values = rowKey ? gold.tables[key]![rowKey]! : {};
    out.push([{ text: texts[0]! }, ...columns.map((c, i) => ({ text: fmt(values[c]), colspan: spans[i]! }))]);
  }
  return { rows: out, width: 4 };
}

/** Three data columns: 1 figure spans all three; 2 figures: the second spans two. */
function spansForFigures(n: number): number[] {
  if (n === 1) return [3];
  if (n === 2) return [1, 2];
  return Array.from({ length: n }, () => 1);
}

const SEC3_COLUMNS = ['natural', 'commercial', 'research', 'social', 'legal', 'other', 'total'];
const SUBGROUPS: { prefix: string; label: string }[] = [
  { prefix: 'denied_', label: '（三）不予公开' },
  { prefix: 'unable_', label: '（四）无法提供' },
  { prefix: 'rejected_', label: '（五）不予处理' },
  { prefix: 'other_', label: '（六）其他处理' },
];
const TOP_ROWS = new Set(['new_received', 'carried_over', 'carried_forward']);

/** Section 三 in the official layout: 3 label columns + 7 data columns. */
function sec3Table(rows: RowBlock[], gold: Gold, name: string): GenTable {
  const table = gold.tables.sec3 ?? {};
  const rowKeys = Object.keys(table);
  const headerRows: RowBlock[] = [];
  const dataRows: RowBlock[] = [];
  for (const r of rows) (r.fields.some((f) => isFigure(f.text)) ? dataRows : headerRows).push(r);
  const headerText = headerRows.map((r) => r.fields.map((f) => f.text).join('\t')).join('\n');
  const labelsOf = (r: RowBlock): string[] => r.fields.map((f) => f.text).filter((t) => t !== '' && !isFigure(t));
  const sampleLabels = dataRows.length === rowKeys.length ? dataRows.map(labelsOf) : rowKeys.map(() => [] as string[]);
  if (dataRows.length !== rowKeys.length) console.warn(`${name}: sec3 has ${dataRows.length} data lines for ${rowKeys.length} gold rows; official labels used`);

  const official = OGI_ANNUAL_REPORT.tables.find((t) => t.key === 'sec3')!.variants.find((v) => v.layout === gold.layout)!;
  const officialLabel = (k: string): string => official.rows.find((r) => r.key === k)?.labels[0] ?? k;
  // Parent labels as the sample prints them: fragments on the group's lines, joined by a line break.
  let grand: string[] = [];
  const sub = new Map<string, string[]>();
  rowKeys.forEach((k, i) => {
    const prefix = sampleLabels[i]!.slice(0, -1);
    const group = SUBGROUPS.find((g) => k.startsWith(g.prefix));
    for (const [j, frag] of prefix.entries()) {
      const toGrand = /本年度办理结果/.test(frag) || (group !== undefined && prefix.length === 2 && j === 0) || group === undefined;
      if (toGrand) grand.push(frag);
      else sub.set(group!.prefix, [...(sub.get(group!.prefix) ?? []), frag]);
    }
  });
  if (grand.length === 0) grand = ['三、本年度办理结果'];

  const corner = cornerText(headerRows);
  const splitCorner = name.startsWith('004');
  const out: GenCell[][] = [];
  out.push([
    ...(splitCorner ? [{ text: corner, rowspan: 3, colspan: 2, header: true }, { text: '', rowspan: 3, header: true }] : [{ text: corner, rowspan: 3, colspan: 3, header: true }]),
    { text: headerLabel(headerText, ['申请人情况']), colspan: 7, header: true },
  ]);
  out.push([
    { text: headerLabel(headerText, ['自然人']), rowspan: 2, header: true },
    { text: headerLabel(headerText, ['法人或其他组织']), colspan: 5, header: true },
    { text: headerLabel(headerText, ['总计']), rowspan: 2, header: true },
  ]);
  out.push(
    [['商业企业'], ['科研机构'], ['社会公益组织', '社会组织'], ['法律服务机构'], ['其他']].map((alts) => ({ text: headerLabel(headerText, alts), header: true })),
  );
  const outcomeRows = rowKeys.filter((k) => !TOP_ROWS.has(k)).length;
  let firstOutcome = true;
  rowKeys.forEach((k, i) => {
    const own = sampleLabels[i]!.at(-1) ?? officialLabel(k);
    const values = SEC3_COLUMNS.map((c) => ({ text: fmt(table[k]![c]) }));
    const cells: GenCell[] = [];
    if (TOP_ROWS.has(k)) {
      out.push([{ text: own, colspan: 3 }, ...values]);
      return;
    }
    if (firstOutcome) {
      cells.push({ text: grand.join('\n'), rowspan: outcomeRows });
      firstOutcome = false;
    }
    const group = SUBGROUPS.find((g) => k.startsWith(g.prefix));
    if (group) {
      const members = rowKeys.filter((x) => x.startsWith(group.prefix));
      if (members[0] === k) cells.push({ text: (sub.get(group.prefix) ?? [group.label]).join('\n'), rowspan: members.length });
      cells.push({ text: own });
    } else {
      cells.push({ text: own, colspan: 2 });
    }
    out.push([...cells, ...values]);
  });
  return { rows: out, width: 10 };
}

function cornerText(headerRows: RowBlock[]): string {
  const fields = headerRows.flatMap((r) => r.fields.map((f) => f.text));
  const start = fields.findIndex((t) => t.includes('勾稽'));
  if (start < 0) return '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）';
  if (fields[start]!.includes('第四项')) return fields[start]!;
  const end = fields.findIndex((t, i) => i > start && t.includes('第四项'));
  return end < 0 ? fields[start]! : `${fields[start]}\n${fields[end]}`;
}

/** A header label as the sample prints it: "结果 维持" becomes 结果\n维持 (a <br> in the cell). */
function headerLabel(headerText: string, alternatives: string[]): string {
  for (const label of alternatives) {
    const loose = new RegExp([...label].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[ ]?'));
    const m = loose.exec(headerText);
    if (m) return m[0].replace(/ /g, '\n');
  }
  return alternatives[0]!;
}

const SEC4_COLUMNS = ['upheld', 'corrected', 'other', 'pending', 'total'];
const SEC4_LABELS = ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'];

/** Section 四: two header levels over 15 columns and one line of figures. */
function sec4Table(rows: RowBlock[], gold: Gold): GenTable {
  const headerText = rows.map((r) => r.fields.map((f) => f.text).join('\t')).join('\n');
  const t = gold.tables.sec4 ?? {};
  const labels = SEC4_LABELS.map((l) => ({ text: headerLabel(headerText, [l]), header: true }));
  const figures = ['review', 'direct', 'after_review'].flatMap((r) => SEC4_COLUMNS.map((c) => ({ text: fmt(t[r]?.[c]) })));
  return {
    width: 15,
    rows: [
      [
        { text: '行政复议', colspan: 5, header: true },
        { text: '行政诉讼', colspan: 10, header: true },
      ],
      [
        ...labels.map((l) => ({ ...l, rowspan: 2 })),
        { text: headerLabel(headerText, ['未经复议直接起诉']), colspan: 5, header: true },
        { text: headerLabel(headerText, ['复议后起诉']), colspan: 5, header: true },
      ],
      [...labels, ...labels],
      figures,
    ],
  };
}

// ───────────────────────────── HTML ─────────────────────────────

export interface HtmlStyle {
  /** Site layout: modern div page, old table-layout page, or a TRS-CMS page. */
  site: 'div' | 'table' | 'trs';
  charset: 'utf-8' | 'gbk-meta' | 'gb2312-http-equiv' | 'none';
  /** How empty cells are written. */
  blank: 'nbsp' | 'empty';
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escLines = (s: string): string => s.split('\n').map(esc).join('<br>');

export function renderTableHtml(table: GenTable, style: Pick<HtmlStyle, 'blank'>): string {
  const rows = table.rows.map((row) => {
    const cells = row.map((c) => {
      const tag = c.header ? 'th' : 'td';
      const attrs = `${c.rowspan && c.rowspan > 1 ? ` rowspan="${c.rowspan}"` : ''}${c.colspan && c.colspan > 1 ? ` colspan="${c.colspan}"` : ''}`;
      const body = c.text === '' ? (style.blank === 'nbsp' ? '&nbsp;' : '') : escLines(c.text);
      return `<${tag}${attrs} style="border:1px solid #000;text-align:center">${style.blank === 'nbsp' && c.text !== '' && !c.header ? `<p>${body}</p>` : body}</${tag}>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%">\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function renderContent(model: SampleModel, style: HtmlStyle): string {
  const out: string[] = [];
  let brRun: string[] = [];
  const flushBr = (): void => {
    if (brRun.length) out.push(`<div style="text-indent:2em">${brRun.join('<br>\n')}<br></div>`);
    brRun = [];
  };
  for (const p of model.parts) {
    if (p.kind === 'title') continue;
    if (p.kind === 'table') {
      flushBr();
      out.push(renderTableHtml(p.table, style));
    } else if (p.kind === 'heading') {
      flushBr();
      out.push(style.site === 'div' ? `<h3>${esc(p.text)}</h3>` : `<p style="text-indent:2em"><strong>${esc(p.text)}</strong></p>`);
    } else if (style.site === 'table') {
      // Old sites: paragraphs separated by <br> inside one block.
      brRun.push(`&nbsp;&nbsp;&nbsp;&nbsp;${esc(p.text)}`);
    } else {
      out.push(`<p style="text-indent:2em">${esc(p.text)}</p>`);
    }
  }
  flushBr();
  return out.join('\n');
}

function charsetTag(style: HtmlStyle): string {
  if (style.charset === 'utf-8') return '<meta charset="utf-8">';
  if (style.charset === 'gbk-meta') return '<meta charset="gbk">';
  if (style.charset === 'gb2312-http-equiv') return '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">';
  return '';
}

export function renderHtml(model: SampleModel, style: HtmlStyle): string {
  const title = model.parts.find((p): p is { kind: 'title'; text: string } => p.kind === 'title')!.text;
  const site = `${model.agency}门户网站`;
  const titleHtml = escLines(title);
  const content = renderContent(model, style);
  const related = [`${model.agency}${model.year - 1}年政府信息公开工作年度报告`, `${model.agency}${model.year - 2}年政府信息公开工作年度报告`, '关于印发政务公开工作要点的通知'];
  const head = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
${charsetTag(style)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title.replace(/\n/g, ''))}_${esc(site)}</title>
<link rel="stylesheet" href="/css/style.css">
<script type="text/javascript">var _hmt = _hmt || []; var siteName = "${esc(site)}"; var columnName = "政府信息公开年报";</script>
<style>body{font-family:"Microsoft YaHei"} .nav li{display:inline}</style>
</head>`;
  const foot = `<script>document.write('<span id="visits">总访问量：1203456</span>');</script>
<script src="/js/share.js"></script>`;
  if (style.site === 'div') {
    return `${head}
<body>
<div class="header"><div class="top-bar">欢迎访问${esc(site)}！ <a href="#">无障碍</a> <a href="#">长者模式</a> <a href="#">登录</a></div>
<div class="banner"><img src="/images/logo.png" alt="${esc(model.agency)}"></div></div>
<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxq/">走进${esc(model.agency.slice(0, 3))}</a></li></ul></nav>
<div class="container">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/nb/">政府信息公开年报</a></div>
<div class="main-left"><h4>政府信息公开</h4><ul><li><a href="#">政府信息公开指南</a></li><li><a href="#">政府信息公开制度</a></li><li><a href="#">法定主动公开内容</a></li><li><a href="#">政府信息公开年报</a></li></ul></div>
<div class="main-right article">
<div class="art-head"><h1 class="title">${titleHtml}</h1>
<div class="info">发布时间：${model.year + 1}-01-20 来源：${esc(model.agency)} 浏览次数：1234 字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></div></div>
<div class="content" id="zoom">
${content}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关文章</h3><ul>${related.map((r) => `<li><a href="#">${esc(r)}</a></li>`).join('')}</ul></div>
</div>
</div>
<div class="footer"><p>主办单位：${esc(model.agency)}办公室 承办单位：${esc(model.agency)}信息中心</p><p>网站标识码：6401000001 宁ICP备05001234号-1 宁公网安备 64010402000123号</p><p>地址：${esc(model.agency)}政务服务中心 联系电话：0951-1234567</p></div>
${foot}
</body>
</html>
`;
  }
  if (style.site === 'table') {
    return `${head}
<body>
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td class="top"><img src="/images/banner.jpg" alt="${esc(site)}"></td></tr>
<tr><td class="menu"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a> | <a href="/gzhd/">公众互动</a></td></tr>
<tr><td>
<table width="100%" cellpadding="0" cellspacing="0"><tr>
<td width="220" valign="top" class="left"><table width="100%"><tr><td><a href="#">信息公开指南</a></td></tr><tr><td><a href="#">信息公开制度</a></td></tr><tr><td><a href="#">信息公开年报</a></td></tr></table></td>
<td valign="top" class="right">
<table width="100%"><tr><td align="center" class="bt"><font size="4"><b>${titleHtml}</b></font></td></tr>
<tr><td align="center">【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】 【打印】 【关闭】</td></tr>
<tr><td class="zw">
${content}
</td></tr>
<tr><td align="right"><a href="javascript:window.close()">关闭窗口</a></td></tr></table>
</td></tr></table>
</td></tr>
<tr><td class="bottom" align="center">版权所有：${esc(model.agency)} 技术支持：某某网络科技有限公司<br>宁ICP备12345678号</td></tr></table>
${foot}
</body>
</html>
`;
  }
  return `${head}
<body>
<div id="top"><div class="logo">${esc(site)}</div><div class="search"><form action="/search"><input name="q"><button>搜索</button></form></div></div>
<div id="menu"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zwfw/">政务服务</a></div>
<div class="location">您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="/zwgk/">政务公开</a></div>
<div class="view">
<div class="tit">${titleHtml}</div>
<div class="property">发布日期：${model.year + 1}-01-25 【字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】 【<a href="#">打印</a>】</div>
<div class="TRS_Editor">
${content}
</div>
<div class="bdshare"><a href="#">分享到微信</a><a href="#">分享到微博</a></div>
</div>
<div class="copyright">${esc(model.agency)} 版权所有 网站标识码：4109220001</div>
${foot}
</body>
</html>
`;
}

export function encodeHtml(html: string, style: HtmlStyle): Buffer {
  if (style.charset === 'gbk-meta' || style.charset === 'gb2312-http-equiv') {
    const bytes = iconv.encode(html, 'gbk');
    if (iconv.decode(bytes, 'gbk') !== html) throw new Error('the page has characters that GBK cannot encode');
    return bytes;
  }
  return Buffer.from(html, 'utf8');
}

// ───────────────────────────── DOCX ─────────────────────────────

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

function wParagraph(text: string, opts: { bold?: boolean; center?: boolean; size?: number } = {}): string {
  const pPr = opts.center ? '<w:pPr><w:jc w:val="center"/></w:pPr>' : '';
  const rPr = opts.bold || opts.size ? `<w:rPr>${opts.bold ? '<w:b/>' : ''}${opts.size ? `<w:sz w:val="${opts.size}"/>` : ''}</w:rPr>` : '';
  return `<w:p>${pPr}<w:r>${rPr}<w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;
}

/** A table in WordprocessingML: gridSpan for colspan, vMerge restart/continue cells for rowspan. */
export function renderTableDocx(table: GenTable): string {
  // Lay the cells on the grid first, so continuation cells can be written where Word expects them.
  const grid: ({ cell: GenCell; top: boolean; left: boolean } | undefined)[][] = table.rows.map(() => []);
  table.rows.forEach((row, r) => {
    let c = 0;
    for (const cell of row) {
      while (grid[r]![c]) c++;
      for (let dr = 0; dr < (cell.rowspan ?? 1); dr++) {
        for (let dc = 0; dc < (cell.colspan ?? 1); dc++) grid[r + dr]![c + dc] = { cell, top: dr === 0, left: dc === 0 };
      }
      c += cell.colspan ?? 1;
    }
  });
  const cols = Array.from({ length: table.width }, () => `<w:gridCol w:w="${Math.floor(9000 / table.width)}"/>`).join('');
  const rows = grid.map((row) => {
    const cells: string[] = [];
    for (let c = 0; c < table.width; c++) {
      const slot = row[c];
      if (!slot) {
        cells.push('<w:tc><w:tcPr/><w:p/></w:tc>');
        continue;
      }
      if (!slot.left) continue;
      const span = slot.cell.colspan ?? 1;
      const merge = (slot.cell.rowspan ?? 1) > 1 ? (slot.top ? '<w:vMerge w:val="restart"/>' : '<w:vMerge/>') : '';
      const tcPr = `<w:tcPr>${span > 1 ? `<w:gridSpan w:val="${span}"/>` : ''}${merge}</w:tcPr>`;
      const body = slot.top ? slot.cell.text.split('\n').map((t) => (t === '' ? '<w:p/>' : wParagraph(t, { bold: slot.cell.header ?? false }))).join('') : '<w:p/>';
      cells.push(`<w:tc>${tcPr}${body}</w:tc>`);
    }
    return `<w:tr>${cells.join('')}</w:tr>`;
  });
  const borders = ['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((b) => `<w:${b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>`).join('');
  return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>${borders}</w:tblBorders></w:tblPr><w:tblGrid>${cols}</w:tblGrid>${rows.join('')}</w:tbl>`;
}

/** A picture put in a table's place: its PNG or JPEG bytes and its size as shown, in points. */
export interface TablePicture {
  bytes: Buffer;
  width: number;
  height: number;
}

/** The document's XML; with `pictures`, the n-th table is the n-th picture instead (a table pasted as an image) where one is given. */
export function renderDocumentXml(model: SampleModel, pictures: readonly (TablePicture | null)[] = []): string {
  let tables = 0;
  const body = model.parts.map((p) => {
    if (p.kind === 'title') return p.text.split('\n').map((t) => wParagraph(t, { bold: true, center: true, size: 36 })).join('');
    if (p.kind === 'heading') return wParagraph(p.text, { bold: true });
    if (p.kind === 'paragraph') return wParagraph(p.text);
    const n = tables++;
    const picture = pictures[n];
    if (picture) return pictureParagraph(n + 1, picture);
    // Word puts an empty paragraph after a table; keep that habit.
    return `${renderTableDocx(p.table)}<w:p/>`;
  });
  const ns = `xmlns:w="${W_NS}" xmlns:r="${R_NS}" xmlns:wp="${WP_NS}" xmlns:a="${A_NS}" xmlns:pic="${PIC_NS}"`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document ${ns}><w:body>${body.join('')}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`;
}

const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const WP_NS = 'http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing';
const A_NS = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const PIC_NS = 'http://schemas.openxmlformats.org/drawingml/2006/picture';

/** An inline picture in a paragraph of its own, as Word writes one pasted in (image part media/image<n>, relationship rIdImage<n>). */
export function pictureParagraph(n: number, picture: TablePicture): string {
  const cx = Math.round(picture.width * 12700);
  const cy = Math.round(picture.height * 12700);
  return (
    `<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${cx}" cy="${cy}"/><wp:docPr id="${n}" name="Picture ${n}"/>` +
    `<a:graphic><a:graphicData uri="${PIC_NS}"><pic:pic><pic:nvPicPr><pic:cNvPr id="${n}" name="image${n}"/><pic:cNvPicPr/></pic:nvPicPr>` +
    `<pic:blipFill><a:blip r:embed="rIdImage${n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
    `<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>` +
    `</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`
  );
}

/** A .docx of the document XML; `pictures` become its image parts word/media/image<n> (n from 1 by position; PNG or JPEG by their bytes). */
export function makeDocx(documentXml: string, pictures: readonly (TablePicture | null)[] = []): Buffer {
  const media = pictures.flatMap((p, i) => (p ? [{ n: i + 1, name: `media/image${i + 1}.${p.bytes[0] === 0xff ? 'jpeg' : 'png'}`, bytes: p.bytes }] : []));
  const rels = media.map((m) => `<Relationship Id="rIdImage${m.n}" Type="${R_NS}/image" Target="${m.name}"/>`).join('');
  return makeZip([
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
    },
    { name: 'word/document.xml', data: Buffer.from(documentXml, 'utf8'), deflate: true },
    ...(media.length > 0
      ? [
          {
            name: 'word/_rels/document.xml.rels',
            data: Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`),
          },
          ...media.map((m) => ({ name: `word/${m.name}`, data: m.bytes })),
        ]
      : []),
  ]);
}

/**
 * A minimal ZIP writer (STORE or DEFLATE, no ZIP64, fixed 1980-01-01 timestamps so output is stable).
 * No zip writer is a dependency of the project (jszip only comes with mammoth).
 */
export function makeZip(files: { name: string; data: Buffer; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const body = f.deflate ? deflateRawSync(f.data, { level: 9 }) : f.data;
    const crc = crc32(f.data) >>> 0;
    const method = f.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// ───────────────────────────── main ─────────────────────────────

/** Site style per sample, by its position in the sorted list: every style and charset is covered. */
export const STYLES: HtmlStyle[] = [
  { site: 'div', charset: 'utf-8', blank: 'nbsp' },
  { site: 'table', charset: 'gb2312-http-equiv', blank: 'empty' },
  { site: 'trs', charset: 'utf-8', blank: 'nbsp' },
  { site: 'div', charset: 'gbk-meta', blank: 'empty' },
  { site: 'trs', charset: 'none', blank: 'nbsp' },
];

export function generateSample(txtPath: string, goldPath: string, index: number): { html: Buffer; docx: Buffer } {
  const name = basename(txtPath, '.txt');
  const gold = JSON.parse(readFileSync(goldPath, 'utf8')) as Gold;
  const model = buildModel(name, readFileSync(txtPath, 'utf8'), gold);
  const style = STYLES[index % STYLES.length]!;
  return { html: encodeHtml(renderHtml(model, style), style), docx: makeDocx(renderDocumentXml(model)) };
}

function main(): void {
  const samplesDir = process.argv[2] ?? 'samples';
  const goldDir = process.argv[3] ?? join('tests', 'fixtures', 'gold');
  const txts = readdirSync(samplesDir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  txts.forEach((f, i) => {
    const name = basename(f, '.txt');
    const { html, docx } = generateSample(join(samplesDir, f), join(goldDir, `${name}.json`), i);
    writeFileSync(join(samplesDir, `${name}.html`), html);
    writeFileSync(join(samplesDir, `${name}.docx`), docx);
    console.log(`${name}: .html ${html.length} B (${STYLES[i % STYLES.length]!.site}, ${STYLES[i % STYLES.length]!.charset}), .docx ${docx.length} B`);
  });
}

if (process.argv[1] && /make-html-docx-samples\.(js|ts)$/.test(process.argv[1])) main();
