/**
 * Text-layer PDFs of generated reports (scripts/generate/corpus.ts gives the figures and their truth): the official
 * tables laid out as an office suite prints them — merged label cells, multi-level headers, labels wrapped
 * inside their cells, tables running over page breaks (header repeated or not, a merged label cut by the
 * break), page footers — ruled or borderless, sometimes with spaced-out Chinese. Measures the PDF path on
 * reports it has never seen.
 *
 *   npm run build && node dist/scripts/generate/pdf-corpus.js [count] [firstSeed]
 */
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { extractDocument } from '../../src/extract/index.js';
import { analyse } from '../../src/pipeline.js';
import type { ProcessedDocument } from '../../src/types.js';
import { generateReport, rng } from './corpus.js';
import type { GeneratedReport } from './corpus.js';
import { PageBuilder, textWidth, writePdf } from './make-pdf-fixtures.js';
import { compareWithTruth } from '../bench/robustness.js';

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rand, p: number): boolean => r() < p;

const LEFT = 60;
const RIGHT = 535;
const TOP = 60;
const BOTTOM = 842 - 70;

interface Style {
  ruled: boolean;
  /** How borders are drawn: stroked lines, thin filled bars (Word/WPS), or stroked without the outer frame. */
  borders: 'stroke' | 'fill' | 'no-outer';
  repeatHeader: boolean;
  spaced: boolean;
  centreLabels: boolean;
  size: number;
  footer: (n: number) => string;
  fillerBefore: number[];
  sec2Gap: boolean;
}

/** Splits text into lines no wider than `width` at `size` (Chinese breaks anywhere). */
function wrap(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (cur !== '' && textWidth(cur + ch, size) > width) {
      lines.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

class Flow {
  readonly pages: PageBuilder[] = [new PageBuilder()];
  y = TOP;
  constructor(private readonly style: Style) {}

  get page(): PageBuilder {
    return this.pages[this.pages.length - 1]!;
  }

  newPage(): void {
    this.page.centred((LEFT + RIGHT) / 2, 842 - 40, 10, this.style.footer(this.pages.length));
    this.pages.push(new PageBuilder());
    this.y = TOP;
  }

  para(text: string, size = 12, indent = 24): void {
    const lead = size * 1.8;
    wrap(text, RIGHT - LEFT - indent, size).forEach((line, i) => {
      if (this.y + lead > BOTTOM) this.newPage();
      this.page.text(LEFT + (i === 0 ? indent : 0), this.y + size, size, line);
      this.y += lead;
    });
  }

  finish(): Buffer {
    this.page.centred((LEFT + RIGHT) / 2, 842 - 40, 10, this.style.footer(this.pages.length));
    return writePdf(this.pages);
  }
}

interface TCell {
  r: number;
  c: number;
  rs?: number;
  cs?: number;
  text: string;
  label?: boolean;
}

interface TModel {
  xs: number[];
  cells: TCell[];
  rows: number;
  headerRows: number;
}

/** Lays a table out on the flow: row heights from wrapped text, page breaks between rows, cells cut by a break. */
function renderTable(flow: Flow, model: TModel, style: Style): void {
  const size = style.size;
  const lead = size * 1.3;
  const pad = 3;
  const linesOf = (cell: TCell) => {
    const width = model.xs[cell.c + (cell.cs ?? 1)]! - model.xs[cell.c]! - 2 * pad;
    const text = style.spaced && cell.label ? [...cell.text].join(' ') : cell.text;
    return wrap(text, width, size);
  };
  const heights = Array.from({ length: model.rows }, () => size + 8);
  for (const cell of model.cells) {
    const need = linesOf(cell).length * lead + 6;
    const rs = cell.rs ?? 1;
    const have = heights.slice(cell.r, cell.r + rs).reduce((a, b) => a + b, 0);
    if (need > have) heights[cell.r + rs - 1]! += need - have;
  }
  // Place rows: page and top of each (header rows repeated on a new page when the style says so).
  const place: { page: number; y: number }[] = [];
  const repeats: { page: number; y: number }[][] = [];
  for (let r = 0; r < model.rows; r++) {
    if (flow.y + heights[r]! > BOTTOM) {
      flow.newPage();
      if (style.repeatHeader && r >= model.headerRows) {
        const rep: { page: number; y: number }[] = [];
        for (let h = 0; h < model.headerRows; h++) {
          rep.push({ page: flow.pages.length - 1, y: flow.y });
          flow.y += heights[h]!;
        }
        repeats.push(rep);
      }
    }
    place.push({ page: flow.pages.length - 1, y: flow.y });
    flow.y += heights[r]!;
  }
  const draw = (cell: TCell, at: { page: number; y: number }[]) => {
    const rs = cell.rs ?? 1;
    const x0 = model.xs[cell.c]!;
    const x1 = model.xs[cell.c + (cell.cs ?? 1)]!;
    // Segments of the cell on each page it crosses.
    const segs = new Map<number, { y0: number; y1: number }>();
    for (let r = cell.r; r < cell.r + rs; r++) {
      const p = at[r]!;
      const s = segs.get(p.page);
      segs.set(p.page, { y0: s?.y0 ?? p.y, y1: p.y + heights[r]! });
    }
    if (style.ruled) {
      const left = model.xs[0]!;
      const right = model.xs[model.xs.length - 1]!;
      for (const [pg, s] of segs) {
        const page = flow.pages[pg]!;
        const edge = (a: number, b: number, c: number, d: number) => (style.borders === 'fill' ? page.bar(a, b, c, d) : page.line(a, b, c, d));
        edge(x0, s.y0, x1, s.y0);
        edge(x0, s.y1, x1, s.y1);
        if (style.borders !== 'no-outer' || x0 !== left) edge(x0, s.y0, x0, s.y1);
        if (style.borders !== 'no-outer' || x1 !== right) edge(x1, s.y0, x1, s.y1);
      }
    }
    // Text lines centred in the cell's whole height, each drawn in the row (and page) it falls in.
    const lines = linesOf(cell);
    const total = heights.slice(cell.r, cell.r + rs).reduce((a, b) => a + b, 0);
    const top = (total - lines.length * lead) / 2;
    lines.forEach((line, i) => {
      const off = top + i * lead + size * 0.95;
      let acc = 0;
      let r = cell.r;
      while (r < cell.r + rs - 1 && acc + heights[r]! < off) acc += heights[r++]!;
      const p = at[r]!;
      const baseline = p.y + (off - acc);
      const page = flow.pages[p.page]!;
      if (cell.label && !style.centreLabels) page.text(x0 + pad, baseline, size, line);
      else page.centred((x0 + x1) / 2, baseline, size, line);
    });
  };
  for (const cell of model.cells) draw(cell, place);
  for (const rep of repeats) for (const cell of model.cells.filter((c) => c.r + (c.rs ?? 1) <= model.headerRows)) draw(cell, rep);
}

const SEC3_COLS = ['natural', 'commercial', 'research', 'social', 'legal', 'other', 'total'];
const fmt = (v: number | null | undefined, r: Rand, signed = false): string => (v === null || v === undefined ? '' : signed && v > 0 && chance(r, 0.5) ? `+${v}` : String(v));

function sec2Models(report: GeneratedReport, r: Rand): TModel[] {
  const models: TModel[] = [];
  const labelW = int(r, 120, 180);
  for (const def of OGI_ANNUAL_REPORT.tables.filter((t) => t.section === 'proactive')) {
    const truth = report.tables[def.key];
    if (!truth) continue;
    const firstRow = Object.values(truth)[0]!;
    const variant = def.variants.find((v) => v.columns.every((c) => c.key in firstRow) && v.columns.length === Object.keys(firstRow).length);
    if (!variant) continue;
    const n = variant.columns.length;
    const xs = [LEFT, LEFT + labelW, ...variant.columns.map((_, i) => LEFT + labelW + ((RIGHT - LEFT - labelW) * (i + 1)) / n)];
    const cells: TCell[] = [
      { r: 0, c: 0, cs: n + 1, text: def.markers[0]! },
      { r: 1, c: 0, text: '信息内容' },
      ...variant.columns.map((c, i) => ({ r: 1, c: i + 1, text: c.labels[0]! })),
    ];
    variant.rows.forEach((row, ri) => {
      if (!truth[row.key]) return;
      cells.push({ r: 2 + ri, c: 0, text: row.labels[0]!, label: true });
      variant.columns.forEach((col, ci) => {
        const v = truth[row.key]![col.key];
        const unit = col.key === 'amount' && def.key === 'sec2_art20_9' && v !== 0 && chance(r, 0.5) ? '元' : '';
        cells.push({ r: 2 + ri, c: ci + 1, text: fmt(v, r, col.signed === true) + (v === null ? '' : unit) });
      });
    });
    models.push({ xs, cells, rows: 2 + variant.rows.length, headerRows: 2 });
  }
  return models;
}

const PARENTS: [string, string, string[]][] = [
  ['三、本年度办理结果', 'result', []],
  ['（三）不予公开', 'denied', ['denied_state_secret', 'denied_law_forbidden', 'denied_three_safety', 'denied_third_party', 'denied_internal_affairs', 'denied_process_info', 'denied_enforcement_file', 'denied_query']],
  ['（四）无法提供', 'unable', ['unable_not_held', 'unable_need_create', 'unable_unclear']],
  ['（五）不予处理', 'rejected', ['rejected_petition', 'rejected_repeat', 'rejected_publication', 'rejected_massive', 'rejected_confirm']],
  ['（六）其他处理', 'other', ['other_no_supplement', 'other_no_fee', 'other_other']],
];

/** A column section 三 prints in place of the template's seven (scripts/bench/header-corpus.ts): its header, and its figure in a row. */
export interface PrintedColumn {
  header: string;
  value: (row: Record<string, number | null>) => number | null;
}

function sec3Model(report: GeneratedReport, r: Rand, printed?: readonly PrintedColumn[]): TModel {
  const truth = report.tables.sec3!;
  const def = OGI_ANNUAL_REPORT.tables.find((t) => t.key === 'sec3')!;
  const labelOf = (key: string) => def.variants.flatMap((v) => v.rows).find((x) => x.key === key)!.labels[0]!;
  const widths = [int(r, 40, 55), int(r, 45, 60), int(r, 120, 170)];
  const x2 = LEFT + widths[0]! + widths[1]!;
  const x3 = x2 + widths[2]!;
  const ncols = printed ? printed.length : 7;
  const dataW = (RIGHT - x3) / ncols;
  const xs = [LEFT, LEFT + widths[0]!, x2, x3, ...Array.from({ length: ncols }, (_, i) => x3 + dataW * (i + 1))];
  const headerRows = printed ? 1 : 3;
  const cells: TCell[] = printed
    ? [{ r: 0, c: 0, cs: 3, text: '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）' }, ...printed.map((p, i) => ({ r: 0, c: 3 + i, text: p.header }))]
    : [
        { r: 0, c: 0, rs: 3, cs: 3, text: '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）' },
        { r: 0, c: 3, cs: 7, text: '申请人情况' },
        { r: 1, c: 3, rs: 2, text: '自然人' },
        { r: 1, c: 4, cs: 5, text: '法人或其他组织' },
        { r: 1, c: 9, rs: 2, text: '总计' },
        ...['商业企业', '科研机构', pick(r, ['社会公益组织', '社会组织']), '法律服务机构', '其他'].map((t, i) => ({ r: 2, c: 4 + i, text: t })),
      ];
  const keys = Object.keys(truth);
  const order = ['new_received', 'carried_over', 'granted', 'partial', ...PARENTS.slice(1, 4).flatMap((p) => p[2]), ...(keys.includes('other') ? ['other'] : PARENTS[4]![2]), 'total', 'carried_forward'];
  let row = headerRows;
  const rowOf = new Map<string, number>();
  for (const key of order) rowOf.set(key, row++);
  const group = (label: string, members: string[], c: number) => {
    const rows = members.map((m) => rowOf.get(m)!).filter((x) => x !== undefined);
    if (rows.length) cells.push({ r: Math.min(...rows), c, rs: rows.length, text: label, label: true });
  };
  group('三、本年度办理结果', order.slice(2, -1), 0);
  for (const [label, , members] of PARENTS.slice(1)) if (members.every((m) => keys.includes(m))) group(label, members, 1);
  for (const key of order) {
    const rr = rowOf.get(key)!;
    const parented = PARENTS.slice(1).some(([, , m]) => m.includes(key));
    const top = ['new_received', 'carried_over', 'carried_forward'].includes(key);
    cells.push({ r: rr, c: top ? 0 : parented ? 2 : 1, cs: top ? 3 : parented ? 1 : 2, text: key === 'other' ? '（六）其他处理' : labelOf(key), label: true });
    if (printed) printed.forEach((p, i) => cells.push({ r: rr, c: 3 + i, text: fmt(p.value(truth[key]!), r) }));
    else SEC3_COLS.forEach((col, i) => cells.push({ r: rr, c: 3 + i, text: fmt(truth[key]![col], r) }));
  }
  return { xs, cells, rows: row, headerRows };
}

function sec4Model(report: GeneratedReport, r: Rand): TModel {
  const truth = report.tables.sec4!;
  const w = (RIGHT - LEFT) / 15;
  const xs = Array.from({ length: 16 }, (_, i) => LEFT + w * i);
  const cols = ['upheld', 'corrected', 'other', 'pending', 'total'];
  const names = ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'];
  const cells: TCell[] = [
    { r: 0, c: 0, cs: 5, rs: 2, text: '行政复议' },
    { r: 0, c: 5, cs: 10, text: '行政诉讼' },
    { r: 1, c: 5, cs: 5, text: '未经复议直接起诉' },
    { r: 1, c: 10, cs: 5, text: '复议后起诉' },
  ];
  ['review', 'direct', 'after_review'].forEach((row, g) =>
    cols.forEach((col, i) => {
      cells.push({ r: 2, c: g * 5 + i, text: names[i]! });
      cells.push({ r: 3, c: g * 5 + i, text: fmt(truth[row]![col], r) });
    }),
  );
  return { xs, cells, rows: 4, headerRows: 3 };
}

const FILLER = [
  '坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》。',
  '进一步完善政务公开工作机制，加强政府信息公开平台建设，不断提升公开质量和实效。',
  '严格落实保密审查制度，做到应公开尽公开，切实保障人民群众的知情权、参与权、表达权和监督权。',
  '围绕中心工作，及时公开重大决策、重要政策落实情况，回应社会关切。',
];

/** `sec3Columns`: section 三 printed with these columns instead of the template's (the same random choices otherwise). */
export function renderReportPdf(report: GeneratedReport, seed: number, sec3Columns?: readonly PrintedColumn[]): { bytes: Buffer; features: string[] } {
  const r = rng(seed * 7919 + 13);
  const style: Style = {
    ruled: chance(r, 0.75),
    borders: pick(r, ['stroke', 'stroke', 'fill', 'no-outer'] as const),
    repeatHeader: chance(r, 0.5),
    spaced: chance(r, 0.15),
    centreLabels: chance(r, 0.3),
    size: pick(r, [9, 9.5, 10]),
    footer: pick(r, [(n: number) => `— ${n} —`, (n: number) => `- ${n} -`, (n: number) => `第 ${n} 页`, (n: number) => String(n)]),
    fillerBefore: [int(r, 0, 14), int(r, 0, 14), int(r, 0, 6)],
    sec2Gap: chance(r, 0.3),
  };
  const flow = new Flow(style);
  const filler = (n: number) => {
    for (let i = 0; i < n; i++) flow.para(pick(r, FILLER));
  };
  const titleSize = pick(r, [16, 18, 20]);
  const title = `${report.agency}${report.year}年政府信息公开工作年度报告`;
  for (const line of wrap(title, RIGHT - LEFT, titleSize)) {
    flow.page.centred((LEFT + RIGHT) / 2, flow.y + titleSize, titleSize, line);
    flow.y += titleSize * 1.6;
  }
  flow.y += 10;
  flow.para(`本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自${report.year}年1月1日起至${report.year}年12月31日止。`);
  flow.para('一、总体情况', 12, 24);
  flow.para(`${report.year}年，${report.agency}认真贯彻落实《条例》，扎实推进政务公开工作。`);
  filler(style.fillerBefore[0]!);
  flow.para('二、主动公开政府信息情况', 12, 24);
  for (const m of sec2Models(report, r)) {
    renderTable(flow, m, style);
    if (style.sec2Gap) flow.y += 12;
  }
  flow.y += 12;
  filler(style.fillerBefore[1]!);
  flow.para('三、收到和处理政府信息公开申请情况', 12, 24);
  renderTable(flow, sec3Model(report, r, sec3Columns), style);
  flow.y += 12;
  flow.para('四、政府信息公开行政复议、行政诉讼情况', 12, 24);
  renderTable(flow, sec4Model(report, r), style);
  flow.y += 12;
  flow.para('五、存在的主要问题及改进情况', 12, 24);
  filler(style.fillerBefore[2]! + 1);
  flow.para('六、其他需要报告的事项', 12, 24);
  flow.para('无。');
  flow.para(report.agency, 12, 300);
  flow.para(`${report.year + 1}年1月20日`, 12, 300);
  const features = [
    style.ruled ? `ruled:${style.borders}` : 'borderless',
    ...(style.repeatHeader ? ['repeat-header'] : []),
    ...(style.spaced ? ['spaced'] : []),
    ...(style.sec2Gap ? ['sec2-gap'] : []),
    `pages:${flow.pages.length}`,
  ];
  return { bytes: flow.finish(), features };
}

export interface PdfCorpusResult {
  documents: number;
  cells: number;
  exact: number;
  wrong: { doc: string; cell: string; got: number | null | undefined; want: number | null; flagged: boolean; features: string[] }[];
  failed: string[];
  metaWrong: string[];
}

export async function runPdf(report: GeneratedReport, seed: number): Promise<{ doc: ProcessedDocument; features: string[] }> {
  const { bytes, features } = renderReportPdf(report, seed);
  const loaded = { path: `${report.name}.pdf`, bytes, sha256: report.name, format: 'pdf' as const, sizeBytes: bytes.length };
  return { doc: analyse(loaded, await extractDocument(loaded), OGI_ANNUAL_REPORT), features };
}

export async function measurePdf(count: number, first = 1): Promise<PdfCorpusResult> {
  const res: PdfCorpusResult = { documents: 0, cells: 0, exact: 0, wrong: [], failed: [], metaWrong: [] };
  for (let seed = first; seed < first + count; seed++) {
    const report = generateReport(seed);
    const { doc, features } = await runPdf(report, seed);
    res.documents++;
    if (doc.status === 'failed') res.failed.push(`${report.name}: ${doc.error}`);
    if (doc.meta.year !== report.year || doc.meta.agency !== report.agency) res.metaWrong.push(`${report.name}: ${doc.meta.agency} ${doc.meta.year}`);
    const comparison = compareWithTruth(doc, report);
    res.cells += comparison.cells;
    res.exact += comparison.exact;
    for (const w of comparison.wrong) res.wrong.push({ doc: `${report.name}#${seed}`, ...w, features });
  }
  return res;
}

if (process.argv[1]?.endsWith('pdf-corpus.js')) {
  const count = Number(process.argv[2] ?? 100);
  const first = Number(process.argv[3] ?? 1);
  const t0 = performance.now();
  const res = await measurePdf(count, first);
  const secs = (performance.now() - t0) / 1000;
  console.log(`${res.documents} generated PDFs, ${res.cells} cells, ${secs.toFixed(1)} s`);
  console.log(`exact: ${res.exact} (${((100 * res.exact) / res.cells).toFixed(2)}%), wrong but flagged: ${res.wrong.filter((w) => w.flagged).length}, wrong and silent: ${res.wrong.filter((w) => !w.flagged).length}`);
  console.log(`failed: ${res.failed.length}, metadata wrong: ${res.metaWrong.length}`);
  for (const w of res.wrong.slice(0, 30)) console.log('  wrong', w.doc, w.cell, 'got', w.got, 'want', w.want, w.flagged ? 'flagged' : 'SILENT', w.features.join(','));
  for (const f of res.failed.slice(0, 10)) console.log('  failed', f);
  for (const m of res.metaWrong.slice(0, 10)) console.log('  meta', m);
}
