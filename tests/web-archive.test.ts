/**
 * Web archives (.mht/.mhtml, and the ".doc" files sites export as one): the page is one MIME part, quoted-printable
 * in its own charset, its pictures other parts. Read as the web page they hold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeQuotedPrintable, makeWordWebArchive } from '../scripts/generate/make-web-archive.js';
import { decodeQuotedPrintable, readMultipart } from '../src/extract/html/mhtml.js';
import { processLoaded } from '../src/pipeline.js';
import { sniffFormat } from '../src/stages/load.js';
import type { LoadedFile } from '../src/stages/load.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');

function file(name: string, bytes: Buffer): LoadedFile {
  return { path: name, bytes, sha256: name, format: sniffFormat(bytes, name), sizeBytes: bytes.length };
}

/** The sample's web page as Word's single-file archive, in the page's own charset. */
function archiveOf(base: string): Buffer {
  const page = readFileSync(join(SAMPLES, `${base}.html`));
  const charset = /charset=gb2312/i.test(page.subarray(0, 600).toString('latin1')) ? 'gb2312' : 'utf-8';
  return makeWordWebArchive(page, charset);
}

describe('web archives', () => {
  it('reads every sample web page saved as an archive (.mht, and a ".doc" that is one) to its gold', async () => {
    for (const { base, gold } of loadGold()) {
      for (const name of [`${base}.mht`, `${base}.doc`]) {
        const loaded = file(name, archiveOf(base));
        expect(loaded.format).toBe('mhtml');
        const doc = await processLoaded(loaded);
        expect(doc.error, name).toBeNull();
        expect(diffAgainstGold(doc, gold), name).toEqual([]);
      }
    }
  });

  it('undoes quoted-printable: soft breaks, =XX bytes, whitespace added at line ends', () => {
    const text = '政府信息公开 = 年度报告\tA'.repeat(8);
    const bytes = Buffer.from(text, 'utf8');
    expect(decodeQuotedPrintable(encodeQuotedPrintable(bytes)).toString('utf8')).toBe(text);
    expect(decodeQuotedPrintable('a=3Db =\r\nc  \r\nd=E4=B8=AD').toString('utf8')).toBe('a=b c\r\nd中');
  });

  it('splits the parts at the boundary, with their headers, after a preamble', () => {
    const archive = makeWordWebArchive(Buffer.from('<html><body><p>x</p></body></html>'), 'utf-8', [{ src: 'report.files/image001.png', bytes: Buffer.from([1, 2, 3]), contentType: 'image/png' }]);
    const parts = readMultipart(archive);
    expect(parts.map((p) => p.headers.get('content-type'))).toEqual(['text/html; charset="utf-8"', 'image/png']);
    expect(parts[0]!.body.toString().trimEnd()).toBe('<html><body><p>x</p></body></html>');
    expect([...parts[1]!.body]).toEqual([1, 2, 3]);
    expect(parts[1]!.headers.get('content-location')).toBe('file:///C:/Users/Public/Documents/report.files/image001.png');
  });

  it('fails an archive without a boundary or without a page, naming the problem', async () => {
    const noBoundary = file('x.mht', Buffer.from('MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\nbody'));
    expect((await processLoaded(noBoundary)).error).toMatch(/names no boundary/);
    const noPage = file('y.mht', Buffer.from('MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\nContent-Type: image/png\r\n\r\nx\r\n--b--\r\n'));
    expect((await processLoaded(noPage)).error).toMatch(/no web page \(text\/html\)/);
  });

  it('does not take a crawled copy with a header block for an archive', () => {
    const crawled = Buffer.from('标题:某某县人民政府2022年政府信息公开工作年度报告\n发布时间:2023-01-20\n\n一、总体情况\n', 'utf8');
    expect(sniffFormat(crawled, 'a.txt')).toBe('text');
    const mail = Buffer.from('Content-Type: text/plain\r\n\r\nhello', 'latin1');
    expect(sniffFormat(mail, 'a.txt')).toBe('text');
  });
});
