/**
 * `ogi serve`: a local web server over a store — the collection, each document beside its source, its
 * corrections, and one body's years compared — with a JSON API beside the pages.
 *
 * It serves untrusted documents, so: every report text is escaped (pages.ts); no file path ever comes from
 * a request (files are read only at the paths the store recorded for a known document id); the only
 * write is a correction, posted as JSON from the same origin, with a size-limited body.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ReportKind } from '../kind.js';
import { reviewDocument } from '../review/corrections.js';
import { sourceLines } from '../review/source-lines.js';
import { UnknownCellError } from '../store/store.js';
import type { DocumentQuery, SortKey, Store } from '../store/store.js';
import type { DocumentStatus } from '../types.js';
import { CSS, DOCUMENT_JS } from './assets.js';
import { pageImage, pageSizes } from './page-image.js';
import type { PageSize } from './page-image.js';
import { collectionPage, comparePage, documentPage, messagePage } from './pages.js';

export interface ServeOptions {
  store: Store;
  kind: ReportKind;
  /** The reviewer named in corrections when a request does not name one. */
  reviewer: string;
}

/** Largest request body accepted (a correction is a few hundred bytes). */
export const MAX_BODY_BYTES = 16 * 1024;
const PAGE_SIZE = 50;
const SORT_KEYS: readonly SortKey[] = ['agency', 'year', 'layout', 'format', 'status', 'errors', 'warnings', 'file', 'ingested'];
const STATUSES: readonly DocumentStatus[] = ['ok', 'findings', 'failed'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createReviewServer(options: ServeOptions): Server {
  return createServer((req, res) => {
    handle(req, res, options).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (res.headersSent) return res.end();
      if ((req.url ?? '').startsWith('/api/')) sendJson(res, status, { error: message });
      else send(res, status, 'text/html; charset=utf-8', messagePage(status === 404 ? '找不到 not found' : '出错了 error', message));
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, o: ServeOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const segments = path.split('/').filter(Boolean).map(decodeSegment);

  if (method === 'POST' && segments.length === 4 && segments[0] === 'api' && segments[1] === 'documents' && segments[3] === 'corrections') {
    return postCorrection(req, res, o, segments[2]!);
  }
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} is not allowed here`);

  if (path === '/assets/app.css') return send(res, 200, 'text/css; charset=utf-8', CSS, true);
  if (path === '/assets/document.js') return send(res, 200, 'text/javascript; charset=utf-8', DOCUMENT_JS, true);
  if (path === '/') {
    const query = documentQuery(url.searchParams);
    const [summary, list] = await Promise.all([o.store.summary(), o.store.listDocuments({ ...query, pageSize: PAGE_SIZE })]);
    return send(res, 200, 'text/html; charset=utf-8', collectionPage(summary, list, query, PAGE_SIZE));
  }
  if (path === '/api/documents') {
    const query = documentQuery(url.searchParams);
    const list = await o.store.listDocuments({ ...query, pageSize: PAGE_SIZE });
    return sendJson(res, 200, list);
  }
  if (segments[0] === 'api' && segments[1] === 'documents' && segments.length === 3) return sendJson(res, 200, await documentJson(o, segments[2]!));
  if (segments[0] === 'documents' && segments.length === 2) return send(res, 200, 'text/html; charset=utf-8', await documentHtml(o, segments[1]!));
  if (segments[0] === 'documents' && segments.length === 4 && segments[2] === 'pages') {
    const m = /^(\d{1,5})\.png$/.exec(segments[3]!);
    if (!m) throw new HttpError(404, 'no such page image');
    return sendPageImage(res, o, segments[1]!, Number(m[1]));
  }
  if (segments[0] === 'agencies' && segments.length === 2) {
    const years = await o.store.bodyYears(segments[1]!);
    if (years.length === 0) throw new HttpError(404, `no reports of ${segments[1]}`);
    return send(res, 200, 'text/html; charset=utf-8', comparePage(segments[1]!, years, o.kind));
  }
  throw new HttpError(404, `nothing at ${path}`);
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, 'malformed address');
  }
}

function documentQuery(p: URLSearchParams): DocumentQuery {
  const q: DocumentQuery = {};
  const status = p.get('status');
  if (status && (STATUSES as readonly string[]).includes(status)) q.status = status as DocumentStatus;
  const year = p.get('year');
  if (year && /^\d{4}$/.test(year)) q.year = Number(year);
  if (p.get('layout')) q.layout = p.get('layout')!;
  if (p.get('format')) q.format = p.get('format')!;
  if (p.get('errors') === '1') q.hasErrors = true;
  if (p.get('q')) q.q = p.get('q')!.slice(0, 200);
  const sort = p.get('sort');
  if (sort && (SORT_KEYS as readonly string[]).includes(sort)) q.sort = sort as SortKey;
  if (p.get('order') === 'desc') q.descending = true;
  const page = Number(p.get('page') ?? 1);
  q.page = Number.isInteger(page) && page >= 1 ? page : 1;
  return q;
}

async function loadDocument(o: ServeOptions, id: string) {
  const stored = await o.store.getDocument(id);
  if (!stored) throw new HttpError(404, `no document ${id}`);
  return stored;
}

async function documentJson(o: ServeOptions, id: string): Promise<unknown> {
  const stored = await loadDocument(o, id);
  const review = reviewDocument(stored, stored.corrections, o.kind);
  const inForce = new Map(stored.corrections.filter((c) => c.status === 'active').map((c) => [`${c.table}|${c.row}|${c.col}`, c]));
  return {
    document: stored.document,
    tables: stored.tables.map((t) => ({
      table: t.table,
      layout: t.layout,
      cells: t.cells.map((c) => {
        const k = inForce.get(`${c.table}|${c.row}|${c.col}`);
        return {
          row: c.row,
          col: c.col,
          value: k?.action === 'set' ? k.value : c.value,
          raw: c.raw,
          method: k?.action === 'set' ? 'corrected' : c.method,
          page: c.prov.page ?? null,
          line: c.prov.line ?? null,
          offset: c.prov.offset ?? null,
          box: c.prov.box ? [c.prov.box.x0, c.prov.box.y0, c.prov.box.x1, c.prov.box.y1] : null,
          confidence: c.prov.confidence ?? null,
          corrected: k ? { id: k.id, action: k.action, extractedValue: k.extractedValue } : null,
        };
      }),
    })),
    findings: review.findings,
    addedFindings: review.added,
    corrections: stored.corrections,
  };
}

async function documentHtml(o: ServeOptions, id: string): Promise<string> {
  const stored = await loadDocument(o, id);
  const review = reviewDocument(stored, stored.corrections, o.kind);
  const d = stored.document;
  let pages: PageSize[] | null = null;
  let lines: Map<number, string> | null = null;
  let changed = false;
  if (d.format === 'pdf') {
    pages = await firstReadable(d.paths, (p) => pageSizes(p));
  } else {
    const src = await sourceLines({ id: d.id, paths: d.paths });
    if (src) {
      lines = src.byLine;
      changed = src.changed;
    }
  }
  return documentPage({ stored, review, kind: o.kind, pages, lines, sourceChanged: changed, reviewer: o.reviewer });
}

/** The first recorded path that can be read: a document may have several, some moved or deleted since. */
async function firstReadable<T>(paths: readonly string[], read: (path: string) => Promise<T>): Promise<T | null> {
  for (const p of paths) {
    try {
      return await read(p);
    } catch {
      // Moved or unreadable: the next recorded path.
    }
  }
  return null;
}

async function sendPageImage(res: ServerResponse, o: ServeOptions, id: string, page: number): Promise<void> {
  const stored = await loadDocument(o, id);
  if (stored.document.format !== 'pdf') throw new HttpError(404, 'not a PDF');
  const png = await firstReadable(stored.document.paths, async (p) => {
    const image = await pageImage(p, stored.document.id, page);
    if (!image) throw new HttpError(404, `no page ${page}`);
    return image;
  });
  if (!png) throw new HttpError(404, `page ${page} cannot be rendered: the file is no longer at its recorded paths`);
  res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'private, max-age=3600', ...SECURITY_HEADERS });
  res.end(png);
}

async function postCorrection(req: IncomingMessage, res: ServerResponse, o: ServeOptions, id: string): Promise<void> {
  checkSameOrigin(req);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'corrections are posted as JSON (Content-Type: application/json)');
  const body = parseCorrection(await readBody(req));
  if (!(await o.store.getDocument(id))) throw new HttpError(404, `no document ${id}`);
  try {
    const stored = await o.store.addCorrection({ documentId: id, ...body, reviewer: body.reviewer ?? o.reviewer });
    sendJson(res, 201, stored);
  } catch (e) {
    if (e instanceof UnknownCellError) throw new HttpError(400, e.message);
    throw e;
  }
}

/**
 * Writes come from this server's own pages only: a browser sends Origin (and Sec-Fetch-Site) with a POST,
 * and a form on another site names that site — refused. A client that sends neither (curl, tests) is local.
 */
function checkSameOrigin(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'cross-site request refused');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) throw new HttpError(403, `cross-origin request refused (${origin})`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Answer 413 without reading the rest: drain it unread, then the connection is closed.
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface CorrectionBody {
  table: string;
  row: string;
  col: string;
  action: 'set' | 'confirm';
  value: number | null;
  reason: string;
  reviewer?: string;
}

/** A correction request checked field by field, with a message that names the field. */
export function parseCorrection(text: string): CorrectionBody {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new HttpError(400, 'the body must be a JSON object');
  const b = j as Record<string, unknown>;
  for (const f of ['table', 'row', 'col'] as const) {
    if (typeof b[f] !== 'string' || b[f] === '') throw new HttpError(400, `"${f}" must be a non-empty string`);
  }
  const action = b.action ?? 'set';
  if (action !== 'set' && action !== 'confirm') throw new HttpError(400, '"action" must be "set" or "confirm"');
  const value = b.value ?? null;
  if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) throw new HttpError(400, '"value" must be a number or null (blank)');
  if (typeof b.reason !== 'string' || b.reason.trim() === '') throw new HttpError(400, '"reason" is required: say why the figure is right or wrong');
  if (b.reviewer !== undefined && (typeof b.reviewer !== 'string' || b.reviewer.length > 200)) throw new HttpError(400, '"reviewer" must be a string');
  const reviewer = typeof b.reviewer === 'string' && b.reviewer.trim() !== '' ? b.reviewer.trim() : undefined;
  return { table: b.table as string, row: b.row as string, col: b.col as string, action, value: value as number | null, reason: (b.reason as string).slice(0, 2000), ...(reviewer ? { reviewer } : {}) };
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Scripts only from this server (no inline script runs, whatever a report contains); nothing from elsewhere.
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
};

function send(res: ServerResponse, status: number, type: string, body: string, cacheable = false): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': cacheable ? 'public, max-age=300' : 'no-store', ...SECURITY_HEADERS });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (status === 413) res.setHeader('Connection', 'close');
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
