import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bodyToItems, extractLegacyWord, widePictures } from '../src/extract/word/doc.js';
import type { RowLayout } from '../src/extract/word/doc.js';
import { extractDocx } from '../src/extract/word/docx.js';
import { processFile } from '../src/pipeline.js';
import { loadFile } from '../src/stages/load.js';
import type { Block, RowBlock } from '../src/types.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

// The .doc fixtures are LibreOffice conversions of samples/*.docx: scripts/generate/make-doc-samples.sh.
const FIXTURES = join(import.meta.dirname, 'fixtures', 'doc');
const SAMPLES = join(import.meta.dirname, '..', 'samples');
const tmp = mkdtempSync(join(tmpdir(), 'ogi-doc-'));
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const SAMPLE_DOC = '001_896bea92d5be09c0.doc';

function write(name: string, bytes: Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

/** Just enough of the compound-file layout to damage a fixture in a chosen place. */
class Cfb {
  readonly sectorSize: number;
  constructor(readonly bytes: Buffer) {
    this.sectorSize = 1 << bytes.readUInt16LE(30);
  }
  sectorOffset(id: number): number {
    return (id + 1) * this.sectorSize;
  }
  fatEntryOffset(id: number): number {
    const perSector = this.sectorSize / 4;
    const fatSector = this.bytes.readInt32LE(76 + Math.floor(id / perSector) * 4);
    return this.sectorOffset(fatSector) + (id % perSector) * 4;
  }
  chain(start: number): number[] {
    const ids: number[] = [];
    for (let id = start; id >= 0 && ids.length < 10_000; id = this.bytes.readInt32LE(this.fatEntryOffset(id))) ids.push(id);
    return ids;
  }
  /** File offset of the directory entry with this name. */
  entryOffset(name: string): number {
    for (const sector of this.chain(this.bytes.readInt32LE(48))) {
      for (let at = this.sectorOffset(sector); at < this.sectorOffset(sector) + this.sectorSize; at += 128) {
        const len = this.bytes.readUInt16LE(at + 64);
        if (len > 2 && this.bytes.toString('utf16le', at, at + len - 2) === name) return at;
      }
    }
    throw new Error(`no entry ${name}`);
  }
  streamStart(name: string): number {
    return this.bytes.readInt32LE(this.entryOffset(name) + 116);
  }
}

const damaged = (edit: (cfb: Cfb) => void, name = SAMPLE_DOC): Buffer => {
  const cfb = new Cfb(Buffer.from(fixture(name)));
  edit(cfb);
  return cfb.bytes;
};

async function failure(name: string, bytes: Buffer): Promise<string> {
  const doc = await processFile(write(name, bytes));
  expect(doc).toMatchObject({ status: 'failed', failedStage: 'extract' });
  return doc.error ?? '';
}

const rows = (blocks: Block[]): RowBlock[] => blocks.filter((b): b is RowBlock => b.kind === 'row');

describe('gold: the .doc forms of the samples reproduce the figures read by hand', () => {
  for (const { base, gold } of loadGold()) {
    it(`${base}.doc`, async () => {
      const doc = await processFile(join(FIXTURES, `${base}.doc`));
      expect(doc.error).toBeNull();
      expect(doc.format).toBe('doc');
      expect(diffAgainstGold(doc, gold)).toEqual([]);
      expect(doc.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(doc.extractMeta).toMatchObject({ reader: 'word-extractor', wordVersion: 257 });
    });
  }

  it('the .doc files in samples/ are those fixtures (so `ogi ingest samples` covers .doc)', () => {
    for (const name of ['001_896bea92d5be09c0.doc', '003_3b18a393dc797b1b.doc']) {
      expect(readFileSync(join(SAMPLES, name)).equals(fixture(name)), name).toBe(true);
    }
  });
});

describe('doc: Word tables become true grids', () => {
  const view = (blocks: Block[]): unknown[] =>
    blocks.map((b) =>
      b.kind === 'paragraph'
        ? ['p', b.text, b.prov]
        : ['row', b.positions, b.gridWidth, b.prov, b.fields.map((f) => [f.text, f.col, f.prov])],
    );

  for (const { base } of loadGold()) {
    it(`${base}.doc gives the same blocks as the .docx it was saved from (texts, grid columns, provenance)`, async () => {
      const fromDoc = await extractLegacyWord(await loadFile(join(FIXTURES, `${base}.doc`)));
      const fromDocx = await extractDocx(await loadFile(join(SAMPLES, `${base}.docx`)));
      expect(view(fromDoc.blocks)).toEqual(view(fromDocx.blocks));
      expect(fromDoc.meta).toMatchObject({ tableCount: 3, gridTables: 3, tabTables: 0 });
    });
  }

  it('a table of hard cases (a tab and two paragraphs in cells, a line break, merges, a late row) reads as its .docx', async () => {
    const fromDoc = await extractLegacyWord(await loadFile(join(FIXTURES, 'hard-table.doc')));
    const fromDocx = await extractDocx(await loadFile(join(FIXTURES, 'hard-table.docx')));
    expect(view(fromDoc.blocks)).toEqual(view(fromDocx.blocks));
    expect(rows(fromDoc.blocks).map((r) => r.fields.map((f) => f.text))).toEqual([
      ['项目', '项目', '申请人情况', '申请人情况', '申请人情况'],
      ['项目', '项目', '自然人', '法人或其他组织商业企业', '总计'],
      ['三、本年度办理结果', '（一）予以公开', '3', '1', '4'],
      ['三、本年度办理结果', '（二）部分公开（区分处理）', '2', '', '2'],
      ['三、本年度办理结果', '（三）不予公开', '0', '0', '0'],
      ['', '续', '5', '1', '6'],
    ]);
  });

  it('expands merged cells like the DOCX reader: a label over three columns, zeros in their columns', async () => {
    const doc = await extractLegacyWord(await loadFile(join(FIXTURES, '000_e7764d80f1cd94c2.doc')));
    const sec3 = rows(doc.blocks).filter((r) => r.prov.tableIndex === 1);
    expect(sec3.every((r) => r.positions === 'grid' && r.gridWidth === 10)).toBe(true);
    expect(sec3.at(-1)!.fields.map((f) => f.text)).toEqual(['四、结转下年度继续办理', '四、结转下年度继续办理', '四、结转下年度继续办理', '0', '0', '0', '0', '', '0', '0']);
  });

  it('is needed: word-extractor alone runs the rows of that table together (their row marks sit in the Data stream)', async () => {
    const WordExtractor = createRequire(import.meta.url)('word-extractor') as new () => {
      extract(source: Buffer): Promise<{ getBody(): string }>;
    };
    const body = (await new WordExtractor().extract(fixture('000_e7764d80f1cd94c2.doc'))).getBody();
    const widest = Math.max(...body.split('\n').map((l) => l.split('\t').length));
    expect(widest).toBeGreaterThan(100);
  });
});

describe('doc: from marked text to items', () => {
  const ROW = '\uFDD1';
  const BREAK = '\uFDD0';
  const layout = (cp: number, edges: number[], flags: number[]): RowLayout => ({ cp, edges, flags });

  it('builds colspan from cell edges and rowspan from vertical merge flags; a row starting late gets an empty cell', () => {
    const body = `前文\n项目\t数量\t${ROW}\t3\t4\t${ROW}5\t6\t${ROW}后文\n`;
    const { items, gridTables } = bodyToItems(body, [
      layout(10, [0, 1000, 3000], [0x60, 0]), // 项目 starts a vertical merge; 数量 covers two columns
      layout(20, [0, 1000, 2000, 3010], [0x20, 0, 0]), // continues 项目; 3010 is the 3000 line drawn again
      layout(30, [1000, 2000, 3000], [0, 0]),
    ]);
    expect(gridTables).toBe(1);
    expect(items).toEqual([
      { kind: 'paragraph', text: '前文' },
      {
        kind: 'table',
        rows: [
          [
            { text: '项目', rowspan: 2, colspan: 1 },
            { text: '数量', rowspan: 1, colspan: 2 },
          ],
          [
            { text: '3', rowspan: 1, colspan: 1 },
            { text: '4', rowspan: 1, colspan: 1 },
          ],
          [
            { text: '', rowspan: 1, colspan: 1 },
            { text: '5', rowspan: 1, colspan: 1 },
            { text: '6', rowspan: 1, colspan: 1 },
          ],
        ],
      },
      { kind: 'paragraph', text: '后文' },
    ]);
  });

  it('joins the lines of a cell, and falls back to one tab row per Word row when layouts do not fit', () => {
    const body = `标题\n甲\t乙${BREAK}丙\t${ROW}1\t\t2\t${ROW}Total${BREAK}count\t3\t${ROW}后文\n`;
    const tabs = [
      { kind: 'tabs', fields: ['甲', '乙丙'] },
      { kind: 'tabs', fields: ['1', '', '2'] },
      { kind: 'tabs', fields: ['Total count', '3'] },
    ];
    // No layouts at all (properties unreadable), and a layout with more cells than the row has.
    expect(bodyToItems(body, []).items).toEqual([{ kind: 'paragraph', text: '标题' }, ...tabs, { kind: 'paragraph', text: '后文' }]);
    const misfit = bodyToItems(body, [layout(1, [0, 1, 2], [0, 0]), layout(2, [0, 1, 2], [0, 0]), layout(3, [0, 1, 2], [0, 0])]);
    expect(misfit).toMatchObject({ gridTables: 0, tabTables: 1 });
    expect(misfit.items.slice(1, 4)).toEqual(tabs);
  });

  it('tells cell ends from tabs typed inside a cell', () => {
    const END = '\uFDD2';
    const { items } = bodyToItems(`\t1.属于国家秘密${END}0${END}${ROW}`, [layout(1, [0, 10, 20], [0, 0])]);
    expect(items).toEqual([
      {
        kind: 'table',
        rows: [
          [
            { text: '1.属于国家秘密', rowspan: 1, colspan: 1 },
            { text: '0', rowspan: 1, colspan: 1 },
          ],
        ],
      },
    ]);
  });

  it('falls back for the table whose row has no readable layout, and only for it', () => {
    const body = `甲\t乙\t${ROW}中间\n丙\t丁\t${ROW}`;
    const { items, gridTables, tabTables } = bodyToItems(body, [layout(1, [0, 10, 20], [0, 0]), layout(9, [], [])]);
    expect({ gridTables, tabTables }).toEqual({ gridTables: 1, tabTables: 1 });
    expect(items.map((i) => i.kind)).toEqual(['table', 'paragraph', 'tabs']);
  });
});

describe('doc: tables pasted as pictures', () => {
  it('says a .doc whose text lacks the tables holds pictures as wide as a table, which a .docx would have read', async () => {
    // 004 with its section 四 table pasted as a picture (1311 × 267 px) and its other tables left out, saved as .doc by LibreOffice.
    const doc = await extractLegacyWord(await loadFile(join(FIXTURES, 'pictured-sec4.doc')));
    expect(doc.findings.map((f) => [f.rule, f.severity, f.actual])).toEqual([['doc/pictured-tables', 'warning', '1 picture at least 400 pixels wide']]);
    expect(doc.findings[0]!.message).toMatch(/the text prints no table, .*save it as \.docx/);
  });

  it('says nothing of the samples, whose tables are in their text', async () => {
    for (const { base } of loadGold()) expect((await extractLegacyWord(await loadFile(join(FIXTURES, `${base}.doc`)))).findings).toEqual([]);
  });

  it('counts PNG and JPEG pictures by the width their headers give', () => {
    const png = (width: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.from([0, 0, width >> 8, width & 255, 0, 0, 0, 10])]);
    const jpeg = (width: number) => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 10, width >> 8, width & 255, 1, 1, 0x11, 0]);
    expect(widePictures(Buffer.concat([png(800), png(120), jpeg(1311), jpeg(300), Buffer.from('junk')]))).toBe(2);
  });
});

describe('wps: Kingsoft WPS files', () => {
  it('a Word-compatible .wps (a .doc saved under the .wps name, as WPS Office writes them) is read like the .doc', async () => {
    const { base, gold } = loadGold()[1]!;
    const doc = await processFile(write(`${base}.wps`, fixture(`${base}.doc`)));
    expect(doc.format).toBe('wps');
    expect(doc.error).toBeNull();
    expect(diffAgainstGold(doc, gold)).toEqual([]);
  });

  it('junk bytes named .wps fail with the format named', async () => {
    const junk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256));
    expect(await failure('junk.wps', junk)).toMatch(/WPS Office \.wps file is not a Word file: it lacks the OLE signature.*soffice --headless --convert-to docx/);
  });

  it('an OLE .wps without a Word stream (an older WPS format) says so', async () => {
    const bytes = damaged((cfb) => {
      const at = cfb.entryOffset('WordDocument');
      cfb.bytes.write('WPSDocument\0', at, 'utf16le');
      cfb.bytes.writeUInt16LE(24, at + 64);
    });
    expect(await failure('old.wps', bytes)).toMatch(/WPS Office \.wps file has no WordDocument stream, so it is not a Word-compatible \.wps/);
  });
});

describe('doc: unreadable files fail alone, with what to do', () => {
  it('a truncated download; the next file of the batch is still read', async () => {
    const good = fixture(SAMPLE_DOC);
    expect(await failure('cut.doc', good.subarray(0, Math.floor(good.length * 0.6)))).toMatch(
      /legacy Word 97–2003 \.doc file is truncated \(an incomplete download\?\): the directory continues in sector \d+, at byte \d+, but the file ends at byte 28262; .*soffice --headless --convert-to docx/,
    );
    const next = await processFile(join(FIXTURES, SAMPLE_DOC));
    expect(next.status).toBe('ok');
  });

  it('junk behind an OLE signature', async () => {
    const junk = Buffer.concat([fixture(SAMPLE_DOC).subarray(0, 8), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 31 + 7) % 251))]);
    expect(await failure('junk.doc', junk)).toMatch(/\.doc file is damaged: the container header is damaged/);
  });

  it('binary junk and RTF under a .doc name', async () => {
    const junk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256));
    expect(await failure('junk.doc', junk)).toMatch(/\.doc file is not a Word file: it lacks the OLE signature/);
    expect(await failure('rtf.doc', Buffer.from('{\\rtf1\\ansi 政府信息公开}'))).toMatch(/really an RTF document/);
  });

  it('a password-protected .doc (saved with a password by LibreOffice)', async () => {
    expect(await failure('encrypted.doc', fixture('encrypted.doc'))).toMatch(/\.doc file is password-protected \(encrypted\); .*remove the password/);
  });

  it('a password-protected .docx under a .doc name (an OLE file with an EncryptedPackage stream)', async () => {
    const bytes = damaged((cfb) => {
      const at = cfb.entryOffset('WordDocument');
      cfb.bytes.fill(0, at, at + 64);
      cfb.bytes.write('EncryptedPackage', at, 'utf16le');
      cfb.bytes.writeUInt16LE(34, at + 64);
    });
    expect(await failure('locked.doc', bytes)).toMatch(/password-protected Office document \(encrypted package\)/);
  });

  it('a sector chain that loops (word-extractor would follow it forever) is refused', async () => {
    const bytes = damaged((cfb) => {
      const [first, second] = cfb.chain(cfb.streamStart('WordDocument'));
      cfb.bytes.writeInt32LE(first!, cfb.fatEntryOffset(second!));
    });
    const t0 = performance.now();
    expect(await failure('loop.doc', bytes)).toMatch(/the sector chain of stream WordDocument loops back to sector \d+/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('a stream claiming more bytes than the file holds is refused before anything is allocated', async () => {
    const claim = (size: number): Buffer => damaged((cfb) => cfb.bytes.writeUInt32LE(size, cfb.entryOffset('WordDocument') + 120));
    expect(await failure('huge.doc', claim(0x7ffffff0))).toMatch(/stream WordDocument claims 2048\.0 MB, over the limit of 256\.0 MB/);
    expect(await failure('big.doc', claim(10 * 1024 * 1024))).toMatch(/stream WordDocument claims 10\.0 MB but its sectors hold only \d+\.\d KB/);
  });

  it('a directory whose tree loops is refused', async () => {
    const bytes = damaged((cfb) => {
      const at = cfb.entryOffset('WordDocument');
      cfb.bytes.writeInt32LE(0, at + 68); // its left sibling: the root entry
    });
    expect(await failure('dirloop.doc', bytes)).toMatch(/the directory tree loops back to entry 0/);
  });

  it('a Word 6/95 file (older layout that word-extractor misreads)', async () => {
    const bytes = damaged((cfb) => {
      const fib = cfb.sectorOffset(cfb.streamStart('WordDocument'));
      cfb.bytes.writeUInt16LE(0xa5dc, fib);
      cfb.bytes.writeUInt16LE(0x65, fib + 2);
    });
    expect(await failure('w95.doc', bytes)).toMatch(/Word 6\/95 format \(version 101\)/);
  });

  it('damage only word-extractor meets (its character-format table claimed past the stream) is its failure, named', async () => {
    const bytes = damaged((cfb) => {
      const fib = cfb.sectorOffset(cfb.streamStart('WordDocument'));
      cfb.bytes.writeUInt32LE(0x10004, fib + 0xfe); // lcbPlcfBteChpx: 8K page runs in a 2 KB table stream
    });
    expect(await failure('chpx.doc', bytes)).toMatch(/\.doc file could not be read by word-extractor \(.+\); .*save it as \.docx/);
  });

  it('a piece table pointing past the end of the text stream', async () => {
    const bytes = damaged((cfb) => {
      const fib = cfb.sectorOffset(cfb.streamStart('WordDocument'));
      cfb.bytes.writeUInt32LE(0x7fffff00, fib + 0x01a2);
    });
    expect(await failure('pieces.doc', bytes)).toMatch(/damaged: its piece table lies past the end of the \d+-byte table stream/);
  });
});
