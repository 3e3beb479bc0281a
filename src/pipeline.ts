/**
 * The whole pipeline for one file: load → extract → segment → tables → validate, timed per stage.
 * Never throws for a document's own problems: a document that cannot be read comes back `failed`
 * with the stage and a reason; content problems come back as findings.
 */
import { performance } from 'node:perf_hooks';
import { OGI_ANNUAL_REPORT } from '../pipelines/ogi-annual-report/index.js';
import { extractDocument } from './extract/index.js';
import { checkOcrCells } from './extract/ocr/ocr-check.js';
import { remapProvenance } from './extract/text/unwrap.js';
import type { ExtractOptions } from './extract/index.js';
import { DocumentError, countBySeverity } from './findings.js';
import type { Finding } from './findings.js';
import type { ReportKind } from './kind.js';
import { loadFile } from './stages/load.js';
import type { LoadedFile } from './stages/load.js';
import { crossCheck } from './stages/crosscheck.js';
import { checkOcrAgency, readMeta } from './stages/meta.js';
import { linkRegion } from './stages/region.js';
import { divisionIndex, divisionSource } from './region/divisions.js';
import { documentText, segment, sectionTexts } from './stages/segment.js';
import { extractTables } from './stages/tables.js';
import { validate } from './stages/validate.js';
import type { ExtractedTable, LineJoins, ProcessedDocument, Section, SourceDocument } from './types.js';

/**
 * What produced a stored document: the report kind's version and the division dataset's (a newer dataset
 * changes the regions, so `ogi ingest` redoes documents linked with an older one).
 */
export const PIPELINE_VERSION = `${OGI_ANNUAL_REPORT.name}@${OGI_ANNUAL_REPORT.version}+${divisionSource().replace(' ', '@')}`;

export interface ProcessOptions extends ExtractOptions {
  maxBytes?: number;
  kind?: ReportKind;
}

export async function processFile(path: string, options: ProcessOptions = {}): Promise<ProcessedDocument> {
  const timings: Record<string, number> = {};
  let loaded: LoadedFile;
  try {
    loaded = await timed(timings, 'load', () => loadFile(path, { ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) }));
  } catch (e) {
    return failedDocument(path, null, e, 'load', timings);
  }
  return processLoaded(loaded, options, timings);
}

export async function processLoaded(
  loaded: LoadedFile,
  options: ProcessOptions = {},
  timings: Record<string, number> = {},
): Promise<ProcessedDocument> {
  const kind = options.kind ?? OGI_ANNUAL_REPORT;
  let source: SourceDocument;
  try {
    source = await timed(timings, 'extract', () => extractDocument(loaded, options));
  } catch (e) {
    return failedDocument(loaded.path, loaded, e, 'extract', timings);
  }
  try {
    return analyse(loaded, source, kind, timings);
  } catch (e) {
    return failedDocument(loaded.path, loaded, e, 'analyse', timings);
  }
}

/** Segment, tables, validate: pure functions of the extracted document. */
export function analyse(loaded: LoadedFile, extracted: SourceDocument, kind: ReportKind, timings: Record<string, number> = {}): ProcessedDocument {
  const findings: Finding[] = [...extracted.findings];
  const seg = timedSync(timings, 'segment', () => segment(extracted, kind));
  // Segmenting may cut a one-paragraph copy into blocks at its inline headings: read that document on.
  const source = seg.doc;
  findings.push(...seg.findings);
  const meta = readMeta(source, seg.sections);
  if (source.meta.ocrUsed) {
    // A scan's title is checked against its body's readings of the name (stages/meta).
    const checked = checkOcrAgency(meta, source);
    meta.agency = checked.agency;
    findings.push(...checked.findings);
  }
  const region = timedSync(timings, 'region', () =>
    linkRegion({ agency: meta.agency, title: meta.title, publisher: meta.publisher, text: () => documentText(source) }, divisionIndex()),
  );
  meta.region = region.region;
  findings.push(...region.findings);
  const tables = timedSync(timings, 'tables', () => extractTables(source, seg.sections, kind, meta.year));
  findings.push(...tables.findings);
  const texts = sectionTexts(source, seg.sections);
  const checked = timedSync(timings, 'validate', () => [...validate(tables.tables, kind), ...crossCheck(texts, tables.tables)]);
  findings.push(...checked);
  // Figures read by OCR: low confidence, and misreads the identities can settle (proposed, never applied).
  findings.push(...checkOcrCells(tables.tables, kind));
  meta.layout = tables.layout;
  const unsupported = seg.legacy && tables.tables.length === 0;
  const notReport = !seg.legacy && seg.sections.length === 0 && tables.tables.length === 0;
  let error: string | null = null;
  if (unsupported) {
    error = 'a report in the pre-2019 format (2008 条例 outline): it has none of the 2019/2021 tables, so nothing was extracted';
  } else if (notReport) {
    error = 'no annual-report sections or tables found: this does not look like a 政府信息公开工作年度报告' + describeSource(source);
  }
  if (source.lineJoins) traceToSourceLines(tables.tables, texts, seg.sections, findings, source.lineJoins);
  const counts = countBySeverity(findings);
  return {
    id: loaded.sha256,
    path: loaded.path,
    format: loaded.format,
    sizeBytes: loaded.sizeBytes,
    status: error ? 'failed' : counts.error + counts.warning > 0 ? 'findings' : 'ok',
    error,
    failedStage: error ? 'segment' : null,
    meta,
    sections: texts,
    tables: tables.tables,
    findings,
    timings,
    extractMeta: source.meta,
  };
}

/**
 * Positions read in the joined lines of a hard-wrapped text, moved to the source lines they come from: every
 * cell's and table's provenance, every finding's line and offset, and each section's first line.
 */
function traceToSourceLines(tables: ExtractedTable[], texts: ProcessedDocument['sections'], sections: readonly Section[], findings: Finding[], joins: LineJoins): void {
  for (const t of tables) {
    t.prov = remapProvenance(t.prov, joins);
    for (const c of t.cells) c.prov = remapProvenance(c.prov, joins);
  }
  sections.forEach((s, i) => {
    const line = remapProvenance(s.prov, joins).line;
    if (texts[i] && line !== undefined) texts[i]!.line = line;
  });
  for (const f of findings) {
    if (f.line === undefined || f.offset === undefined) continue;
    const moved = remapProvenance({ line: f.line, offset: f.offset }, joins);
    f.line = moved.line!;
    f.offset = moved.offset!;
  }
}

function describeSource(source: SourceDocument): string {
  const text = source.blocks.length;
  return text === 0 ? ' (no text could be read from it)' : '';
}

export function failedDocument(
  path: string,
  loaded: LoadedFile | null,
  e: unknown,
  stage: string,
  timings: Record<string, number>,
): ProcessedDocument {
  const err = e instanceof DocumentError ? e : null;
  if (!err && !(e instanceof Error)) throw e;
  const reason = err ? err.message : `internal error: ${(e as Error).message}`;
  return {
    id: loaded?.sha256 ?? `unread:${path}`,
    path,
    format: loaded?.format ?? null,
    sizeBytes: loaded?.sizeBytes ?? 0,
    status: 'failed',
    error: reason,
    failedStage: err?.stage ?? stage,
    meta: { agency: null, year: null, layout: null, publishedDate: null, title: null, publisher: null, sourceUrl: null, region: null },
    sections: [],
    tables: [],
    findings: [],
    timings,
    extractMeta: {},
  };
}

async function timed<T>(timings: Record<string, number>, stage: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + performance.now() - t0;
  }
}

function timedSync<T>(timings: Record<string, number>, stage: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + performance.now() - t0;
  }
}
