/**
 * Documents opened for text run on the build's copy of pdf.js's worker (dist/pdfjs-text-worker.mjs), which
 * parses embedded fonts but does not compile them into font files; rendering keeps pdf.js unchanged.
 * These tests fail if the copy builds font files again (a patch no longer applied), if the build would write a
 * copy without a patch, if the text path reads anything different from pdf.js unchanged, or if rendering lost
 * its glyphs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { pdfFile } from '../scripts/generate/make-pdf-fixtures.js';
import { patchWorkerSource, WORKER_PATCHES } from '../scripts/generate/pdfjs-text-worker.js';
import { renderPage } from '../src/extract/ocr/ocr-image.js';
import { loadPdfJs, loadPdfJsForRendering, openPdf } from '../src/extract/pdf/pdf.js';
import { copyForDelivery, LoopbackPort, textWorker } from '../src/extract/pdf/pdf-text-worker.js';
import { loadFile, type LoadedFile } from '../src/stages/load.js';

const PDF_DIR = join(import.meta.dirname, 'fixtures', 'pdf');
/** The text-layer samples: four embed Type1 fonts, one TrueType (not patched: read as pdf.js reads them). */
const SAMPLES = readdirSync(PDF_DIR)
  .filter((f) => f.endsWith('.text.pdf'))
  .sort()
  .map((f) => join(PDF_DIR, f));
/** Edge-case PDFs with non-embedded fonts (cMaps, standard fonts); the encrypted and truncated ones do not open. */
const GENERATED = readdirSync(join(PDF_DIR, 'gen'))
  .filter((f) => f.endsWith('.pdf') && !/encrypted|truncated/.test(f))
  .sort()
  .map((f) => join(PDF_DIR, 'gen', f));
/** PDFs of font kinds the samples lack (see the folder's README): an embedded CFF font (Type1C). */
const TYPE1C = join(import.meta.dirname, 'fixtures', 'pdf-fonts', 'type1c-cmr10.pdf');
const TYPE1_SAMPLE = SAMPLES[0]!;
/** The sample whose fonts are embedded TrueType (see the font kinds above). */
const TRUETYPE_SAMPLE = SAMPLES.find((f) => f.includes('003_'))!;

type PdfJs = Awaited<ReturnType<typeof loadPdfJs>>;
type PdfDocument = Awaited<ReturnType<typeof openPdf>>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

async function open(path: string, textOnly: boolean): Promise<PdfDocument> {
  return openPdf(await loadPdfJs(), await loadFile(path), { textOnly });
}

/** The length of a table in an OpenType/TrueType file (the font file pdf.js hands to a renderer), or null. */
function tableLength(font: Uint8Array, tag: string): number | null {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = view.getUint16(4);
  for (let i = 0, p = 12; i < tables; i++, p += 16) {
    if (String.fromCharCode(...font.subarray(p, p + 4)) === tag) return view.getUint32(p + 12);
  }
  return null;
}

/** The font files pdf.js made for the fonts a page uses, by name (empty when none came); read after its operator list. */
async function pageFonts(pdfjs: PdfJs, page: PdfPage): Promise<Map<string, Uint8Array>> {
  const ops = await page.getOperatorList();
  const fonts = new Map<string, Uint8Array>();
  for (let i = 0; i < ops.fnArray.length; i++) {
    if (ops.fnArray[i] !== pdfjs.OPS.setFont) continue;
    const id = (ops.argsArray[i] as [string])[0];
    const font = page.commonObjs.get(id) as { name: string; data?: Uint8Array };
    fonts.set(font.name, font.data ?? new Uint8Array(0));
  }
  return fonts;
}

/** Opens a PDF given as bytes, for text or for rendering. */
async function openBytes(bytes: Buffer, textOnly: boolean): Promise<PdfDocument> {
  const file: LoadedFile = { path: 'deflated.pdf', bytes, sha256: '', format: 'pdf', sizeBytes: bytes.length };
  return openPdf(await loadPdfJs(), file, { textOnly });
}

/**
 * A one-page PDF whose content stream is deflated (FlateDecode), as most real PDFs store theirs, and optionally
 * damaged: bytes after the zlib stream, its last bytes cut, or its checksum wrong.
 */
function deflatedPdf(damage: 'none' | 'trailing bytes' | 'truncated' | 'wrong checksum'): Buffer {
  const lines = Array.from({ length: 40 }, (_, i) => `BT /F1 11 Tf 72 ${760 - i * 16} Td (${i === 0 ? 'Deflated 2023' : `line ${i} figures ${i * 7}`}) Tj ET`);
  let z = deflateSync(Buffer.from(lines.join('\n'), 'latin1'));
  if (damage === 'trailing bytes') z = Buffer.concat([z, Buffer.from('\r\n\r\n')]);
  if (damage === 'truncated') z = z.subarray(0, z.length - 40);
  if (damage === 'wrong checksum') z = Buffer.concat([z.subarray(0, z.length - 1), Buffer.from([z[z.length - 1]! ^ 0xff])]);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${z.length} /Filter /FlateDecode >>\nstream\n${z.toString('latin1')}\nendstream`,
  ];
  return pdfFile(objects, '/Root 1 0 R');
}

/**
 * A PDF whose first font is a simple font with a /ToUnicode naming the predefined CMap UniGB-UCS2-H (the
 * one place pdf.js hands a CMap's own array to a font, whose map it may then amend from the font's encoding:
 * a Differences entry, code 128 → Euro, and WinAnsi's 192 → Agrave), and whose second font is a Chinese font
 * not embedded, encoded with the same predefined CMap, showing the same codes and two Chinese characters.
 * pdf.js parses the CMap for each font; a thread that keeps parsed CMaps must read both as pdf.js does.
 */
function sharedCMapPdf(): Buffer {
  const content = 'BT /F4 12 Tf 72 700 Td <80C0414243> Tj ET\nBT /F2 12 Tf 72 680 Td <008000C0004100428FD062A5> Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F4 4 0 R /F2 5 0 R >> >> /Contents 8 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [128 /Euro] >> /ToUnicode /UniGB-UCS2-H >>',
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R /DW 1000 >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  return pdfFile(objects, '/Root 1 0 R');
}

/** What a document's pages read, or the error that stopped the reading. */
async function outcome(bytes: Buffer, textOnly: boolean): Promise<{ pages: unknown[] } | { error: string }> {
  const doc = await openBytes(bytes, textOnly);
  try {
    return { pages: await readAll(doc) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  } finally {
    await doc.destroy();
  }
}

/** Glyphs drawn by a page's text-showing operators (objects in their arguments): only a renderer reads them. */
let glyphsSeen = 0;

/**
 * What the extractor reads of each page: its text content and its operator list — every operator, and the
 * arguments of all but the text-showing ones, of which only the spacing numbers are kept (their glyphs are
 * counted in glyphsSeen).
 */
async function readAll(doc: PdfDocument): Promise<unknown[]> {
  const { OPS } = await loadPdfJs();
  const pages: unknown[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    const ops = await page.getOperatorList();
    const argsArray = ops.argsArray.map((args: unknown, i) => {
      if (ops.fnArray[i] !== OPS.showText) return args;
      const shown = (args as [unknown[]])[0];
      glyphsSeen += shown.filter((g) => typeof g === 'object').length;
      return shown.filter((g) => typeof g === 'number');
    });
    pages.push({ items: content.items, styles: content.styles, fnArray: [...ops.fnArray], argsArray });
    page.cleanup();
  }
  // Font names carry the document's number (g_d3_f1): the same font in two documents has two names.
  return JSON.parse(JSON.stringify(pages).replace(/"g_d\d+_/g, '"g_d_')) as unknown[];
}

describe('the text-only pdf.js worker', () => {
  it.each([
    ['Type1', TYPE1_SAMPLE, 'CFF '],
    ['CFF (Type1C)', TYPE1C, 'CFF '],
    ['TrueType', TRUETYPE_SAMPLE, 'glyf'],
  ])('sends no font file for embedded %s fonts, where pdf.js unchanged sends the whole program', async (_kind, path, table) => {
    const pdfjs = await loadPdfJsForRendering();
    const bytes = (await loadFile(path)).bytes;
    for (const worker of [await textWorker(pdfjs), null]) {
      // fontExtraProperties keeps each font's file on the main side (pdf.js drops it once loaded otherwise).
      const params = { data: new Uint8Array(bytes), fontExtraProperties: true, isEvalSupported: false, verbosity: 0 };
      const doc = await pdfjs.getDocument(worker ? { ...params, worker } : params).promise;
      try {
        const fonts = await pageFonts(pdfjs, await doc.getPage(1));
        expect(fonts.size).toBeGreaterThan(0);
        for (const [name, data] of fonts) {
          if (worker) expect(data.length, `${name}, text-only worker`).toBe(0);
          else expect(tableLength(data, table), `${name}, pdf.js unchanged`).toBeGreaterThan(1000);
        }
      } finally {
        await doc.destroy();
      }
    }
  });

  it('is the worker of documents opened for text, and of no other', async () => {
    const posted = vi.spyOn(LoopbackPort.prototype, 'postMessage');
    try {
      for (const textOnly of [false, true]) {
        posted.mockClear();
        const doc = await open(TYPE1_SAMPLE, textOnly);
        await (await doc.getPage(1)).getTextContent();
        await doc.destroy();
        if (textOnly) expect(posted).toHaveBeenCalled();
        else expect(posted).not.toHaveBeenCalled();
      }
    } finally {
      posted.mockRestore();
    }
  });

  it('reads the same text content and operator lists as pdf.js unchanged, without the glyphs of text operators', async () => {
    for (const path of [...SAMPLES, ...GENERATED, TYPE1C]) {
      const textDoc = await open(path, true);
      const renderDoc = await open(path, false);
      try {
        glyphsSeen = 0;
        const text = await readAll(textDoc);
        expect(glyphsSeen, `${path}: glyphs in the text path's operator list`).toBe(0);
        const rendered = await readAll(renderDoc);
        expect(glyphsSeen, `${path}: glyphs for a renderer`).toBeGreaterThan(0);
        expect(text, path).toEqual(rendered);
      } finally {
        await textDoc.destroy();
        await renderDoc.destroy();
      }
    }
  });

  it('inflates deflated streams in the thread, with what pdf.js unchanged reads, damaged streams included', async () => {
    const made: string[] = [];
    const Original = globalThis.DecompressionStream;
    // Counts the web streams pdf.js asks for; the text-only copy inflates "deflate" with zlib instead.
    globalThis.DecompressionStream = class extends Original {
      constructor(format: ConstructorParameters<typeof Original>[0]) {
        super(format);
        made.push(format);
      }
    };
    const outcomes: string[] = [];
    try {
      for (const damage of ['none', 'trailing bytes', 'truncated', 'wrong checksum'] as const) {
        const file = deflatedPdf(damage);
        made.length = 0;
        const text = await outcome(file, true);
        expect(made, damage).toEqual([]);
        const rendered = await outcome(file, false);
        expect(made.length, damage).toBeGreaterThan(0);
        expect(text, damage).toEqual(rendered);
        outcomes.push(`${damage}: ${'error' in text ? text.error : JSON.stringify(text.pages).includes('Deflated 2023') ? 'read' : 'not read'}`);
      }
      // zlib takes the whole streams; it refuses the damaged ones, which pdf.js's own decoder reads as far as it can.
      expect(outcomes).toEqual(['none: read', 'trailing bytes: read', 'truncated: Bad encoding in flate stream', 'wrong checksum: read']);
    } finally {
      globalThis.DecompressionStream = Original;
    }
  });

  it('parses predefined CMaps and builds their ToUnicode maps once per thread: a second document fetches no CMap', async () => {
    const [first, second] = GENERATED.filter((f) => /table-across-pages|wrapped-labels/.test(f));
    const posted = vi.spyOn(LoopbackPort.prototype, 'postMessage');
    try {
      const fetched = (): string[] =>
        posted.mock.calls
          .map(([message]) => message as { action?: string; data?: { filename?: string } })
          .filter((m) => m.action === 'FetchBinaryData')
          .map((m) => m.data?.filename ?? '');
      const texts: string[] = [];
      for (const path of [first!, second!]) {
        posted.mockClear();
        const doc = await open(path, true);
        const content = await (await doc.getPage(1)).getTextContent();
        texts.push(content.items.map((i) => ('str' in i ? i.str : '')).join(''));
        await doc.destroy();
      }
      // The second document's font names the same CMap (UniGB-UCS2-H) and collection (Adobe-GB1) as the first's.
      expect(fetched().filter((f) => f.endsWith('.bcmap'))).toEqual([]);
      // And its Chinese is read: the maps it was given work.
      for (const text of texts) expect(text).toMatch(/[\u4e00-\u9fff]{4}/);
    } finally {
      posted.mockRestore();
    }
  });

  it('reads two fonts of one predefined CMap as pdf.js does, though the thread keeps the CMap parsed', async () => {
    const file = sharedCMapPdf();
    const text = await outcome(file, true);
    const rendered = await outcome(file, false);
    expect(text).toEqual(rendered);
    // Read twice in the thread, with the CMap kept from the first reading: the same again.
    expect(await outcome(file, true)).toEqual(rendered);
    // What pdf.js makes of it: the CMap's CIDs as the first font's characters, with € and À from its encoding;
    // and the second font's codes as Unicode, its Chinese included.
    const strings = 'pages' in text ? JSON.stringify(text.pages) : '';
    expect(strings).toContain('"str":"€À');
    expect(strings).toContain('"str":"\u0080ÀAB运报"');
  });

  it('does not decode the pictures a page paints: a scan is read for its text layer without decoding its image', async () => {
    const scan = join(PDF_DIR, readdirSync(PDF_DIR).filter((f) => f.endsWith('.scan.pdf')).sort()[0]!);
    const posted = vi.spyOn(LoopbackPort.prototype, 'postMessage');
    try {
      const doc = await open(scan, true);
      const page = await doc.getPage(1);
      const { OPS } = await loadPdfJs();
      const ops = await page.getOperatorList();
      // The picture is still painted, where it was: what needs-OCR and picture coverage read.
      expect(ops.fnArray).toContain(OPS.paintImageXObject);
      await doc.destroy();
      // The pictures sent to the main side: [id, page, "Image", data] or [id, "Image", data] — all without pixels.
      const images = posted.mock.calls
        .map(([message]) => message as { action?: string; data?: unknown[] })
        .filter((m) => (m.action === 'obj' || m.action === 'commonobj') && m.data?.includes('Image'));
      expect(images.length).toBeGreaterThan(0);
      for (const m of images) expect(m.data!.at(-1)).toBeNull();
    } finally {
      posted.mockRestore();
    }
  });

  it('leaves rendering its glyphs: ink where the text layer puts the first line of a text PDF', async () => {
    // After a document was read for text in this thread (the copy is loaded), so this also fails if the copy
    // had taken the place of pdf.js's own worker.
    const textDoc = await open(TYPE1_SAMPLE, true);
    await readAll(textDoc);
    await textDoc.destroy();
    const doc = await open(TYPE1_SAMPLE, false);
    try {
      const page = await doc.getPage(1);
      const item = (await page.getTextContent()).items.find((i) => 'str' in i && i.str.trim().length >= 4) as
        | { str: string; transform: number[]; width: number; height: number }
        | undefined;
      expect(item).toBeDefined();
      const dpi = 72;
      const { grey } = await renderPage(page, dpi);
      // The item's box in page pixels (72 dpi: one pixel per point; the viewport flips y).
      const [, , , , x, y] = item!.transform as [number, number, number, number, number, number];
      const top = Math.round(grey.height - y - item!.height);
      let ink = 0;
      let pixels = 0;
      for (let py = Math.max(0, top); py < Math.min(grey.height, top + Math.ceil(item!.height)); py++) {
        for (let px = Math.max(0, Math.round(x)); px < Math.min(grey.width, Math.round(x + item!.width)); px++) {
          pixels++;
          if (grey.data[py * grey.width + px]! < 128) ink++;
        }
      }
      expect(pixels).toBeGreaterThan(100);
      // The title's glyphs cover 28% of its box; drawn with the text-only worker's fonts, 0%.
      expect(ink / pixels).toBeGreaterThan(0.1);
    } finally {
      await doc.destroy();
    }
  });
});

describe('patchWorkerSource', () => {
  const source = WORKER_PATCHES.map((p) => `before\n${p.find}after\n`).join('');

  it('replaces each patched line', () => {
    const out = patchWorkerSource(source, '9.9.9');
    for (const p of WORKER_PATCHES) {
      expect(out).not.toContain(p.find);
      expect(out).toContain(p.replace);
    }
    expect(out).toContain('export const ogiPdfjsVersion = "9.9.9";');
  });

  it('fails, naming the version, when a line is missing or found twice', () => {
    const first = WORKER_PATCHES[0]!;
    expect(() => patchWorkerSource(source.replace(first.find, ''), '9.9.9')).toThrow(/pdfjs-dist 9\.9\.9.*found 0/s);
    expect(() => patchWorkerSource(source + first.find, '9.9.9')).toThrow(/pdfjs-dist 9\.9\.9.*found 2/s);
  });
});

describe('LoopbackPort', () => {
  /** Posts a message and returns what a listener receives once pdf.js's sender has done `after`. */
  async function deliver(message: unknown, after: () => void, transfer?: ArrayBuffer[]): Promise<unknown> {
    const port = new LoopbackPort();
    const received = new Promise<unknown>((resolve) => port.addEventListener('message', (event) => resolve(event.data)));
    port.postMessage(message, transfer);
    after();
    return received;
  }

  it('delivers a text-content chunk whole though pdf.js gives its object new items and styles right after posting', async () => {
    const textContent = { items: [{ str: '一、总体情况', transform: [1, 0, 0, 1, 72, 700] }], styles: Object.create(null) as Record<string, unknown>, lang: null };
    textContent.styles.f1 = { fontFamily: 'serif' };
    const message = { sourceName: 'worker', targetName: 'main', stream: 4, streamId: 1, chunk: textContent };
    const got = (await deliver(message, () => {
      textContent.items = [];
      textContent.styles = Object.create(null) as Record<string, unknown>;
    })) as typeof message;
    expect(got.chunk).not.toBe(textContent);
    expect(got.chunk.items).toEqual([{ str: '一、总体情况', transform: [1, 0, 0, 1, 72, 700] }]);
    expect(got.chunk.styles.f1).toEqual({ fontFamily: 'serif' });
  });

  it('delivers an operator-list chunk whole though pdf.js empties its arrays right after posting', async () => {
    const fnArray = [10, 91, 11];
    const argsArray: unknown[] = [null, [22, [new Float32Array([0, 1, 2, 3, 4])], new Float32Array([1, 2, 3, 4])], null];
    const message = { sourceName: 'worker', targetName: 'main', stream: 4, streamId: 2, chunk: { fnArray, argsArray, lastChunk: false, separateAnnots: null, length: 3 } };
    const got = (await deliver(message, () => {
      fnArray.length = 0;
      argsArray.length = 0;
    })) as typeof message;
    expect(got.chunk.fnArray).toEqual([10, 91, 11]);
    expect(got.chunk.argsArray).toHaveLength(3);
    expect((got.chunk.argsArray[1] as unknown[])[0]).toBe(22);
  });

  it('copies a message of plain values, and clones any other, transfers included', async () => {
    const pull = { sourceName: 'main', targetName: 'worker', stream: 6, streamId: 3, desiredSize: 1 };
    const got = await deliver(pull, () => undefined);
    expect(got).toEqual(pull);
    expect(got).not.toBe(pull);

    const data = { action: 'GetDoc', data: { numPages: 3, fingerprints: ['a', null] } };
    const cloned = (await deliver(data, () => (data.data.numPages = 99))) as typeof data;
    expect(cloned.data.numPages).toBe(3);

    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const withTransfer = { action: 'DataLoaded', data: { bytes: buffer } };
    const moved = (await deliver(withTransfer, () => undefined, [buffer])) as typeof withTransfer;
    expect(new Uint8Array(moved.data.bytes)).toEqual(new Uint8Array([1, 2, 3]));
    expect(buffer.byteLength).toBe(0);
  });

  it('clones a chunk of any other kind', () => {
    const chunk = { annotations: [{ id: '1R' }] };
    const message = { stream: 4, streamId: 5, chunk };
    const copy = copyForDelivery(message) as typeof message;
    expect(copy.chunk.annotations).toEqual(chunk.annotations);
    expect(copy.chunk.annotations).not.toBe(chunk.annotations);
  });
});
