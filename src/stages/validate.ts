import type { Finding } from '../findings.js';
import type { ReportKind } from '../kind.js';
import type { ExtractedTable } from '../types.js';

export function validate(tables: ExtractedTable[], kind: ReportKind): Finding[] {
  void tables;
  void kind;
  return [];
}
