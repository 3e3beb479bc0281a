/**
 * The OGI annual report (政府信息公开工作年度报告) as data: section headings, table templates of the
 * 2019 and 2021 layouts, and the identities their figures obey (FORMAT.md).
 */
import type { HeadingDef, IdentityDef, QuoteDef, ReportKind } from '../../src/kind.js';
import { TABLES } from './tables.js';

const HEADINGS: HeadingDef[] = [
  { key: 'overview', title: '总体情况', aliases: ['概述', '基本情况', '总体概况'] },
  { key: 'proactive', title: '主动公开政府信息情况', aliases: ['主动公开政府信息的情况', '政府信息主动公开情况'] },
  {
    key: 'requests',
    title: '收到和处理政府信息公开申请情况',
    aliases: ['收到和处理政府信息公开申请的情况'],
  },
  {
    key: 'review_litigation',
    title: '政府信息公开行政复议、行政诉讼情况',
    aliases: ['因政府信息公开工作被申请行政复议、提起行政诉讼情况', '政府信息公开行政复议行政诉讼情况', '行政复议、行政诉讼情况'],
  },
  {
    key: 'problems',
    title: '存在的主要问题及改进情况',
    aliases: ['政府信息公开工作存在的主要问题及改进情况', '存在的主要问题和改进情况', '存在的问题及改进情况'],
  },
  { key: 'other', title: '其他需要报告的事项', aliases: ['其他需要报告事项'] },
];

const OUTCOME_ROWS = [
  'granted',
  'partial',
  'denied_state_secret',
  'denied_law_forbidden',
  'denied_three_safety',
  'denied_third_party',
  'denied_internal_affairs',
  'denied_process_info',
  'denied_enforcement_file',
  'denied_query',
  'unable_not_held',
  'unable_need_create',
  'unable_unclear',
  'rejected_petition',
  'rejected_repeat',
  'rejected_publication',
  'rejected_massive',
  'rejected_confirm',
  'other',
  'other_no_supplement',
  'other_no_fee',
  'other_other',
];

const IDENTITIES: IdentityDef[] = [
  {
    id: 'sec3/balance',
    table: 'sec3',
    kind: 'per-col',
    lhs: ['new_received', 'carried_over'],
    rhs: ['total', 'carried_forward'],
    description: '本年新收 + 上年结转 = 办理结果总计 + 结转下年度',
  },
  {
    id: 'sec3/outcome-sum',
    table: 'sec3',
    kind: 'per-col',
    lhs: OUTCOME_ROWS,
    rhs: ['total'],
    description: '办理结果各项之和 = （七）总计',
  },
  {
    id: 'sec3/row-sum',
    table: 'sec3',
    kind: 'per-row',
    lhs: ['natural', 'commercial', 'research', 'social', 'legal', 'other'],
    rhs: ['total'],
    description: '自然人 + 法人或其他组织各列 = 总计',
  },
  {
    id: 'sec4/row-sum',
    table: 'sec4',
    kind: 'per-row',
    lhs: ['upheld', 'corrected', 'other', 'pending'],
    rhs: ['total'],
    description: '结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计',
  },
];

/** "（行政）规范性文件" or "规章", as prose names them. */
const NORMATIVE = '(?:行政)?规范性文件';
const QUOTED_COUNT = '(?:共|计|数量为|为|合计)?\\s*(\\d+)\\s*件';

/**
 * The counts of section 二's first table as the overview quotes them: "集中公开现行有效行政规范性文件698件，
 * 动态更新本年度制发的规范性文件88件". Section 二's rows have no identity, so when their figures are glued
 * ("8855698"), these are the only evidence a reader has for the cut.
 */
const QUOTES: QuoteDef[] = [
  { table: 'sec2_art20_1', row: 'normative', col: 'in_force', patterns: [`现行有效(?:的)?${NORMATIVE}${QUOTED_COUNT}`] },
  { table: 'sec2_art20_1', row: 'normative', col: 'issued', patterns: [`(?:新|本年度?|全年|年内)?制发(?:了|的)?${NORMATIVE}${QUOTED_COUNT}`] },
  { table: 'sec2_art20_1', row: 'normative', col: 'repealed', patterns: [`废止(?:了|的)?${NORMATIVE}${QUOTED_COUNT}`] },
  { table: 'sec2_art20_1', row: 'rules', col: 'in_force', patterns: [`现行有效(?:的)?(?:政府)?规章${QUOTED_COUNT}`] },
  { table: 'sec2_art20_1', row: 'rules', col: 'issued', patterns: [`(?:新|本年度?|全年|年内)?(?:制发|制定)(?:了|的)?(?:政府)?规章${QUOTED_COUNT}`] },
  { table: 'sec2_art20_1', row: 'rules', col: 'repealed', patterns: [`废止(?:了|的)?(?:政府)?规章${QUOTED_COUNT}`] },
];

export const OGI_ANNUAL_REPORT: ReportKind = {
  name: 'ogi-annual-report',
  version: '1',
  headings: HEADINGS,
  tables: TABLES,
  identities: IDENTITIES,
  legacyMarkers: ['依申请公开政府信息情况', '政府信息公开的收费及减免情况', '收费及减免情况', '因政府信息公开申请行政复议、提起行政诉讼的情况', '概述'],
  kindMarkers: ['政府信息公开', '政务公开'],
  quotes: QUOTES,
};
