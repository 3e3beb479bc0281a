/**
 * Turning what a user types (a document id, a unique id prefix, or a path) into stored documents.
 */
import { resolve } from 'node:path';
import type { SqlClient } from '../store/sql.js';

export interface StoredDocumentRef {
  id: string;
  path: string;
  /** Every path the document was found at, its main path first. */
  paths: string[];
  status: string;
}

export type Resolution = { ok: true; doc: StoredDocumentRef } | { ok: false; reason: string };

export async function resolveDocument(sql: SqlClient, target: string): Promise<Resolution> {
  const byId = await sql.get<{ id: string }>('SELECT id FROM documents WHERE id = ?', [target]);
  if (byId) return { ok: true, doc: await loadRef(sql, byId.id) };
  if (/^[0-9a-f]{6,63}$/i.test(target)) {
    const matches = await sql.all<{ id: string }>(`SELECT id FROM documents WHERE id LIKE ? || '%' LIMIT 2`, [target.toLowerCase()]);
    if (matches.length === 1) return { ok: true, doc: await loadRef(sql, matches[0]!.id) };
    if (matches.length > 1) return { ok: false, reason: `the id prefix ${target} matches several documents; give more characters` };
  }
  const path = resolve(target);
  const byPath = await sql.get<{ document_id: string }>('SELECT document_id FROM document_paths WHERE path = ?', [path]);
  if (byPath) return { ok: true, doc: await loadRef(sql, byPath.document_id) };
  return { ok: false, reason: `no document with id or path '${target}' in the database (ingest it first with \`ogi ingest\`)` };
}

export async function loadRef(sql: SqlClient, id: string): Promise<StoredDocumentRef> {
  const doc = (await sql.get<{ id: string; path: string; status: string }>('SELECT id, path, status FROM documents WHERE id = ?', [id]))!;
  const others = (await sql.all<{ path: string }>('SELECT path FROM document_paths WHERE document_id = ? AND path <> ? ORDER BY path', [id, doc.path])).map((r) => r.path);
  return { id: doc.id, path: doc.path, paths: [doc.path, ...others], status: doc.status };
}
