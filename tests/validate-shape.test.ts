/**
 * validate checks a table's shape by hand and asks zod only about tables that fail: the hand-written
 * check must give zod's verdict on every table, well formed or not.
 */
import { describe, expect, it } from 'vitest';
import { OGI_ANNUAL_REPORT } from '../pipelines/ogi-annual-report/index.js';
import { isWellFormedTable, tableSchema, validate } from '../src/stages/validate.js';
import type { ExtractedTable } from '../src/types.js';
import { cell } from './helpers/documents.js';

const ODD_VALUES: unknown[] = [undefined, null, '', 'x', 'grid', 'blank', '2019', '2021', 0, -0, 1.5, -3, NaN, Infinity, -Infinity, true, {}, [], ['grid']];

function wellFormed(): Record<string, unknown> {
  return { table: 'sec4', layout: '2021', cells: [cell('sec4', 'review', 'total', 3), cell('sec4', 'review', 'upheld', null, { raw: '/', method: 'blank' })], prov: {} };
}

function agrees(table: unknown): void {
  expect(isWellFormedTable(table), JSON.stringify(table)).toBe(tableSchema().safeParse(table).success);
}

describe('validate: the hand-written shape check gives zod’s verdict', () => {
  it('on a well-formed table', () => {
    expect(isWellFormedTable(wellFormed())).toBe(true);
    agrees(wellFormed());
  });

  it('on every field of a cell set to an odd value', () => {
    for (const field of ['table', 'row', 'col', 'value', 'raw', 'unit', 'note', 'method', 'prov']) {
      for (const value of ODD_VALUES) {
        const t = wellFormed();
        (t.cells as Record<string, unknown>[])[1]![field] = value;
        agrees(t);
      }
    }
  });

  it('on odd tables: fields, cell lists and cells that are not objects', () => {
    for (const field of ['table', 'layout', 'cells']) {
      for (const value of ODD_VALUES) agrees({ ...wellFormed(), [field]: value });
    }
    for (const odd of [null, 'cell', 3, [], undefined]) agrees({ ...wellFormed(), cells: [cell('sec4', 'review', 'total', 3), odd] });
    agrees(null);
    agrees([]);
    agrees('table');
  });

  it('reports a malformed table as a record/shape error in zod\'s words, and checks the well-formed one beside it', () => {
    const bad = { ...wellFormed(), cells: [cell('sec4', 'review', 'total', Infinity)] } as unknown as ExtractedTable;
    const good = { ...wellFormed(), table: 'sec4' } as unknown as ExtractedTable;
    const findings = validate([bad, good], OGI_ANNUAL_REPORT);
    const shape = findings.filter((f) => f.rule === 'record/shape');
    expect(shape).toHaveLength(1);
    expect(shape[0]).toMatchObject({ severity: 'error', table: 'sec4' });
    expect(shape[0]!.message).toMatch(/^table sec4 has an invalid shape: \S/);
  });
});
