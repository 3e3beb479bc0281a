/**
 * Extract dispatch (src/extract/index.ts): each format's extractor is loaded on first use, so a batch
 * of text or HTML never loads the readers of other formats. Checked in a child process running the
 * built code (`npm test` builds dist first), with a module-loading hook recording every module loaded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SAMPLES = join(ROOT, 'samples');
const tmp = mkdtempSync(join(tmpdir(), 'ogi-dispatch-'));

const HOOKS = `
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }
`;

const MAIN = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (u) => urls.push(u));
register(${JSON.stringify(pathToFileURL(join(tmp, 'hooks.mjs')).href)}, { data: { port: port2 }, transferList: [port2] });
const { extractDocument } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/src/extract/index.js')).href)});
const { loadFile } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/src/stages/load.js')).href)});
const seen = {};
for (const file of process.argv.slice(2)) {
  const doc = await extractDocument(await loadFile(file));
  await new Promise((r) => setTimeout(r, 50));
  seen[file] = { blocks: doc.blocks.length, modules: [...urls] };
}
port1.close();
process.stdout.write(JSON.stringify(seen));
`;

/** The modules loaded after extracting each file in turn (cumulative), by file. */
function modulesLoadedExtracting(files: string[]): Record<string, { blocks: number; modules: string[] }> {
  writeFileSync(join(tmp, 'hooks.mjs'), HOOKS);
  writeFileSync(join(tmp, 'main.mjs'), MAIN);
  return JSON.parse(execFileSync(process.execPath, [join(tmp, 'main.mjs'), ...files], { encoding: 'utf8' })) as Record<
    string,
    { blocks: number; modules: string[] }
  >;
}

const loaded = (modules: string[], pattern: RegExp): boolean => modules.some((u) => pattern.test(u));

describe('extract dispatch: extractors load on first use', () => {
  it('loads only the text reader for text, the HTML reader on the first page, the Word reader on the first .docx, the PDF reader on the first PDF', () => {
    const txt = join(SAMPLES, '000_e7764d80f1cd94c2.txt');
    const html = join(SAMPLES, '000_e7764d80f1cd94c2.html');
    const docx = join(SAMPLES, '000_e7764d80f1cd94c2.docx');
    const pdf = join(SAMPLES, '000_e7764d80f1cd94c2.text.pdf');
    const seen = modulesLoadedExtracting([txt, html, docx, pdf]);
    const afterText = seen[txt]!;
    const afterHtml = seen[html]!;
    const afterDocx = seen[docx]!;
    const afterPdf = seen[pdf]!;
    for (const step of [afterText, afterHtml, afterDocx, afterPdf]) expect(step.blocks).toBeGreaterThan(50);

    expect(loaded(afterText.modules, /\/extract\/text\/text\.js$/)).toBe(true);
    expect(loaded(afterText.modules, /\/extract\/html\/html\.js$|htmlparser2|\/extract\/word\/docx\.js$|\/extract\/pdf\/pdf\.js$|cheerio|pdfjs|tesseract|mammoth/)).toBe(false);

    expect(loaded(afterHtml.modules, /\/extract\/html\/html\.js$/)).toBe(true);
    expect(loaded(afterHtml.modules, /htmlparser2/)).toBe(true);
    expect(loaded(afterHtml.modules, /\/extract\/word\/docx\.js$|\/extract\/word\/zip-reader\.js$|\/extract\/pdf\/pdf\.js$|cheerio|pdfjs|tesseract|mammoth/)).toBe(false);

    expect(loaded(afterDocx.modules, /\/extract\/word\/docx\.js$/)).toBe(true);
    expect(loaded(afterDocx.modules, /cheerio|\/extract\/pdf\/pdf\.js$|pdfjs|tesseract|mammoth/)).toBe(false);

    expect(loaded(afterPdf.modules, /\/extract\/pdf\/pdf\.js$/)).toBe(true);
    expect(loaded(afterPdf.modules, /pdfjs-dist/)).toBe(true);
  });
});
