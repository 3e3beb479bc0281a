/**
 * The store as its readers see it: the review server (and, through it, anyone who reads a collection)
 * asks for documents, their tables, findings and corrections, and records corrections — never anything
 * else. One interface, so that the SQLite file of today and a shared database tomorrow serve the same
 * pages. Asynchronous, because a networked database is.
 */
import type { Correction } from '../review/corrections.js';
import type { Finding } from '../findings.js';
import type { DocumentStatus, ExtractedTable, InputFormat, ProcessedDocument } from '../types.js';

export type SortKey = 'agency' | 'year' | 'layout' | 'format' | 'status' | 'errors' | 'warnings' | 'file' | 'ingested';

export interface DocumentQuery {
  status?: DocumentStatus;
  year?: number;
  layout?: string;
  format?: string;
  hasErrors?: boolean;
  /** Text to find in the agency, title or file name. */
  q?: string;
  sort?: SortKey;
  descending?: boolean;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface DocumentListItem {
  id: string;
  file: string;
  path: string;
  agency: string | null;
  year: number | null;
  layout: string | null;
  format: string | null;
  status: DocumentStatus;
  errors: number;
  warnings: number;
}

export interface CollectionSummary {
  documents: number;
  byStatus: { status: string; n: number }[];
  byRule: { rule: string; severity: string; n: number }[];
  byYear: { year: number | null; n: number }[];
  facets: { years: number[]; layouts: string[]; formats: string[] };
}

export interface StoredDocumentInfo {
  id: string;
  path: string;
  paths: string[];
  file: string;
  format: InputFormat | null;
  status: DocumentStatus;
  error: string | null;
  failedStage: string | null;
  agency: string | null;
  year: number | null;
  layout: string | null;
  publishedDate: string | null;
  title: string | null;
  publisher: string | null;
  sourceUrl: string | null;
  pipelineVersion: string;
  ingestedAt: string;
  extractMeta: Record<string, string | number | boolean>;
}

export interface StoredDocument {
  document: StoredDocumentInfo;
  tables: ExtractedTable[];
  findings: Finding[];
  sections: ProcessedDocument['sections'];
  corrections: Correction[];
}

/** A correction as a reviewer makes it; the store adds the rest. `value`: for `set`, the value (null: blank); ignored for `confirm`. */
export type NewCorrection = Pick<Correction, 'documentId' | 'table' | 'row' | 'col' | 'action' | 'value' | 'reason' | 'reviewer'>;

/** One body's reports, year by year (for comparing years). */
export interface BodyYear {
  document: DocumentListItem;
  tables: ExtractedTable[];
}

export interface Store {
  listDocuments(query: DocumentQuery): Promise<{ total: number; documents: DocumentListItem[] }>;
  summary(): Promise<CollectionSummary>;
  getDocument(id: string): Promise<StoredDocument | null>;
  /** Records a correction; throws UnknownCellError for a cell the document does not have. */
  addCorrection(correction: NewCorrection): Promise<Correction>;
  /** Every report of the body that published this document, by year. */
  bodyYears(agency: string): Promise<BodyYear[]>;
  close(): Promise<void>;
}

/** A correction for a document or cell the store does not have (a request's mistake, not the program's). */
export class UnknownCellError extends Error {
  override name = 'UnknownCellError';
}
