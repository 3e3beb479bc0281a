/**
 * Stage `segment`: find the six sections by their headings' words. A heading is a short line whose
 * words match a section title (its numeral alone proves nothing: body text reuses 一、二、三、).
 * Sections are looked for in order; a missing or duplicated section is a finding, not a crash.
 */
import { packedMap } from '../arrays.js';
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { ReportKind } from '../kind.js';
import type { Block, ParagraphBlock, Section, SectionKey, SourceDocument } from '../types.js';
import { dice, foldWithOffsets, labelKey, labelScore } from './labels.js';
import { withOffset } from './rows.js';

export interface SegmentResult {
  sections: Section[];
  findings: Finding[];
  /** The document looks like a report of the pre-2019 outline. */
  legacy: boolean;
  /**
   * The document the sections index into: the one given, or — for a copy saved as one paragraph — the
   * same text with its inline headings cut out into blocks of their own. Later stages read this one.
   */
  doc: SourceDocument;
}

/** Text of a block as one line: a paragraph's text, or a row's non-empty fields joined by tabs. */
export function blockText(block: Block): string {
  if (block.kind === 'paragraph') return block.text;
  let text = '';
  for (const f of block.fields) {
    if (f.text === '') continue;
    text = text === '' ? f.text : `${text}\t${f.text}`;
  }
  return text;
}

/** Each document's blocks' texts, made once: segmenting, the metadata, the region and the sections' texts all read them. */
const textsOfDocuments = new WeakMap<SourceDocument, { blocks: readonly string[]; joined: string | null }>();

function documentTexts(doc: SourceDocument): { blocks: readonly string[]; joined: string | null } {
  let texts = textsOfDocuments.get(doc);
  if (!texts) {
    texts = { blocks: packedMap(doc.blocks, blockText), joined: null };
    textsOfDocuments.set(doc, texts);
  }
  return texts;
}

/** blockText of every block of the document, in order (a document's blocks do not change once extracted). */
export function blockTexts(doc: SourceDocument): readonly string[] {
  return documentTexts(doc).blocks;
}

/** The document's text: its blocks' texts, one a line. */
export function documentText(doc: SourceDocument): string {
  const texts = documentTexts(doc);
  return (texts.joined ??= texts.blocks.join('\n'));
}

const TOP_NUMERAL = /^\s*(?:第[一二三四五六七八九十]{1,3}部分|[一二三四五六七八九十]{1,3})\s*[、.．,，:：\s]\s*/;
const SUB_NUMERAL = /^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|\d{1,2}\s*[.．、])/;
const MAX_HEADING_CHARS = 48;

interface HeadingHit {
  key: SectionKey;
  score: number;
  numbered: boolean;
}

/** Recognises a section heading in one block of text, or returns null. */
export function matchHeading(text: string, kind: ReportKind): HeadingHit | null {
  const t = text.trim();
  if (t === '' || SUB_NUMERAL.test(t)) return null;
  const numbered = TOP_NUMERAL.test(t);
  if (t.length > MAX_HEADING_CHARS) return numbered ? headingRunningIntoBody(t, kind) : null;
  const key = labelKey(t);
  if (key.length < 3) return null;
  const best = bestHeading(key, kind);
  if (!best) return null;
  // Without a numeral a heading must match closely; with one, a close variant is enough.
  const threshold = numbered ? 0.72 : 0.9;
  return best.score >= threshold ? { ...best, numbered } : null;
}

/** "一、总体情况2021年，我县……": a numbered heading whose paragraph was joined to it in the copy. */
function headingRunningIntoBody(t: string, kind: ReportKind): HeadingHit | null {
  const key = labelKey(t);
  for (const h of headingDefs(kind)) {
    if (h.labels.some((l) => l.length >= 4 && key.startsWith(l))) return { key: h.key, score: 0.9, numbered: true };
  }
  return null;
}

function headingDefs(kind: ReportKind): { key: SectionKey; labels: string[] }[] {
  return headingIndex(kind).defs;
}

/** What a report kind's headings give the matching, worked out once per kind. */
interface HeadingIndex {
  /** Each heading's folded labels (title and aliases). */
  defs: { key: SectionKey; labels: string[] }[];
  /** The longest folded label. */
  maxChars: number;
  /** The code points of the labels' words (see bestHeading). */
  chars: CodePointSet;
  /** The first code unit of every folded label (see mayStartHeading). */
  firstUnits: Set<number>;
  /** headingLength's answers by folded text (a key joined with the kind's name cost as much as the lookup saves). */
  lengths: Map<string, number>;
}

const headingIndexes = new WeakMap<ReportKind, HeadingIndex>();

function headingIndex(kind: ReportKind): HeadingIndex {
  let index = headingIndexes.get(kind);
  if (!index) {
    const defs = kind.headings.map((h) => ({ key: h.key, labels: [h.title, ...h.aliases].map(labelKey) }));
    const labels = defs.flatMap((h) => h.labels);
    index = {
      defs,
      maxChars: Math.max(...labels.map((l) => l.length)),
      chars: new CodePointSet(labels.flatMap((l) => [...l].map((ch) => ch.codePointAt(0)!))),
      firstUnits: new Set(labels.map((l) => l.charCodeAt(0))),
      lengths: new Map(),
    };
    headingIndexes.set(kind, index);
  }
  return index;
}

/** A set of code points, looked up in a table for the Basic Multilingual Plane (where CJK headings live). */
class CodePointSet {
  private readonly bmp = new Uint8Array(0x10000);
  private readonly astral = new Set<number>();

  constructor(points: Iterable<number>) {
    for (const cp of points) {
      if (cp <= 0xffff) this.bmp[cp] = 1;
      else this.astral.add(cp);
    }
  }

  has(cp: number): boolean {
    return cp <= 0xffff ? this.bmp[cp] === 1 : this.astral.has(cp);
  }
}

const headingCache = new Map<string, { key: SectionKey; score: number } | null>();

/** The best section for a folded heading text (memoised: reports repeat the same headings). */
function bestHeading(text: string, kind: ReportKind): { key: SectionKey; score: number } | null {
  // Most lines share few characters with any heading: reject them before scoring.
  const chars = headingIndex(kind).chars;
  let shared = 0;
  // By code point, as `for…of` would go, without making a string of each character.
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (chars.has(cp)) shared++;
  }
  if (shared < text.length * 0.5) return null;
  const cacheKey = `${kind.name}\u0001${text}`;
  const cached = headingCache.get(cacheKey);
  if (cached !== undefined) return cached;
  let best: { key: SectionKey; score: number } | null = null;
  for (const h of headingDefs(kind)) {
    for (const label of h.labels) {
      const score = headingScore(text, label);
      if (score > (best?.score ?? 0)) best = { key: h.key, score };
    }
  }
  if (headingCache.size > 100_000) headingCache.clear();
  headingCache.set(cacheKey, best);
  return best;
}

function headingScore(source: string, template: string): number {
  if (source === template) return 1;
  // A heading may add words around the title ("政府信息公开工作存在的主要问题及改进情况").
  if (source.includes(template) && source.length <= template.length + 10) return 0.95;
  return Math.max(labelScore(source, template) * (source.length >= template.length * 0.6 ? 1 : 0.8), dice(source, template));
}

/**
 * Finds the sections. When headings are missing, the copy may have been saved as one paragraph (a web
 * crawler's textContent: "…编制而成。 一、总体情况 2022年，…"): its headings are then looked for inside
 * the paragraphs too, and the reading that finds more sections is kept.
 */
export function segment(doc: SourceDocument, kind: ReportKind): SegmentResult {
  const atLineStarts = segmentBlocks(doc, kind);
  if (atLineStarts.sections.length >= kind.headings.length) return atLineStarts;
  const split = splitInlineHeadings(doc, kind);
  if (!split) return atLineStarts;
  const inline = segmentBlocks(split, kind);
  return inline.sections.length > atLineStarts.sections.length ? inline : atLineStarts;
}

/** A numeral that may open a top-level heading inside a run of text: 一、 二． 三. 第四部分、 */
const INLINE_NUMERAL = /(?:第[一二三四五六七八九十]{1,3}部分|[一二三四五六七八九十]{1,3})\s*[、.．]/g;
/** How much text after a numeral is read as its heading. */
const INLINE_WINDOW = MAX_HEADING_CHARS;
const INLINE_THRESHOLD = 0.85;

/**
 * Cuts every long paragraph at the numbered headings inside it, the heading becoming a block of its own
 * (its provenance keeps the line, and the offset where it starts). Null when no paragraph holds one.
 */
export function splitInlineHeadings(doc: SourceDocument, kind: ReportKind): SourceDocument | null {
  let changed = false;
  const blocks: Block[] = [];
  for (const block of doc.blocks) {
    const spans = block.kind === 'paragraph' && block.text.length > MAX_HEADING_CHARS ? inlineHeadings(block.text, kind) : [];
    if (spans.length === 0) {
      blocks.push(block);
      continue;
    }
    changed = true;
    blocks.push(...cutParagraph(block as ParagraphBlock, spans));
  }
  return changed ? { ...doc, blocks } : null;
}

interface Span {
  start: number;
  end: number;
}

/** The numbered headings inside a text: from the numeral to the end of the heading's words. */
function inlineHeadings(text: string, kind: ReportKind): Span[] {
  const spans: Span[] = [];
  // An exec loop: matchAll clones its regexp at every call. Nothing the loop calls uses INLINE_NUMERAL.
  const numerals = INLINE_NUMERAL;
  numerals.lastIndex = 0;
  for (let m = numerals.exec(text); m !== null; m = numerals.exec(text)) {
    const start = m.index;
    // "第二十条" and "十一、" are not headings 二、 and 一、: a numeral starts after a non-numeral.
    if (start > 0 && /[一二三四五六七八九十第]/.test(text[start - 1]!)) continue;
    const end = headingWordsEnd(text, start + m[0].length, kind);
    if (end !== null) spans.push({ start, end });
  }
  return spans;
}

/** Where a section heading's words starting at `from` end, or null when they are no heading's words. */
function headingWordsEnd(text: string, from: number, kind: ReportKind): number | null {
  if (!mayStartHeading(text, from, kind)) return null;
  const window = text.slice(from, from + INLINE_WINDOW);
  const { folded, at } = foldWithOffsets(window);
  const length = headingLength(folded.slice(0, headingIndex(kind).maxChars + FUZZ), kind);
  return length > 0 ? from + at[length - 1]! + 1 : null;
}

/**
 * False when the words after a numeral start with an ideograph that starts no heading label — headingLength
 * would find nothing there, as it takes only a text starting as some label does (exactly or misspelt). Most
 * numerals in a report number items and table rows ("一、本年新收…"): they are let go without folding a window.
 */
function mayStartHeading(text: string, from: number, kind: ReportKind): boolean {
  let i = from;
  // Spaces fold away (an ideographic or no-break space too); anything else but an ideograph goes the long way.
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x3000 || c === 0xa0; c = text.charCodeAt(++i));
  const code = text.charCodeAt(i);
  if (!(code >= 0x4e00 && code <= 0x9fff)) return true;
  return headingIndex(kind).firstUnits.has(code);
}

/** How many more (or fewer) characters than a heading's words a misspelt heading may have. */
const FUZZ = 3;

/**
 * The length of the heading words a folded text starts with (0 when none): the longest heading label it
 * starts with, else the prefix of about a label's length that best resembles one (a variant or a typo:
 * "行政法复议"). Memoised: the same table labels follow numerals report after report.
 */
function headingLength(folded: string, kind: ReportKind): number {
  const lengths = headingIndex(kind).lengths;
  const cached = lengths.get(folded);
  if (cached !== undefined) return cached;
  let best: { score: number; length: number } | null = null;
  for (const h of headingDefs(kind)) {
    for (const label of h.labels) {
      if (folded.startsWith(label)) {
        if (!best || best.score < 1 || label.length > best.length) best = { score: 1, length: label.length };
        continue;
      }
      // Only a prefix that starts as the label does and already resembles it is worth scoring length by
      // length (a misspelt heading keeps its first words: "政府信息公开行政法复议").
      if (folded.charCodeAt(0) !== label.charCodeAt(0) || dice(folded.slice(0, label.length + FUZZ), label) < INLINE_THRESHOLD - 0.15) continue;
      for (let n = Math.max(2, label.length - 2); n <= Math.min(folded.length, label.length + FUZZ); n++) {
        const score = headingScore(folded.slice(0, n), label);
        if (score >= INLINE_THRESHOLD && (!best || score > best.score)) best = { score, length: n };
      }
    }
  }
  if (lengths.size > 20_000) lengths.clear();
  lengths.set(folded, best?.length ?? 0);
  return best?.length ?? 0;
}

/** A paragraph cut at heading spans: the text before, each heading, the text between and after. */
function cutParagraph(block: ParagraphBlock, spans: Span[]): ParagraphBlock[] {
  const base = block.textOffset ?? block.prov.offset ?? 0;
  const out: ParagraphBlock[] = [];
  const piece = (from: number, to: number): void => {
    const raw = block.text.slice(from, to);
    const text = raw.trim();
    if (text === '') return;
    const offset = base + from + (raw.length - raw.trimStart().length);
    out.push({ kind: 'paragraph', text, prov: withOffset(block.prov, offset) });
  };
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    piece(at, span.start);
    piece(span.start, span.end);
    at = span.end;
  }
  piece(at, block.text.length);
  return out;
}

function segmentBlocks(doc: SourceDocument, kind: ReportKind): SegmentResult {
  const findings: Finding[] = [];
  const order = packedMap(kind.headings, (h) => h.key);
  const starts: { key: SectionKey; index: number; heading: string }[] = [];
  const seen = new Set<SectionKey>();
  const texts = blockTexts(doc);
  doc.blocks.forEach((block, index) => {
    const text = texts[index]!;
    const hit = matchHeading(text, kind);
    if (!hit) return;
    if (seen.has(hit.key)) {
      findings.push(
        finding('segment/duplicate-section', 'warning', `section ${hit.key} appears again ("${text.trim()}"); the first one is used`, {
          prov: block.prov,
        }),
      );
      return;
    }
    const last = starts[starts.length - 1];
    if (last && order.indexOf(hit.key) < order.indexOf(last.key)) {
      findings.push(
        finding('segment/out-of-order', 'warning', `heading "${text.trim()}" (${hit.key}) comes after ${last.key}; kept as part of ${last.key}`, {
          prov: block.prov,
        }),
      );
      return;
    }
    seen.add(hit.key);
    starts.push({ key: hit.key, index, heading: text.trim() });
  });
  const sections: Section[] = packedMap(starts, (s, i) => ({
    key: s.key,
    heading: s.heading,
    start: s.index + 1,
    end: starts[i + 1]?.index ?? doc.blocks.length,
    prov: doc.blocks[s.index]!.prov,
  }));
  const legacy = looksLegacy(doc, kind, sections);
  if (sections.length > 0 && !legacy) {
    for (const key of order) {
      if (!seen.has(key)) {
        const h = kind.headings.find((x) => x.key === key)!;
        findings.push(finding('segment/missing-section', 'warning', `section "${h.title}" (${key}) was not found`));
      }
    }
  }
  return { sections, findings, legacy, doc };
}

/** Pre-2019 reports (2008 条例) have 概述 / 依申请公开 / 收费及减免 headings and none of the new sections' tables. */
function looksLegacy(doc: SourceDocument, kind: ReportKind, sections: Section[]): boolean {
  if (sections.some((s) => s.key === 'requests')) return false;
  let hits = 0;
  const markers = kind.legacyMarkers.map(labelKey);
  for (const text of blockTexts(doc)) {
    if (text.length > MAX_HEADING_CHARS || !TOP_NUMERAL.test(text)) continue;
    const key = labelKey(text);
    if (markers.some((m) => key.includes(m))) hits++;
  }
  return hits >= 2;
}

/** The text of each section, for storage; line and page of its heading. */
export function sectionTexts(doc: SourceDocument, sections: Section[]) {
  const texts = blockTexts(doc);
  return sections.map((s) => ({
    key: s.key,
    heading: s.heading,
    text: texts.slice(s.start, s.end).join('\n'),
    line: s.prov.line ?? null,
    page: s.prov.page ?? null,
  }));
}
