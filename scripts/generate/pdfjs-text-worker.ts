/**
 * Build step: a copy of pdf.js's worker module for reading text only, `dist/pdfjs-text-worker.mjs`.
 *
 * Reading a text-layer PDF never renders a glyph, yet pdf.js converts every embedded Type1 and CFF font into
 * an OpenType file for a browser's font loader (`Type1Font` → `wrap` → `CFFCompiler.compile`): ~40% of the
 * CPU of extracting the sample PDFs. The copy made here leaves out that compilation — the font program is
 * still parsed, so glyph names, encodings, widths and accents (seac) are read as before —, copies the text
 * state without prototype chains (faster, same fields), leaves the glyphs out of operator lists and does not
 * decode pictures (only a renderer reads either), sends no font file to the main side, builds no system-font
 * map for fonts not embedded, parses each predefined CMap and builds the ToUnicode map of one once per
 * thread, and inflates deflated streams with zlib in the thread
 * rather than through a web DecompressionStream. The text content is the same, and so are the operator lists
 * but for those glyphs (tests/pdf-text-worker.test.ts). Text extraction opens documents with this copy
 * (src/extract/pdf/pdf.ts, `openPdf(…, { textOnly: true })`); rendering (OCR, the review server) keeps the
 * unchanged module from node_modules.
 *
 * Each change is an exact string that must occur exactly once in the module of the installed pdfjs-dist;
 * otherwise the build fails, naming the version, rather than write a copy that silently builds fonts again.
 * A pdfjs-dist update that moves these lines needs this file looked at again.
 *
 *   node dist/scripts/generate/pdfjs-text-worker.js [--out FILE]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One exact replacement in the worker module, and why it is safe for text extraction. */
export interface WorkerPatch {
  name: string;
  find: string;
  replace: string;
}

/** Marks every replaced spot in the copy, so a reader of the generated file sees what differs. */
const MARK = '/* ogi text-only copy: see scripts/generate/pdfjs-text-worker.ts */';

/** What the patches use that the module does not import itself. */
const PRELUDE =
  'import { inflateSync as ogiInflateSync } from "node:zlib";\n' +
  '/* ToUnicode maps of predefined CMaps, by CMap name and collection, and the predefined CMaps parsed, by name (see the patches). */\n' +
  'const ogiToUnicodeMaps = new Map();\nconst ogiBuiltInCMaps = new Map();\n';

export const WORKER_PATCHES: readonly WorkerPatch[] = [
  {
    // The CFF program a Type1 font is rebuilt into is only ever read by a renderer (the font face, or the
    // glyph paths built from it). `Font.convert` still wraps this empty program in an OpenType file, and
    // every other field — charstrings, glyph names, seacs, widths — is set as before.
    name: 'Type1 fonts: no CFF program compiled',
    find: '    this.data = this.wrap(name, type2Charstrings, this.charstrings, subrs, properties);\n',
    replace: `    this.data = []; ${MARK}\n`,
  },
  {
    // The same for embedded CFF fonts (Type1C, CIDFontType0C, OpenType with a CFF table): the parsed font
    // (`this.cff`) stays, only its re-serialisation for a renderer is left out. The compiler also rewrites
    // parts of the top dict while serialising (charset offset, FontMatrix moved into the FDArray), which
    // nothing reads afterwards: the font matrix was already taken into `properties` by the parser.
    name: 'CFF fonts: no CFF program compiled',
    find: '      this.data = compiler.compile();\n',
    replace: `      this.data = []; ${MARK}\n`,
  },
  {
    // Saving the text state (each `q` while reading a page's text) copied the state into a new object whose
    // prototype was the old state: every copy became a prototype, with a shape of its own, so V8 could not
    // keep the text layer's many reads of the state fast. The copy now has the class's prototype. Same
    // fields: all of TextState's are class fields, so every one is an own property, copied as before.
    name: 'text state copies without prototype chains',
    find: '    const clone = Object.assign(Object.create(this), this);\n',
    replace: `    const clone = Object.assign(Object.create(Object.getPrototypeOf(this)), this); ${MARK}\n`,
  },
  {
    // An operator list carries, for every text-showing operator, the glyphs it draws: an object per character
    // (its font character, Unicode, width, …), made from the font and cloned across the loopback port — a
    // third of the port's cost. Only a renderer reads them. Reading text takes its characters from the text
    // content, which makes its own glyphs, and from the operator list only the operators (which ones, how
    // many) and the arguments of paths, transforms and pictures. So the text-showing operators stay in the
    // list, with an empty list of glyphs (a TJ's spacing numbers are kept).
    name: 'operator lists: no glyphs for text-showing operators',
    find: '  handleText(chars, state) {\n    const font = state.font;\n',
    replace: `  handleText(chars, state) {\n    return []; ${MARK}\n    const font = state.font;\n`,
  },
  {
    // Every font with a program is sent to the main side as a font file for a renderer: for TrueType and
    // OpenType fonts (CIDFontType2: the Chinese fonts Word embeds) the repaired file, whole. The main side then
    // writes it into a @font-face rule, base64 — ~7% of reading the TrueType sample — for a stand-in document
    // that drops the rule (src/extract/pdf/pdf.ts). Text needs none of it: the font is parsed and repaired as
    // before (its cmap, widths and ToUnicode come from that), and the file stays in the thread, unsent.
    name: 'no font file sent to the main side',
    find: '    amendFallbackToUnicode(properties);\n    this.data = data;\n',
    replace: `    amendFallbackToUnicode(properties);\n    this.data = []; ${MARK}\n`,
  },
  {
    // Building an operator list decodes each picture it paints (a scanned page's JPEG: ~80 ms a page here)
    // and posts the pixels to the main side, for a renderer. Reading text takes from a picture only that it is
    // painted, and where (the operator and the transform before it: needs-OCR and picture coverage): the
    // operators and their arguments stay as they are, and the main side is told the picture could not be
    // decoded, as pdf.js does when decoding fails. Scans (their text pass) and PDFs whose text lies over a
    // scan are read without decoding a picture. Image masks and small inline pictures are left as they were.
    name: 'pictures not decoded for text',
    find: '    PDFImage.buildImage({\n      xref: this.xref,\n',
    replace: `    this._sendImgData(objId, null, cacheGlobally); ${MARK}\n    if (false) PDFImage.buildImage({\n      xref: this.xref,\n`,
  },
  {
    // A font whose program is not embedded (a Chinese font named only, STSong-Light and the like) gets a map
    // from character codes to the characters of a system font standing in for it, built over every code of
    // its ToUnicode map (~18 ms a document for a CJK font). Only a renderer reads it: it gives a glyph its
    // `fontChar` and `isInFont`, which the text content never looks at (its characters come from the
    // ToUnicode map). The map stays empty, as a new font's is.
    name: 'no system-font character map for fonts not embedded',
    find: '    } else {\n      const glyphsUnicodeMap = getGlyphsUnicode();\n      const map = [];\n      this.toUnicode.forEach((charCode, unicodeCharCode) => {\n',
    replace: `    } else if (false) { ${MARK}\n      const glyphsUnicodeMap = getGlyphsUnicode();\n      const map = [];\n      this.toUnicode.forEach((charCode, unicodeCharCode) => {\n`,
  },
  {
    // A composite font with a predefined CMap (UniGB-UCS2-H and the like: Chinese fonts not embedded) gets its
    // ToUnicode map built from that CMap and its collection's UCS2 CMap (Adobe-GB1-UCS2): two CMaps parsed and
    // every code mapped, ~40 ms a document, the same result for every font of the same CMap and collection.
    // The thread keeps the map it built, by the CMap's name and the collection, and gives each later font a
    // copy of its own (a font's map may be amended afterwards: amendFallbackToUnicode). Only predefined
    // CMaps, which are files of the pdfjs-dist package, are kept: a CMap embedded in a document never is.
    name: 'ToUnicode maps of predefined CMaps built once per thread (lookup)',
    find: '      const ucs2CMapName = Name.get(`${registry}-${ordering}-UCS2`);\n      const ucs2CMap = await CMapFactory.create({\n',
    replace:
      '      const ucs2CMapName = Name.get(`${registry}-${ordering}-UCS2`);\n' +
      `      const ogiEncoding = properties.cMap.builtInCMap ? (typeof properties.cidEncoding === "string" ? properties.cidEncoding : properties.cidEncoding?.name) : undefined; ${MARK}\n` +
      '      const ogiKey = ogiEncoding ? `${ogiEncoding}|${registry}-${ordering}` : null;\n' +
      '      const ogiKept = ogiKey === null ? undefined : ogiToUnicodeMaps.get(ogiKey);\n' +
      '      if (ogiKept) {\n        return new ToUnicodeMap(ogiKept.slice());\n      }\n' +
      '      const ucs2CMap = await CMapFactory.create({\n',
  },
  {
    name: 'ToUnicode maps of predefined CMaps built once per thread (keep)',
    find: '          toUnicode[charcode] = String.fromCharCode(...buf);\n        }\n      });\n      return new ToUnicodeMap(toUnicode);\n',
    replace:
      '          toUnicode[charcode] = String.fromCharCode(...buf);\n        }\n      });\n' +
      `      if (ogiKey !== null) ogiToUnicodeMaps.set(ogiKey, toUnicode.slice()); ${MARK}\n` +
      '      return new ToUnicodeMap(toUnicode);\n',
  },
  {
    // Every document parses the predefined CMaps its fonts name (UniGB-UCS2-H: ~20 ms a document, half the
    // time of a short PDF whose Chinese fonts are not embedded). The thread keeps each predefined CMap it has
    // parsed, by name: they are files of the pdfjs-dist package, the same for every document. A CMap is only
    // written while it is parsed; the one place that handed out a CMap's own array, a /ToUnicode naming a
    // predefined CMap (which amendFallbackToUnicode may amend), gets a copy (next patch).
    name: 'predefined CMaps parsed once per thread',
    find: 'async function createBuiltInCMap(name, fetchBuiltInCMap) {\n',
    replace:
      `async function createBuiltInCMap(name, fetchBuiltInCMap) { ${MARK}\n` +
      '  let kept = ogiBuiltInCMaps.get(name);\n' +
      '  if (!kept) {\n' +
      '    kept = ogiParseBuiltInCMap(name, fetchBuiltInCMap);\n' +
      '    ogiBuiltInCMaps.set(name, kept);\n' +
      '    kept.catch(() => ogiBuiltInCMaps.delete(name));\n' +
      '  }\n' +
      '  return kept;\n' +
      '}\n' +
      'async function ogiParseBuiltInCMap(name, fetchBuiltInCMap) {\n',
  },
  {
    name: 'a /ToUnicode naming a predefined CMap gets a copy of its map',
    find: '      return new ToUnicodeMap(cmap.getMap());\n',
    replace: `      return new ToUnicodeMap(cmap.getMap().slice()); ${MARK}\n`,
  },
  {
    // Content streams and font files are inflated through a web DecompressionStream: zlib on libuv's thread
    // pool behind web streams, for a few kilobytes a page. The ingest worker then waited for the pool (~10% of
    // its time idle) and ran the streams' promise machinery (~7%). zlib's synchronous inflate is the same
    // decoder with the same outcomes: the same bytes, trailing bytes after the stream ignored, and the same
    // errors (truncated data, a wrong checksum), on which pdf.js falls back to its own decoder as before.
    // Only "deflate": the other format pdf.js asks for (brotli) stays as it was.
    name: 'deflate inflated by zlib in the thread',
    find: '    try {\n      const {\n        readable,\n        writable\n      } = new DecompressionStream(name);\n',
    replace:
      `    try {\n      if (name === "deflate") { ${MARK}\n        const inflated = ogiInflateSync(bytes);\n` +
      '        return { decompressed: new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength), compressed: bytes };\n      }\n' +
      '      const {\n        readable,\n        writable\n      } = new DecompressionStream(name);\n',
  },
  {
    // The module registers itself as the thread's worker; pdf.js's fake worker, used by every document not
    // opened for text (OCR, page images), takes whatever module is registered there. It must stay the
    // unchanged one.
    name: 'not registered as the thread worker (globalThis.pdfjsWorker)',
    find: 'globalThis.pdfjsWorker = {\n  WorkerMessageHandler: WorkerMessageHandler\n};\n',
    replace: `${MARK}\n`,
  },
];

/** Applies every patch to the module's source; throws, naming the version, if one does not match exactly once. */
export function patchWorkerSource(source: string, pdfjsVersion: string, patches: readonly WorkerPatch[] = WORKER_PATCHES): string {
  let out = source;
  for (const patch of patches) {
    const count = out.split(patch.find).length - 1;
    if (count !== 1) {
      throw new Error(
        `pdfjs-dist ${pdfjsVersion}: the text-only worker patch "${patch.name}" expects its line exactly once in ` +
          `legacy/build/pdf.worker.mjs, found ${count}. pdf.js changed: update scripts/generate/pdfjs-text-worker.ts ` +
          `(or install the pdfjs-dist version it was written for).`,
      );
    }
    out = out.replace(patch.find, () => patch.replace);
  }
  // The module's source map describes the original file, next to which it is not: dropped, as a tool would fail to read it.
  out = out.replace(/^\/\/# sourceMappingURL=.*$/m, '');
  // Read by src/extract/pdf/pdf-text-worker.ts: the copy is only used with the pdf.js it was made from.
  return `// Generated by scripts/generate/pdfjs-text-worker.ts from pdfjs-dist ${pdfjsVersion}; do not edit.\n${PRELUDE}${out}\nexport const ogiPdfjsVersion = ${JSON.stringify(pdfjsVersion)};\n`;
}

export const DEFAULT_TEXT_WORKER_FILE = fileURLToPath(new URL('../../pdfjs-text-worker.mjs', import.meta.url));

function main(argv: string[]): void {
  const i = argv.indexOf('--out');
  const out = i >= 0 && argv[i + 1] ? resolve(argv[i + 1]!) : DEFAULT_TEXT_WORKER_FILE;
  const packageJson = createRequire(import.meta.url).resolve('pdfjs-dist/package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const source = readFileSync(join(dirname(packageJson), 'legacy', 'build', 'pdf.worker.mjs'), 'utf8');
  const text = patchWorkerSource(source, version);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out} (pdf.js worker for text only, pdfjs-dist ${version}, ${WORKER_PATCHES.length} patches)\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
