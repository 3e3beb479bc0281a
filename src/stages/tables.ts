import type { Finding } from '../findings.js';
import type { ReportKind } from '../kind.js';
import type { ExtractedTable, Layout, Section, SourceDocument } from '../types.js';

export interface TablesResult {
  tables: ExtractedTable[];
  findings: Finding[];
  layout: Layout | null;
}

export function extractTables(doc: SourceDocument, sections: Section[], kind: ReportKind, year: number | null): TablesResult {
  void doc;
  void sections;
  void kind;
  void year;
  return { tables: [], findings: [], layout: null };
}
