/**
 * Report metadata: agency (发布机关), reporting year, publication date, title — from the title lines,
 * the statistics period, the body and the signature.
 */
import { finding, type Finding } from '../findings.js';
import type { ReportMeta, Section, SourceDocument } from '../types.js';
import { editDistance } from './labels.js';
import { blockTexts, documentText } from './segment.js';
import { withoutTitleField } from './crawl-fields.js';

/** A year written in words, as some titles print it: 二〇二一. */
const WRITTEN_YEAR = '[〇零一二三四五六七八九]{4}';
/** A year's digits in a title: 2021 or 二〇二一. */
const YEAR_DIGITS = `(?:(?:19|20)\\d{2}|${WRITTEN_YEAR})`;
/**
 * The words of a report's title: …政府信息公开工作年度报告, …工作报告 without 年度, or 年报 after its year, maybe with
 * the agency between them ("2021年政府信息公开年报", "2021年南乐县人民政府政府信息公开年报"). A 年报 without a year is
 * no title: a site's menu and column are "政府信息公开年报" (and a breadcrumb's marks, which a name never has, end a title).
 */
const TITLE_WORDS = new RegExp(
  `(政府信息公开|政务公开|信息公开)[\\s\\S]{0,12}(?:年度?报告|报告)|年度报告|${YEAR_DIGITS}\\s*年度?[^\\s\\d，。；：:>》|｜、]{0,30}?(?:政府信息公开|政务公开)(?:工作)?年报`,
);
const ORGANS = '人民政府|政府|委员会|办公室|办公厅|管理局|局|厅|委|院|部|署|中心|所|处|站|队|会|室|馆|社|公司|集团|街道办事处|办事处|法院|检察院';
const ORGAN_SUFFIX = new RegExp(`(${ORGANS})$`);
/** A year as a title prints it: 2021年, 2021年度, 二〇二一年. */
const TITLE_YEAR = `${YEAR_DIGITS}年度?`;
/** The words a title's agency comes before: its name, then (关于印发) its year (南乐县人民政府办公室关于印发2021年…). */
const AGENCY_BEFORE_YEAR = new RegExp(`^(.*?)(?:关于(?:印发)?)?${TITLE_YEAR}`);
/**
 * A title whose year starts it, or comes after its title words, names the agency before the title words
 * ("2021年南乐县人民政府政府信息公开工作年度报告", "2021年度南乐县人民政府信息公开工作年度报告", "南乐县财政局政府信息公开工作
 * 年度报告（2021年度）"): the shortest name ending as an organ does, with no year in it.
 */
const AGENCY_BEFORE_TITLE_WORDS = new RegExp(`^(?:${TITLE_YEAR})?((?:(?!关于|\\d|${WRITTEN_YEAR}).)+?(?:${ORGANS}))(?:政府信息公开|政务公开|信息公开)`);
const TITLE_START = /政府信息公开|政务公开|信息公开/;
const PLACE_SUFFIX = /(省|市|自治区|州|盟|地区|县|区|旗|乡|镇|街道)$/;

/** How many blocks before the first section the title is looked for in. */
const HEAD_BLOCKS = 30;

/** Organs that govern a place ("平潭综合实验区" → "平潭综合实验区管委会"), in order of preference. */
const GOVERNING_ORGANS = ['人民政府', '管理委员会', '管委会', '行政公署', '街道办事处', '办事处'];

export function readMeta(doc: SourceDocument, sections: Section[]): ReportMeta {
  const firstSection = sections[0]?.start ?? doc.blocks.length;
  // A web page's text (a page saved or converted as text) has its site's lines before the title: a few dozen.
  const headTexts = blockTexts(doc).slice(0, Math.min(firstSection, HEAD_BLOCKS)).filter((t) => t.trim() !== '');
  const allText = documentText(doc);
  // A crawler's header (extract/crawl-header) names the page's title, publisher and date outright.
  const header = (field: string): string | null => {
    const v = doc.meta[`header.${field}`];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  const title = header('title') ?? narrowTitle(findTitle(headTexts), allText);
  const publisher = header('publisher');
  const year = findYear(title, allText);
  const agency = findAgency(title, allText, publisher, () => issuerBelowTitle(headTexts, title));
  return {
    agency,
    year,
    layout: null,
    publishedDate: findPublishedDate(doc) ?? headerDate(header('published')),
    title,
    publisher,
    sourceUrl: header('url'),
    // Linked by the region stage, which needs the agency found here.
    region: null,
  };
}

/** "2023-02-20 15:07", "2023年2月20日" → "2023-02-20". */
function headerDate(text: string | null): string | null {
  const m = text ? /((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/.exec(text) : null;
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : null;
}

/**
 * The title: the first lines up to and including the one that says 年度报告 (titles wrap over lines, and a
 * PDF's text may cut the last words off onto a line of their own: "…工作年度" / "报告").
 */
function findTitle(lines: string[]): string | null {
  // A crawler's "标题: …" line that was not read as its header (extract/crawl-header): the title is after the colon.
  const head = lines.map((line) => titleColumn(withoutTitleField(line)));
  const isShort = (line: string | undefined): boolean => line !== undefined && line.trim().length <= 30 && !/[。，；]/.test(line);
  // A line before the title that is a page's breadcrumb or a labelled field ("您现在的位置：首页>>政务公开",
  // "承办单位：…") is no part of it.
  const joinsTitle = (line: string | undefined): boolean => isShort(line) && !/[:：>》|]/.test(line!);
  for (let i = 0; i < head.length; i++) {
    const line = head[i]!.replace(/\s+/g, '');
    const rest = head[i + 1];
    const cut = !TITLE_WORDS.test(line) && rest !== undefined && rest.trim().length <= 6 && isShort(rest) && TITLE_WORDS.test(line + rest.replace(/\s+/g, ''));
    if (cut || TITLE_WORDS.test(line)) {
      const parts = cut ? [head[i]!, rest] : [head[i]!];
      // A short line just before ("兴庆区通贵乡" / "2020 年政府信息公开工作年度报告") belongs to the title.
      if (i > 0 && !namesItsBody(line) && joinsTitle(head[i - 1])) parts.unshift(head[i - 1]!);
      return parts.map((p) => p.trim()).join('');
    }
  }
  return null;
}

/** Marks of a page's menus and breadcrumbs ("您现在的位置：首页>>政务公开", "首页 > 年报", "【字体：大 中 小】"), never in a title. */
const CHROME = /[：:》|｜【】]|>>|\s>\s/;
/** Where a breadcrumb's last step ends: a name starts after it. */
const CHROME_SPLIT = /[：:》|｜【】>]/;
/** Sentence punctuation: never in an agency's name. */
const PROSE_PUNCTUATION = /[。，；！？]/;
/** A title longer than this up to its title words, with no year in it, is a sentence that quotes them. */
const MAX_TITLE_CHARS = 60;
/** A name before the year longer than this is no agency alone. */
const MAX_NAME_CHARS = 30;
const SHORTEST_NAME = 3;

/**
 * A title run together with its page's menus and breadcrumb (a whole page saved as one paragraph: "…您现在的位置：
 * 首页>>政务公开彭阳县教育局2021年政府信息公开工作年度报告【字体：大 中 小】…"): the title words, and before the year
 * the longest end of what precedes it that the report names again elsewhere (its overview and its signature name the
 * agency), else what follows the last menu character. Any other title as it is.
 */
function narrowTitle(title: string | null, text: string): string | null {
  if (title === null) return null;
  const words = TITLE_WORDS.exec(title);
  const head = words ? title.slice(0, words.index + words[0].length) : title;
  const year = /(?:19|20)\d{2}\s*年/.exec(head);
  // A long run of text to the title words with no year in it is prose quoting them ("本报告根据……关于印发<中华人民共和国
  // 政府信息公开工作年度报告格式>的通知"): the report's own title is not in this text (a copy of its body only).
  if (!year) return head.replace(/\s+/g, '').length > MAX_TITLE_CHARS ? null : title;
  const printed = head.slice(0, year.index);
  const before = printed.replace(/\s+/g, '');
  if (before.length <= MAX_NAME_CHARS && !CHROME.test(printed)) return title;
  const compact = text.replace(/\s+/g, '');
  for (let n = Math.min(MAX_NAME_CHARS, before.length); n >= SHORTEST_NAME; n--) {
    const name = before.slice(-n);
    if (CHROME_SPLIT.test(name)) continue;
    const first = compact.indexOf(name);
    if (first >= 0 && compact.indexOf(name, first + 1) >= 0) return name + head.slice(year.index);
  }
  return before.split(CHROME_SPLIT).pop()! + head.slice(year.index);
}

/**
 * A head line of a page laid out in columns, flattened to text (a menu beside the title: "信息公开制度      2020 年
 * 政府信息公开工作年度报告"): the column with the title words, with an agency's name just left of it; else the
 * last column (the line above the title: "信息公开指南      兴庆区通贵乡"). Lines without wide gaps as they are.
 */
function titleColumn(line: string): string {
  const parts = line.split(/\s{3,}/).map((p) => p.trim()).filter(Boolean);
  if (parts.length < 2) return line;
  const k = parts.findIndex((p) => TITLE_WORDS.test(p.replace(/\s+/g, '')));
  if (k < 0) return parts[parts.length - 1]!;
  const left = parts[k - 1]?.replace(/\s+/g, '');
  return left && !namesItsBody(parts[k]!.replace(/\s+/g, '')) && (ORGAN_SUFFIX.test(left) || PLACE_SUFFIX.test(left)) ? `${parts[k - 1]} ${parts[k]}` : parts[k]!;
}

/** A title line that starts with its body's name ("中宁县徐套乡人民政府 2021 年…"): nothing before it belongs to it. */
function namesItsBody(line: string): boolean {
  const lead = /^(.*?)(?:19|20)\d{2}\s*年/.exec(line)?.[1]?.replace(/[\s《“"]/g, '') ?? '';
  return lead.length >= 2 && (ORGAN_SUFFIX.test(lead) || PLACE_SUFFIX.test(lead));
}

const IN_WORDS_YEAR = new RegExp(`(${WRITTEN_YEAR})\\s*年`);

function findYear(title: string | null, text: string): number | null {
  const inTitle = title ? /((?:19|20)\d{2})\s*年/.exec(title) : null;
  if (inTitle) return Number(inTitle[1]);
  const written = title ? IN_WORDS_YEAR.exec(title) : null;
  if (written) return Number([...written[1]!].map((c) => '〇一二三四五六七八九'.indexOf(c === '零' ? '〇' : c)).join(''));
  const period = /统计(?:期限?|时限|时间)[^。\n]{0,20}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日/.exec(text);
  if (period) return Number(period[1]);
  const first = /((?:19|20)\d{2})\s*年度?(?:政府信息公开|政务公开)/.exec(text);
  return first ? Number(first[1]) : null;
}

/** `issuer`: the organ named on the line under the title, looked for only when nothing before it names the agency. */
function findAgency(title: string | null, text: string, publisher: string | null, issuer: () => string | null): string | null {
  let name: string | null = null;
  if (title) {
    const compact = title.replace(/\s+/g, '').replace(/^[#*\s《“"]+/, '').replace(/^关于/, '');
    const before = AGENCY_BEFORE_YEAR.exec(compact)?.[1];
    // Title words before the year: the year follows the title ("…年度报告（2021年度）"), the name is before them.
    if (before && !TITLE_START.test(before)) name = before.replace(/[《》“”"]/g, '');
    else name = AGENCY_BEFORE_TITLE_WORDS.exec(compact)?.[1] ?? null;
    // A sentence is no name: the title was prose (a copy of the body only), and the agency is sought elsewhere.
    if (name && PROSE_PUNCTUATION.test(name)) name = null;
  }
  if (!name) {
    if (publisher && /^[\u4e00-\u9fff（）()]{2,30}$/.test(publisher)) return publisher;
    const printed = /发布机构\s*[:：]\s*([\u4e00-\u9fff（）()]{2,30})/.exec(text);
    if (printed) return printed[1]!;
    const below = issuer();
    if (below) return below;
    const sig = findSignature(text);
    if (sig) return sig;
    return null;
  }
  if (ORGAN_SUFFIX.test(name)) return name;
  // A place name alone ("兴庆区通贵乡", "平潭综合实验区"): the body or signature names its government.
  if (PLACE_SUFFIX.test(name)) {
    const tail = lastPlaceSegment(name);
    for (const organ of GOVERNING_ORGANS) {
      if (text.includes(`${name}${organ}`) || text.includes(`${tail}${organ}`)) return `${name}${organ}`;
    }
  }
  return name;
}

/**
 * An organ's name alone on the line under the title ("2021年政府信息公开工作年度报告" / "南乐县人民政府办公室"), as a PDF's
 * first page prints its issuer: for a title that names no agency.
 */
function issuerBelowTitle(lines: readonly string[], title: string | null): string | null {
  if (!title) return null;
  const compactTitle = title.replace(/\s+/g, '');
  const at = lines.findIndex((l) => {
    const c = l.replace(/\s+/g, '');
    return c.length > 0 && compactTitle.endsWith(c);
  });
  const next = at >= 0 ? lines[at + 1]?.trim() : undefined;
  if (!next || next.length > MAX_NAME_CHARS || !/^[\u4e00-\u9fff（）()]+$/.test(next)) return null;
  return ORGAN_SUFFIX.test(next) ? next : null;
}

/** "兴庆区通贵乡" → "通贵乡": the last administrative unit of a place name. */
function lastPlaceSegment(name: string): string {
  const m = /(?:省|市|自治区|州|盟|地区|县|区|旗)([^省市区县旗]+(?:乡|镇|街道))$/.exec(name);
  return m?.[1] ?? name;
}

/** A signature line near the end: an organ's name alone on a line, before a date. */
function findSignature(text: string): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 8); i--) {
    const l = lines[i]!;
    // A labelled field ("承办单位：…信息中心") is no signature.
    if (l.length <= 30 && ORGAN_SUFFIX.test(l) && !/[。，:：]/.test(l)) return l;
  }
  return null;
}

function findPublishedDate(doc: SourceDocument): string | null {
  const tail = blockTexts(doc).slice(-10);
  for (let i = tail.length - 1; i >= 0; i--) {
    const m = /^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$/.exec(tail[i]!);
    if (m) return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  }
  return null;
}

/**
 * The agency of a scanned report, checked against its body. OCR misreads a title's large bold characters more
 * often than the body's (泾源县目然资源局 in the title, 泾源县自然资源局 in the overview and the signature). When
 * the title's name appears nowhere else but the body reads the name one way, one or two characters from it, the
 * body's reading is taken and a warning names both; the name is never made up.
 */
export function checkOcrAgency(meta: ReportMeta, doc: SourceDocument): { agency: string | null; findings: Finding[] } {
  const agency = meta.agency;
  if (!agency || agency.length < 4) return { agency, findings: [] };
  // The body without the title: what the title says of itself (its own name, cut shorter) is no second reading.
  const title = (meta.title ?? '').replace(/\s+/g, '');
  const text = documentText(doc).replace(/\s+/g, '');
  const body = title && text.includes(title) ? text.replace(title, '\n') : text;
  if (body.includes(agency)) return { agency, findings: [] };
  const counts = new Map<string, { n: number; distance: number }>();
  // Names of about the agency's length that end as it does (the organ: 局, 人民政府…), a character or two off.
  const suffix = agency.slice(-2);
  for (let at = body.indexOf(suffix); at >= 0; at = body.indexOf(suffix, at + 1)) {
    const end = at + suffix.length;
    for (let len = agency.length - 1; len <= agency.length + 1; len++) {
      const candidate = body.slice(Math.max(0, end - len), end);
      if (candidate.length !== len || candidate === agency || !/^[\u4e00-\u9fff]+$/.test(candidate)) continue;
      const seen = counts.get(candidate);
      if (seen) seen.n++;
      else {
        const distance = editDistance(candidate, agency);
        if (distance <= 2) counts.set(candidate, { n: 1, distance });
      }
    }
  }
  // The window cuts one reading several ways (兰县通贵乡人民政府 and 贺兰县通贵乡人民政府, or 年泾源县自然资源局 with the
  // character before it): of names that end one another, the closest to the title's is the reading — then the
  // most printed, then the title's length.
  const ranked = [...counts].sort(
    ([a, x], [b, y]) => x.distance - y.distance || y.n - x.n || Math.abs(a.length - agency.length) - Math.abs(b.length - agency.length),
  );
  const readings: string[] = [];
  for (const [name] of ranked) if (!readings.some((kept) => kept.endsWith(name) || name.endsWith(kept))) readings.push(name);
  // Only a body that reads the name one way outvotes the title: two readings that differ from the title each in
  // another character (平罗县红星人民政府, 平寻县红星乡人民政府) are the body's misreads, and the title is their consensus.
  if (readings.length !== 1) return { agency, findings: [] };
  const name = readings[0]!;
  const times = counts.get(name)!.n;
  return {
    agency: name,
    findings: [
      finding(
        'meta/agency-ocr',
        'warning',
        `the scanned title reads the agency as ${agency}, the body prints ${name} (${times} time${times > 1 ? 's' : ''}) and never the title's reading: ${name} is taken — OCR may have misread either`,
        { actual: agency, expected: name },
      ),
    ],
  };
}
