/**
 * Extract: legacy Word 97–2003 .doc and Kingsoft WPS .wps (both OLE compound files with a Word
 * "WordDocument" stream). The text is read by `word-extractor` (npm, MIT); its tables are rebuilt
 * here as true grids, so a .doc gives the same blocks as the .docx it was saved from.
 *
 * What word-extractor gives and what this module adds:
 * - cells end with \x07, which it turns into \t; the end of a row is a paragraph marked "table
 *   terminating" (sprmPFTtp) that it turns into a line break — but it only looks for that mark in the
 *   paragraph's own properties, and Word/LibreOffice move the properties of a row with many cells
 *   into the Data stream (sprmPHugePapx): such rows ran together on one line (276 fields for the
 *   sec3 table of a sample). Its paragraph pass is replaced here (`TableMarkingExtractor`): it reads
 *   huge properties too, marks row ends, marks paragraph and line breaks inside a cell (a two-line
 *   header cell stays one field), and keeps each row's layout: cell edges and merge flags
 *   (sprmTDefTable, sprmTVertMerge), from which the grid is built with colspan/rowspan as for DOCX;
 * - it follows the container's sector chains without checking them, so the container is checked
 *   first (./ole.ts), and the Word header (FIB) is checked for encryption and the Word 97 layout.
 */
import { createRequire } from 'node:module';
import { DocumentError, finding } from '../../findings.js';
import type { Finding } from '../../findings.js';
import type { LoadedFile } from '../../stages/load.js';
import type { SourceDocument } from '../../types.js';
import type { SourceCell } from '../html/html-grid.js';
import { cleanInline, itemsText, itemsToBlocks, joinPieces, lineItem } from '../html/html.js';
import { noTableWords, tablesNotPrinted } from '../pictured-tables.js';
import type { Item } from '../html/html.js';
import { OleError, isCompoundFile, readCompoundFile } from './ole.js';
import type { CompoundFile } from './ole.js';

const require = createRequire(import.meta.url);

const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');
const CONVERT =
  'open it in Word, WPS Office or LibreOffice and save it as .docx (or run `soffice --headless --convert-to docx FILE`), then ingest the .docx';

/** Marks written into the text by the paragraph pass (noncharacters: they never occur in a document). */
const ROW_END = '\uFDD1';
const CELL_END = '\uFDD2';
const CELL_BREAK = '\uFDD0';

export function extractLegacyWord(file: LoadedFile): Promise<SourceDocument> | SourceDocument {
  const what = describeFormat(file);
  const container = openContainer(file, what);
  if (container.root.has('EncryptedPackage')) throw encryptedPackage();
  const word = container.readStream('WordDocument');
  if (!word) throw new DocumentError('extract', `${what} has no WordDocument stream, ${otherKind(container, file)}; ${CONVERT}`);
  const fib = checkFib(word, container, what);
  return readWithWordExtractor(file, container, fib, what);
}

function describeFormat(file: LoadedFile): string {
  return file.format === 'wps' ? 'the WPS Office .wps file' : 'the legacy Word 97–2003 .doc file';
}

function openContainer(file: LoadedFile, what: string): CompoundFile {
  if (file.bytes.subarray(0, 5).toString('latin1') === '{\\rtf') {
    throw new DocumentError('extract', `${what} is really an RTF document saved under a Word name, which ogi cannot read; ${CONVERT}`);
  }
  if (!isCompoundFile(file.bytes)) {
    throw new DocumentError('extract', `${what} is not a Word file: it lacks the OLE signature (D0 CF 11 E0) that every .doc/.wps starts with, so it is damaged or not a document; ${CONVERT}`);
  }
  try {
    return readCompoundFile(file.bytes);
  } catch (e) {
    if (!(e instanceof OleError)) throw e;
    // A damaged directory can still show the stream name of an encrypted .docx/.xlsx.
    if (file.bytes.includes(ENCRYPTED_PACKAGE)) throw encryptedPackage();
    const state = e.truncated ? 'is truncated (an incomplete download?)' : 'is damaged';
    throw new DocumentError('extract', `${what} ${state}: ${e.message}; get a complete copy, or ${CONVERT}`);
  }
}

/** A password-protected .docx/.xlsx is an OLE file whose real content is an EncryptedPackage stream. */
function encryptedPackage(): DocumentError {
  return new DocumentError('extract', 'the file is a password-protected Office document (encrypted package); remove the password in Word and save it as .docx, then ingest it');
}

/** What an OLE file without a Word stream is, so the message can say it. */
function otherKind(container: CompoundFile, file: LoadedFile): string {
  const names = [...container.root.keys()];
  if (names.includes('Workbook') || names.includes('Book')) return 'it is an Excel workbook, not a Word document';
  if (names.includes('PowerPoint Document')) return 'it is a PowerPoint file, not a Word document';
  if (names.includes('CONTENTS') || names.includes('MatOST')) return 'it looks like a Microsoft Works document, which ogi cannot read';
  const kind = file.format === 'wps' ? 'so it is not a Word-compatible .wps (an older WPS format?), which ogi cannot read' : 'so it is not a Word document';
  return `${kind} (streams: ${names.slice(0, 6).join(', ') || 'none'})`;
}

interface Fib {
  nFib: number;
  tableStream: string;
  /** Characters of the main text (the body comes first; headers, notes and text boxes follow it). */
  ccpText: number;
}

/** The Word file header: Word 97+ layout, not encrypted, its table stream present. */
function checkFib(word: Buffer, container: CompoundFile, what: string): Fib {
  if (word.length < 0x01aa) throw new DocumentError('extract', `${what} is damaged: its WordDocument stream is only ${word.length} B; ${CONVERT}`);
  const ident = word.readUInt16LE(0);
  const nFib = word.readUInt16LE(2);
  const flags = word.readUInt16LE(0x0a);
  if (ident !== 0xa5ec && ident !== 0xa5dc) {
    throw new DocumentError('extract', `${what} is damaged or not a Word document (header id 0x${ident.toString(16)}); ${CONVERT}`);
  }
  if (flags & 0x0100) {
    throw new DocumentError('extract', `${what} is password-protected (encrypted); open it with its password, remove the password and save it as .docx, then ingest the .docx`);
  }
  // Word 6/95 (nFib < 0x65..0x68) keep their text in another layout, which word-extractor misreads.
  if (ident !== 0xa5ec || nFib < 0xc1) {
    throw new DocumentError('extract', `${what} is in the Word 6/95 format (version ${nFib}), older than Word 97, which ogi cannot read; ${CONVERT}`);
  }
  const tableStream = flags & 0x0200 ? '1Table' : '0Table';
  const table = container.readStream(tableStream);
  if (!table) throw new DocumentError('extract', `${what} is damaged: its ${tableStream} stream is missing; ${CONVERT}`);
  checkPieceTable(word, table, what);
  return { nFib, tableStream, ccpText: word.readUInt32LE(0x004c) };
}

/**
 * The piece table says where each run of text lies in the WordDocument stream. word-extractor builds
 * one string per piece: pieces must lie inside the stream and, together, hold no more characters
 * than the stream has bytes (else a small file could make it build gigabytes of strings).
 */
function checkPieceTable(word: Buffer, table: Buffer, what: string): void {
  const damaged = (why: string): DocumentError => new DocumentError('extract', `${what} is damaged: ${why}; ${CONVERT}`);
  let pos = word.readUInt32LE(0x01a2);
  const lcbClx = word.readUInt32LE(0x01a6);
  if (pos + lcbClx > table.length) throw damaged(`its piece table lies past the end of the ${table.length}-byte table stream`);
  while (pos < table.length && table[pos] === 1) {
    if (pos + 3 > table.length) throw damaged('its piece table is cut short');
    pos += 3 + table.readUInt16LE(pos + 1);
  }
  if (pos + 5 > table.length || table[pos] !== 2) throw damaged('its piece table is missing');
  const size = table.readUInt32LE(pos + 1);
  const start = pos + 5;
  if ((size - 4) % 12 !== 0 || size < 16 || start + size > table.length) throw damaged(`its piece table has an impossible size (${size} B)`);
  const count = (size - 4) / 12;
  let chars = 0;
  for (let i = 0; i < count; i++) {
    const cpStart = table.readUInt32LE(start + i * 4);
    const cpEnd = table.readUInt32LE(start + (i + 1) * 4);
    if (cpEnd < cpStart) throw damaged('its piece table runs backwards');
    const raw = table.readUInt32LE(start + (count + 1) * 4 + i * 8 + 2);
    if (raw > 0x7fffffff) throw damaged('its piece table has an invalid text position'); // bit 31 is reserved
    const compressed = (raw & 0x40000000) !== 0;
    const fc = compressed ? (raw & 0x3fffffff) / 2 : raw;
    const bytes = (cpEnd - cpStart) * (compressed ? 1 : 2);
    if (fc + bytes > word.length) throw damaged(`a run of its text lies past the end of the ${word.length}-byte WordDocument stream`);
    chars += cpEnd - cpStart;
  }
  if (chars > word.length) throw damaged(`its piece table claims ${chars} characters in a ${word.length}-byte stream`);
  const ccpText = word.readUInt32LE(0x004c);
  if (ccpText > chars) throw damaged(`it claims ${ccpText} characters of body text but holds ${chars}`);
}

// ───────────────────────────── word-extractor ─────────────────────────────

/** The parts of word-extractor's internal OLE extractor that are used (it ships no types). */
interface Piece {
  text: string;
  startCp: number;
  startFilePos: number;
  endFilePos: number;
  bpc: number;
}
interface WordOleExtractorLike {
  _pieces: Piece[];
  extract(reader: unknown): Promise<{ getBody(options?: { filterUnicode?: boolean }): string }>;
  writeParagraphProperties(buffer: Buffer, tableBuffer: Buffer): void;
}
type WordOleExtractorClass = new () => WordOleExtractorLike;
type BufferReaderClass = new (buffer: Buffer) => unknown;

// Internal modules of word-extractor 1.0.x: the public class hides the paragraph pass that must be
// replaced; tests/extract-doc.test.ts pins the behaviour this relies on.
const WordOleExtractor = require('word-extractor/lib/word-ole-extractor.js') as WordOleExtractorClass;
const BufferReader = require('word-extractor/lib/buffer-reader.js') as BufferReaderClass;
const WORD_EXTRACTOR_VERSION = (require('word-extractor/package.json') as { version: string }).version;

const sprm = {
  inTable: 0x2416,
  ttp: 0x2417,
  innerTableCell: 0x244b,
  innerTtp: 0x244c,
  itap: 0x6649,
  hugePapx: 0x6646,
  defTable: 0xd608,
  vertMerge: 0xd62b,
  chgTabs: 0xc615,
} as const;

/** The layout of one table row, from its row-end mark's properties (TAP). */
export interface RowLayout {
  /** Character position of the row-end mark, to put the layouts in text order. */
  cp: number;
  /** Cell edges in twips (itcMac + 1 values, from sprmTDefTable). */
  edges: number[];
  /** Per cell: its TC flags (vertical merge in bits 5–6: 01 continue, 11 restart; horizontal in bits 0–1). */
  flags: number[];
}

interface ParagraphMarks {
  inTable: boolean;
  ttp: boolean;
  inner: boolean;
  layout: Omit<RowLayout, 'cp'> | null;
}

class TableMarkingExtractor extends WordOleExtractor {
  readonly rows: RowLayout[] = [];

  constructor(private readonly data: Buffer | null) {
    super();
  }

  /** Replaces word-extractor's pass: marks row ends and breaks inside cells (see the module comment). */
  override writeParagraphProperties(buffer: Buffer, tableBuffer: Buffer): void {
    const fc = buffer.readUInt32LE(0x0102);
    const lcb = buffer.readUInt32LE(0x0106);
    if (lcb < 12 || fc + lcb > tableBuffer.length) return;
    const plc = tableBuffer.subarray(fc, fc + lcb);
    const count = (lcb - 4) / 8;
    for (let i = 0; i < count; i++) {
      const pn = plc.readUInt32LE((count + 1) * 4 + i * 4);
      if ((pn + 1) * 512 > buffer.length) continue;
      this.markPage(buffer.subarray(pn * 512, (pn + 1) * 512));
    }
  }

  /** One PAPX FKP: 512 bytes listing paragraph ends (file positions) and their properties. */
  private markPage(fkp: Buffer): void {
    const crun = fkp[511]!;
    if ((crun + 1) * 4 + crun * 13 > 511) return;
    for (let j = 0; j < crun; j++) {
      const start = fkp.readUInt32LE(j * 4);
      const end = fkp.readUInt32LE((j + 1) * 4);
      const at = fkp[(crun + 1) * 4 + j * 13]! * 2;
      if (at === 0 || end <= start) continue;
      const marks = this.paragraphMarks(papxGrpprl(fkp, at));
      if (marks) this.markParagraph(start, end, marks);
    }
  }

  private paragraphMarks(grpprl: Buffer): ParagraphMarks | null {
    const marks: ParagraphMarks = { inTable: false, ttp: false, inner: false, layout: null };
    const vertMerges: [number, number][] = []; // sprmTVertMerge (itc, code) amends the cells sprmTDefTable made
    const visit = (op: number, arg: Buffer): void => {
      if (op === sprm.inTable) marks.inTable = arg[0] !== 0;
      else if (op === sprm.ttp) marks.ttp = arg[0] !== 0;
      else if (op === sprm.innerTtp || op === sprm.innerTableCell) marks.inner ||= arg[0] !== 0;
      else if (op === sprm.defTable) marks.layout = readDefTable(arg);
      else if (op === sprm.vertMerge && arg.length >= 2) vertMerges.push([arg[0]!, arg[1]! & 3]);
      else if (op === sprm.hugePapx && this.data && arg.length >= 4) {
        // The paragraph's properties were too big for the page: they are in the Data stream.
        const offset = arg.readUInt32LE(0);
        if (offset + 2 <= this.data.length) {
          const cb = this.data.readUInt16LE(offset);
          forEachSprm(this.data.subarray(offset + 2, Math.min(offset + 2 + cb, this.data.length)), visit);
        }
      }
    };
    forEachSprm(grpprl.subarray(2), visit); // after the 2-byte style index
    for (const [itc, code] of vertMerges) {
      const flags = marks.layout?.flags;
      if (flags && itc < flags.length) flags[itc] = (flags[itc]! & ~0x60) | (code << 5);
    }
    return marks.inTable || marks.ttp || marks.inner ? marks : null;
  }

  private markParagraph(start: number, end: number, marks: ParagraphMarks): void {
    const last = this.charAt(end - 1);
    if (!last) return;
    if (marks.ttp && !marks.inner) {
      this.setChar(last, ROW_END);
      // A row without a readable layout is kept too (empty), so the layouts stay aligned with the
      // rows of the text and only its own table falls back to tab rows.
      this.rows.push({ cp: last.piece.startCp + last.index, ...(marks.layout ?? { edges: [], flags: [] }) });
      return;
    }
    // The end of a cell is marked apart from tabs typed inside cells (word-extractor makes both \t).
    // Inside a cell, a paragraph end (or a nested table's cell/row end) joins the cell's lines.
    const ch = last.piece.text[last.index];
    if (ch === '\x07' && !marks.inner) this.setChar(last, CELL_END);
    else if (ch === '\r' || marks.inner) this.setChar(last, CELL_BREAK);
    this.replaceInRange(start, end, '\x0b', CELL_BREAK); // manual line breaks inside the cell
  }

  private charAt(filePos: number): { piece: Piece; index: number } | null {
    for (const piece of this._pieces) {
      if (filePos >= piece.startFilePos && filePos < piece.endFilePos) {
        return { piece, index: Math.floor((filePos - piece.startFilePos) / piece.bpc) };
      }
    }
    return null;
  }

  private setChar({ piece, index }: { piece: Piece; index: number }, ch: string): void {
    piece.text = piece.text.slice(0, index) + ch + piece.text.slice(index + 1);
  }

  private replaceInRange(start: number, end: number, from: string, to: string): void {
    for (const piece of this._pieces) {
      const a = Math.max(start, piece.startFilePos);
      const b = Math.min(end, piece.endFilePos);
      if (a >= b) continue;
      const i0 = Math.floor((a - piece.startFilePos) / piece.bpc);
      const i1 = Math.ceil((b - piece.startFilePos) / piece.bpc);
      const part = piece.text.slice(i0, i1);
      if (part.includes(from)) piece.text = piece.text.slice(0, i0) + part.split(from).join(to) + piece.text.slice(i1);
    }
  }
}

/** sprmTDefTable's operand (after its length): itcMac, the itcMac + 1 cell edges, then one 20-byte TC80 per cell. */
function readDefTable(arg: Buffer): Omit<RowLayout, 'cp'> | null {
  const itc = arg[0] ?? 0;
  if (itc === 0 || 1 + 2 * (itc + 1) > arg.length) return null;
  const edges: number[] = [];
  for (let k = 0; k <= itc; k++) edges.push(arg.readInt16LE(1 + 2 * k));
  const flags: number[] = [];
  const tcs = 1 + 2 * (itc + 1);
  for (let k = 0; k < itc; k++) flags.push(tcs + 20 * k + 2 <= arg.length ? arg.readUInt16LE(tcs + 20 * k) : 0);
  return { edges, flags };
}

/** The grpprl of a PapxInFkp at a byte offset of the page (style index first). */
function papxGrpprl(fkp: Buffer, at: number): Buffer {
  const cb = fkp[at] ?? 0;
  const from = cb !== 0 ? at + 1 : at + 2;
  const size = cb !== 0 ? 2 * cb - 1 : 2 * (fkp[at + 1] ?? 0);
  return fkp.subarray(from, Math.min(from + size, 511));
}

/** Calls `visit` for each property modifier (sprm) of a list; operand sizes per the Word 97 spec. */
function forEachSprm(buf: Buffer, visit: (op: number, arg: Buffer) => void): void {
  let at = 0;
  while (at + 2 <= buf.length) {
    const op = buf.readUInt16LE(at);
    at += 2;
    let size: number;
    const spra = op >> 13;
    if (op === sprm.defTable) size = at + 2 <= buf.length ? buf.readUInt16LE(at) + 1 : buf.length; // 2-byte length
    else if (op === sprm.chgTabs && buf[at] === 255) size = chgTabsSize(buf, at);
    else if (spra === 6) size = (buf[at] ?? 0) + 1;
    else size = [1, 1, 2, 4, 2, 2, 0, 3][spra]!;
    visit(op, buf.subarray(op === sprm.defTable ? at + 2 : spra === 6 ? at + 1 : at, at + size));
    at += size;
  }
}

/** sprmPChgTabs with cb = 255: its size is counted from its two tab lists (deleted+closed, added). */
function chgTabsSize(buf: Buffer, at: number): number {
  const deleted = buf[at + 1] ?? 0;
  const added = buf[at + 2 + 4 * deleted] ?? 0;
  return 1 + (1 + 4 * deleted) + (1 + 3 * added);
}

async function readWithWordExtractor(file: LoadedFile, container: CompoundFile, fib: Fib, what: string): Promise<SourceDocument> {
  const extractor = new TableMarkingExtractor(container.readStream('Data'));
  let body: string;
  try {
    const document = await extractor.extract(new BufferReader(file.bytes));
    body = document.getBody({ filterUnicode: false });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new DocumentError('extract', `${what} could not be read by word-extractor (${reason}); ${CONVERT}`);
  }
  // Row layouts in text order; those of headers, footnotes and text boxes lie after the body.
  const layouts = extractor.rows.filter((r) => r.cp < fib.ccpText).sort((a, b) => a.cp - b.cp);
  const { items, gridTables, tabTables } = bodyToItems(body, layouts);
  const { blocks, tableCount } = itemsToBlocks(items);
  if (blocks.length === 0) throw new DocumentError('extract', `${what} holds no text; ${CONVERT}`);
  return {
    format: file.format,
    blocks,
    findings: picturesNotRead(items, container, what),
    meta: { reader: 'word-extractor', readerVersion: WORD_EXTRACTOR_VERSION, wordVersion: fib.nFib, tableCount, gridTables, tabTables },
  };
}

/** A picture at least this many pixels wide may be a table pasted in (a seal or a logo is rarely wider). */
const TABLE_PICTURE_PIXELS = 400;

/**
 * A Word 97–2003 file whose text lacks a table, with pictures as wide as a table: the tables may be pasted as
 * pictures, which ogi reads in a .docx (extract/pictured-tables.ts) but not in this format. Said as a warning.
 * Pictures are counted by their PNG and JPEG data in the Data stream (inline pictures) and the WordDocument
 * stream (floating ones).
 */
function picturesNotRead(items: readonly Item[], container: CompoundFile, what: string): Finding[] {
  const streams = [container.readStream('Data'), container.readStream('WordDocument')].filter((b): b is Buffer => b !== null);
  const wide = streams.reduce((n, b) => n + widePictures(b), 0);
  if (wide === 0) return [];
  const missing = tablesNotPrinted(itemsText(items));
  if (missing.length === 0) return [];
  const pictures = `${wide} picture${wide > 1 ? 's' : ''} at least ${TABLE_PICTURE_PIXELS} pixels wide`;
  return [
    finding(
      'doc/pictured-tables',
      'warning',
      `${noTableWords('the text', missing)}, and ${what} holds ${pictures}: the tables may be pasted as pictures, which ogi reads by OCR in a .docx but not in this format; ${CONVERT}`,
      { actual: pictures },
    ),
  ];
}

/** PNG and JPEG pictures in the bytes whose width (from the PNG header or the JPEG frame) is at least TABLE_PICTURE_PIXELS. */
export function widePictures(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(PNG_SIGNATURE); at >= 0; at = bytes.indexOf(PNG_SIGNATURE, at + 8)) {
    // The IHDR chunk follows the signature: length (4), "IHDR" (4), width (4).
    if (at + 20 <= bytes.length && bytes.toString('latin1', at + 12, at + 16) === 'IHDR' && bytes.readUInt32BE(at + 16) >= TABLE_PICTURE_PIXELS) n++;
  }
  for (let at = bytes.indexOf(JPEG_START); at >= 0; at = bytes.indexOf(JPEG_START, at + 3)) {
    const width = jpegWidth(bytes, at);
    if (width !== null && width >= TABLE_PICTURE_PIXELS) n++;
  }
  return n;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff]);

/** The width in a JPEG's frame header (SOF0–SOF15 but DHT, JPG, DAC), walking its segments from the start marker; null if none. */
function jpegWidth(bytes: Buffer, start: number): number | null {
  let at = start + 2;
  while (at + 9 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return bytes.readUInt16BE(at + 7);
    if (marker === 0xd9 || marker === 0xda) return null;
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return null;
}

interface BodyRow {
  cells: string[];
  layout: RowLayout | undefined;
}

/**
 * The marked body as items (the same items the DOCX reader makes): paragraphs line by line, and each
 * table — consecutive rows — as a true grid built from the rows' cell edges and merge flags. A table
 * whose rows do not match their layouts (cell counts differ, layouts missing) falls back to one
 * tab-separated row per Word row, so nothing is placed by a layout that does not fit.
 */
export function bodyToItems(body: string, layouts: readonly RowLayout[]): { items: Item[]; gridTables: number; tabTables: number } {
  const items: Item[] = [];
  const chunks = body.split(ROW_END);
  const aligned = layouts.length === chunks.length - 1;
  let table: BodyRow[] = [];
  let gridTables = 0;
  let tabTables = 0;
  const flush = (): void => {
    if (table.length === 0) return;
    const rows = tableRows(table);
    if (rows) {
      items.push({ kind: 'table', rows });
      gridTables++;
    } else {
      for (const row of table) items.push({ kind: 'tabs', fields: row.cells });
      tabTables++;
    }
    table = [];
  };
  chunks.forEach((chunk, i) => {
    const isRow = i < chunks.length - 1;
    // The chunk holds the text before the row, then the row itself: the row is its last line.
    const cut = isRow ? chunk.lastIndexOf('\n') : chunk.length;
    const before = chunk.slice(0, cut + 1);
    if (before !== '') {
      flush();
      for (const line of before.split(CELL_BREAK).join('\n').split('\n')) {
        const item = lineItem(line);
        if (item) items.push(item);
      }
    }
    if (!isRow) return;
    const cells = splitCells(chunk.slice(cut + 1)).map((cell) => joinPieces(cell.split(CELL_BREAK).map(cleanInline)));
    table.push({ cells, layout: aligned ? layouts[i] : undefined });
  });
  flush();
  return { items, gridTables, tabTables };
}

/**
 * A row's cells: split on the marked cell ends (a tab typed in a cell is then only a space); a row
 * whose cell ends were not marked (their paragraph properties unreadable) is split on tabs, where
 * word-extractor put its cell ends, the last one dropped.
 */
function splitCells(row: string): string[] {
  if (row.includes(CELL_END)) return row.split(CELL_END).slice(0, -1);
  return row.replace(/\t$/, '').split('\t');
}

/** Edges closer than this (in twips, 1/1440 inch) are the same column line drawn twice. */
const EDGE_TOLERANCE = 20;

/**
 * A table's rows as source cells with colspan/rowspan, like a <w:tbl>: the columns are the distinct
 * cell edges of all rows; a cell covers the columns between its edges; a vertical merge continued
 * from the cell above (TC flag 0x20 without 0x40) extends that cell's rowspan.
 */
function tableRows(table: readonly BodyRow[]): SourceCell[][] | null {
  if (table.some((r) => !r.layout || r.layout.flags.length !== r.cells.length)) return null;
  const lines = snapEdges(table.flatMap((r) => r.layout!.edges));
  const colOf = (x: number): number => {
    let best = 0;
    for (let k = 1; k < lines.length; k++) if (Math.abs(lines[k]! - x) < Math.abs(lines[best]! - x)) best = k;
    return best;
  };
  const width = lines.length - 1;
  const open = new Map<number, SourceCell>();
  return table.map(({ cells, layout }) => {
    const { edges, flags } = layout!;
    const row: SourceCell[] = [];
    const first = colOf(edges[0]!);
    if (first > 0) row.push({ text: '', rowspan: 1, colspan: first });
    cells.forEach((text, i) => {
      const c0 = colOf(edges[i]!);
      const colspan = Math.max(1, colOf(edges[i + 1]!) - c0);
      const vertical = (flags[i]! >> 5) & 3;
      const previous = row.at(-1);
      if ((flags[i]! & 3) === 2 && previous) {
        previous.colspan += colspan; // an old-style horizontal merge: the cell continues the one before
      } else if (vertical === 1 && open.has(c0)) {
        open.get(c0)!.rowspan += 1;
      } else {
        const cell: SourceCell = { text, rowspan: 1, colspan };
        row.push(cell);
        if (vertical === 3) open.set(c0, cell);
        else open.delete(c0);
      }
      for (let c = c0 + 1; c < c0 + colspan; c++) open.delete(c);
    });
    const last = colOf(edges[cells.length]!);
    if (last < width) row.push({ text: '', rowspan: 1, colspan: width - last });
    return row;
  });
}

function snapEdges(edges: number[]): number[] {
  const sorted = [...new Set(edges)].sort((a, b) => a - b);
  const lines: number[] = [];
  for (const x of sorted) if (lines.length === 0 || x - lines.at(-1)! > EDGE_TOLERANCE) lines.push(x);
  return lines;
}
