/**
 * A generator of realistic annual reports with known figures: both layouts, identity-consistent random
 * figures, and the messy flattenings of real copies (tab runs with shifted label columns, spaces,
 * markdown pipes, one cell per line, wrapped labels, page footers, full-width digits, CRLF, GB18030,
 * lost cells, glued digits). Each report comes with its truth in the gold format, so the pipeline can
 * be measured on thousands of reports it has never seen. Used by the robustness test and the benchmark.
 */
import iconv from 'iconv-lite';

export interface GoldTables {
  [table: string]: Record<string, Record<string, number | null>>;
}

export interface GeneratedReport {
  name: string;
  text: string;
  bytes: Buffer;
  agency: string;
  /** The places the agency's name is made of: a real county's name, and a township's name put under it (real there or not). */
  county: string;
  town: string | null;
  year: number;
  layout: '2019' | '2021';
  tables: GoldTables;
  /** The messy features this copy has, for reporting. */
  features: string[];
  /** Cells whose printed form was damaged (lost, glued): a finding must cover them if they come out wrong. */
  damaged: string[];
}

/** mulberry32: a small seeded PRNG so that corpora are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rand, p: number): boolean => r() < p;

const PLACES = ['中宁县', '兴庆区', '贺兰县', '睢县', '南乐县', '永宁县', '平罗县', '盐池县', '同心县', '西吉县', '隆德县', '泾源县', '彭阳县', '海原县', '青铜峡市', '灵武市', '沙坡头区', '原州区', '红寺堡区', '大武口区'];
const TOWNS = ['徐套乡', '通贵乡', '习岗镇', '白楼乡', '城关镇', '新华街道', '东风镇', '红星乡', '太阳山镇', '金积镇'];
const ORGANS = ['人民政府', '人民政府办公室', '教育局', '卫生健康局', '自然资源局', '市场监督管理局', '财政局'];

const SEC3_COLS = ['natural', 'commercial', 'research', 'social', 'legal', 'other', 'total'] as const;
const OUTCOMES_COMMON = [
  ['granted', '（一）予以公开'],
  ['partial', '（二）部分公开（区分处理的，只计这一情形，不计其他情形）'],
  ['denied_state_secret', '1.属于国家秘密'],
  ['denied_law_forbidden', '2.其他法律行政法规禁止公开'],
  ['denied_three_safety', '3.危及“三安全一稳定”'],
  ['denied_third_party', '4.保护第三方合法权益'],
  ['denied_internal_affairs', '5.属于三类内部事务信息'],
  ['denied_process_info', '6.属于四类过程性信息'],
  ['denied_enforcement_file', '7.属于行政执法案卷'],
  ['denied_query', '8.属于行政查询事项'],
  ['unable_not_held', '1.本机关不掌握相关政府信息'],
  ['unable_need_create', '2.没有现成信息需要另行制作'],
  ['unable_unclear', '3.补正后申请内容仍不明确'],
  ['rejected_petition', '1.信访举报投诉类申请'],
  ['rejected_repeat', '2.重复申请'],
  ['rejected_publication', '3.要求提供公开出版物'],
  ['rejected_massive', '4.无正当理由大量反复申请'],
  ['rejected_confirm', '5.要求行政机关确认或重新出具已获取信息'],
] as const;
const OTHER_2021 = [
  ['other_no_supplement', '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请'],
  ['other_no_fee', '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请'],
  ['other_other', '3.其他'],
] as const;
const PARENT: Record<string, string> = {
  granted: '三、本年度办理结果',
  denied_state_secret: '（三）不予公开',
  unable_not_held: '（四）无法提供',
  rejected_petition: '（五）不予处理',
  other_no_supplement: '（六）其他处理',
};

interface Sec3Row {
  key: string;
  parents: string[];
  label: string;
}

function sec3Rows(layout: '2019' | '2021'): Sec3Row[] {
  const rows: Sec3Row[] = [
    { key: 'new_received', parents: [], label: '一、本年新收政府信息公开申请数量' },
    { key: 'carried_over', parents: [], label: '二、上年结转政府信息公开申请数量' },
  ];
  for (const [key, label] of OUTCOMES_COMMON) rows.push({ key, parents: PARENT[key] ? [PARENT[key]!] : [], label });
  if (layout === '2019') rows.push({ key: 'other', parents: [], label: '（六）其他处理' });
  else for (const [key, label] of OTHER_2021) rows.push({ key, parents: PARENT[key] ? [PARENT[key]!] : [], label });
  rows.push({ key: 'total', parents: [], label: '（七）总计' }, { key: 'carried_forward', parents: [], label: '四、结转下年度继续办理' });
  return rows;
}

/** Identity-consistent sec3 figures: mostly zeros, a few small counts, as real bodies report. */
function sec3Figures(r: Rand, layout: '2019' | '2021'): Record<string, Record<string, number>> {
  const rows = sec3Rows(layout);
  const out: Record<string, Record<string, number>> = {};
  const outcomeKeys = rows.map((x) => x.key).filter((k) => !['new_received', 'carried_over', 'total', 'carried_forward'].includes(k));
  const busy = chance(r, 0.6);
  for (const k of outcomeKeys) {
    out[k] = {};
    for (const c of SEC3_COLS.slice(0, 6)) {
      const p = c === 'natural' ? 0.35 : 0.06;
      out[k]![c] = busy && chance(r, p) ? int(r, 1, c === 'natural' ? 40 : 5) : 0;
    }
  }
  const total: Record<string, number> = {};
  const carriedOver: Record<string, number> = {};
  const carriedForward: Record<string, number> = {};
  const newReceived: Record<string, number> = {};
  for (const c of SEC3_COLS.slice(0, 6)) {
    total[c] = outcomeKeys.reduce((s, k) => s + out[k]![c]!, 0);
    carriedOver[c] = chance(r, 0.15) ? int(r, 0, 3) : 0;
    carriedForward[c] = chance(r, 0.15) ? int(r, 0, 3) : 0;
    newReceived[c] = total[c]! + carriedForward[c]! - carriedOver[c]!;
    if (newReceived[c]! < 0) {
      carriedOver[c] = carriedOver[c]! + newReceived[c]!;
      newReceived[c] = 0;
    }
  }
  out.new_received = newReceived;
  out.carried_over = carriedOver;
  out.total = total;
  out.carried_forward = carriedForward;
  for (const k of Object.keys(out)) out[k]!.total = SEC3_COLS.slice(0, 6).reduce((s, c) => s + out[k]![c]!, 0);
  return out;
}

function sec4Figures(r: Rand): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const row of ['review', 'direct', 'after_review']) {
    const v = ['upheld', 'corrected', 'other', 'pending'].map(() => (chance(r, 0.25) ? int(r, 0, 12) : 0));
    out[row] = { upheld: v[0]!, corrected: v[1]!, other: v[2]!, pending: v[3]!, total: v.reduce((a, b) => a + b, 0) };
  }
  return out;
}

interface Sec2Table {
  key: string;
  marker: string;
  header: string[];
  rows: { key: string; label: string; values: Record<string, number | string> }[];
}

function sec2Tables(r: Rand, layout: '2019' | '2021'): Sec2Table[] {
  if (layout === '2021') {
    const issued = int(r, 0, 12);
    return [
      {
        key: 'sec2_art20_1',
        marker: '第二十条第（一）项',
        header: ['信息内容', '本年制发件数', '本年废止件数', '现行有效件数'],
        rows: [
          { key: 'rules', label: '规章', values: { issued: 0, repealed: 0, in_force: 0 } },
          { key: 'normative', label: pick(r, ['行政规范性文件', '规范性文件']), values: { issued, repealed: int(r, 0, 3), in_force: issued + int(r, 0, 60) } },
        ],
      },
      { key: 'sec2_art20_5', marker: '第二十条第（五）项', header: ['信息内容', '本年处理决定数量'], rows: [{ key: 'license', label: '行政许可', values: { decisions: int(r, 0, 50000) } }] },
      {
        key: 'sec2_art20_6',
        marker: '第二十条第（六）项',
        header: ['信息内容', '本年处理决定数量'],
        rows: [
          { key: 'penalty', label: '行政处罚', values: { decisions: int(r, 0, 2000) } },
          { key: 'coercion', label: '行政强制', values: { decisions: int(r, 0, 400) } },
        ],
      },
      {
        key: 'sec2_art20_8',
        marker: '第二十条第（八）项',
        header: ['信息内容', '本年收费金额（单位：万元）'],
        rows: [{ key: 'fees', label: '行政事业性收费', values: { amount: pick(r, ['0', '3.2', '168.102', '24252.311082', String(int(r, 0, 900)), (int(r, 0, 99999) / 100).toFixed(2)]) } }],
      },
    ];
  }
  const change = (): string => pick(r, ['0', `+${int(r, 1, 20)}`, `-${int(r, 1, 9)}`, String(int(r, 1, 9))]);
  return [
    {
      key: 'sec2_art20_1',
      marker: '第二十条第（一）项',
      header: ['信息内容', '本年新制作数量', '本年新公开数量', '对外公开总数量'],
      rows: [
        { key: 'rules', label: '规章', values: { new_made: 0, new_published: 0, total_published: 0 } },
        { key: 'normative', label: '规范性文件', values: { new_made: int(r, 0, 9), new_published: int(r, 0, 9), total_published: int(r, 0, 200) } },
      ],
    },
    {
      key: 'sec2_art20_5',
      marker: '第二十条第（五）项',
      header: ['信息内容', '上一年项目数量', '本年增/减', '处理决定数量'],
      rows: [
        { key: 'license', label: '行政许可', values: { prev_items: int(r, 0, 300), change: change(), decisions: int(r, 0, 9000) } },
        { key: 'other_services', label: '其他对外管理服务事项', values: { prev_items: int(r, 0, 50), change: change(), decisions: int(r, 0, 900) } },
      ],
    },
    {
      key: 'sec2_art20_6',
      marker: '第二十条第（六）项',
      header: ['信息内容', '上一年项目数量', '本年增/减', '处理决定数量'],
      rows: [
        { key: 'penalty', label: '行政处罚', values: { prev_items: int(r, 0, 900), change: change(), decisions: int(r, 0, 900) } },
        { key: 'coercion', label: '行政强制', values: { prev_items: int(r, 0, 90), change: change(), decisions: int(r, 0, 90) } },
      ],
    },
    {
      key: 'sec2_art20_8',
      marker: '第二十条第（八）项',
      header: ['信息内容', '上一年项目数量', '本年增/减'],
      rows: [{ key: 'fees', label: '行政事业性收费', values: { prev_items: int(r, 0, 20), change: change() } }],
    },
    {
      key: 'sec2_art20_9',
      marker: '第二十条第（九）项',
      header: ['信息内容', '采购项目数量', '采购总金额'],
      rows: [{ key: 'procurement', label: '政府集中采购', values: { items: int(r, 0, 30), amount: pick(r, ['0', `${int(r, 1000, 900000)}元`, '75394432.52元', String(int(r, 0, 99999))]) } }],
    },
  ];
}

/** How a table row is written out in the copy. */
type Style = 'tabs' | 'spaces' | 'pipes' | 'vertical';

interface Messiness {
  style: Style;
  trailingTab: boolean;
  fullWidth: boolean;
  crlf: boolean;
  gb18030: boolean;
  markdownHeadings: boolean;
  footerInSec3: boolean;
  wrapPartialLabel: boolean;
  /** sec3 rows printed with blank cells for zeros (only where the row's total is 0 and positions survive). */
  blankZeros: boolean;
  loseCell: boolean;
  glueSec4: boolean;
  /** A figure's digits split over two fields ("1","2" for 12). */
  splitNumber: boolean;
  /** Label typos and 、 numbering seen in real copies. */
  typos: boolean;
  /** A 2023/2024 report printing the 2021 layout except a single （六） row. */
  singleSix: boolean;
}

function chooseMess(r: Rand): Messiness {
  const style = pick<Style>(r, ['tabs', 'tabs', 'tabs', 'spaces', 'pipes', 'vertical']);
  return {
    style,
    trailingTab: style === 'tabs' && chance(r, 0.3),
    fullWidth: chance(r, 0.1),
    crlf: chance(r, 0.2),
    gb18030: chance(r, 0.2),
    markdownHeadings: chance(r, 0.25),
    footerInSec3: chance(r, 0.3),
    wrapPartialLabel: style === 'tabs' && chance(r, 0.3),
    blankZeros: (style === 'tabs' || style === 'pipes') && chance(r, 0.2),
    loseCell: (style === 'tabs' || style === 'spaces') && chance(r, 0.25),
    glueSec4: style === 'spaces' && chance(r, 0.3),
    splitNumber: style === 'tabs' && chance(r, 0.15),
    typos: chance(r, 0.15),
    singleSix: chance(r, 0.3),
  };
}

const FW = (s: string): string => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

export function generateReport(seed: number): GeneratedReport {
  const r = rng(seed);
  const year = int(r, 2019, 2024);
  const sec2Layout: '2019' | '2021' = year >= 2021 ? '2021' : '2019';
  const town = chance(r, 0.5);
  const county = pick(r, PLACES);
  const townName = town ? pick(r, TOWNS) : null;
  const place = county + (townName ?? '');
  const agency = place + (town ? '人民政府' : pick(r, ORGANS));
  const mess = chooseMess(r);
  if (year < 2023) mess.singleSix = false;
  const layout: '2019' | '2021' = mess.singleSix ? '2019' : sec2Layout;
  const features = Object.entries(mess)
    .filter(([k, v]) => v === true || k === 'style')
    .map(([k, v]) => (k === 'style' ? `style:${String(v)}` : k));
  const damaged: string[] = [];
  const gold: GoldTables = {};
  const lines: string[] = [];
  const heading = (h: string): string => (mess.markdownHeadings ? `## ${h}` : h);
  const row = (cells: string[]): string => {
    const out = mess.style === 'pipes' ? `| ${cells.join(' | ')} |` : mess.style === 'spaces' ? cells.filter((c) => c !== '').join(' ') : cells.join('\t');
    return mess.trailingTab ? `${out}\t` : out;
  };
  const emit = (label: string[], values: string[]): void => {
    if (mess.style === 'vertical') lines.push(...label.filter(Boolean), ...values.filter((v) => v !== ''));
    else lines.push(row([...label, ...values]));
  };

  lines.push(`${agency}${year}年政府信息公开工作年度报告`, '');
  lines.push(`本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自${year}年1月1日起至${year}年12月31日止。`, '');
  lines.push(heading('一、总体情况'), '', `${year}年，${agency}认真贯彻落实《条例》，扎实推进政务公开工作。`, '');
  lines.push('一、强化组织领导', '', '成立工作领导小组，明确专人负责。', '');
  lines.push(heading('二、主动公开政府信息情况'), '');
  for (const t of sec2Tables(r, sec2Layout)) {
    lines.push(mess.style === 'pipes' ? `| ${t.marker} |` : t.marker);
    emit(t.header, []);
    if (mess.style === 'pipes') lines.push(`|${t.header.map(() => ' --- ').join('|')}|`);
    gold[t.key] = {};
    for (const rw of t.rows) {
      const cols = Object.keys(rw.values);
      gold[t.key]![rw.key] = Object.fromEntries(cols.map((c) => [c, Number(String(rw.values[c]).replace(/元$/, ''))]));
      emit([rw.label], cols.map((c) => String(rw.values[c])));
    }
  }
  lines.push('');
  lines.push(heading('三、收到和处理政府信息公开申请情况'), '');
  const figures = sec3Figures(r, layout);
  const rows = sec3Rows(layout);
  const sec3Gold: Record<string, Record<string, number | null>> = {};
  emit(['(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)', '', '申请人情况', '', '', '', '', '', '总计'], []);
  emit(['', '', '自然人', '法人或其他组织'], []);
  emit(['', '', '', '商业企业', '科研机构', pick(r, ['社会公益组织', '社会组织']), '法律服务机构', '其他'], []);
  const loseAt = mess.loseCell ? int(r, 2, rows.length - 3) : -1;
  rows.forEach((sourceRow, i) => {
    let rw = sourceRow;
    const f = figures[rw.key]!;
    const values = SEC3_COLS.map((c) => String(f[c]));
    const goldRow: Record<string, number | null> = Object.fromEntries(SEC3_COLS.map((c) => [c, f[c]!]));
    if (mess.blankZeros && f.total === 0 && chance(r, 0.5)) {
      // Zeros of an empty row printed as blanks, only 总计 shows 0 — blank stays blank in the truth.
      for (let c = 0; c < 6; c++) {
        values[c] = '';
        goldRow[SEC3_COLS[c]!] = null;
      }
    }
    if (mess.splitNumber && rw.key === 'new_received' && f.total! >= 10) {
      const digits = values[6]!;
      values.splice(6, 1, digits.slice(0, 1), digits.slice(1));
      damaged.push(`sec3.${rw.key}`);
    }
    if (i === loseAt) {
      const c = int(r, 0, 6);
      damaged.push(`sec3.${rw.key}`);
      values.splice(c, 1);
    }
    sec3Gold[rw.key] = goldRow;
    if (mess.typos) rw = { ...rw, label: rw.label.replace('其他法律行政法规禁止公开', '其他法律行政止公开').replace(/^(\d)\./, '$1、') };
    const label = mess.style === 'tabs' ? [...(rw.parents.length ? ['', ...rw.parents] : []), rw.label] : [rw.label];
    if (mess.style === 'tabs' && rw.parents.length === 0 && !rw.label.startsWith('（')) label.push('');
    if (mess.style === 'tabs' && rw.parents.length === 0 && rw.label.startsWith('（')) label.unshift('');
    if (mess.wrapPartialLabel && rw.key === 'partial') {
      lines.push('\t（二）部分公开（区分处理的，只计这一情形，');
      emit(['不计其他情形）'], values);
    } else emit(label, values);
    if (mess.footerInSec3 && rw.key === 'denied_three_safety') lines.push('', `- ${int(r, 2, 9)} -`, '');
  });
  gold.sec3 = sec3Gold;
  lines.push('');
  lines.push(heading('四、政府信息公开行政复议、行政诉讼情况'), '');
  const sec4 = sec4Figures(r);
  gold.sec4 = sec4;
  if (mess.style !== 'vertical') {
    lines.push(row(['行政复议', '', '', '', '', '行政诉讼']));
    lines.push(row(['结果维持', '结果纠正', '其他结果', '尚未审结', '总计', '未经复议直接起诉', '', '', '', '', '复议后起诉']));
    lines.push(row(['', '', '', '', '', '结果维持', '结果纠正', '其他结果', '尚未审结', '总计', '结果维持', '结果纠正', '其他结果', '尚未审结', '总计']));
  } else lines.push('行政复议', '行政诉讼', '结果维持', '结果纠正', '其他结果', '尚未审结', '总计');
  const sec4Values = ['review', 'direct', 'after_review'].flatMap((k) => ['upheld', 'corrected', 'other', 'pending', 'total'].map((c) => String(sec4[k]![c])));
  if (mess.glueSec4) {
    lines.push(sec4Values.join(''));
    damaged.push('sec4');
  } else if (mess.style === 'vertical') lines.push(...sec4Values);
  else lines.push(row(sec4Values));
  lines.push('');
  lines.push(heading('五、存在的主要问题及改进情况'), '', '一是公开内容还不够丰富；二是队伍建设有待加强。', '');
  lines.push(heading('六、其他需要报告的事项'), '', '无。', '', agency, `${year + 1}年1月${int(r, 10, 28)}日`);

  let text = lines.join(mess.crlf ? '\r\n' : '\n');
  if (mess.fullWidth) text = FW(text);
  const bytes = mess.gb18030 ? iconv.encode(text, 'gb18030') : Buffer.from(text, 'utf8');
  return { name: `gen_${String(seed).padStart(6, '0')}.txt`, text, bytes, agency, county, town: townName, year, layout, tables: gold, features, damaged };
}
