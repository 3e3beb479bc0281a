/**
 * Findings: content problems reported on a document, never thrown. Like vfile messages, they are
 * collected as the document moves through the stages, and stored with it.
 */
import type { Provenance } from './types.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable rule id, e.g. `sec3/row-sum`. Documented in README.md. */
  rule: string;
  severity: Severity;
  /** What is wrong and where, in words an analyst understands. */
  message: string;
  table?: string;
  row?: string;
  col?: string;
  actual?: string;
  expected?: string;
  page?: number;
  line?: number;
  /** Where in the line the problem starts (a row cut out of a report saved as one long line). */
  offset?: number;
}

/** Builds a finding, copying page and line from a provenance when there is one. */
export function finding(
  rule: string,
  severity: Severity,
  message: string,
  extra: Omit<Finding, 'rule' | 'severity' | 'message' | 'page' | 'line' | 'offset'> & { prov?: Provenance } = {},
): Finding {
  const { prov, ...rest } = extra;
  const f: Finding = { rule, severity, message, ...rest };
  if (prov?.page !== undefined) f.page = prov.page;
  if (prov?.line !== undefined) f.line = prov.line;
  if (prov?.offset !== undefined) f.offset = prov.offset;
  return f;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

/** Errors of the program itself (a bug or a bad configuration), as opposed to problems of a document. */
export class OgiError extends Error {
  override name = 'OgiError';
}

/** A command-line option or flag has a wrong value. */
export class UsageError extends OgiError {
  override name = 'UsageError';
}

/** A document cannot be processed at all; `stage` says where it stopped. The batch goes on. */
export class DocumentError extends OgiError {
  override name = 'DocumentError';
  constructor(
    readonly stage: string,
    message: string,
  ) {
    super(message);
  }
}

/** The database cannot be used (newer schema, lock not obtained, …). */
export class DatabaseError extends OgiError {
  override name = 'DatabaseError';
}
