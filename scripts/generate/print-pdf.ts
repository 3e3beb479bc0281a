/**
 * Documents printed to PDF by the programs that make most of the PDFs people download: a web page printed by
 * Chromium ("Print → Save as PDF"), a Word file exported by LibreOffice. Used by the printed-PDF corpus
 * (scripts/bench/printed-pdf-corpus.ts) and to make tests/fixtures/chromium.
 *
 * Needs Chromium (Debian: chromium; or OGI_CHROMIUM) or LibreOffice (Debian: libreoffice-writer-nogui), and a
 * CJK font (fonts-noto-cjk); ogi itself needs neither.
 *
 *   npm run build && node dist/scripts/generate/print-pdf.js OUT_DIR PAGE.html…   (Chromium)
 *   npm run build && node dist/scripts/generate/print-pdf.js OUT_DIR FILE.docx…   (LibreOffice)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

type BrowserPage = import('playwright-core').Page;

/** Web pages (their bytes, in their own charset) printed by headless Chromium on A4, in order. */
export function printPagesWithChromium(pages: Buffer[]): Promise<Buffer[]> {
  return printWithChromium(pages, 1, async () => {});
}

/**
 * Web pages printed by headless Chromium with every table pasted as a picture (a screenshot of the table, at
 * twice the screen's resolution, in the table's place): a report whose tables are images beside its text, as
 * some sites and Word files have them.
 */
export function printPagesWithTablesAsPictures(pages: Buffer[]): Promise<Buffer[]> {
  return printWithChromium(pages, 2, tablesAsPictures);
}

async function tablesAsPictures(page: BrowserPage): Promise<void> {
  // Outermost tables only (a layout table holding the report is not a table of figures), last first.
  const tables = await page.$$('table:not(table table)');
  for (const table of tables.reverse()) {
    const width = await table.evaluate((t) => t.getBoundingClientRect().width);
    const png = (await table.screenshot({ type: 'png' })).toString('base64');
    await table.evaluate(
      (t, [src, w]) => {
        const img = t.ownerDocument.createElement('img');
        img.src = src as string;
        img.style.width = `${w as number}px`;
        // A picture does not reflow to the printed page as a table does: scaled down to its width.
        img.style.maxWidth = '100%';
        img.style.display = 'block';
        t.replaceWith(img);
      },
      [`data:image/png;base64,${png}`, width] as const,
    );
  }
}

/** A web page whose tables were replaced by pictures of themselves: its HTML (as the browser serialises it) and the pictures, in order. */
export interface PicturedPage {
  /** The page with <img src="table<n>.png"> (n from 1, in document order) where each table of figures was. */
  html: string;
  /** PNG screenshots at twice the screen's resolution, and the CSS size the page shows them at (pixels). */
  pictures: { png: Buffer; width: number; height: number }[];
}

/**
 * Web pages opened in headless Chromium with every table of figures (a table holding no other table and printing a
 * figure: not a layout table or a menu) replaced by a screenshot of itself — a page whose author pasted the tables as images, saved with them.
 */
export async function pagesWithTablesAsPictures(pages: Buffer[]): Promise<PicturedPage[]> {
  const out: PicturedPage[] = [];
  await withChromiumPages(pages, 2, async (page) => {
    const pictures = await tablesToPictures(page, (i) => `table${i + 1}.png`);
    out.push({ html: await page.content(), pictures });
  });
  return out;
}

/**
 * Web pages saved by headless Chromium as web archives (.mhtml: "Save as → Webpage, Single File", CDP
 * Page.captureSnapshot); with `tablesAsPictures`, every table of figures first replaced by a screenshot of itself,
 * loaded from a file beside the page, so that the archive carries it as a part.
 */
export async function pagesAsWebArchives(pages: Buffer[], tablesAsPictures: boolean): Promise<Buffer[]> {
  const out: Buffer[] = [];
  await withChromiumPages(pages, 2, async (page, dir, index) => {
    if (tablesAsPictures) {
      // Each picture a file beside the page, which the page loads and the archive then carries.
      await tablesToPictures(page, (i, png) => {
        const name = `page${index}-table${i + 1}.png`;
        writeFileSync(join(dir, name), png);
        return name;
      });
      await page.waitForFunction('[...document.images].every((i) => i.complete)');
    }
    const cdp = await page.context().newCDPSession(page);
    const { data } = (await cdp.send('Page.captureSnapshot', { format: 'mhtml' })) as { data: string };
    await cdp.detach();
    // The snapshot is a JavaScript string of the archive's bytes, one character per byte.
    out.push(Buffer.from(data, 'latin1'));
  });
  return out;
}

/**
 * Screenshots every table of figures, then replaces each by an <img> of its CSS width whose src is `srcOf` (after
 * every screenshot is taken, so that no replacement moves a table still to be shot). The screenshots, in order.
 */
async function tablesToPictures(page: BrowserPage, srcOf: (index: number, png: Buffer) => string): Promise<PicturedPage['pictures']> {
  const tables = await tablesOfFigures(page);
  const pictures: PicturedPage['pictures'] = [];
  for (const table of tables) {
    const { width, height } = await table.evaluate((t) => t.getBoundingClientRect());
    pictures.push({ png: await table.screenshot({ type: 'png' }), width, height });
  }
  for (const [i, table] of tables.entries()) {
    await table.evaluate(
      (t, [src, w]) => {
        const img = t.ownerDocument.createElement('img');
        img.setAttribute('src', src as string);
        img.setAttribute('style', `width:${Math.round(w as number)}px`);
        t.replaceWith(img);
      },
      [srcOf(i, pictures[i]!.png), pictures[i]!.width] as const,
    );
  }
  return pictures;
}

/** Tables that hold no other table and print a figure: not the page's layout or its menu. */
async function tablesOfFigures(page: BrowserPage): Promise<Awaited<ReturnType<BrowserPage['$$']>>> {
  const tables: Awaited<ReturnType<BrowserPage['$$']>> = [];
  for (const t of await page.$$('table:not(:has(table))')) if (await t.evaluate((e) => /\d/.test(e.textContent ?? ''))) tables.push(t);
  return tables;
}

async function printWithChromium(pages: Buffer[], deviceScaleFactor: number, beforePrint: (page: BrowserPage) => Promise<void>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  await withChromiumPages(pages, deviceScaleFactor, async (page) => {
    await beforePrint(page);
    out.push(await page.pdf({ format: 'A4', printBackground: true }));
  });
  return out;
}

/** Opens each web page in turn in one headless Chromium tab and hands it to `use`. */
async function withChromiumPages(pages: Buffer[], deviceScaleFactor: number, use: (page: BrowserPage, dir: string, index: number) => Promise<void>): Promise<void> {
  // playwright-core is a dev dependency (the browser tests); loaded here only.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: process.env.OGI_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const dir = mkdtempSync(join(tmpdir(), 'ogi-print-'));
  try {
    const page = await browser.newPage({ deviceScaleFactor });
    for (const [i, html] of pages.entries()) {
      // Opened as a file, as a browser opens a saved page: the page's own charset declaration decides (GBK pages too).
      const file = join(dir, `page${i}.html`);
      writeFileSync(file, html);
      await page.goto(`file://${file}`);
      await use(page, dir, i);
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Word files exported to PDF by LibreOffice, in order; null where soffice made none. */
export function printDocxWithLibreOffice(files: Buffer[]): (Buffer | null)[] {
  return convertDocxWithLibreOffice(files, 'pdf');
}

/**
 * Word files saved by LibreOffice in another format — `pdf`, `doc` (Word 97–2003), `html`, `txt` (its "Text"
 * filter, UTF-8) — in order; null where soffice made none.
 */
export function convertDocxWithLibreOffice(files: Buffer[], to: 'pdf' | 'doc' | 'html' | 'txt'): (Buffer | null)[] {
  const dir = mkdtempSync(join(tmpdir(), 'ogi-lo-'));
  const filter = to === 'txt' ? 'txt:Text (encoded):UTF8' : to;
  try {
    const paths = files.map((bytes, i) => {
      const path = join(dir, `doc${i}.docx`);
      writeFileSync(path, bytes);
      return path;
    });
    // One soffice per 50 files: its start-up costs seconds, and one run stops converting after a few hundred.
    // Its own profile folder keeps it off the user's.
    for (let i = 0; i < paths.length; i += 50) {
      const args = [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', filter, '--outdir', dir, ...paths.slice(i, i + 50)];
      execFileSync('soffice', args, { stdio: 'ignore', timeout: 600_000 });
    }
    return paths.map((p) => {
      const out = p.replace(/\.docx$/, `.${to}`);
      return existsSync(out) ? readFileSync(out) : null;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const [outDir, ...inputs] = argv;
  if (!outDir || inputs.length === 0) throw new Error('usage: print-pdf.js OUT_DIR PAGE.html… | FILE.docx…');
  mkdirSync(outDir, { recursive: true });
  const bytes = inputs.map((f) => readFileSync(f));
  const pdfs = inputs.every((f) => f.endsWith('.docx')) ? printDocxWithLibreOffice(bytes) : await printPagesWithChromium(bytes);
  pdfs.forEach((pdf, i) => {
    const name = `${basename(inputs[i]!).replace(/\.(html?|docx)$/, '')}.pdf`;
    if (!pdf) return console.warn(`no PDF made of ${inputs[i]}`);
    writeFileSync(join(outDir, name), pdf);
    console.log(`${join(outDir, name)}: ${pdf.length} B`);
  });
}

if (process.argv[1] && /print-pdf\.(js|ts)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
