/**
 * Extract: legacy Word 97–2003 .doc and Kingsoft WPS .wps (both OLE compound files with a Word
 * "WordDocument" stream). The text is read by `word-extractor` (npm, MIT); its body text goes through
 * the text path, each Word table row as one tab-separated line.
 *
 * What word-extractor gives and what this module adds:
 * - cells end with \x07, which it turns into \t; the end of a row is a paragraph marked "table
 *   terminating" (sprmPFTtp) that it turns into a line break — but it only looks for that mark in the
 *   paragraph's own properties, and Word/LibreOffice move the properties of a row with many cells
 *   into the Data stream (sprmPHugePapx): such rows ran together on one line. The paragraph pass is
 *   replaced here (`TableMarkingExtractor`): it reads huge properties too, marks row ends, and marks
 *   paragraph and line breaks inside a cell so that a two-line header cell stays one field;
 * - it follows the container's sector chains without checking them, so the container is checked
 *   first (./ole.ts), and the Word header (FIB) is checked for encryption and the Word 97 layout.
 *
 * Tables come out as 'tab' rows: a vertically merged cell is an empty field below its first row,
 * a horizontally merged cell is one field (the table stage places figures from the right, and
 * flags a row whose numbers do not fit).
 */
import { createRequire } from 'node:module';
import { DocumentError } from '../findings.js';
import type { LoadedFile } from '../stages/load.js';
import type { SourceDocument } from '../types.js';
import { joinPieces } from './html.js';
import { OleError, isCompoundFile, readCompoundFile } from './ole.js';
import type { CompoundFile } from './ole.js';
import { textToDocument } from './text.js';

const require = createRequire(import.meta.url);

const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');
const CONVERT =
  'open it in Word, WPS Office or LibreOffice and save it as .docx (or run `soffice --headless --convert-to docx FILE`), then ingest the .docx';

/** Marks written into the text by the paragraph pass (noncharacters: they never occur in a document). */
const ROW_END = '\uFDD1';
const CELL_BREAK = '\uFDD0';

export function extractLegacyWord(file: LoadedFile): Promise<SourceDocument> | SourceDocument {
  const what = describeFormat(file);
  if (file.bytes.includes(ENCRYPTED_PACKAGE)) {
    throw new DocumentError('extract', 'the file is a password-protected Office document (encrypted package); remove the password in Word and save it as .docx, then ingest it');
  }
  const container = openContainer(file, what);
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
    const state = e.truncated ? 'is truncated (an incomplete download?)' : 'is damaged';
    throw new DocumentError('extract', `${what} ${state}: ${e.message}; get a complete copy, or ${CONVERT}`);
  }
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
  return { nFib, tableStream };
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
    let fc = table.readUInt32LE(start + (count + 1) * 4 + i * 8 + 2);
    const compressed = (fc & 0x40000000) !== 0;
    fc = compressed ? (fc & ~0x40000000) / 2 : fc;
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
  chgTabs: 0xc615,
} as const;

interface ParagraphMarks {
  inTable: boolean;
  ttp: boolean;
  inner: boolean;
}

class TableMarkingExtractor extends WordOleExtractor {
  rowCount = 0;

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
    const marks: ParagraphMarks = { inTable: false, ttp: false, inner: false };
    const visit = (op: number, arg: Buffer): void => {
      if (op === sprm.inTable) marks.inTable = arg[0] !== 0;
      else if (op === sprm.ttp) marks.ttp = arg[0] !== 0;
      else if (op === sprm.innerTtp || op === sprm.innerTableCell) marks.inner ||= arg[0] !== 0;
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
    return marks.inTable || marks.ttp || marks.inner ? marks : null;
  }

  private markParagraph(start: number, end: number, marks: ParagraphMarks): void {
    const last = this.charAt(end - 1);
    if (!last) return;
    if (marks.ttp && !marks.inner) {
      this.setChar(last, ROW_END);
      this.rowCount++;
      return;
    }
    // Inside a cell: a paragraph end (or a nested table's cell/row end) joins the cell's lines.
    if (last.piece.text[last.index] === '\r' || marks.inner) this.setChar(last, CELL_BREAK);
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
    else if (spra === 6) size = (buf[at] ?? 0) + 1;
    else size = [1, 1, 2, 4, 2, 2, 0, 3][spra]!;
    visit(op, buf.subarray(op === sprm.defTable ? at + 2 : spra === 6 ? at + 1 : at, at + size));
    at += size;
  }
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
  const doc = textToDocument(bodyToText(body));
  doc.meta = {
    reader: 'word-extractor',
    readerVersion: WORD_EXTRACTOR_VERSION,
    wordVersion: fib.nFib,
    tableRows: extractor.rowCount,
  };
  if (doc.blocks.length === 0) throw new DocumentError('extract', `${what} holds no text; ${CONVERT}`);
  return doc;
}

/**
 * The marked body as text lines: each table row one line, its cells separated by tabs (the last
 * cell's end mark dropped), the lines inside a cell joined like a <br> in an HTML cell.
 */
export function bodyToText(body: string): string {
  return body
    .split(ROW_END)
    .map((chunk, i, all) => {
      if (i === all.length - 1) return chunk.split(CELL_BREAK).join('\n');
      // The chunk holds the text before the row, then the row itself: the row is its last line.
      const cut = chunk.lastIndexOf('\n');
      const before = cut === -1 ? '' : chunk.slice(0, cut + 1);
      const row = chunk.slice(cut + 1).replace(/\t$/, '');
      const cells = row.split('\t').map((cell) => joinPieces(cell.split(CELL_BREAK).map((p) => p.trim())));
      return before.split(CELL_BREAK).join('\n') + cells.join('\t');
    })
    .join('\n');
}
