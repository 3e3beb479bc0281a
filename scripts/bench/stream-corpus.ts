/**
 * Reports as a web archive's crawler saves them, made from the generated corpus (scripts/generate/corpus.ts): the
 * report rendered as the HTML page a site serves (scripts/generate/make-html-docx-samples.ts, three site styles),
 * then its article's text content taken as a crawler takes it — every text node in order, no separators
 * between table cells, `&nbsp;` left as a stray space, whitespace folded, the whole body on one line —
 * behind a crawl header (`标题:` `发布时间:` `发布机构:` `原文链接:` …). Some copies glue every row to the
 * next (no whitespace between rows at all); some overviews quote section 二's counts, as real ones do.
 * Each copy comes with the report's truth, so the one-paragraph path is measured on reports it never saw.
 *
 * With --lines, the copies keep the markup's line breaks instead (each table row on a line, its cells glued); with
 * --page, they are the whole page's text on one line (menus, breadcrumb and footer included), without a crawl header;
 * with --wrapped, the one paragraph is hard-wrapped at 60 to 120 characters, as a text dump or `fold` leaves it.
 *
 *   npm run build && node dist/scripts/bench/stream-corpus.js [count] [firstSeed] [--lines | --page | --wrapped]
 */
import { Element, Text } from 'domhandler';
import type { ChildNode } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import iconv from 'iconv-lite';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { analyse } from '../../src/pipeline.js';
import { extractDocument } from '../../src/extract/index.js';
import { sniffFormat } from '../../src/stages/load.js';
import type { ProcessedDocument } from '../../src/types.js';
import { reportAsHtml } from './bench.js';
import { generateReport, rng } from '../generate/corpus.js';
import type { GeneratedReport } from '../generate/corpus.js';
import { compareWithTruth } from './robustness.js';

/** The article's container in each site style of the HTML renderer. */
const CONTENT_CLASSES = ['content', 'zw', 'TRS_Editor'];

/**
 * How the copy keeps the page's whitespace: `paragraph` folds it (the whole body on one line, as most crawlers
 * save it); `lines` keeps the markup's line breaks as a page's textContent (or BeautifulSoup's get_text()) gives
 * them — every table row on a line of its own, its cells glued ("行政处罚1195545", "三、本年度办理结果（一）予以公开0000000");
 * `page` is the whole page's text folded on one line, with no crawl header: its menus, breadcrumb ("您现在的位置：
 * 首页>>政务公开") and footer run into the title and the report; `wrapped` is the one paragraph hard-wrapped at a
 * fixed width (60–120 characters): half the copies broken at the last space within the width (`fold -s`), half
 * anywhere (`fold`), so that a label may end one line and its figures start the next, or a run of digits be cut.
 */
export type CopyForm = 'paragraph' | 'lines' | 'page' | 'wrapped';

/** A one-paragraph copy of a generated report (or, with form `lines`, one whose rows kept their lines), or null when the report has no HTML form. */
export function streamCopy(report: GeneratedReport, index: number, form: CopyForm = 'paragraph'): GeneratedReport | null {
  const html = reportAsHtml(report, index);
  if (!html) return null;
  const r = rng(index * 7919 + 17);
  const page = /charset=(?:"?)(gbk|gb2312)/i.test(html.subarray(0, 600).toString('latin1')) ? iconv.decode(html, 'gbk') : html.toString('utf8');
  // Half the copies glue rows too: the page's markup has no whitespace between </tr> and <tr>.
  const glueRows = r() < 0.5 && (form === 'paragraph' || form === 'wrapped');
  const source = glueRows ? page.replace(/<\/tr>\s+<tr/g, '</tr><tr') : page;
  const nodes = parseDocument(source).children;
  const article = form === 'page' ? findElement(nodes, (e) => e.name === 'body') : findContent(nodes);
  if (!article) return null;
  let body = form === 'lines' ? textContent(article).trim() : textContent(article).replace(/[ \t\r\n]+/g, ' ').trim();
  const quotes = r() < 0.5 ? sec2Quote(report) : '';
  if (quotes) body = body.replace(/(扎实推进政务公开工作。)/, `$1${quotes}`);
  const title = `${report.agency}${report.year}年政府信息公开工作年度报告`;
  const header = [
    `标题: ${title}`,
    `发布时间: ${report.year + 1}-0${1 + Math.floor(r() * 3)}-${10 + Math.floor(r() * 18)} ${8 + Math.floor(r() * 10)}:${10 + Math.floor(r() * 49)}`,
    '文号: ',
    `发布机构: ${r() < 0.5 ? report.agency : ''}`,
    '栏目: 政府信息公开年报',
    `原文链接: https://www.example.gov.cn/zwgk/nb/${report.year + 1}/t${report.year + 1}0120_${index}.htm`,
    '==================== 正文 ====================',
  ];
  if (form === 'wrapped') body = wrapLine(body, WRAP_WIDTHS[Math.floor(r() * WRAP_WIDTHS.length)]!, r() < 0.5);
  const text = form === 'page' ? `${body}\n` : [...header, body, ''].join('\n');
  return {
    ...report,
    name: report.name.replace(/\.txt$/, form === 'paragraph' ? '.page.txt' : `.${form}.txt`),
    text,
    bytes: Buffer.from(text, 'utf8'),
    features: [...report.features, 'stream', ...(form === 'paragraph' ? [] : [form]), ...(glueRows ? ['glueRows'] : []), ...(quotes ? ['quotes'] : [])],
  };
}

const WRAP_WIDTHS = [60, 70, 76, 80, 100, 120];

/** A line hard-wrapped at `width` characters: at the last space within the width when `atSpaces` (and there is one), else anywhere. */
export function wrapLine(line: string, width: number, atSpaces: boolean): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const space = atSpaces ? rest.lastIndexOf(' ', width) : -1;
    const cut = space > 0 ? space : width;
    out.push(rest.slice(0, cut));
    rest = space > 0 ? rest.slice(cut + 1) : rest.slice(cut);
  }
  out.push(rest);
  return out.join('\n');
}

/** The overview's words about 规范性文件, quoting the table as real overviews do. */
function sec2Quote(report: GeneratedReport): string {
  const t = report.tables.sec2_art20_1?.normative;
  if (!t || report.layout !== '2021' || t.issued === undefined) return '';
  return `设立规范性文件库，集中公开现行有效行政规范性文件${t.in_force}件，动态更新本年度制发的规范性文件${t.issued}件。`;
}

function findContent(nodes: ChildNode[]): Element | null {
  return findElement(nodes, (e) => {
    const classes = (e.attribs.class ?? '').split(/\s+/);
    return CONTENT_CLASSES.some((c) => classes.includes(c));
  });
}

/** The first element, depth first, that `is` accepts. */
function findElement(nodes: ChildNode[], is: (e: Element) => boolean): Element | null {
  for (const n of nodes) {
    if (!(n instanceof Element)) continue;
    if (is(n)) return n;
    const inner = findElement(n.children, is);
    if (inner) return inner;
  }
  return null;
}

/** What a browser's textContent gives: every text node, in order, nothing between elements. */
function textContent(node: ChildNode): string {
  if (node instanceof Text) return node.data.replace(/&nbsp;/g, '\u00a0').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  if (node instanceof Element) return node.name === 'script' || node.name === 'style' ? '' : node.children.map(textContent).join('');
  return '';
}

export interface StreamMeasure {
  documents: number;
  cells: number;
  exact: number;
  /** Section 三 and 四 cells only. */
  sec34Cells: number;
  sec34Exact: number;
  wrongFlagged: number;
  silent: { doc: string; cell: string; got: number | null | undefined; want: number | null }[];
  metaWrong: string[];
  failed: string[];
  /** Milliseconds of analysis per document (extract and analyse, one thread). */
  msPerDocument: number;
  /** The same for the same reports in their flattened-text form (the corpus's own copies): the reference. */
  textMsPerDocument: number;
}

async function runDoc(report: GeneratedReport): Promise<ProcessedDocument> {
  const loaded = { path: report.name, bytes: report.bytes, sha256: report.name, format: sniffFormat(report.bytes, report.name), sizeBytes: report.bytes.length };
  return analyse(loaded, await extractDocument(loaded), OGI_ANNUAL_REPORT);
}

/** Accuracy of the pipeline on `count` one-paragraph copies (generated reports from `first` on that have an HTML form), or copies of another form. */
export async function measureStream(count: number, first = 1, form: CopyForm = 'paragraph'): Promise<StreamMeasure> {
  const m: StreamMeasure = { documents: 0, cells: 0, exact: 0, sec34Cells: 0, sec34Exact: 0, wrongFlagged: 0, silent: [], metaWrong: [], failed: [], msPerDocument: 0, textMsPerDocument: 0 };
  let ms = 0;
  let textMs = 0;
  for (let seed = first; m.documents < count; seed++) {
    const report = generateReport(seed);
    const copy = streamCopy(report, seed, form);
    if (!copy) continue;
    const t0 = performance.now();
    const doc = await runDoc(copy);
    ms += performance.now() - t0;
    const t1 = performance.now();
    await runDoc(report);
    textMs += performance.now() - t1;
    m.documents++;
    if (doc.status === 'failed') m.failed.push(`${copy.name}: ${doc.error}`);
    if (doc.meta.year !== copy.year) m.metaWrong.push(`${copy.name}: year ${doc.meta.year} ≠ ${copy.year}`);
    if (doc.meta.agency !== copy.agency) m.metaWrong.push(`${copy.name}: agency ${doc.meta.agency} ≠ ${copy.agency}`);
    const c = compareWithTruth(doc, copy);
    m.cells += c.cells;
    m.exact += c.exact;
    const sec34 = (cell: string): boolean => cell.startsWith('sec3.') || cell.startsWith('sec4.');
    let sec34Cells = 0;
    for (const table of ['sec3', 'sec4']) for (const cols of Object.values(copy.tables[table] ?? {})) sec34Cells += Object.keys(cols).length;
    m.sec34Cells += sec34Cells;
    m.sec34Exact += sec34Cells - c.wrong.filter((w) => sec34(w.cell)).length;
    for (const w of c.wrong) {
      if (w.flagged) m.wrongFlagged++;
      else m.silent.push({ doc: copy.name, cell: w.cell, got: w.got, want: w.want });
    }
  }
  m.msPerDocument = ms / Math.max(1, m.documents);
  m.textMsPerDocument = textMs / Math.max(1, m.documents);
  return m;
}

if (process.argv[1]?.endsWith('stream-corpus.js')) {
  const form: CopyForm = process.argv.includes('--lines') ? 'lines' : process.argv.includes('--page') ? 'page' : process.argv.includes('--wrapped') ? 'wrapped' : 'paragraph';
  const [count, first] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
  const m = await measureStream(count ?? 300, first ?? 1, form);
  const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(2)}%`;
  const what =
    form === 'lines'
      ? 'copies with each row on its own line, cells glued'
      : form === 'page'
        ? 'whole pages as one paragraph (menus and all, no crawl header)'
        : form === 'wrapped'
          ? 'one-paragraph copies hard-wrapped at 60–120 characters'
          : 'one-paragraph copies';
  console.log(`${m.documents} ${what}, ${m.cells} cells`);
  // One pass, both forms in turn in one thread, the JIT warming up all along: what the speed line compares is
  // measured warm, each form on code of its own, by build-ab.js (--form text --form-b stream).
  console.log(
    `time per document, one cold pass in one thread: ${m.msPerDocument.toFixed(2)} ms as copied, ${m.textMsPerDocument.toFixed(2)} ms for the same reports as flattened text (warm: build-ab.js --form text --form-b stream)`,
  );
  console.log(`all cells exact: ${m.exact} (${pct(m.exact, m.cells)}); sections 三 and 四: ${m.sec34Exact}/${m.sec34Cells} (${pct(m.sec34Exact, m.sec34Cells)})`);
  console.log(`wrong but flagged: ${m.wrongFlagged}, wrong and silent: ${m.silent.length}; metadata wrong: ${m.metaWrong.length}; failed: ${m.failed.length}`);
  for (const s of m.silent.slice(0, 20)) console.log('  silent', s.doc, s.cell, 'got', s.got, 'want', s.want);
  for (const x of m.metaWrong.slice(0, 10)) console.log('  meta', x);
  for (const f of m.failed.slice(0, 10)) console.log('  failed', f);
}
