/**
 * Small hand-written reports for stage tests: a 2021-layout report in flattened text whose tables are
 * given row by row, so that a test changes exactly the rows it is about.
 */
import { createHash } from 'node:crypto';
import { OGI_ANNUAL_REPORT } from '../../pipelines/ogi-annual-report/index.js';
import { analyse } from '../../src/pipeline.js';
import { extractDocument } from '../../src/extract/index.js';
import { sniffFormat } from '../../src/stages/load.js';
import type { LoadedFile } from '../../src/stages/load.js';
import type { ProcessedDocument } from '../../src/types.js';

export const SEC3_LABELS_2021: [string, string][] = [
  ['new_received', '一、本年新收政府信息公开申请数量'],
  ['carried_over', '二、上年结转政府信息公开申请数量'],
  ['granted', '三、本年度办理结果\t（一）予以公开'],
  ['partial', '\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）'],
  ['denied_state_secret', '\t（三）不予公开\t1.属于国家秘密'],
  ['denied_law_forbidden', '\t\t2.其他法律行政法规禁止公开'],
  ['denied_three_safety', '\t\t3.危及“三安全一稳定”'],
  ['denied_third_party', '\t\t4.保护第三方合法权益'],
  ['denied_internal_affairs', '\t\t5.属于三类内部事务信息'],
  ['denied_process_info', '\t\t6.属于四类过程性信息'],
  ['denied_enforcement_file', '\t\t7.属于行政执法案卷'],
  ['denied_query', '\t\t8.属于行政查询事项'],
  ['unable_not_held', '\t（四）无法提供\t1.本机关不掌握相关政府信息'],
  ['unable_need_create', '\t\t2.没有现成信息需要另行制作'],
  ['unable_unclear', '\t\t3.补正后申请内容仍不明确'],
  ['rejected_petition', '\t（五）不予处理\t1.信访举报投诉类申请'],
  ['rejected_repeat', '\t\t2.重复申请'],
  ['rejected_publication', '\t\t3.要求提供公开出版物'],
  ['rejected_massive', '\t\t4.无正当理由大量反复申请'],
  ['rejected_confirm', '\t\t5.要求行政机关确认或重新出具已获取信息'],
  ['other_no_supplement', '\t（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请'],
  ['other_no_fee', '\t\t2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请'],
  ['other_other', '\t\t3.其他'],
  ['total', '\t（七）总计'],
  ['carried_forward', '四、结转下年度继续办理'],
];

/** A consistent sec3: 3 natural-person requests granted, 1 partial, all else 0. */
export function defaultSec3(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const [key] of SEC3_LABELS_2021) rows.set(key, '0\t0\t0\t0\t0\t0\t0');
  rows.set('new_received', '4\t0\t0\t0\t0\t0\t4');
  rows.set('granted', '3\t0\t0\t0\t0\t0\t3');
  rows.set('partial', '1\t0\t0\t0\t0\t0\t1');
  rows.set('total', '4\t0\t0\t0\t0\t0\t4');
  return rows;
}

export interface ReportParts {
  title?: string;
  overview?: string;
  sec2?: string;
  /** Figures of each sec3 row (text after the label and its tab), by row key. */
  sec3?: Map<string, string>;
  /** Lines to put in place of the whole sec3 table. */
  sec3Lines?: string[];
  sec4?: string;
  omit?: ('overview' | 'proactive' | 'requests' | 'review_litigation' | 'problems' | 'other')[];
}

export const DEFAULT_SEC2 = [
  '第二十条第（一）项',
  '信息内容\t本年制发件数\t本年废止件数\t现行有效件数',
  '规章\t0\t0\t0',
  '行政规范性文件\t5\t1\t20',
  '第二十条第（五）项',
  '信息内容\t本年处理决定数量',
  '行政许可\t120',
  '第二十条第（六）项',
  '信息内容\t本年处理决定数量',
  '行政处罚\t33',
  '行政强制\t2',
  '第二十条第（八）项',
  '信息内容\t本年收费金额（单位：万元）',
  '行政事业性收费\t24252.311082',
].join('\n');

export const SEC4_HEADER = [
  '行政复议\t\t\t\t\t行政诉讼',
  '结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉',
  '\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计',
].join('\n');

/** A sound report of a real county (南乐县, as sample 004), so that it links to its division without a finding. */
export function reportText(parts: ReportParts = {}): string {
  const omit = new Set(parts.omit ?? []);
  const sec3 = parts.sec3 ?? defaultSec3();
  const sec3Lines =
    parts.sec3Lines ??
    [
      '(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\t\t\t\t\t\t总计',
      '\t\t自然人\t法人或其他组织',
      '\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他',
      // A label alone on its line spans the two label columns (an empty field follows it), as in real copies.
      ...SEC3_LABELS_2021.map(([key, label]) => `${label}\t${label.includes('\t') ? '' : '\t'}${sec3.get(key) ?? ''}`),
    ];
  const out: string[] = [parts.title ?? '南乐县人民政府2021年政府信息公开工作年度报告', ''];
  if (!omit.has('overview')) out.push('一、总体情况', '', parts.overview ?? '2021年，本县认真贯彻落实《条例》。', '');
  if (!omit.has('proactive')) out.push('二、主动公开政府信息情况', '', parts.sec2 ?? DEFAULT_SEC2, '');
  if (!omit.has('requests')) out.push('三、收到和处理政府信息公开申请情况', '', ...sec3Lines, '');
  if (!omit.has('review_litigation')) out.push('四、政府信息公开行政复议、行政诉讼情况', '', SEC4_HEADER, parts.sec4 ?? '1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0', '');
  if (!omit.has('problems')) out.push('五、存在的主要问题及改进情况', '', '工作还有不足。', '');
  if (!omit.has('other')) out.push('六、其他需要报告的事项', '', '无。');
  return out.join('\n');
}

/** Runs the pipeline (extract → validate) on bytes in memory. */
export async function analyseBytes(bytes: Buffer, name = 'test.txt'): Promise<ProcessedDocument> {
  const loaded: LoadedFile = {
    path: name,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    format: sniffFormat(bytes, name),
    sizeBytes: bytes.length,
  };
  const source = await extractDocument(loaded);
  return analyse(loaded, source, OGI_ANNUAL_REPORT);
}

export function analyseText(text: string): Promise<ProcessedDocument> {
  return analyseBytes(Buffer.from(text, 'utf8'));
}

/** The value of one cell (undefined when the cell is absent). */
export function cell(doc: ProcessedDocument, table: string, row: string, col: string) {
  return doc.tables.find((t) => t.table === table)?.cells.find((c) => c.row === row && c.col === col);
}

export function rowValues(doc: ProcessedDocument, table: string, row: string): (number | null)[] {
  return (doc.tables.find((t) => t.table === table)?.cells ?? []).filter((c) => c.row === row).map((c) => c.value);
}
