/**
 * Extract: web archives — a page saved as one file with its pictures (.mht/.mhtml: "Web Archive, single file" of
 * IE, 360 and Edge, Chrome's "Webpage, Single File", Word's "Single File Web Page"; and the ".doc" files many
 * government sites export, which are such archives under a Word name). A MIME multipart/related message: the page
 * is one part (quoted-printable or base64, in its own charset), each picture another, named by its
 * Content-Location (or Content-ID). The page is read as a web page (html.ts); its <img> are found among the parts,
 * so tables pasted as pictures are at hand for OCR (extract/pictured-tables.ts).
 *
 * Why not an e-mail parser (mailparser)? It reads whole messages into its own model with a dozen dependencies; an
 * archive needs its parts split at the boundary and two transfer encodings undone.
 */
import { DocumentError } from '../../findings.js';
import type { LoadedFile } from '../../stages/load.js';
import type { SourceDocument } from '../../types.js';
import type { ExtractOptions } from '../index.js';
import { decodeHtmlBytes, decodedHtmlToDocument, type HtmlLimits } from './html.js';

export interface MimePart {
  /** Header names in lower case, folded lines unfolded. */
  headers: Map<string, string>;
  /** The body with its transfer encoding undone. */
  body: Buffer;
}

export async function extractWebArchive(file: LoadedFile, limits: HtmlLimits = {}, options: ExtractOptions = {}): Promise<SourceDocument> {
  const parts = readMultipart(file.bytes);
  const page = pagePart(parts);
  if (!page) throw new DocumentError('extract', `the web archive has ${parts.length} part${parts.length === 1 ? '' : 's'} but no web page (text/html) among them`);
  const base = page.headers.get('content-location') ?? null;
  const doc = await decodedHtmlToDocument(decodeHtmlBytes(page.body), limits, options, (src) => archivedPicture(parts, src, base));
  doc.meta.webArchiveParts = parts.length;
  return doc;
}

/** Splits a multipart message into its parts (the top-level header names the boundary). */
export function readMultipart(bytes: Buffer): MimePart[] {
  // Latin-1 keeps every byte as one character: the parts are cut as text and their bytes taken back unchanged.
  const text = bytes.toString('latin1');
  const top = splitHeaders(text);
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(top.headers.get('content-type') ?? '');
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) throw new DocumentError('extract', 'the web archive names no boundary between its parts (Content-Type: multipart/related; boundary=…): it is damaged');
  const parts: MimePart[] = [];
  const delimiter = `--${mark}`;
  const pieces = top.body.split(delimiter);
  // Before the first delimiter: a preamble ("This document is a Single File Web Page…"); after the closing "--": an epilogue.
  for (const piece of pieces.slice(1)) {
    if (piece.startsWith('--')) break;
    const part = splitHeaders(piece.replace(/^[ \t]*\r?\n/, ''));
    parts.push({ headers: part.headers, body: decodeTransfer(part.body.replace(/\r?\n$/, ''), part.headers.get('content-transfer-encoding')) });
  }
  return parts;
}

/** Headers (up to the first empty line, continuation lines unfolded) and the rest. */
function splitHeaders(text: string): { headers: Map<string, string>; body: string } {
  const end = /\r?\n\r?\n/.exec(text);
  const block = end ? text.slice(0, end.index) : text;
  const body = end ? text.slice(end.index + end[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeTransfer(body: string, encoding: string | undefined): Buffer {
  const e = (encoding ?? '').toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (e === 'quoted-printable') return decodeQuotedPrintable(body);
  return Buffer.from(body, 'latin1');
}

/** RFC 2045 quoted-printable: "=" at a line's end joins it to the next; "=XX" is the byte XX. */
export function decodeQuotedPrintable(body: string): Buffer {
  // Whitespace ending a line was added in transport (an encoder writes the writer's own as =20); before a soft break it is text.
  const joined = body.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '');
  const out = Buffer.alloc(joined.length);
  let n = 0;
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    if (c === 0x3d && i + 2 < joined.length && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      out[n++] = parseInt(joined.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

/** The page: the first text/html part. */
function pagePart(parts: readonly MimePart[]): MimePart | undefined {
  return parts.find((p) => /^text\/html\b/i.test(p.headers.get('content-type') ?? ''));
}

/**
 * The part an <img src> names: by Content-ID (cid:…), by its Content-Location resolved against the page's
 * (Word writes src="report.files/image001.png" for file:///C:/…/report.files/image001.png), or by the same
 * location as written.
 */
function archivedPicture(parts: readonly MimePart[], src: string, base: string | null): Buffer | null {
  if (src === '') return null;
  if (/^cid:/i.test(src)) {
    const id = src.slice(4);
    return parts.find((p) => (p.headers.get('content-id') ?? '').replace(/^<|>$/g, '') === id)?.body ?? null;
  }
  const wanted = new Set([src, resolveAgainst(src, base)].filter((x): x is string => x !== null).map(normalizeLocation));
  return parts.find((p) => wanted.has(normalizeLocation(p.headers.get('content-location') ?? '')))?.body ?? null;
}

function resolveAgainst(src: string, base: string | null): string | null {
  if (!base) return null;
  try {
    return new URL(src, base).href;
  } catch {
    return null;
  }
}

/** Locations compared without case of percent-escapes or backslashes (Word writes Windows paths both ways). */
function normalizeLocation(location: string): string {
  let out = location.trim().replace(/\\/g, '/');
  try {
    out = decodeURI(out);
  } catch {
    // An undecodable location is compared as written.
  }
  return out;
}
