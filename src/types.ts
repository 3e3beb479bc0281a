/**
 * Shared types of the pipeline: what each stage takes and gives.
 *
 *   file ─load─▶ Loaded ─extract─▶ SourceDocument ─segment─▶ Section[] ─tables─▶ ExtractedTable[] ─validate─▶ Finding[]
 *
 * Everything up to validate is pure data; only store and export touch the outside world.
 */
import type { Finding } from './findings.js';

/** The real type of an input, sniffed from its bytes (not its extension). */
export type InputFormat = 'text' | 'html' | 'mhtml' | 'docx' | 'pdf' | 'doc' | 'wps';

/** A rectangle on a page, in PDF user-space points with the origin at the page's top-left corner. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Where a piece of text came from. Every field is optional because formats know different things:
 * text knows lines; HTML/DOCX know the table and the cell in its grid; PDF knows page and box; OCR adds confidence.
 * A new field must also be checked in withOffset (stages/rows.ts), which copies line and offset alone when no
 * other field is set.
 */
export interface Provenance {
  /** 1-based line of the decoded/extracted text (text inputs; for other formats the line in the document's text rendering). */
  line?: number;
  /**
   * 0-based character offset in the line where the text starts, when it does not start the line: a
   * paragraph cut out of a line (a report saved as one paragraph), and each figure of it — a figure cut
   * out of glued digits points at its own first digit.
   */
  offset?: number;
  /** 1-based page (PDF). */
  page?: number;
  /** Box on the page (PDF, OCR). */
  box?: Box;
  /** 0-based index of the source table in the document (HTML, DOCX, PDF). */
  tableIndex?: number;
  /** 0-based row and column of the cell in the source table's expanded grid. */
  gridRow?: number;
  gridCol?: number;
  /** OCR confidence, 0–100. */
  confidence?: number;
}

/** One field of a source row: a tab-separated field of a text line, or a cell of a real grid. */
export interface SourceField {
  text: string;
  prov: Provenance;
  /**
   * Column position of the field. For `grid` rows this is the column in a true grid (trusted);
   * for `tab` rows it is the index among the tab-separated fields (a weak hint).
   */
  col?: number;
}

/**
 * How trustworthy the positions of a row's fields are:
 * - `grid`: a real table grid (HTML/DOCX table, PDF ruling lines/x-alignment): a field's column is its column.
 * - `tab`: a flattened line split on tabs (or markdown pipes): positions are a hint, often shifted.
 * - `none`: a line split on spaces: only the order of numbers is known.
 */
export type PositionKind = 'grid' | 'tab' | 'none';

/** A block of the document: a paragraph of text, or one row of a table candidate. */
export type Block = ParagraphBlock | RowBlock;

export interface ParagraphBlock {
  kind: 'paragraph';
  text: string;
  prov: Provenance;
  /**
   * Where `text` starts in its source line, when not at 0 (a trimmed indent): what a paragraph cut into
   * pieces adds to each piece's offset.
   */
  textOffset?: number;
}

export interface RowBlock {
  kind: 'row';
  fields: SourceField[];
  positions: PositionKind;
  /** For grid rows: the width of the source grid (number of columns after expanding spans). */
  gridWidth?: number;
  prov: Provenance;
}

/** Any input, once extracted: an ordered list of blocks with provenance. */
export interface SourceDocument {
  format: InputFormat;
  blocks: Block[];
  /** Findings raised while extracting (e.g. low OCR confidence, a page without text layer). */
  findings: Finding[];
  /** Number of pages, for paged formats. */
  pages?: number;
  /** Free-form facts about the extraction (OCR used, encoding detected, …) kept for the record. */
  meta: Record<string, string | number | boolean>;
  /**
   * Lines of a hard-wrapped text joined back into one (extract/text/unwrap): positions read in a joined line are
   * traced back to their source lines through it before the document is returned.
   */
  lineJoins?: LineJoins;
}

/**
 * Where the source lines of each joined line start in it: for the joined line at source line L (1-based),
 * starts[k] is the offset in the joined text where source line L + k begins (starts[0] = 0).
 */
export type LineJoins = ReadonlyMap<number, readonly number[]>;

/** The six sections of a report (FORMAT.md). */
export type SectionKey = 'overview' | 'proactive' | 'requests' | 'review_litigation' | 'problems' | 'other';

export interface Section {
  key: SectionKey;
  heading: string;
  /** Index range [start, end) into the document's blocks, heading block excluded. */
  start: number;
  end: number;
  prov: Provenance;
}

export type Layout = '2019' | '2021';

/**
 * How a cell's value was placed — recorded so a reader can tell what was read from what was inferred.
 * - `grid`: read from a true grid cell.
 * - `position`: read from a flattened row whose field positions matched the columns exactly (blanks included).
 * - `sequence`: read from a row with exactly as many numbers as columns, in order.
 * - `lone-total`: the only number of the row, placed in 总计.
 * - `identity-placed`: a number read from a short or over-full row, whose column was chosen by the identities.
 * - `glued-split`: a number cut out of glued digits, the cut chosen by the identities.
 * - `joined`: a number whose digits were split over two fields, joined back by the identities.
 * - `identity-inferred`: not read at all: computed from the identities because the source lost it.
 * - `blank`: the source cell is empty (value NULL).
 * - `unresolved`: the source lost the cell (or its row) and nothing could recover it (value NULL, with an error finding).
 * - `corrected`: a reviewer set the value (a correction; the extracted cell is kept as read).
 */
export const PLACEMENT_METHODS = [
  'grid',
  'position',
  'sequence',
  'lone-total',
  'identity-placed',
  'glued-split',
  'joined',
  'identity-inferred',
  'blank',
  'unresolved',
  // Set by a reviewer (`ogi serve`): never stored in cells, only in the corrected figures (views, exports).
  'corrected',
] as const;

export type PlacementMethod = (typeof PLACEMENT_METHODS)[number];

export interface Cell {
  table: string;
  row: string;
  col: string;
  /** The number, or null for a blank or non-numeric cell ("/", "—", "无"). */
  value: number | null;
  /** The source text of the cell as printed (after normalisation); null when the cell was inferred. */
  raw: string | null;
  /** Unit printed inline (元) or fixed by the template (万元). */
  unit: string | null;
  /** An annotation printed with the figure, e.g. "其中修订16件". */
  note: string | null;
  method: PlacementMethod;
  prov: Provenance;
}

export interface ExtractedTable {
  table: string;
  layout: Layout;
  cells: Cell[];
  prov: Provenance;
}

export interface ReportMeta {
  agency: string | null;
  year: number | null;
  /** The report's layout: the layout of its sec3 table if found, else the majority of its tables. */
  layout: Layout | null;
  publishedDate: string | null;
  title: string | null;
  /** Who published the page, as a crawler's header says (`发布机构:`), when the copy has one. */
  publisher: string | null;
  /** Where the copy was taken from, as a crawler's header says (`原文链接:`). */
  sourceUrl: string | null;
  /** The reporting body and its administrative division (stages/region.ts); null when no agency was found. */
  region: RegionLink | null;
}

/** A report's body and the division it belongs to. Names and code are null when the evidence could not decide. */
export interface RegionLink {
  /** GB/T 2260: 6 digits down to a county (`640521`; `640000` a province, `640500` a city), 9 for a township (`640521205`). */
  code: string | null;
  level: 'province' | 'city' | 'county' | 'township' | null;
  province: string | null;
  city: string | null;
  county: string | null;
  township: string | null;
  /**
   * The body's stable key: the division's code for its government (`320813` for both `淮安市洪泽区人民政府` and
   * `洪泽区人民政府`), the code and the department for a department (`320813:教育局`), or `name:` and the
   * printed name (spaces removed) when no division was found.
   */
  bodyId: string;
  /** The body's name in full (`江苏省淮安市洪泽区人民政府`), or as printed when no division was found. */
  bodyName: string;
}

export type DocumentStatus = 'ok' | 'findings' | 'failed';

/** Everything the pipeline learned about one input file: what store writes in one transaction. */
export interface ProcessedDocument {
  id: string;
  path: string;
  format: InputFormat | null;
  sizeBytes: number;
  status: DocumentStatus;
  /** Why the document failed, in words a user understands (file, stage, what, what to do). */
  error: string | null;
  /** The stage in which it failed. */
  failedStage: string | null;
  meta: ReportMeta;
  sections: { key: SectionKey; heading: string; text: string; line: number | null; page: number | null }[];
  tables: ExtractedTable[];
  findings: Finding[];
  /** Milliseconds spent per stage, for --timings and the benchmark. */
  timings: Record<string, number>;
  extractMeta: Record<string, string | number | boolean>;
}
