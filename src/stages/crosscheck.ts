/**
 * Soft rule: figures quoted in the text (一、总体情况 and elsewhere: "共收到…申请N件") should agree with
 * the tables. A disagreement is a warning — prose is often approximate or counts differently.
 */
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { ExtractedTable, ProcessedDocument } from '../types.js';

const REQUESTS_QUOTED = /(?:共|累计|全年)?(?:新?收到|受理|新收)[^。；;，,\n]{0,16}?(?:政府信息公开)?申请\s*(?:共\s*)?(\d+)\s*(?:件|个|份|条)/g;

export function crossCheck(sections: ProcessedDocument['sections'], tables: ExtractedTable[]): Finding[] {
  const sec3 = tables.find((t) => t.table === 'sec3');
  if (!sec3) return [];
  const value = (row: string): number | null => sec3.cells.find((c) => c.row === row && c.col === 'total')?.value ?? null;
  const newReceived = value('new_received');
  if (newReceived === null) return [];
  const carried = value('carried_over') ?? 0;
  const out: Finding[] = [];
  for (const s of sections.filter((x) => x.key === 'overview' || x.key === 'requests')) {
    for (const m of s.text.matchAll(REQUESTS_QUOTED)) {
      const quoted = Number(m[1]);
      if (quoted === newReceived || quoted === newReceived + carried) continue;
      out.push(
        finding(
          'report/quoted-requests',
          'warning',
          `the text of ${s.key} says "${m[0]}" but the table prints ${newReceived} new requests (${newReceived + carried} with those carried over)`,
          { table: 'sec3', row: 'new_received', col: 'total', actual: String(quoted), expected: String(newReceived), ...(s.line !== null ? { prov: { line: s.line } } : {}) },
        ),
      );
    }
  }
  return out;
}
