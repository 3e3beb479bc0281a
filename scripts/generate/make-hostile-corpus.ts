/**
 * Generates a folder of hostile inputs for `ogi ingest` (issue 5): everything is built here from the
 * samples and from hand-written bytes — nothing is downloaded.
 *
 *   node dist/scripts/generate/make-hostile-corpus.js <dir> [--big-text-mb 200] [--samples samples]
 *
 * Returns (and prints) the manifest: every file with what it is and the outcome expected from ingest.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, constants as zconst } from 'node:zlib';
import iconv from 'iconv-lite';

export type Expectation = 'processed' | 'failed' | 'duplicate' | 'ignored' | 'failed-or-processed' | 'unreadable-folder';

export interface CorpusEntry {
  path: string;
  what: string;
  expect: Expectation;
}

export interface CorpusOptions {
  samplesDir: string;
  /** Size of the big text file in MB (the issue asks for 200; tests may use less). 0 leaves it out. */
  bigTextMb: number;
  /** Uncompressed size of the zip bomb's document.xml, in MB. */
  bombMb?: number;
  pdfPages?: number;
  htmlRows?: number;
}

export function makeHostileCorpus(dir: string, options: CorpusOptions): CorpusEntry[] {
  mkdirSync(dir, { recursive: true });
  const entries: CorpusEntry[] = [];
  const add = (rel: string, what: string, expect: Expectation) => entries.push({ path: join(dir, rel), what, expect });
  const samples = readdirSync(options.samplesDir).filter((f) => f.endsWith('.txt')).sort();
  const sampleText = (i: number) => readFileSync(join(options.samplesDir, samples[i % samples.length]!), 'utf8');

  // Genuine reports, so the corpus also shows the good path under fire.
  mkdirSync(join(dir, 'reports'), { recursive: true });
  samples.forEach((name, i) => {
    copyFileSync(join(options.samplesDir, name), join(dir, 'reports', name));
    add(join('reports', name), `sample report ${i}`, 'processed');
  });

  // A path with spaces and Chinese characters (content made unique so it is its own document).
  const spaced = join('年度 报告 目录', '中宁县 2021年 政府信息公开 报告.txt');
  mkdirSync(join(dir, dirname(spaced)), { recursive: true });
  writeFileSync(join(dir, spaced), sampleText(0) + '\n（路径含空格和中文）\n');
  add(spaced, 'path with spaces and Chinese characters', 'processed');

  // GB18030-encoded copy.
  writeFileSync(join(dir, 'reports', 'gbk-encoded.txt'), iconv.encode(sampleText(1) + '\n（GB18030 编码）\n', 'gb18030'));
  add(join('reports', 'gbk-encoded.txt'), 'GB18030-encoded report', 'processed');

  // Duplicates with different names: one document, both paths recorded.
  mkdirSync(join(dir, 'dup'), { recursive: true });
  const dupText = sampleText(2) + '\n（重复文件）\n';
  writeFileSync(join(dir, 'dup', 'original.txt'), dupText);
  writeFileSync(join(dir, 'dup', 'copy of original (1).txt'), dupText);
  add(join('dup', 'copy of original (1).txt'), 'duplicate content, other name (first in walk order)', 'processed');
  add(join('dup', 'original.txt'), 'duplicate content, other name', 'duplicate');

  // Binary junk named .txt, an empty file, a Chinese text that is not a report.
  writeFileSync(join(dir, 'junk.txt'), pseudoRandomBytes(64 * 1024, 42));
  add('junk.txt', 'binary junk named .txt', 'failed');
  writeFileSync(join(dir, 'empty.txt'), '');
  add('empty.txt', 'empty file', 'failed');
  writeFileSync(join(dir, 'not-a-report.txt'), '关于开展春季植树活动的通知\n各单位：\n为改善生态环境，定于三月十二日开展植树活动。\n'.repeat(20));
  add('not-a-report.txt', 'Chinese text that is not a report', 'failed');

  // An HTML error page saved as .pdf, and a truncated PDF.
  writeFileSync(join(dir, 'error-page.pdf'), '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><p>nginx</p></body></html>\n');
  add('error-page.pdf', 'HTML error page saved as .pdf', 'failed');
  writeFileSync(join(dir, 'truncated.pdf'), makePdf(3).subarray(0, 300));
  add('truncated.pdf', 'truncated PDF', 'failed');

  // A PDF with 5,000 pages (hand-written, valid, one line of text per page).
  writeFileSync(join(dir, '5000-pages.pdf'), makePdf(options.pdfPages ?? 5000));
  add('5000-pages.pdf', `PDF with ${options.pdfPages ?? 5000} pages`, 'failed-or-processed');

  // A zip bomb posing as .docx: a small file whose document.xml inflates to about 1 GB.
  writeFileSync(join(dir, 'bomb.docx'), makeZipBombDocx(options.bombMb ?? 1024));
  add('bomb.docx', `zip bomb posing as .docx (document.xml inflates to ${options.bombMb ?? 1024} MB)`, 'failed');

  // An HTML page with a huge table.
  writeFileSync(join(dir, 'huge-table.html'), makeHugeHtmlTable(options.htmlRows ?? 50_000));
  add('huge-table.html', `HTML page with a ${options.htmlRows ?? 50_000}-row table`, 'failed-or-processed');

  // A 200 MB text file (over the default --max-file-size).
  if (options.bigTextMb > 0) {
    writeRepeated(join(dir, 'huge.txt'), sampleText(3), options.bigTextMb * 1024 * 1024);
    add('huge.txt', `${options.bigTextMb} MB text file`, 'failed');
  }

  // A symlink loop in the folder, a link to itself, and a dangling link.
  mkdirSync(join(dir, 'loop'), { recursive: true });
  symlinkSync('..', join(dir, 'loop', 'back-to-top'));
  symlinkSync('self-link.txt', join(dir, 'loop', 'self-link.txt'));
  add(join('loop', 'self-link.txt'), 'symlink to itself (ELOOP)', 'failed');
  symlinkSync('no-such-file.txt', join(dir, 'dangling.txt'));
  add('dangling.txt', 'dangling symlink', 'failed');

  // An unreadable file (mode 000: only effective for a process that is not root) and a FIFO named .txt.
  writeFileSync(join(dir, 'unreadable.txt'), sampleText(4) + '\n（无读取权限）\n');
  chmodSync(join(dir, 'unreadable.txt'), 0o000);
  add('unreadable.txt', 'file without read permission', 'failed');
  try {
    execFileSync('mkfifo', [join(dir, 'pipe.txt')]);
    add('pipe.txt', 'FIFO named .txt (reading it would block forever)', 'failed');
  } catch {
    // no mkfifo on this system: leave it out
  }

  // A folder that cannot be listed (mode 000; again only effective when not root), a report inside.
  mkdirSync(join(dir, 'locked-folder'), { recursive: true });
  writeFileSync(join(dir, 'locked-folder', 'inside.txt'), sampleText(0) + '\n（锁定目录）\n');
  chmodSync(join(dir, 'locked-folder'), 0o000);
  add('locked-folder', 'folder without permissions (cannot be listed)', 'unreadable-folder');

  // Files that are not reports by extension.
  writeFileSync(join(dir, 'notes.csv'), 'a,b\n1,2\n');
  add('notes.csv', 'not a report extension', 'ignored');
  writeFileSync(join(dir, 'picture.png'), pseudoRandomBytes(1024, 7));
  add('picture.png', 'not a report extension', 'ignored');
  return entries;
}

/** Deterministic junk (xorshift), so the corpus is the same on every run. */
function pseudoRandomBytes(n: number, seed: number): Buffer {
  const buf = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}

function writeRepeated(path: string, text: string, bytes: number): void {
  const chunk = Buffer.from((text + '\n').repeat(Math.max(1, Math.floor((1 << 20) / Buffer.byteLength(text)))));
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const n = Math.min(chunk.length, bytes - written);
      writeSync(fd, chunk, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** A minimal valid PDF, written by hand: one Helvetica line per page, exact xref offsets. */
export function makePdf(pages: number): Buffer {
  const objects: string[] = [];
  const pageRefs: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  for (let i = 0; i < pages; i++) {
    const pageObj = 4 + 2 * i;
    const contentObj = pageObj + 1;
    pageRefs.push(`${pageObj} 0 R`);
    const stream = `BT /F1 12 Tf 72 770 Td (Page ${i + 1} of ${pages}) Tj ET`;
    objects[pageObj] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${contentObj} 0 R >>`;
    objects[contentObj] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  }
  objects[2] = `<< /Type /Pages /Kids [${pageRefs.join(' ')}] /Count ${pages} >>`;
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = Buffer.byteLength(body, 'latin1');
    body += `${n} 0 obj\n${objects[n]}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < objects.length; n++) body += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * A .docx-shaped zip whose word/document.xml inflates to `mb` MB. The deflate stream is one
 * full-flushed block of paragraphs repeated (identical bytes each time), so building it costs
 * milliseconds; the sizes and CRC in the headers are honest.
 */
export function makeZipBombDocx(mb: number): Buffer {
  const chunk = Buffer.from('<w:p><w:r><w:t>0</w:t></w:r></w:p>'.repeat(30_000)); // ~1 MB
  const repeats = Math.max(1, Math.round((mb * 1024 * 1024) / chunk.length));
  const block = deflateRawSync(chunk, { level: 9, finishFlush: zconst.Z_FULL_FLUSH });
  const head = Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>');
  const tail = Buffer.from('</w:body></w:document>');
  // head and tail are deflated as their own flushed blocks around the repeated one.
  const headBlock = deflateRawSync(head, { finishFlush: zconst.Z_FULL_FLUSH });
  const tailBlock = deflateRawSync(tail);
  let crc = crc32(head);
  for (let i = 0; i < repeats; i++) crc = crc32(chunk, crc);
  crc = crc32(tail, crc);
  const documentXml = {
    name: 'word/document.xml',
    data: Buffer.concat([headBlock, ...new Array<Buffer>(repeats).fill(block), tailBlock]),
    size: head.length + chunk.length * repeats + tail.length,
    crc,
  };
  const small = (name: string, text: string) => {
    const raw = Buffer.from(text);
    return { name, data: deflateRawSync(raw), size: raw.length, crc: crc32(raw) };
  };
  return zip([
    small('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
    small('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
    documentXml,
  ]);
}

interface ZipEntry {
  name: string;
  data: Buffer;
  size: number;
  crc: number;
}

function zip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, e.data);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(0, 12);
    cd.writeUInt32LE(e.crc >>> 0, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += local.length + name.length + e.data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

function makeHugeHtmlTable(rows: number): string {
  const out: string[] = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某县2021年政府信息公开工作年度报告</title></head><body><h1>某某县2021年政府信息公开工作年度报告</h1><table border="1">'];
  for (let r = 0; r < rows; r++) {
    out.push(`<tr><td rowspan="1">第${r}行</td>${Array.from({ length: 10 }, (_, c) => `<td colspan="1">${(r * 7 + c) % 100}</td>`).join('')}</tr>`);
  }
  out.push('</table></body></html>');
  return out.join('\n');
}

function main(argv: string[]): void {
  const dir = argv[0];
  if (!dir) {
    process.stderr.write('usage: make-hostile-corpus <dir> [--big-text-mb 200] [--samples samples]\n');
    process.exitCode = 2;
    return;
  }
  const flag = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const entries = makeHostileCorpus(resolve(dir), { samplesDir: resolve(flag('--samples', 'samples')), bigTextMb: Number(flag('--big-text-mb', '200')) });
  for (const e of entries) process.stdout.write(`${e.expect.padEnd(20)} ${e.path}  — ${e.what}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
