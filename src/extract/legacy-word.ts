/**
 * Extract: legacy Word 97–2003 .doc and WPS Office .wps (OLE compound documents). No dependency of
 * this project reads their binary text and table streams, so these files fail with a reason that names
 * the format and the way out (save as .docx). `word-extractor` (npm, MIT, text only: tables come out
 * as tab-separated lines, merges lost) could read .doc text; see the report of issue 3.
 *
 * A password-protected .docx/.xlsx is also an OLE file (its real content is an EncryptedPackage
 * stream): it is recognised so its message says "password" rather than "old Word format".
 */
import { DocumentError } from '../findings.js';
import type { LoadedFile } from '../stages/load.js';
import type { SourceDocument } from '../types.js';

const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');
const CONVERT = 'open it in Word, WPS Office or LibreOffice and save it as .docx (or run `soffice --headless --convert-to docx FILE`), then ingest the .docx';

export function extractLegacyWord(file: LoadedFile): SourceDocument {
  if (file.bytes.includes(ENCRYPTED_PACKAGE)) {
    throw new DocumentError('extract', 'the file is a password-protected Office document (encrypted package); remove the password in Word and save it as .docx, then ingest it');
  }
  if (file.format === 'wps') {
    throw new DocumentError('extract', `the file is a WPS Office .wps document (binary OLE format), which ogi cannot read; ${CONVERT}`);
  }
  throw new DocumentError('extract', `the file is a legacy Word 97–2003 .doc document (binary OLE format), which ogi cannot read; ${CONVERT}`);
}
