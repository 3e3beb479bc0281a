/**
 * PDFs whose fonts have no usable Unicode map ("乱码" PDFs): the glyphs draw the report, but the text layer gives
 * glyph numbers. The samples' text-layer PDFs with their `/ToUnicode` keys renamed (made here, in memory, by
 * scripts/generate/garble-pdf.ts) are such PDFs: their pages must be found garbled and read by OCR, not failed as "not a report".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { garbleScore, isGarbledText } from '../src/extract/pdf/garbled.js';
import { extractPdf, readPdfPages } from '../src/extract/pdf/pdf.js';
import { processLoaded } from '../src/pipeline.js';
import type { LoadedFile } from '../src/stages/load.js';
import { withoutUnicodeMaps } from '../scripts/generate/garble-pdf.js';
import { diffAgainstGold, loadGold } from './helpers/gold.js';

const PDFS = join(import.meta.dirname, 'fixtures', 'pdf');
const CHROMIUM = join(import.meta.dirname, 'fixtures', 'chromium');
const SAMPLES = join(import.meta.dirname, '..', 'samples');

function pdf(name: string, bytes: Buffer): LoadedFile {
  return { path: name, bytes, sha256: name, format: 'pdf', sizeBytes: bytes.length };
}

/** The sample's text-layer PDF (or its web page printed by Chromium) without its fonts' Unicode maps. */
function garbled(base: string, from: 'libreoffice' | 'chromium' = 'libreoffice'): LoadedFile {
  const path = from === 'chromium' ? join(CHROMIUM, `${base}.pdf`) : join(PDFS, `${base}.text.pdf`);
  return pdf(`${base}.${from}.garbled.pdf`, withoutUnicodeMaps(readFileSync(path)));
}

describe('a text layer that does not read as Chinese', () => {
  it('is told from report text by how much of it lies outside GB2312 and the ASCII printed beside figures', () => {
    for (const { base } of loadGold()) {
      const text = readFileSync(join(SAMPLES, `${base}.txt`), 'utf8');
      expect(isGarbledText(text), base).toBe(false);
      expect(garbleScore(text).foreignShare, base).toBeLessThan(0.05);
    }
    // Radicals that Chromium writes for ideographs (人⺠政府) are the ideographs.
    expect(isGarbledText('中宁县人⺠政府2022年政府信息公开⼯作年度报告。本报告根据《中华⼈⺠共和国政府信息公开条例》编制，所列数据的统计期限自2022年1月1日起至12月31日止。')).toBe(false);
    // Glyph numbers read as characters: LibreOffice's fonts give ASCII letters and symbols, Chromium's CJK extension A.
    expect(isGarbledText(`!"#$%&'#$%(#)*+,-./012345)65789:;<=>?@ABCDE:;BCF@)GHIJK!"#$%&'()*&+,)*-./0)*LMNLOPQR!1"#$%&2345*6NST`)).toBe(true);
    expect(isGarbledText('埢鲜阼ꠋ ╈㱕⹁䏹㝄▋☕妩䷓䈢ꠅ䢓粠珇仰꤄潥Ꝛ縖嘗䌋氨䎓╈㱕⹁䏹㝄▋☕妩䷓䈢꺙건䷓ⱷ⪝䋯䷓ⱷ僜ⱷ◎ⲁ◬孲颦鲽╈㱕⹁')).toBe(true);
    // Too little to tell: a page of figures, a date.
    expect(isGarbledText('!"#$%&\'()*+ 2022')).toBe(false);
    expect(isGarbledText('0 0 0 0 0 0 0 12 3 4 5 6 7 8 9 10 11 12 13 14 15')).toBe(false);
  });

  it('sends every page of the samples\' PDFs without Unicode maps to OCR, and no page of the PDFs as made', async () => {
    for (const { base } of loadGold()) {
      const asMade = await readPdfPages(pdf(base, readFileSync(join(PDFS, `${base}.text.pdf`))));
      expect(asMade.ocrPages, base).toEqual([]);
      const read = await readPdfPages(garbled(base));
      const all = Array.from({ length: read.numPages }, (_, i) => i + 1);
      expect(read.garbledPages, base).toEqual(all);
      expect(read.ocrPages, base).toEqual(all);
    }
  });

  it('says so in a warning when OCR is off', async () => {
    const doc = await extractPdf(garbled('001_896bea92d5be09c0'));
    expect(doc.meta).toMatchObject({ needsOcr: true, ocrPages: '1,2,3,4' });
    expect(doc.findings.map((f) => [f.rule, f.severity])).toEqual([['pdf/garbled-text', 'warning']]);
    expect(doc.findings[0]!.message).toContain('pages 1, 2, 3, 4: the text layer does not read as Chinese');
  });

  it('reads such a PDF by OCR: the gold, the agency and the year, and an info finding that says how', async () => {
    const { base, gold } = loadGold().find((g) => g.base.startsWith('001'))!;
    const doc = await processLoaded(garbled(base));
    expect(doc.error).toBeNull();
    expect(doc.extractMeta.ocrUsed).toBe(true);
    expect(diffAgainstGold(doc, gold)).toEqual([]);
    expect([doc.meta.agency, doc.meta.year]).toEqual([gold.agency, gold.year]);
    expect(doc.findings.filter((f) => f.rule === 'pdf/garbled-text').map((f) => f.severity)).toEqual(['info']);
  }, 180_000);

  it('reads a web page printed by Chromium so garbled by OCR: row rules that a group label touches part their rows', async () => {
    // 003's section 三 prints (五)不予处理 and (六)其他处理 centred on the rules between their rows: those rules
    // were dropped, two rows read as one ("00" in each cell), and the 2021 rows of (六) lost without a finding.
    const { base, gold } = loadGold().find((g) => g.base.startsWith('003'))!;
    const doc = await processLoaded(garbled(base, 'chromium'));
    expect(doc.error).toBeNull();
    expect(doc.extractMeta.ocrUsed).toBe(true);
    // Every figure; not the agency: OCR reads 睢县 as 瞧县, a county the divisions do not have (as on 003's scan).
    expect(diffAgainstGold(doc, gold).filter((d) => !/^(agency|region)/.test(d))).toEqual([]);
    expect(doc.meta.year).toBe(gold.year);
  }, 180_000);
});
