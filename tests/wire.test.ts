/**
 * The worker → main-thread form of a ProcessedDocument: packing, cloning and unpacking gives back the
 * same document (cells with every provenance field, PDF boxes included).
 */
import { describe, expect, it } from 'vitest';
import { packDocument, unpackDocument } from '../src/run/wire.js';
import { processFile } from '../src/pipeline.js';
import type { ProcessedDocument } from '../src/types.js';

describe('wire form of a document', () => {
  it('round-trips a processed sample through structuredClone', async () => {
    const doc = await processFile(new URL('../samples/000_e7764d80f1cd94c2.txt', import.meta.url).pathname);
    expect(doc.tables.length).toBeGreaterThan(0);
    const back = unpackDocument(structuredClone(packDocument(doc)));
    expect(back).toEqual(doc);
  });

  it('keeps boxes, pages, grid positions and confidences, and leaves absent fields absent', () => {
    const doc = minimalDocument();
    const back = unpackDocument(structuredClone(packDocument(doc)));
    expect(back).toEqual(doc);
    expect(Object.keys(back.tables[0]!.cells[1]!.prov)).toEqual(['line']);
  });
});

function minimalDocument(): ProcessedDocument {
  return {
    id: 'x',
    path: '/a.pdf',
    format: 'pdf',
    sizeBytes: 1,
    status: 'ok',
    error: null,
    failedStage: null,
    meta: { agency: null, year: 2023, layout: '2021', publishedDate: null, title: null },
    sections: [],
    tables: [
      {
        table: 'sec4',
        layout: '2021',
        prov: { page: 3 },
        cells: [
          { table: 'sec4', row: 'review', col: 'total', value: 12, raw: '12', unit: null, note: null, method: 'grid', prov: { page: 3, box: { x0: 1.5, y0: 2, x1: 3, y1: 4.25 }, tableIndex: 0, gridRow: 2, gridCol: 4, confidence: 91 } },
          { table: 'sec4', row: 'review', col: 'other', value: null, raw: null, unit: '元', note: '其中1件', method: 'blank', prov: { line: 7 } },
        ],
      },
    ],
    findings: [],
    timings: { load: 1 },
    extractMeta: { pdfPages: 4 },
  };
}
