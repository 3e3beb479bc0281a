/**
 * The review pages, rendered on the server. Every text that comes from a report — titles, agencies,
 * labels, raw cells, source lines, findings, reasons — goes through `esc` (or into the JSON data block,
 * with `<` escaped): a report titled `<script>…` shows that text and runs nothing. Chinese throughout,
 * with the English keys beside.
 */
import { KindLabels } from '../commands/display-labels.js';
import type { Finding } from '../findings.js';
import type { ReportKind } from '../kind.js';
import type { Correction, Review } from '../review/corrections.js';
import type { BodyYear, CollectionSummary, DocumentListItem, DocumentQuery, StoredDocument } from '../store/store.js';
import type { Cell, ExtractedTable } from '../types.js';
import type { PageSize } from './page-image.js';

export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON for a `<script type="application/json">` block: `<` escaped so no text can close the block. */
function jsonBlock(id: string, value: unknown): string {
  return `<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}

export function layout(title: string, body: string, scripts: string[] = []): string {
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ogi</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><header class="top"><a href="/">ogi 审核 · review</a><span class="muted">政府信息公开工作年度报告</span></header>
<main>${body}</main>${scripts.map((s) => `<script src="${esc(s)}"></script>`).join('')}</body></html>`;
}

const STATUS_WORDS: Record<string, string> = { ok: '通过 ok', findings: '有问题 findings', failed: '失败 failed' };

function statusCell(status: string): string {
  return `<span class="status-${esc(status)}">${esc(STATUS_WORDS[status] ?? status)}</span>`;
}

/** A link to the collection with the query changed (filters kept). */
function queryLink(query: DocumentQuery, change: Partial<DocumentQuery>): string {
  const q = { ...query, ...change };
  const params = new URLSearchParams();
  if (q.status) params.set('status', q.status);
  if (q.year !== undefined) params.set('year', String(q.year));
  if (q.layout) params.set('layout', q.layout);
  if (q.format) params.set('format', q.format);
  if (q.hasErrors) params.set('errors', '1');
  if (q.q) params.set('q', q.q);
  if (q.sort) params.set('sort', q.sort);
  if (q.descending) params.set('order', 'desc');
  if (q.page && q.page > 1) params.set('page', String(q.page));
  const s = params.toString();
  return s ? `/?${s}` : '/';
}

function bars(items: { label: string; n: number; key?: string }[]): string {
  const max = Math.max(1, ...items.map((i) => i.n));
  return items
    .map((i) => `<div class="bar"><span class="fill" style="width:${Math.round((120 * i.n) / max)}px"></span><span>${esc(i.label)}${i.key ? ` <span class="key">${esc(i.key)}</span>` : ''} · ${i.n}</span></div>`)
    .join('');
}

export function collectionPage(summary: CollectionSummary, list: { total: number; documents: DocumentListItem[] }, query: DocumentQuery, pageSize: number): string {
  const option = (value: string, label: string, current: string | undefined): string => `<option value="${esc(value)}"${current === value ? ' selected' : ''}>${esc(label)}</option>`;
  const filters = `<form class="filters" method="get" action="/">
<label>状态 status<select name="status">${option('', '全部 all', query.status ?? '')}${['ok', 'findings', 'failed'].map((s) => option(s, STATUS_WORDS[s]!, query.status)).join('')}</select></label>
<label>年度 year<select name="year">${option('', '全部 all', query.year === undefined ? '' : undefined)}${summary.facets.years.map((y) => option(String(y), String(y), query.year === undefined ? undefined : String(query.year))).join('')}</select></label>
<label>格式版本 layout<select name="layout">${option('', '全部 all', query.layout ?? '')}${summary.facets.layouts.map((l) => option(l, l, query.layout)).join('')}</select></label>
<label>文件格式 format<select name="format">${option('', '全部 all', query.format ?? '')}${summary.facets.formats.map((f) => option(f, f, query.format)).join('')}</select></label>
<label>有错误 has errors<input type="checkbox" name="errors" value="1"${query.hasErrors ? ' checked' : ''}></label>
<label>搜索 agency / file<input type="search" name="q" value="${esc(query.q ?? '')}"></label>
<button type="submit">筛选 filter</button></form>`;
  const sortable = (key: DocumentQuery['sort'], label: string): string => {
    const active = query.sort === key;
    return `<a href="${esc(queryLink(query, { sort: key, descending: active ? !query.descending : false, page: 1 }))}">${label}${active ? (query.descending ? ' ↓' : ' ↑') : ''}</a>`;
  };
  const rows = list.documents
    .map(
      (d) => `<tr><td><a href="/documents/${esc(encodeURIComponent(d.id))}">${esc(d.agency ?? '?')}</a></td><td class="n">${esc(d.year ?? '')}</td><td>${esc(d.layout ?? '')}</td><td>${esc(d.format ?? '')}</td>
<td>${statusCell(d.status)}</td><td class="n">${d.errors}</td><td class="n">${d.warnings}</td><td class="muted">${esc(d.file)}</td></tr>`,
    )
    .join('\n');
  const page = query.page ?? 1;
  const pages = Math.max(1, Math.ceil(list.total / pageSize));
  const pager = `<div class="pager">${page > 1 ? `<a href="${esc(queryLink(query, { page: page - 1 }))}">← 上一页 prev</a>` : ''}<span>第 ${page} / ${pages} 页 · ${list.total} 份报告</span>${page < pages ? `<a href="${esc(queryLink(query, { page: page + 1 }))}">下一页 next →</a>` : ''}</div>`;
  const band = `<div class="band">
<section><h2>按状态 by status</h2>${bars(summary.byStatus.map((s) => ({ label: STATUS_WORDS[s.status] ?? s.status, n: s.n })))}</section>
<section><h2>按规则的问题 findings by rule</h2>${bars(summary.byRule.slice(0, 12).map((r) => ({ label: r.rule, n: r.n, key: r.severity })))}</section>
<section><h2>按年度 by year</h2>${bars(summary.byYear.map((y) => ({ label: y.year === null ? '未知 unknown' : String(y.year), n: y.n })))}</section>
</div>`;
  const body = `<h1>报告集 collection <span class="muted">${summary.documents} 份 documents</span></h1>${band}${filters}
<table class="docs"><thead><tr><th>${sortable('agency', '机关 agency')}</th><th>${sortable('year', '年度 year')}</th><th>${sortable('layout', '版本 layout')}</th><th>${sortable('format', '格式 format')}</th>
<th>${sortable('status', '状态 status')}</th><th>${sortable('errors', '错误 errors')}</th><th>${sortable('warnings', '警告 warnings')}</th><th>${sortable('file', '文件 file')}</th></tr></thead>
<tbody>${rows || '<tr><td colspan="8" class="muted">没有符合条件的报告 no documents</td></tr>'}</tbody></table>${pager}`;
  return layout('报告集 collection', body);
}

export interface DocumentView {
  stored: StoredDocument;
  review: Review;
  kind: ReportKind;
  /** PDF page sizes (points), when the document is a PDF and its file is still there. */
  pages: PageSize[] | null;
  /** Source lines (text, HTML, Word), when the file is still there. */
  lines: Map<number, string> | null;
  sourceChanged: boolean;
  reviewer: string;
}

const METHOD_WORDS: Record<string, string> = {
  grid: '表格读取 read',
  position: '按位置 read',
  sequence: '按顺序 read',
  'lone-total': '单值总计 lone total',
  'identity-placed': '按勾稽关系放置 placed by identities',
  'glued-split': '拆分粘连数字 glued-split',
  joined: '合并 joined',
  'identity-inferred': '按勾稽关系推算 inferred',
  blank: '空白 blank',
  unresolved: '无法确定 unresolved',
  corrected: '已更正 corrected',
};

const cellKey = (c: { table: string; row: string; col: string }): string => `${c.table}|${c.row}|${c.col}`;

/** Low OCR confidence: the same threshold the OCR check reports at. */
const LOW_CONFIDENCE = 80;

export function documentPage(v: DocumentView): string {
  const { stored, review } = v;
  const d = stored.document;
  const labels = new KindLabels(v.kind);
  const inForce = new Map<string, Correction>();
  for (const c of stored.corrections) if (c.status === 'active') inForce.set(cellKey(c), c);
  const flagged = new Set<string>();
  for (const f of review.findings) if (!f.resolved && f.severity !== 'info') for (const c of cellsOfFinding(f, stored.tables)) flagged.add(cellKey(c));
  const cells: Record<string, { value: number | null; raw: string | null; method: string; line: number | null; offset: number | null; page: number | null }> = {};
  for (const t of stored.tables) {
    for (const c of t.cells) {
      const k = inForce.get(cellKey(c));
      const corrected = k?.action === 'set';
      cells[cellKey(c)] = { value: corrected ? k.value : c.value, raw: c.raw, method: corrected ? 'corrected' : c.method, line: c.prov.line ?? null, offset: c.prov.offset ?? null, page: c.prov.page ?? null };
    }
  }
  const head = `<h1>${esc(d.title ?? d.file)}</h1>
<p>${esc(d.agency ?? '?')} · ${esc(d.year ?? '?')} 年度 · 版本 layout ${esc(d.layout ?? '?')} · ${esc(d.format ?? '?')} · ${statusCell(d.status)}
${d.agency ? ` · <a href="/agencies/${esc(encodeURIComponent(d.agency))}">历年对比 compare years</a>` : ''}</p>
<p class="muted">${d.paths.map((p) => esc(p)).join('<br>')}${d.error ? `<br><span class="error-text">[${esc(d.failedStage)}] ${esc(d.error)}</span>` : ''}${v.sourceChanged ? '<br><span class="stale">文件已更改 the file has changed since it was ingested</span>' : ''}</p>`;
  const order = new Map(v.kind.tables.map((t, i) => [t.key, i]));
  const grids = [...stored.tables].sort((a, b) => (order.get(a.table) ?? 99) - (order.get(b.table) ?? 99)).map((t) => gridHtml(t, v.kind, labels, inForce, flagged)).join('');
  const legend = `<p class="legend">${['grid', 'glued-split', 'identity-inferred', 'blank', 'unresolved', 'corrected'].map((m) => `<span class="m-${m}">${esc(METHOD_WORDS[m])}</span>`).join('')}<span style="outline:2px dotted #cf222e">OCR 置信度低 low confidence</span></p>`;
  const findings = `<h2>问题 findings <span class="muted">${review.findings.filter((f) => !f.resolved).length} 未解决 open / ${review.findings.length}</span></h2>
<ul class="findings">${review.findings.map((f, i) => findingHtml(f, i, stored.tables, f.resolved ? 'resolved' : '')).join('')}${review.added.map((f, i) => findingHtml(f, i + review.findings.length, stored.tables, 'added')).join('')}</ul>`;
  const correctionsList = stored.corrections.length
    ? `<h2>更正记录 corrections</h2><table><thead><tr><th>单元格 cell</th><th>操作 action</th><th>值 value</th><th>原值 extracted</th><th>理由 reason</th><th>审核人 reviewer</th><th>时间 time</th><th>状态 status</th></tr></thead><tbody>${stored.corrections
        .map(
          (c) => `<tr data-cell="${esc(cellKey(c))}"><td class="key">${esc(`${c.table}.${c.row}.${c.col}`)}</td><td>${c.action === 'set' ? '改为 set' : '确认 confirm'}</td><td>${esc(c.value ?? '(空 blank)')}</td><td>${esc(c.extractedValue ?? '(空 blank)')}</td>
<td>${esc(c.reason)}</td><td>${esc(c.reviewer)}</td><td class="muted">${esc(c.createdAt)}</td><td${c.status === 'stale' ? ' class="stale"' : ''}>${c.status === 'stale' ? '已过期 stale' : '有效 active'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const form = `<form id="correction" class="panel" hidden data-endpoint="/api/documents/${esc(encodeURIComponent(d.id))}/corrections">
<h2>更正 correct <span id="c-cell" class="key"></span></h2>
<p>提取值 as extracted: <span id="c-read"></span></p>
<p><label><input type="radio" name="action" value="set" checked> 改为 set value</label> <label><input type="radio" name="action" value="confirm"> 确认无误 confirm as read</label></p>
<p><label>新值 value (留空为空白 empty = blank)<input type="text" id="c-value" inputmode="decimal"></label></p>
<p><label>理由 reason (必填 required)<textarea id="c-reason" rows="2" required></textarea></label></p>
<p><label>审核人 reviewer<input type="text" id="c-reviewer" value="${esc(v.reviewer)}"></label></p>
<button type="submit">保存 save</button> <span id="c-message" class="error-text"></span></form>`;
  const body = `${head}<div class="doc"><div class="source">${sourceHtml(v, stored.tables)}</div>
<div>${form}${legend}${grids}${findings}${correctionsList}</div></div>${jsonBlock('doc-data', { id: d.id, cells })}`;
  return layout(d.title ?? d.file, body, ['/assets/document.js']);
}

/** Keys in the template's order, then any the template does not know (as stored). */
function inOrder(template: readonly string[], keys: Iterable<string>): string[] {
  const present = new Set(keys);
  return [...template.filter((k) => present.has(k)), ...[...present].filter((k) => !template.includes(k))];
}

function gridHtml(t: ExtractedTable, kind: ReportKind, labels: KindLabels, inForce: Map<string, Correction>, flagged: Set<string>): string {
  const variant = kind.tables.find((d) => d.key === t.table)?.variants.find((v) => v.layout === t.layout);
  const rows = inOrder(variant?.rows.map((r) => r.key) ?? [], t.cells.map((c) => c.row));
  const cols = inOrder(variant?.columns.map((c) => c.key) ?? [], t.cells.map((c) => c.col));
  const byKey = new Map(t.cells.map((c) => [cellKey(c), c]));
  const head = `<tr><th></th>${cols.map((c) => `<th>${esc(labels.column(t.table, c, t.layout))}<br><span class="key">${esc(c)}</span></th>`).join('')}</tr>`;
  const body = rows
    .map((r) => {
      const tds = cols
        .map((c) => {
          const cell = byKey.get(`${t.table}|${r}|${c}`);
          if (!cell) return '<td></td>';
          const k = inForce.get(cellKey(cell));
          const corrected = k?.action === 'set';
          const value = corrected ? k.value : cell.value;
          const method = corrected ? 'corrected' : cell.method;
          const classes = [`v`, `m-${method}`];
          if (cell.prov.confidence !== undefined && cell.prov.confidence < LOW_CONFIDENCE) classes.push('low-conf');
          if (flagged.has(cellKey(cell))) classes.push('flagged');
          const shown = value !== null ? String(value) : (cell.raw ?? '');
          const title = `${METHOD_WORDS[method] ?? method}${cell.raw !== null ? ` · raw "${cell.raw}"` : ''}${cell.prov.confidence !== undefined ? ` · OCR ${Math.round(cell.prov.confidence)}%` : ''}${k ? ` · ${k.action === 'confirm' ? '已确认 confirmed' : `原值 extracted ${cell.value ?? 'blank'}`}` : ''}`;
          return `<td class="${classes.join(' ')}" data-cell="${esc(cellKey(cell))}" title="${esc(title)}">${esc(shown)}${k?.action === 'confirm' ? ' ✓' : ''}</td>`;
        })
        .join('');
      return `<tr><th>${esc(labels.row(t.table, r, t.layout))} <span class="key">${esc(r)}</span></th>${tds}</tr>`;
    })
    .join('');
  return `<h2>${esc(labels.table(t.table))} <span class="key">${esc(t.table)} · ${esc(t.layout)}</span></h2><table class="grid">${head}${body}</table>`;
}

function cellsOfFinding(f: Finding, tables: readonly ExtractedTable[]): Cell[] {
  if (!f.table) return [];
  return tables
    .filter((t) => t.table === f.table)
    .flatMap((t) => t.cells)
    .filter((c) => (f.row === undefined || c.row === f.row) && (f.col === undefined || c.col === f.col));
}

function findingHtml(f: Finding, i: number, tables: readonly ExtractedTable[], state: string): string {
  const first = cellsOfFinding(f, tables)[0];
  const where = [f.table, f.row, f.col].filter(Boolean).join('.');
  return `<li class="${esc(f.severity)} ${state}" data-finding="${i}"${first ? ` data-first-cell="${esc(cellKey(first))}"` : ''}>
<strong>${esc(f.rule)}</strong> ${state === 'resolved' ? '（已解决 resolved）' : state === 'added' ? '（更正后新增 raised by the corrections）' : ''}<br>${esc(f.message)}
${where ? `<br><span class="key">${esc(where)}${f.line !== undefined ? ` · line ${f.line}` : ''}${f.page !== undefined ? ` · page ${f.page}` : ''}</span>` : ''}</li>`;
}

function sourceHtml(v: DocumentView, tables: readonly ExtractedTable[]): string {
  if (v.pages) {
    const boxes = new Map<number, Cell[]>();
    for (const t of tables) for (const c of t.cells) if (c.prov.page !== undefined && c.prov.box) boxes.set(c.prov.page, [...(boxes.get(c.prov.page) ?? []), c]);
    return v.pages
      .map((p) => {
        const overlay = (boxes.get(p.page) ?? [])
          .map((c) => {
            const b = c.prov.box!;
            const pct = (x: number, of: number): string => `${((100 * x) / of).toFixed(3)}%`;
            return `<div class="box m-${esc(c.method)}" data-cell="${esc(cellKey(c))}" style="left:${pct(b.x0, p.width)};top:${pct(b.y0, p.height)};width:${pct(b.x1 - b.x0, p.width)};height:${pct(b.y1 - b.y0, p.height)}"></div>`;
          })
          .join('');
        return `<div class="page" id="page-${p.page}"><img loading="lazy" alt="page ${p.page}" src="/documents/${esc(encodeURIComponent(v.stored.document.id))}/pages/${p.page}.png" style="aspect-ratio:${p.width}/${p.height}"><span class="label">第 ${p.page} 页</span>${overlay}</div>`;
      })
      .join('');
  }
  if (v.lines) {
    return [...v.lines.entries()]
      .map(([n, text]) => `<div class="src-line" id="L${n}" data-text="${esc(text)}"><span class="no">${n}</span>${esc(text)}</div>`)
      .join('');
  }
  return '<p class="muted">原文件不可用 the source file is no longer at its recorded paths</p>';
}

/** One body's reports side by side by year, with the cross-year checks (结转, 现行有效件数) highlighted. */
export function comparePage(agency: string, years: BodyYear[], kind: ReportKind): string {
  const labels = new KindLabels(kind);
  const value = (y: BodyYear, table: string, row: string, col: string): number | null =>
    y.tables.find((t) => t.table === table)?.cells.find((c) => c.row === row && c.col === col)?.value ?? null;
  const rows: { table: string; row: string; col: string }[] = [
    ...['new_received', 'carried_over', 'granted', 'partial', 'total', 'carried_forward'].map((row) => ({ table: 'sec3', row, col: 'total' })),
    ...['issued', 'repealed', 'in_force'].map((col) => ({ table: 'sec2_art20_1', row: 'normative', col })),
    ...['review', 'direct', 'after_review'].map((row) => ({ table: 'sec4', row, col: 'total' })),
  ];
  const bad = (i: number, r: { table: string; row: string; col: string }): boolean => {
    const cur = years[i]!;
    const prev = years[i - 1];
    if (!prev || prev.document.year === null || cur.document.year !== prev.document.year + 1) return false;
    if (r.table === 'sec3' && r.row === 'carried_over') {
      const a = value(cur, 'sec3', 'carried_over', 'total');
      const b = value(prev, 'sec3', 'carried_forward', 'total');
      return a !== null && b !== null && a !== b;
    }
    if (r.table === 'sec2_art20_1' && r.col === 'in_force') {
      const now = value(cur, 'sec2_art20_1', 'normative', 'in_force');
      const before = value(prev, 'sec2_art20_1', 'normative', 'in_force');
      const issued = value(cur, 'sec2_art20_1', 'normative', 'issued');
      const repealed = value(cur, 'sec2_art20_1', 'normative', 'repealed');
      return [now, before, issued, repealed].every((x) => x !== null) && now !== before! + issued! - repealed!;
    }
    return false;
  };
  const head = `<tr><th></th>${years.map((y) => `<th><a href="/documents/${esc(encodeURIComponent(y.document.id))}">${esc(y.document.year ?? '?')}</a><br><span class="key">${esc(y.document.file)}</span></th>`).join('')}</tr>`;
  const body = rows
    .map(
      (r) => `<tr><th>${esc(labels.table(r.table))} · ${esc(labels.row(r.table, r.row))} · ${esc(labels.column(r.table, r.col))} <span class="key">${esc(`${r.table}.${r.row}.${r.col}`)}</span></th>${years
        .map((y, i) => `<td class="n${bad(i, r) ? ' bad' : ''}"${bad(i, r) ? ' title="与上年不衔接 does not follow last year"' : ''}>${esc(value(y, r.table, r.row, r.col) ?? '')}</td>`)
        .join('')}</tr>`,
    )
    .join('');
  return layout(`${agency} 历年对比`, `<h1>${esc(agency)} <span class="muted">历年对比 years compared</span></h1>
<p class="muted">红色：上年结转 ≠ 上年的结转下年度，或 现行有效件数 ≠ 上年 + 制发 − 废止 (red: the cross-year checks do not hold)</p>
<table class="compare">${head}${body}</table>`);
}

export function messagePage(title: string, text: string): string {
  return layout(title, `<h1>${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">← 报告集 collection</a></p>`);
}
