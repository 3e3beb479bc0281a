/** Hand-built ProcessedDocuments for store and export tests (no pipeline involved). */
import { createHash } from 'node:crypto';
import type { Cell, ProcessedDocument } from '../../src/types.js';

export function cell(table: string, row: string, col: string, value: number | null, extra: Partial<Cell> = {}): Cell {
  return {
    table,
    row,
    col,
    value,
    raw: value === null ? null : String(value),
    unit: null,
    note: null,
    method: 'position',
    prov: { line: 60 },
    ...extra,
  };
}

export function makeDocument(seed: string, overrides: Partial<ProcessedDocument> = {}): ProcessedDocument {
  const id = createHash('sha256').update(seed).digest('hex');
  return {
    id,
    path: `/reports/${seed}.txt`,
    format: 'text',
    sizeBytes: 1234,
    status: 'findings',
    error: null,
    failedStage: null,
    meta: { agency: '某某县人民政府', year: 2021, layout: '2021', publishedDate: '2022-01-20', title: '某某县人民政府2021年政府信息公开工作年度报告' },
    sections: [
      { key: 'overview', heading: '一、总体情况', text: '本年共收到申请12件。', line: 5, page: null },
      { key: 'requests', heading: '三、收到和处理政府信息公开申请情况', text: '…', line: 40, page: null },
    ],
    tables: [
      {
        table: 'sec2_art20_8',
        layout: '2021',
        prov: { line: 30 },
        cells: [cell('sec2_art20_8', 'fees', 'amount', 168.102, { unit: '万元', raw: '168.102' })],
      },
      {
        table: 'sec3',
        layout: '2021',
        prov: { line: 41 },
        cells: [
          cell('sec3', 'new_received', 'natural', 12),
          cell('sec3', 'new_received', 'legal', null, { method: 'blank' }),
          cell('sec3', 'new_received', 'total', 12, { method: 'lone-total' }),
          cell('sec3', 'granted', 'total', 3, { method: 'identity-inferred', raw: null }),
        ],
      },
    ],
    findings: [
      {
        rule: 'sec3/row-sum',
        severity: 'error',
        message: '=SUM(A1) 自然人 + … ≠ 总计',
        table: 'sec3',
        row: 'new_received',
        col: 'total',
        actual: '12',
        expected: '13',
        line: 61,
      },
      { rule: 'meta/no-date', severity: 'warning', message: 'no publication date' },
    ],
    timings: { load: 1, extract: 2 },
    extractMeta: { encoding: 'utf-8' },
    ...overrides,
  };
}

/** Many cells, to exercise the batched inserts. */
export function manyCells(n: number): Cell[] {
  return Array.from({ length: n }, (_, i) => cell('sec3', `r${Math.floor(i / 7)}`, `c${i % 7}`, i));
}
