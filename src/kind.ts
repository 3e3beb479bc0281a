/**
 * The shape of a "report kind": everything the engine needs to know about one family of reports,
 * given as data (headings, table templates, label aliases, identities). The engine in src/ knows
 * nothing of any particular kind; `pipelines/<kind>/` provides one.
 */
import type { Layout, SectionKey } from './types.js';

export interface HeadingDef {
  key: SectionKey;
  /** The heading as the format writes it, without its numeral. */
  title: string;
  /** Other wordings seen in real reports. */
  aliases: string[];
}

export interface ColumnDef {
  key: string;
  /** Header labels of this column (for matching headers and for grids). */
  labels: string[];
  /** The column may hold decimals (fee and procurement amounts). */
  decimal?: boolean;
  /** The column may hold negative numbers (本年增/减). */
  signed?: boolean;
  /** A unit fixed by the template (e.g. 万元), stored with every figure of the column. */
  unit?: string;
}

export interface RowDef {
  key: string;
  /** Labels of this row: the format's wording first, then variants. */
  labels: string[];
  /** The group label the format prints before it ("（三）不予公开" before "1.属于国家秘密"), for display. */
  group?: string;
}

export interface TableVariant {
  layout: Layout;
  columns: ColumnDef[];
  rows: RowDef[];
}

export interface TableDef {
  key: string;
  section: SectionKey;
  /** Human title, for `ogi show`. */
  title: string;
  /** Text that introduces the table in the source (e.g. 第二十条第（一）项). */
  markers: string[];
  /**
   * `rows`: one source row per template row, its label first.
   * `flat`: all figures printed as one sequence (row after row) under the header lines — sec4.
   */
  shape: 'rows' | 'flat';
  variants: TableVariant[];
  /** Labels of parent rows that carry no figures (三、本年度办理结果, （三）不予公开 …). */
  groupLabels: string[];
  /** The column a lone figure in a row belongs to (总计), if the table has one. */
  totalColumn?: string;
}

/**
 * A linear identity between cells of one table.
 * `per-col`: for every column, Σ lhs rows = Σ rhs rows. `per-row`: for every row, Σ lhs columns = Σ rhs columns.
 * Rows or columns absent from a table's layout are ignored.
 */
export interface IdentityDef {
  id: string;
  table: string;
  kind: 'per-col' | 'per-row';
  lhs: string[];
  rhs: string[];
  /** What the identity says, in words, for messages. */
  description: string;
}

/**
 * A figure of a table that a report's own prose often quotes ("现行有效行政规范性文件698件"): evidence
 * for choosing among the cuts of glued digits that no identity settles. Never used to change a figure
 * that was read, only to choose among readings of the same printed digits.
 */
export interface QuoteDef {
  table: string;
  row: string;
  col: string;
  /** Regular expressions (sources) over one paragraph of prose; the first group is the quoted figure. */
  patterns: string[];
}

export interface ReportKind {
  name: string;
  /** Bumped whenever extraction results may change: a document ingested by an older version is re-extracted. */
  version: string;
  headings: HeadingDef[];
  tables: TableDef[];
  identities: IdentityDef[];
  /** Words that mark a report of the pre-2019 outline (2008 条例), which has none of these tables. */
  legacyMarkers: string[];
  /** Words that identify a report of this kind at all (title or body). */
  kindMarkers: string[];
  /** Figures the prose may quote, as evidence for glued digits (optional). */
  quotes?: QuoteDef[];
}
