/**
 * Stage `segment`: find the six sections by their headings' words. A heading is a short line whose
 * words match a section title (its numeral alone proves nothing: body text reuses 一、二、三、).
 * Sections are looked for in order; a missing or duplicated section is a finding, not a crash.
 */
import { finding } from '../findings.js';
import type { Finding } from '../findings.js';
import type { ReportKind } from '../kind.js';
import type { Block, Section, SectionKey, SourceDocument } from '../types.js';
import { dice, labelKey, labelScore } from './labels.js';

export interface SegmentResult {
  sections: Section[];
  findings: Finding[];
  /** The document looks like a report of the pre-2019 outline. */
  legacy: boolean;
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
  let defs = headingKeys.get(kind);
  if (!defs) {
    defs = kind.headings.map((h) => ({ key: h.key, labels: [h.title, ...h.aliases].map(labelKey) }));
    headingKeys.set(kind, defs);
  }
  return defs;
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

const headingCharSets = new WeakMap<ReportKind, CodePointSet>();

/** The code points of the headings' words. */
function headingChars(kind: ReportKind): CodePointSet {
  let set = headingCharSets.get(kind);
  if (!set) {
    set = new CodePointSet(headingDefs(kind).flatMap((h) => h.labels.flatMap((l) => [...l].map((ch) => ch.codePointAt(0)!))));
    headingCharSets.set(kind, set);
  }
  return set;
}

const headingKeys = new WeakMap<ReportKind, { key: SectionKey; labels: string[] }[]>();
const headingCache = new Map<string, { key: SectionKey; score: number } | null>();

/** The best section for a folded heading text (memoised: reports repeat the same headings). */
function bestHeading(text: string, kind: ReportKind): { key: SectionKey; score: number } | null {
  // Most lines share few characters with any heading: reject them before scoring.
  const chars = headingChars(kind);
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

export function segment(doc: SourceDocument, kind: ReportKind): SegmentResult {
  const findings: Finding[] = [];
  const order = kind.headings.map((h) => h.key);
  const starts: { key: SectionKey; index: number; heading: string }[] = [];
  const seen = new Set<SectionKey>();
  doc.blocks.forEach((block, index) => {
    const text = blockText(block);
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
  const sections: Section[] = starts.map((s, i) => ({
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
  return { sections, findings, legacy };
}

/** Pre-2019 reports (2008 条例) have 概述 / 依申请公开 / 收费及减免 headings and none of the new sections' tables. */
function looksLegacy(doc: SourceDocument, kind: ReportKind, sections: Section[]): boolean {
  if (sections.some((s) => s.key === 'requests')) return false;
  let hits = 0;
  const markers = kind.legacyMarkers.map(labelKey);
  for (const block of doc.blocks) {
    const text = blockText(block);
    if (text.length > MAX_HEADING_CHARS || !TOP_NUMERAL.test(text)) continue;
    const key = labelKey(text);
    if (markers.some((m) => key.includes(m))) hits++;
  }
  return hits >= 2;
}

/** The text of each section, for storage; line and page of its heading. */
export function sectionTexts(doc: SourceDocument, sections: Section[]) {
  return sections.map((s) => ({
    key: s.key,
    heading: s.heading,
    text: doc.blocks
      .slice(s.start, s.end)
      .map(blockText)
      .join('\n'),
    line: s.prov.line ?? null,
    page: s.prov.page ?? null,
  }));
}
