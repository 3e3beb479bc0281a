/**
 * Web archives as Word writes them ("Single File Web Page", .mht — and the ".doc" files government sites export
 * that way): MIME multipart/related, a preamble, the page quoted-printable in its own charset, each picture base64
 * under a Content-Location beside the page's. Used by tests/web-archive.test.ts; Chrome's own archives come from
 * scripts/generate/print-pdf.ts (pagesAsWebArchives).
 */

export interface ArchivedPicture {
  /** The src the page gives it, relative to the page (Word: "report.files/image001.png"). */
  src: string;
  bytes: Buffer;
  contentType: string;
}

const BOUNDARY = '----=_NextPart_01DA0000.6F1E2C40';
const PAGE_LOCATION = 'file:///C:/Users/Public/Documents/report.htm';

/** The page's bytes (already in `charset`) and its pictures as one archive. */
export function makeWordWebArchive(pageBytes: Buffer, charset: string, pictures: readonly ArchivedPicture[] = []): Buffer {
  const lines: string[] = [
    'MIME-Version: 1.0',
    `Content-Type: multipart/related; boundary="${BOUNDARY}"`,
    '',
    'This document is a Single File Web Page, also known as a Web Archive file.  If you are seeing this message, your browser or editor doesn\'t support Web Archive files.  Please download a browser that supports Web Archive.',
    '',
    `--${BOUNDARY}`,
    `Content-Location: ${PAGE_LOCATION}`,
    'Content-Transfer-Encoding: quoted-printable',
    `Content-Type: text/html; charset="${charset}"`,
    '',
    encodeQuotedPrintable(pageBytes),
    '',
  ];
  for (const p of pictures) {
    lines.push(`--${BOUNDARY}`, `Content-Location: ${new URL(p.src, PAGE_LOCATION).href}`, 'Content-Transfer-Encoding: base64', `Content-Type: ${p.contentType}`, '');
    lines.push(...(p.bytes.toString('base64').match(/.{1,76}/g) ?? []), '');
  }
  lines.push(`--${BOUNDARY}--`, '');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** RFC 2045 quoted-printable of bytes: lines of at most 76 characters, "=" and every byte outside printable ASCII as =XX. */
export function encodeQuotedPrintable(bytes: Buffer): string {
  const out: string[] = [];
  let line = '';
  for (const b of bytes) {
    if (b === 0x0a) {
      out.push(line);
      line = '';
      continue;
    }
    if (b === 0x0d) continue;
    const piece = (b >= 0x20 && b < 0x7f && b !== 0x3d) || b === 0x09 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (line.length + piece.length > 75) {
      out.push(`${line}=`);
      line = '';
    }
    line += piece;
  }
  out.push(line);
  return out.join('\r\n');
}
