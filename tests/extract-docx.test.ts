import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeDocx, makeZip, renderTableDocx, renderTableHtml } from '../scripts/generate/make-html-docx-samples.js';
import type { GenTable } from '../scripts/generate/make-html-docx-samples.js';
import { extractDocx, wordXmlToDocument } from '../src/extract/word/docx.js';
import { htmlToDocument } from '../src/extract/html/html.js';
import { DocumentError } from '../src/findings.js';
import { processFile } from '../src/pipeline.js';
import { loadFile } from '../src/stages/load.js';
import type { Block, RowBlock } from '../src/types.js';

const SAMPLES = join(import.meta.dirname, '..', 'samples');
const tmp = mkdtempSync(join(tmpdir(), 'ogi-docx-'));
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

const rows = (blocks: Block[]): RowBlock[] => blocks.filter((b): b is RowBlock => b.kind === 'row');
const texts = (r: RowBlock): string[] => r.fields.map((f) => f.text);
const docXml = (body: string): string => `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`;
const p = (t: string): string => `<w:p><w:r><w:t>${t}</w:t></w:r></w:p>`;
const tc = (t: string, pr = ''): string => `<w:tc><w:tcPr>${pr}</w:tcPr>${p(t)}</w:tc>`;

function write(name: string, bytes: Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

async function extractError(bytes: Buffer, name = 'x.docx'): Promise<DocumentError> {
  const file = await loadFile(write(name, bytes));
  try {
    await extractDocx(file);
  } catch (e) {
    expect(e).toBeInstanceOf(DocumentError);
    expect((e as DocumentError).stage).toBe('extract');
    return e as DocumentError;
  }
  throw new Error('expected a DocumentError');
}

/** The sec3 head of the official layout: corner over 3×3, groups over columns, labels down rows. */
const SEC3_HEAD: GenTable = {
  width: 6,
  rows: [
    [{ text: '（本列数据的勾稽关系）', rowspan: 2, colspan: 3 }, { text: '申请人情况', colspan: 3 }],
    [{ text: '自然人' }, { text: '法人或其他组织\n商业企业' }, { text: '总计' }],
    [{ text: '一、本年新收', colspan: 3 }, { text: '1' }, { text: '' }, { text: '1' }],
    [{ text: '三、本年度办理结果', rowspan: 3 }, { text: '（一）予以公开', colspan: 2 }, { text: '1' }, { text: '0' }, { text: '1' }],
    [{ text: '（三）不予公开', rowspan: 2 }, { text: '1.属于国家秘密' }, { text: '0' }, { text: '0' }, { text: '0' }],
    [{ text: '2.其他法律行政法规禁止公开' }, { text: '7', colspan: 2 }, { text: '7' }],
  ],
};

describe('docx: merged cells', () => {
  it('gives the same grid as the HTML form of the same table (gridSpan = colspan, vMerge = rowspan)', () => {
    const fromHtml = rows(htmlToDocument(`<html><body>${renderTableHtml(SEC3_HEAD, { blank: 'nbsp' })}</body></html>`).blocks);
    const fromDocx = rows(wordXmlToDocument(docXml(renderTableDocx(SEC3_HEAD))).blocks);
    expect(fromDocx.map(texts)).toEqual(fromHtml.map(texts));
    expect(fromDocx.map((r) => r.fields.map((f) => f.prov))).toEqual(fromHtml.map((r) => r.fields.map((f) => f.prov)));
    expect(fromDocx.map(texts)).toEqual([
      ['（本列数据的勾稽关系）', '（本列数据的勾稽关系）', '（本列数据的勾稽关系）', '申请人情况', '申请人情况', '申请人情况'],
      ['（本列数据的勾稽关系）', '（本列数据的勾稽关系）', '（本列数据的勾稽关系）', '自然人', '法人或其他组织商业企业', '总计'],
      ['一、本年新收', '一、本年新收', '一、本年新收', '1', '', '1'],
      ['三、本年度办理结果', '（一）予以公开', '（一）予以公开', '1', '0', '1'],
      ['三、本年度办理结果', '（三）不予公开', '1.属于国家秘密', '0', '0', '0'],
      ['三、本年度办理结果', '（三）不予公开', '2.其他法律行政法规禁止公开', '7', '', '7'],
    ]);
  });

  it('keeps a row that starts late (gridBefore), and merges across content controls (sdt) and bookmarks, in their columns', () => {
    const xml = docXml(`<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr>${tc('项目', '<w:vMerge w:val="restart"/>')}${tc('数量')}${tc('总计')}</w:tr>
<w:bookmarkStart w:id="1" w:name="t1"/><w:sdt><w:sdtContent><w:tr>${tc('', '<w:vMerge/>')}${tc('3')}${tc('3')}</w:tr></w:sdtContent></w:sdt><w:bookmarkEnd w:id="1"/>
<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>${tc('5')}${tc('5')}</w:tr>
</w:tbl>`);
    expect(rows(wordXmlToDocument(xml).blocks).map(texts)).toEqual([
      ['项目', '数量', '总计'],
      ['项目', '3', '3'],
      ['', '5', '5'],
    ]);
  });

  it('reads paragraphs in order, splits on manual line breaks, and skips deleted text', () => {
    const xml = docXml(
      `${p('一、总体情况')}<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del></w:p><w:p/>`,
    );
    const doc = wordXmlToDocument(xml);
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: '一、总体情况', prov: { line: 1 } },
      { kind: 'paragraph', text: '第一行', prov: { line: 2 } },
      { kind: 'paragraph', text: '第二行', prov: { line: 3 } },
    ]);
  });

  it('reads a paragraph whose columns are set with tabs as a tab row (indentation tabs are not columns)', () => {
    const run = (parts: string[]): string => `<w:p><w:r>${parts.map((x) => (x === '\t' ? '<w:tab/>' : `<w:t>${x}</w:t>`)).join('')}</w:r></w:p>`;
    const doc = wordXmlToDocument(docXml(run(['\t', '一、总体情况']) + run(['行政处罚', '\t', '12', '\t', '\t', '3'])));
    expect(doc.blocks).toEqual([
      { kind: 'paragraph', text: '一、总体情况', prov: { line: 1 } },
      {
        kind: 'row',
        positions: 'tab',
        prov: { line: 2 },
        fields: ['行政处罚', '12', '', '3'].map((text, col) => ({ text, col, prov: { line: 2 } })),
      },
    ]);
  });

  it('reads the generated sample .docx files through the zip reader', async () => {
    const doc = await extractDocx(await loadFile(join(SAMPLES, '000_e7764d80f1cd94c2.docx')));
    expect(doc.meta).toMatchObject({ tableCount: 3, mainPart: 'word/document.xml' });
    const sec3 = rows(doc.blocks).filter((r) => r.prov.tableIndex === 1);
    expect(sec3.at(-1)!.fields.map((f) => f.text)).toEqual(['四、结转下年度继续办理', '四、结转下年度继续办理', '四、结转下年度继续办理', '0', '0', '0', '0', '', '0', '0']);
  });
});

describe('docx: damaged files fail clearly', () => {
  const good = readFileSync(join(SAMPLES, '001_896bea92d5be09c0.docx'));

  it('a truncated download', async () => {
    const e = await extractError(good.subarray(0, Math.floor(good.length * 0.6)));
    expect(e.message).toMatch(/truncated/);
  });

  it('a corrupt entry (damaged compressed bytes)', async () => {
    const bytes = Buffer.from(good);
    const local = bytes.readUInt32LE(bytes.lastIndexOf(Buffer.from('word/document.xml')) - 46 + 42);
    const at = local + 30 + 'word/document.xml'.length + 200;
    for (let i = at; i < at + 64; i++) bytes[i] = bytes[i]! ^ 0x5a;
    const e = await extractError(bytes);
    expect(e.message).toMatch(/corrupt: word\/document\.xml/);
  });

  it('a ZIP that is not a Word file', async () => {
    const e = await extractError(makeZip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }]));
    expect(e.message).toMatch(/Excel workbook.*not a Word \.docx/);
  });

  it('the batch goes on: processFile reports the failure and the next file is read', async () => {
    const broken = await processFile(write('broken.docx', good.subarray(0, 300)));
    expect(broken).toMatchObject({ status: 'failed', failedStage: 'extract', format: 'docx' });
    expect(broken.error).toMatch(/truncated/);
    const next = await processFile(join(SAMPLES, '001_896bea92d5be09c0.docx'));
    expect(next.status).not.toBe('failed');
  });
});

describe('docx: zip-bomb guards', () => {
  it('refuses an entry whose declared size is over the cap, before inflating', async () => {
    const zip = makeDocx(docXml(p('x')));
    // Patch the declared uncompressed size of word/document.xml in the central directory to 2 GB.
    const cd = zip.lastIndexOf(Buffer.from('word/document.xml')) - 46;
    zip.writeUInt32LE(0x7fffffff, cd + 24);
    const e = await extractError(zip);
    expect(e.message).toMatch(/declares 2048\.0 MB uncompressed, over the limit.*zip bomb/);
  });

  it('refuses an entry that would inflate over 200×', async () => {
    const xml = docXml(p('x'.repeat(8 * 1024 * 1024)));
    const e = await extractError(makeDocx(xml));
    expect(e.message).toMatch(/would inflate \d+× .* over the limit of 200× \(a zip bomb\?\)/);
  });

  it('stops an entry that inflates past the size it declares', async () => {
    const real = Buffer.from(docXml(p('y'.repeat(200_000))));
    const zip = makeZip([{ name: 'word/document.xml', data: real, deflate: true }]);
    const cd = zip.lastIndexOf(Buffer.from('word/document.xml')) - 46;
    zip.writeUInt32LE(1000, cd + 24);
    const e = await extractError(zip);
    expect(e.message).toMatch(/inflates past its declared size of 1000 B \(a zip bomb\?\)/);
    expect(deflateRawSync(real).length).toBeLessThan(real.length);
  });
});

describe('docx: size of the main document', () => {
  const paragraphs = (n: number) => `<w:document ${W}><w:body>${'<w:p><w:r><w:t>字</w:t></w:r></w:p>'.repeat(n)}</w:body></w:document>`;

  it('refuses a main document with more XML elements than the limit, counting them all', () => {
    expect(() => wordXmlToDocument(paragraphs(400), { maxElements: 1000 })).toThrow(/^the \.docx main document has 1,202 XML elements, over the limit of 1,000\b/);
    expect(wordXmlToDocument(paragraphs(300), { maxElements: 1000 }).blocks).toHaveLength(300);
  });

  it('fails a .docx of 400,000 tiny paragraphs by the default limit, with the reason', async () => {
    // Numbered paragraphs, so the archive does not compress like a zip bomb (refused earlier, by its ratio).
    const numbered = Array.from({ length: 400_000 }, (_, i) => `<w:p><w:r><w:t>${i}</w:t></w:r></w:p>`).join('');
    const doc = await processFile(write('huge.docx', makeDocx(`<w:document ${W}><w:body>${numbered}</w:body></w:document>`)));
    expect(doc).toMatchObject({ status: 'failed', failedStage: 'extract' });
    expect(doc.error).toMatch(/^the \.docx main document has 1,200,002 XML elements, over the limit of 300,000/);
  });
});

describe('damaged legacy Word containers', () => {
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]);

  it('a damaged .doc (empty OLE container) fails with the format named and the way out', async () => {
    const doc = await processFile(write('old.doc', ole));
    expect(doc).toMatchObject({ status: 'failed', failedStage: 'extract', format: 'doc' });
    expect(doc.error).toMatch(/legacy Word 97–2003 \.doc.*save it as \.docx/);
  });

  it('a damaged .wps (empty OLE container) fails with the format named and the way out', async () => {
    const doc = await processFile(write('report.wps', ole));
    expect(doc).toMatchObject({ status: 'failed', format: 'wps' });
    expect(doc.error).toMatch(/WPS Office \.wps.*save it as \.docx/);
  });

  it('a password-protected .docx (OLE encrypted package) says so', async () => {
    const doc = await processFile(write('locked.docx', Buffer.concat([ole, Buffer.from('EncryptedPackage', 'utf16le')])));
    expect(doc.error).toMatch(/password-protected/);
  });
});

describe('docx typed with tabs instead of a table', () => {
  it('reads like the text it was typed from: the gold figures of every sample', async () => {
    const { diffAgainstGold, loadGold } = await import('./helpers/gold.js');
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    for (const { base, gold } of loadGold()) {
      const lines = readFileSync(join(SAMPLES, `${base}.txt`), 'utf8').split(/\r?\n/);
      const body = lines
        .map((l) => `<w:p><w:r>${l.split('\t').map((t, i) => `${i > 0 ? '<w:tab/>' : ''}<w:t xml:space="preserve">${esc(t)}</w:t>`).join('')}</w:r></w:p>`)
        .join('');
      const doc = await processFile(write(`${base}.tabs.docx`, makeDocx(docXml(body))));
      expect(diffAgainstGold(doc, gold), base).toEqual([]);
    }
  });
});
