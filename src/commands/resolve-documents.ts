/**
 * Turning what a user types (a document id, a unique id prefix, or a path) into stored documents.
 */
import { resolve } from 'node:path';
import type { Db } from '../store/sqlite/db.js';

export interface StoredDocumentRef {
  id: string;
  path: string;
  /** Every path the document was found at, its main path first. */
  paths: string[];
  status: string;
}

export type Resolution = { ok: true; doc: StoredDocumentRef } | { ok: false; reason: string };

export function resolveDocument(db: Db, target: string): Resolution {
  const byId = db.prepare<[string], { id: string }>('SELECT id FROM documents WHERE id = ?').get(target);
  if (byId) return { ok: true, doc: loadRef(db, byId.id) };
  if (/^[0-9a-f]{6,63}$/i.test(target)) {
    const matches = db.prepare<[string], { id: string }>(`SELECT id FROM documents WHERE id LIKE ? || '%' LIMIT 2`).all(target.toLowerCase());
    if (matches.length === 1) return { ok: true, doc: loadRef(db, matches[0]!.id) };
    if (matches.length > 1) return { ok: false, reason: `the id prefix ${target} matches several documents; give more characters` };
  }
  const path = resolve(target);
  const byPath = db.prepare<[string], { document_id: string }>('SELECT document_id FROM document_paths WHERE path = ?').get(path);
  if (byPath) return { ok: true, doc: loadRef(db, byPath.document_id) };
  return { ok: false, reason: `no document with id or path '${target}' in the database (ingest it first with \`ogi ingest\`)` };
}

export function loadRef(db: Db, id: string): StoredDocumentRef {
  const doc = db.prepare<[string], { id: string; path: string; status: string }>('SELECT id, path, status FROM documents WHERE id = ?').get(id)!;
  const others = db
    .prepare<[string, string], { path: string }>('SELECT path FROM document_paths WHERE document_id = ? AND path <> ? ORDER BY path')
    .all(id, doc.path)
    .map((r) => r.path);
  return { id: doc.id, path: doc.path, paths: [doc.path, ...others], status: doc.status };
}
