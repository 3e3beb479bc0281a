/**
 * Writes small PDFs for the PDF extractor's edge cases, by hand (PDF syntax, no office suite): ASCII in
 * Helvetica, Chinese in a non-embedded Adobe-GB1 CID font (STSong-Light, UniGB-UCS2-H) that pdf.js decodes
 * with its bundled cMaps. Deterministic: the same bytes every run.
 *
 *   npm run build && node dist/scripts/generate/make-pdf-fixtures.js   → tests/fixtures/pdf/gen/*.pdf
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PAGE_W = 595;
export const PAGE_H = 842;

// ───────────────────────── a tiny PDF writer ─────────────────────────

/** Advance widths of Helvetica (per 1000 em) for the ASCII we print; others default to 556. */
const HELVETICA: Record<string, number> = { ' ': 278, '.': 278, ',': 278, '-': 333, '/': 278, '(': 333, ')': 333, ':': 278, '%': 889 };
const charWidth = (c: string) => (c.charCodeAt(0) < 0x80 ? (HELVETICA[c] ?? 556) / 1000 : 1);

export function textWidth(s: string, size: number): number {
  return [...s].reduce((w, c) => w + charWidth(c) * size, 0);
}

export class PageBuilder {
  readonly ops: string[] = [];
  hasImage = false;

  /** Text with its baseline at `baseline` points from the top; Chinese and ASCII runs get their own font. */
  text(x: number, baseline: number, size: number, s: string, charSpacing = 0): this {
    let cx = x;
    for (const run of s.match(/[\x00-\x7f]+|[^\x00-\x7f]+/g) ?? []) {
      const ascii = run.charCodeAt(0) < 0x80;
      const encoded = ascii ? `(${run.replace(/[\\()]/g, (m) => '\\' + m)})` : `<${[...run].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('')}>`;
      this.ops.push(`BT /${ascii ? 'F1' : 'F2'} ${size} Tf ${charSpacing} Tc 1 0 0 1 ${fmt(cx)} ${fmt(PAGE_H - baseline)} Tm ${encoded} Tj ET`);
      cx += textWidth(run, size) + charSpacing * [...run].length;
    }
    return this;
  }

  /** Text centred on `cx`. */
  centred(cx: number, baseline: number, size: number, s: string): this {
    return this.text(cx - textWidth(s, size) / 2, baseline, size, s);
  }

  line(x0: number, y0: number, x1: number, y1: number, width = 0.5): this {
    this.ops.push(`${width} w ${fmt(x0)} ${fmt(PAGE_H - y0)} m ${fmt(x1)} ${fmt(PAGE_H - y1)} l S`);
    return this;
  }

  /** A border drawn as a thin filled rectangle, as Word and WPS export them. */
  bar(x0: number, y0: number, x1: number, y1: number, width = 0.5): this {
    const h = width / 2;
    const [l, r, t, b] = [Math.min(x0, x1) - h, Math.max(x0, x1) + h, Math.min(y0, y1) - h, Math.max(y0, y1) + h];
    this.ops.push(`${fmt(l)} ${fmt(PAGE_H - b)} ${fmt(r - l)} ${fmt(b - t)} re f`);
    return this;
  }

  /**
   * Glyphs of a Type 3 font that has no Unicode mapping at all: drawn on the page, but no text can be read
   * from them (like a subset font whose ToUnicode was stripped).
   */
  glyphsWithoutText(x: number, baseline: number, count: number): this {
    const codes = Array.from({ length: count }, (_, i) => String.fromCharCode(1 + (i % 3))).join('');
    this.ops.push(`BT /F3 12 Tf 1 0 0 1 ${fmt(x)} ${fmt(PAGE_H - baseline)} Tm <${Buffer.from(codes, 'latin1').toString('hex')}> Tj ET`);
    return this;
  }

  /** A grey picture covering a rectangle (a scanned page, to the extractor). */
  image(x: number, y: number, w: number, h: number): this {
    this.hasImage = true;
    this.ops.push(`q ${fmt(w)} 0 0 ${fmt(h)} ${fmt(x)} ${fmt(PAGE_H - y - h)} cm /Im1 Do Q`);
    return this;
  }
}

const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

interface WriteOptions {
  /** Protect with this user password (RC4 40-bit, standard security handler revision 2). */
  userPassword?: string;
  /** The picture that `image()` draws, a JPEG as scanners write (default: a small grey pattern). */
  jpeg?: { bytes: Buffer; width: number; height: number };
}

export function writePdf(pages: PageBuilder[], options: WriteOptions = {}): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) - 1 + 1; // object numbers start at 1
  const catalog = add('');
  const pagesObj = add('');
  const helvetica = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const descriptor = add('<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>');
  const cidFont = add(`<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor ${descriptor} 0 R /DW 1000 >>`);
  const song = add(`<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] >>`);
  const jpeg = options.jpeg;
  const pixels = Buffer.from(Array.from({ length: 16 * 16 }, (_, i) => ((i * 37) % 97) + 120));
  const image = add(
    jpeg
      ? `<< /Type /XObject /Subtype /Image /Width ${jpeg.width} /Height ${jpeg.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.bytes.length} >>\nstream\n${jpeg.bytes.toString('latin1')}\nendstream`
      : `<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n${pixels.toString('latin1')}\nendstream`,
  );
  // Type 3 glyphs: filled boxes, named g1–g3, with no Unicode anywhere.
  const glyph = (w: number) => `${w} 0 0 0 ${w} 700 d1 0 0 ${w} 700 re f`;
  const procs = [1, 2, 3].map((k) => add(`<< /Length ${glyph(500 + k * 50).length} >>\nstream\n${glyph(500 + k * 50)}\nendstream`));
  const type3 = add(
    `<< /Type /Font /Subtype /Type3 /FontBBox [0 0 700 700] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /g1 ${procs[0]} 0 R /g2 ${procs[1]} 0 R /g3 ${procs[2]} 0 R >> ` +
      `/Encoding << /Type /Encoding /Differences [1 /g1 /g2 /g3] >> /FirstChar 1 /LastChar 3 /Widths [550 600 650] >>`,
  );
  const kids: number[] = [];
  for (const p of pages) {
    const content = p.ops.join('\n');
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    const xobj = p.hasImage ? ` /XObject << /Im1 ${image} 0 R >>` : '';
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 ${helvetica} 0 R /F2 ${song} 0 R /F3 ${type3} 0 R >>${xobj} >> /Contents ${stream} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const id = createHash('md5').update(objects.join('')).digest();
  let encryptRef = '';
  if (options.userPassword !== undefined) {
    const enc = add(standardSecurity(options.userPassword, 'owner', id));
    encryptRef = ` /Encrypt ${enc} 0 R`;
  }
  const hexId = id.toString('hex');
  return pdfFile(objects, `/Root ${catalog} 0 R /ID [<${hexId}> <${hexId}>]${encryptRef}`);
}

/**
 * A PDF file of the given objects (object i + 1 is objects[i]) with its cross-reference table; `trailer` is
 * the rest of the trailer dictionary after its /Size (at least the /Root).
 */
export function pdfFile(objects: readonly string[], trailer: string): Buffer {
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${o.toString().padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// ───────────────────────── encryption (standard security handler, R2) ─────────────────────────

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let k = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

const padded = (pw: string) => Buffer.concat([Buffer.from(pw, 'latin1'), PAD]).subarray(0, 32);

/** The /Encrypt dictionary for a user password (PDF 1.4 §3.5.2, algorithms 3.2–3.4). */
function standardSecurity(user: string, owner: string, id: Buffer): string {
  const ownerKey = createHash('md5').update(padded(owner)).digest().subarray(0, 5);
  const o = rc4(ownerKey, padded(user));
  const p = -44; // print + copy allowed, nothing else
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p);
  const key = createHash('md5').update(Buffer.concat([padded(user), o, pBytes, id])).digest().subarray(0, 5);
  const u = rc4(key, PAD);
  return `<< /Filter /Standard /V 1 /R 2 /O <${o.toString('hex')}> /U <${u.toString('hex')}> /P ${p} >>`;
}

// ───────────────────────── a ruled-table helper ─────────────────────────

interface RuledCell {
  /** Row and column (of the table's grid) of the top-left atomic cell, and the span. */
  r: number;
  c: number;
  rs?: number;
  cs?: number;
  lines: string[];
}

/**
 * Draws a ruled table: `xs` and `ys` are the grid's boundaries (ys from the top), cells say where their
 * text goes and what they span; borders are drawn around every cell (not through merged cells).
 */
function ruledTable(page: PageBuilder, xs: number[], ys: number[], cells: RuledCell[], size = 9): void {
  for (const cell of cells) {
    const x0 = xs[cell.c]!;
    const x1 = xs[cell.c + (cell.cs ?? 1)]!;
    const y0 = ys[cell.r]!;
    const y1 = ys[cell.r + (cell.rs ?? 1)]!;
    page.line(x0, y0, x1, y0).line(x0, y1, x1, y1).line(x0, y0, x0, y1).line(x1, y0, x1, y1);
    const lead = size * 1.3;
    const top = (y0 + y1) / 2 - (lead * cell.lines.length) / 2 + size * 0.95;
    cell.lines.forEach((l, i) => page.centred((x0 + x1) / 2, top + i * lead, size, l));
  }
}

// ───────────────────────── the fixtures ─────────────────────────

function footer(page: PageBuilder, n: number): void {
  page.centred(PAGE_W / 2, PAGE_H - 40, 10, `— ${n} —`);
}

function paragraph(page: PageBuilder, baseline: number, s: string): void {
  page.text(72, baseline, 12, s);
}

/** A sec3-like table running over a page break: the header repeats, a group label is cut in two. */
export function tableAcrossPages(): Buffer {
  const p1 = new PageBuilder();
  paragraph(p1, 80, '某某镇人民政府2022年政府信息公开工作年度报告');
  paragraph(p1, 110, '三、收到和处理政府信息公开申请情况');
  const xs = [60, 130, 190, 330, 400, 470, 540];
  const header = (top: number): [number[], RuledCell[]] => [
    [top, top + 20, top + 40],
    [
      { r: 0, c: 0, rs: 2, cs: 3, lines: ['(本列数据的勾稽关系)'] },
      { r: 0, c: 3, cs: 3, lines: ['申请人情况'] },
      { r: 1, c: 3, lines: ['自然人'] },
      { r: 1, c: 4, lines: ['商业企业'] },
      { r: 1, c: 5, lines: ['总计'] },
    ],
  ];
  const [hy1, hc1] = header(600);
  const body1 = [640, 660, 680, 700, 720, 740];
  const rows1: RuledCell[] = [
    { r: 2, c: 0, cs: 3, lines: ['一、本年新收政府信息公开申请数量'] },
    ...figures(2, [3, 1, 4]),
    { r: 3, c: 0, cs: 3, lines: ['二、上年结转政府信息公开申请数量'] },
    ...figures(3, [0, 0, 0]),
    { r: 4, c: 0, rs: 3, lines: ['三、本年度', '办理结果'] },
    { r: 4, c: 1, cs: 2, lines: ['(一)予以公开'] },
    ...figures(4, [2, 1, 3]),
    { r: 5, c: 1, cs: 2, lines: ['(二)部分公开'] },
    ...figures(5, [0, 0, 0]),
    { r: 6, c: 1, lines: ['(三)不予'] },
    { r: 6, c: 2, lines: ['1.属于国家秘密'] },
    ...figures(6, [1, 0, 1]),
  ];
  ruledTable(p1, xs, [...hy1.slice(0, 2), ...body1], [...hc1, ...rows1]);
  footer(p1, 1);
  const p2 = new PageBuilder();
  const [hy2, hc2] = header(60);
  const body2 = [100, 120, 140, 160, 180];
  const rows2: RuledCell[] = [
    { r: 2, c: 0, rs: 3, lines: [] },
    { r: 2, c: 1, rs: 2, lines: ['公开'] },
    { r: 2, c: 2, lines: ['2.其他法律行政法规禁止公开'] },
    ...figures(2, [7, 0, 7]),
    { r: 3, c: 2, lines: ['3.危及“三安全一稳定”'] },
    ...figures(3, [0, 12, 12]),
    { r: 4, c: 1, cs: 2, lines: ['(七)总计'] },
    ...figures(4, [10, 13, 23]),
    { r: 5, c: 0, cs: 3, lines: ['四、结转下年度继续办理'] },
    ...figures(5, [0, 0, 0]),
  ];
  ruledTable(p2, xs, [...hy2.slice(0, 2), ...body2], [...hc2, ...rows2]);
  paragraph(p2, 230, '四、政府信息公开行政复议、行政诉讼情况');
  footer(p2, 2);
  return writePdf([p1, p2]);
}

/**
 * The group label "(四)无法提供" cut by a page break after its first line, "(四)无" — which alone reads like
 * the blank marker 无 — with "法提供" at the top of the next page (made for tests, not written to gen/).
 */
export function markerLabelAcrossPages(): Buffer {
  // The official seven columns: 自然人, the five under 法人或其他组织, 总计.
  const xs = [30, 90, 135, 278, 315, 352, 389, 426, 463, 500, 540];
  const header = (top: number): [number[], RuledCell[]] => [
    [top, top + 20, top + 50],
    [
      { r: 0, c: 0, rs: 2, cs: 3, lines: ['(本列数据的勾稽关系)'] },
      { r: 0, c: 3, cs: 7, lines: ['申请人情况'] },
      { r: 1, c: 3, lines: ['自然人'] },
      { r: 1, c: 4, lines: ['商业', '企业'] },
      { r: 1, c: 5, lines: ['科研', '机构'] },
      { r: 1, c: 6, lines: ['社会公', '益组织'] },
      { r: 1, c: 7, lines: ['法律服', '务机构'] },
      { r: 1, c: 8, lines: ['其他'] },
      { r: 1, c: 9, lines: ['总计'] },
    ],
  ];
  const row = (r: number, natural: number, commercial: number): RuledCell[] => figures(r, [natural, commercial, 0, 0, 0, 0, natural + commercial]);
  const p1 = new PageBuilder();
  paragraph(p1, 80, '某某镇人民政府2022年政府信息公开工作年度报告');
  paragraph(p1, 110, '三、收到和处理政府信息公开申请情况');
  const [hy1, hc1] = header(630);
  ruledTable(
    p1,
    xs,
    [...hy1, 700, 720, 740, 760],
    [
      ...hc1,
      { r: 2, c: 0, cs: 3, lines: ['一、本年新收政府信息公开申请数量'] },
      ...row(2, 3, 2),
      { r: 3, c: 0, rs: 2, lines: ['三、本年度', '办理结果'] },
      { r: 3, c: 1, cs: 2, lines: ['(一)予以公开'] },
      ...row(3, 2, 0),
      { r: 4, c: 1, lines: ['(四)无'] },
      { r: 4, c: 2, lines: ['1.本机关不掌握相关政府信息'] },
      ...row(4, 1, 0),
    ],
  );
  footer(p1, 1);
  const p2 = new PageBuilder();
  const [hy2, hc2] = header(60);
  ruledTable(
    p2,
    xs,
    [...hy2, 130, 150, 170, 190, 210],
    [
      ...hc2,
      { r: 2, c: 0, rs: 3, lines: [] },
      { r: 2, c: 1, rs: 2, lines: ['法提供'] },
      { r: 2, c: 2, lines: ['2.没有现成信息需要另行制作'] },
      ...row(2, 0, 0),
      { r: 3, c: 2, lines: ['3.补正后申请内容仍不明确'] },
      ...row(3, 0, 2),
      { r: 4, c: 1, cs: 2, lines: ['(七)总计'] },
      ...row(4, 3, 2),
      { r: 5, c: 0, cs: 3, lines: ['四、结转下年度继续办理'] },
      ...row(5, 0, 0),
    ],
  );
  paragraph(p2, 260, '四、政府信息公开行政复议、行政诉讼情况');
  footer(p2, 2);
  return writePdf([p1, p2]);
}

function figures(r: number, values: (number | string)[], c0 = 3): RuledCell[] {
  return values.map((v, i) => ({ r, c: c0 + i, lines: v === '' ? [] : [String(v)] }));
}

/** Labels wrapped over two lines inside their cells, figures centred between the lines. */
export function wrappedLabels(): Buffer {
  const p = new PageBuilder();
  paragraph(p, 80, '三、收到和处理政府信息公开申请情况');
  const xs = [60, 260, 330, 400, 470, 540];
  const ys = [100, 130, 150, 180, 200];
  ruledTable(p, xs, ys, [
    { r: 0, c: 0, lines: ['项目'] },
    { r: 0, c: 1, lines: ['自然人'] },
    { r: 0, c: 2, lines: ['法律服务', '机构'] },
    { r: 0, c: 3, lines: ['其他'] },
    { r: 0, c: 4, lines: ['总计'] },
    { r: 1, c: 0, lines: ['(一)予以公开'] },
    ...figures(1, [5, 0, 1, 6], 1),
    { r: 2, c: 0, lines: ['(二)部分公开(区分处理的，只计这', '一情形，不计其他情形)'] },
    ...figures(2, [2, '', 0, 2], 1),
    { r: 3, c: 0, lines: ['(七)总计'] },
    ...figures(3, [7, 0, 1, 8], 1),
  ]);
  return writePdf([p]);
}

/** A table without any ruling line: columns from the alignment of figures and headers. */
export function borderlessTable(): Buffer {
  const p = new PageBuilder();
  paragraph(p, 80, '二、主动公开政府信息情况');
  const cols = [300, 380, 460, 530];
  p.centred(420, 110, 10, '法人或其他组织');
  p.text(72, 128, 10, '信息内容');
  ['自然人', '商业企业', '科研机构', '总计'].forEach((h, i) => p.centred(cols[i]!, 128, 10, h));
  const row = (baseline: number, label: string[], values: (number | string)[]) => {
    const lead = 13;
    const top = baseline - ((label.length - 1) * lead) / 2;
    label.forEach((l, i) => p.text(72, top + i * lead, 10, l));
    values.forEach((v, i) => v !== '' && p.centred(cols[i]!, baseline, 10, String(v)));
  };
  row(150, ['一、本年新收政府信息公开申请数量'], [12, 3, 0, 15]);
  row(172, ['二、上年结转政府信息公开申请数量'], [1, '', 0, 1]);
  row(200, ['(二)部分公开(区分处理的，只计', '这一情形，不计其他情形)'], [4, 0, 0, 4]);
  row(228, ['四、结转下年度继续办理'], [0, 0, 0, 0]);
  paragraph(p, 280, '三、收到和处理政府信息公开申请情况');
  return writePdf([p]);
}

/** Chinese with spaces between the characters (literal spaces, and wide character spacing). */
export function spacedChinese(): Buffer {
  const p = new PageBuilder();
  p.text(72, 80, 16, '某 县 人 民 政 府 2 0 2 1 年 政 府 信 息 公 开 工 作 年 度 报 告'.replace(/ (?=\d)|(?<=\d) /g, ''));
  p.text(72, 120, 12, '一 、 总 体 情 况');
  p.text(72, 150, 12, '本年度主动公开政府信息', 6);
  const xs = [60, 300, 420, 540];
  const ys = [180, 200, 220, 240];
  ruledTable(p, xs, ys, [
    { r: 0, c: 0, lines: ['信 息 内 容'] },
    { r: 0, c: 1, lines: ['本 年 制 发 件 数'] },
    { r: 0, c: 2, lines: ['现 行 有 效 件 数'] },
    { r: 1, c: 0, lines: ['规 章'] },
    ...figures(1, [0, 3], 1),
    { r: 2, c: 0, lines: ['行 政 规 范 性 文 件'] },
    ...figures(2, [12, 40], 1),
  ]);
  return writePdf([p]);
}

/**
 * Pages needing OCR: a text page, then a picture-only page (a scan), a scan with a text layer holding only
 * its title (no digit), and a page of glyphs without any Unicode mapping.
 */
export function needsOcr(): Buffer {
  const p1 = new PageBuilder();
  paragraph(p1, 80, '某某局2021年政府信息公开工作年度报告');
  const p2 = new PageBuilder().image(40, 40, 515, 760);
  const p3 = new PageBuilder().image(40, 40, 515, 760);
  paragraph(p3, 80, '三、收到和处理政府信息公开申请情况');
  const p4 = new PageBuilder().glyphsWithoutText(72, 100, 30);
  return writePdf([p1, p2, p3, p4]);
}

/**
 * A report whose section 四 table is pasted as a picture (`table`: a JPEG of the table, `tableHeight` its height
 * on the page in points), with prose that quotes figures on the same page. `withTextTable` adds a table in text
 * (section 二's) above it, as a report that pastes only some tables would.
 */
/**
 * A report page with a picture under section 四 (the JPEG `table`, or a grey box): `textTable` 'every' adds a table in
 * text whose header prints a word of each of the report's tables; 'sec2' one that prints section 二's only.
 */
export function tableAsPicture(table: { bytes: Buffer; width: number; height: number } | undefined, tableHeight: number, textTable: 'every' | 'sec2' | null = null): Buffer {
  const p = new PageBuilder();
  paragraph(p, 60, '某某县人民政府2021年政府信息公开工作年度报告');
  paragraph(p, 90, '一、总体情况');
  paragraph(p, 110, '2021年，本机关共收到政府信息公开申请15件，办理行政复议5件。');
  if (textTable) {
    const words = textTable === 'every' ? ['本年制发件数', '商业企业', '结果维持'] : ['本年制发件数', '本年废止件数', '现行有效件数'];
    ruledTable(p, [60, 200, 320, 440, 540], [125, 145, 165], [
      { r: 0, c: 0, lines: ['信息内容'] },
      ...words.map((w, i) => ({ r: 0, c: i + 1, lines: [w] })),
      { r: 1, c: 0, lines: ['规章'] },
      ...figures(1, [0, 0, 0], 1),
    ]);
  }
  paragraph(p, 185, '四、政府信息公开行政复议、行政诉讼情况');
  p.image(40, 200, 515, tableHeight);
  paragraph(p, 200 + tableHeight + 30, '五、存在的主要问题及改进情况');
  paragraph(p, 200 + tableHeight + 50, '2021年度工作仍有不足，2022年将改进。');
  return writePdf([p], table ? { jpeg: table } : {});
}

/** A PDF that is not an annual report. */
export function noReport(): Buffer {
  const p = new PageBuilder();
  paragraph(p, 80, '关于召开春季运动会的通知');
  paragraph(p, 110, '各班级：定于4月20日上午8时在学校操场举行春季运动会，请各班做好准备。');
  paragraph(p, 140, 'Meeting room 301, 2024-04-20.');
  return writePdf([p]);
}

export function encrypted(): Buffer {
  const p = new PageBuilder();
  paragraph(p, 80, '某某局2021年政府信息公开工作年度报告');
  return writePdf([p], { userPassword: 'secret' });
}

/** A download cut short: the first 60% of a valid file. */
export function truncated(): Buffer {
  const whole = tableAcrossPages();
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

export const FIXTURES: Record<string, () => Buffer> = {
  'table-across-pages': tableAcrossPages,
  'wrapped-labels': wrappedLabels,
  borderless: borderlessTable,
  'spaced-chinese': spacedChinese,
  'needs-ocr': needsOcr,
  'no-report': noReport,
  encrypted,
  truncated,
};

function main(): void {
  const dir = join(process.cwd(), 'tests', 'fixtures', 'pdf', 'gen');
  mkdirSync(dir, { recursive: true });
  for (const [name, make] of Object.entries(FIXTURES)) {
    writeFileSync(join(dir, `${name}.pdf`), make());
    console.log(`wrote ${join('tests/fixtures/pdf/gen', name + '.pdf')}`);
  }
}

if (process.argv[1] && /make-pdf-fixtures\.(js|ts)$/.test(process.argv[1])) main();
