/**
 * The statistical tables of the annual report, both layouts (国办公开办函〔2019〕60号 and 〔2021〕30号),
 * with the exact output keys of FORMAT.md.
 */
import type { ColumnDef, RowDef, TableDef } from '../../src/kind.js';

const prevItems: ColumnDef = { key: 'prev_items', labels: ['上一年项目数量'] };
const change: ColumnDef = { key: 'change', labels: ['本年增/减', '本年增减', '增/减'], signed: true };
const decisions2019: ColumnDef = { key: 'decisions', labels: ['处理决定数量'] };
const decisions2021: ColumnDef = { key: 'decisions', labels: ['本年处理决定数量', '处理决定数量'] };

const sec2: TableDef[] = [
  {
    key: 'sec2_art20_1',
    section: 'proactive',
    title: '第二十条第（一）项 规章和规范性文件',
    markers: ['第二十条第（一）项', '第二十条第(一)项'],
    shape: 'rows',
    groupLabels: ['信息内容'],
    variants: [
      {
        layout: '2019',
        columns: [
          { key: 'new_made', labels: ['本年新制作数量'] },
          { key: 'new_published', labels: ['本年新公开数量'] },
          { key: 'total_published', labels: ['对外公开总数量'] },
        ],
        rows: [
          { key: 'rules', labels: ['规章'] },
          { key: 'normative', labels: ['规范性文件', '行政规范性文件'] },
        ],
      },
      {
        layout: '2021',
        columns: [
          { key: 'issued', labels: ['本年制发件数', '本年新制发件数'] },
          { key: 'repealed', labels: ['本年废止件数'] },
          { key: 'in_force', labels: ['现行有效件数'] },
        ],
        rows: [
          { key: 'rules', labels: ['规章'] },
          { key: 'normative', labels: ['行政规范性文件', '规范性文件'] },
        ],
      },
    ],
  },
  {
    key: 'sec2_art20_5',
    section: 'proactive',
    title: '第二十条第（五）项 行政许可',
    markers: ['第二十条第（五）项', '第二十条第(五)项'],
    shape: 'rows',
    groupLabels: ['信息内容'],
    variants: [
      {
        layout: '2019',
        columns: [prevItems, change, decisions2019],
        rows: [
          { key: 'license', labels: ['行政许可'] },
          { key: 'other_services', labels: ['其他对外管理服务事项'] },
        ],
      },
      { layout: '2021', columns: [decisions2021], rows: [{ key: 'license', labels: ['行政许可'] }] },
    ],
  },
  {
    key: 'sec2_art20_6',
    section: 'proactive',
    title: '第二十条第（六）项 行政处罚和行政强制',
    markers: ['第二十条第（六）项', '第二十条第(六)项'],
    shape: 'rows',
    groupLabels: ['信息内容'],
    variants: [
      {
        layout: '2019',
        columns: [prevItems, change, decisions2019],
        rows: [
          { key: 'penalty', labels: ['行政处罚'] },
          { key: 'coercion', labels: ['行政强制'] },
        ],
      },
      {
        layout: '2021',
        columns: [decisions2021],
        rows: [
          { key: 'penalty', labels: ['行政处罚'] },
          { key: 'coercion', labels: ['行政强制'] },
        ],
      },
    ],
  },
  {
    key: 'sec2_art20_8',
    section: 'proactive',
    title: '第二十条第（八）项 行政事业性收费',
    markers: ['第二十条第（八）项', '第二十条第(八)项'],
    shape: 'rows',
    groupLabels: ['信息内容'],
    variants: [
      { layout: '2019', columns: [prevItems, change], rows: [{ key: 'fees', labels: ['行政事业性收费'] }] },
      {
        layout: '2021',
        columns: [{ key: 'amount', labels: ['本年收费金额（单位：万元）', '本年收费金额', '收费金额'], decimal: true, unit: '万元' }],
        rows: [{ key: 'fees', labels: ['行政事业性收费'] }],
      },
    ],
  },
  {
    key: 'sec2_art20_9',
    section: 'proactive',
    title: '第二十条第（九）项 政府集中采购',
    markers: ['第二十条第（九）项', '第二十条第(九)项'],
    shape: 'rows',
    groupLabels: ['信息内容'],
    variants: [
      {
        layout: '2019',
        columns: [
          { key: 'items', labels: ['采购项目数量'] },
          { key: 'amount', labels: ['采购总金额'], decimal: true },
        ],
        rows: [{ key: 'procurement', labels: ['政府集中采购'] }],
      },
    ],
  },
];

const sec3Columns: ColumnDef[] = [
  { key: 'natural', labels: ['自然人'] },
  { key: 'commercial', labels: ['商业企业'] },
  { key: 'research', labels: ['科研机构'] },
  { key: 'social', labels: ['社会公益组织', '社会组织'] },
  { key: 'legal', labels: ['法律服务机构'] },
  { key: 'other', labels: ['其他'] },
  { key: 'total', labels: ['总计'] },
];

const sec3Head: RowDef[] = [
  { key: 'new_received', labels: ['一、本年新收政府信息公开申请数量', '本年新收政府信息公开申请数量', '本年新收申请数量'] },
  { key: 'carried_over', labels: ['二、上年结转政府信息公开申请数量', '上年结转政府信息公开申请数量', '上年结转申请数量'] },
  { key: 'granted', labels: ['（一）予以公开', '予以公开'], group: '三、本年度办理结果' },
  { key: 'partial', labels: ['（二）部分公开（区分处理的，只计这一情形，不计其他情形）', '部分公开'], group: '三、本年度办理结果' },
  { key: 'denied_state_secret', labels: ['1.属于国家秘密'], group: '（三）不予公开' },
  { key: 'denied_law_forbidden', labels: ['2.其他法律行政法规禁止公开'], group: '（三）不予公开' },
  { key: 'denied_three_safety', labels: ['3.危及“三安全一稳定”', '危及三安全一稳定'], group: '（三）不予公开' },
  { key: 'denied_third_party', labels: ['4.保护第三方合法权益'], group: '（三）不予公开' },
  { key: 'denied_internal_affairs', labels: ['5.属于三类内部事务信息'], group: '（三）不予公开' },
  { key: 'denied_process_info', labels: ['6.属于四类过程性信息'], group: '（三）不予公开' },
  { key: 'denied_enforcement_file', labels: ['7.属于行政执法案卷'], group: '（三）不予公开' },
  { key: 'denied_query', labels: ['8.属于行政查询事项'], group: '（三）不予公开' },
  { key: 'unable_not_held', labels: ['1.本机关不掌握相关政府信息'], group: '（四）无法提供' },
  { key: 'unable_need_create', labels: ['2.没有现成信息需要另行制作'], group: '（四）无法提供' },
  { key: 'unable_unclear', labels: ['3.补正后申请内容仍不明确'], group: '（四）无法提供' },
  { key: 'rejected_petition', labels: ['1.信访举报投诉类申请'], group: '（五）不予处理' },
  { key: 'rejected_repeat', labels: ['2.重复申请'], group: '（五）不予处理' },
  { key: 'rejected_publication', labels: ['3.要求提供公开出版物'], group: '（五）不予处理' },
  { key: 'rejected_massive', labels: ['4.无正当理由大量反复申请'], group: '（五）不予处理' },
  { key: 'rejected_confirm', labels: ['5.要求行政机关确认或重新出具已获取信息'], group: '（五）不予处理' },
];
const sec3Tail: RowDef[] = [
  { key: 'total', labels: ['（七）总计', '总计'] },
  { key: 'carried_forward', labels: ['四、结转下年度继续办理', '结转下年度继续办理'] },
];

const sec3: TableDef = {
  key: 'sec3',
  section: 'requests',
  title: '收到和处理政府信息公开申请情况',
  markers: ['本列数据的勾稽关系', '申请人情况'],
  shape: 'rows',
  totalColumn: 'total',
  groupLabels: [
    '三、本年度办理结果',
    '（三）不予公开',
    '（四）无法提供',
    '（五）不予处理',
    '（六）其他处理',
    '申请人情况',
    '法人或其他组织',
    '本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和',
  ],
  variants: [
    {
      layout: '2019',
      columns: sec3Columns,
      rows: [...sec3Head, { key: 'other', labels: ['（六）其他处理', '其他处理'] }, ...sec3Tail],
    },
    {
      layout: '2021',
      columns: sec3Columns,
      rows: [
        ...sec3Head,
        { key: 'other_no_supplement', labels: ['1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', '申请人无正当理由逾期不补正'], group: '（六）其他处理' },
        { key: 'other_no_fee', labels: ['2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', '申请人逾期未按收费通知要求缴纳费用'], group: '（六）其他处理' },
        { key: 'other_other', labels: ['3.其他'], group: '（六）其他处理' },
        ...sec3Tail,
      ],
    },
  ],
};

const sec4Columns: ColumnDef[] = [
  { key: 'upheld', labels: ['结果维持'] },
  { key: 'corrected', labels: ['结果纠正'] },
  { key: 'other', labels: ['其他结果'] },
  { key: 'pending', labels: ['尚未审结'] },
  { key: 'total', labels: ['总计'] },
];
const sec4Rows: RowDef[] = [
  { key: 'review', labels: ['行政复议'] },
  { key: 'direct', labels: ['未经复议直接起诉'] },
  { key: 'after_review', labels: ['复议后起诉'] },
];

const sec4: TableDef = {
  key: 'sec4',
  section: 'review_litigation',
  title: '政府信息公开行政复议、行政诉讼情况',
  markers: ['行政复议', '行政诉讼'],
  shape: 'flat',
  totalColumn: 'total',
  groupLabels: ['行政诉讼'],
  variants: [
    { layout: '2019', columns: sec4Columns, rows: sec4Rows },
    { layout: '2021', columns: sec4Columns, rows: sec4Rows },
  ],
};

export const TABLES: TableDef[] = [...sec2, sec3, sec4];
