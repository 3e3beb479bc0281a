/**
 * The review pages' stylesheet and script, served by the server itself (no CDN, works offline). Plain
 * CSS and a small script with no framework: the pages are rendered on the server; the script only links
 * grid cells, boxes on page images, source lines and findings, and posts corrections.
 */

export const CSS = `
:root { --line: #d0d7de; --muted: #57606a; --sel: #fb8500; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1f2328; }
header.top { background: #24292f; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: baseline; }
header.top a { color: #fff; text-decoration: none; font-weight: 600; }
main { padding: 12px 16px; }
h1 { font-size: 20px; margin: 4px 0 8px; } h2 { font-size: 16px; margin: 16px 0 6px; }
.muted { color: var(--muted); } .key { color: var(--muted); font: 12px ui-monospace, monospace; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 2px 6px; }
th { background: #f6f8fa; font-weight: 600; text-align: left; }
table.docs td.n, table.grid td.v { text-align: right; font-variant-numeric: tabular-nums; }
.band { display: flex; gap: 24px; flex-wrap: wrap; margin-bottom: 12px; }
.band section { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 220px; }
.bar { display: flex; align-items: center; gap: 6px; font-size: 12px; }
.bar span.fill { display: inline-block; height: 10px; background: #54aeff; }
form.filters { display: flex; gap: 8px; flex-wrap: wrap; align-items: end; margin: 8px 0; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.status-ok { color: #1a7f37; } .status-findings { color: #9a6700; } .status-failed { color: #cf222e; }
.pager { margin: 8px 0; display: flex; gap: 12px; }
.doc { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; align-items: start; }
.source { position: sticky; top: 0; max-height: 100vh; overflow: auto; border: 1px solid var(--line); }
.page { position: relative; margin-bottom: 8px; }
.page img { display: block; width: 100%; }
.page .label { position: absolute; left: 4px; top: 4px; background: #fff8; font-size: 12px; }
.box { position: absolute; border: 1px solid #0969da80; cursor: pointer; }
.box.m-glued-split, .box.m-identity-placed, .box.m-identity-inferred, .box.m-joined, .box.m-lone-total { border-color: #bf870080; }
.box.m-unresolved { border-color: #cf222e; }
.box.sel, .box.hover { border: 2px solid var(--sel); background: #fb850033; }
.src-line { font: 13px/1.5 ui-monospace, "Noto Sans Mono CJK SC", monospace; white-space: pre-wrap; word-break: break-all; padding: 0 6px; }
.src-line .no { color: var(--muted); user-select: none; display: inline-block; min-width: 3em; }
.src-line.sel { background: #fff1e5; }
.src-line mark { background: #fb8500; color: #fff; }
table.grid td.v { cursor: pointer; min-width: 3em; }
td.m-grid, td.m-position, td.m-sequence { background: #fff; }
td.m-glued-split, td.m-joined, td.m-identity-placed, td.m-lone-total { background: #fff8c5; }
td.m-identity-inferred { background: #ffebe9; }
td.m-blank { background: #f6f8fa; color: var(--muted); }
td.m-unresolved { background: #ffcecb; }
td.m-corrected { background: #dafbe1; font-weight: 600; }
td.low-conf { outline: 2px dotted #cf222e; outline-offset: -3px; }
td.flagged { box-shadow: inset 0 0 0 2px #cf222e55; }
td.sel { box-shadow: inset 0 0 0 3px var(--sel) !important; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 4px; border: 1px solid var(--line); font-size: 12px; }
ul.findings { list-style: none; padding: 0; margin: 0; }
ul.findings li { border-left: 4px solid var(--line); padding: 2px 8px; margin: 4px 0; cursor: pointer; }
ul.findings li.error { border-color: #cf222e; } ul.findings li.warning { border-color: #bf8700; } ul.findings li.info { border-color: #54aeff; }
ul.findings li.resolved { opacity: .55; text-decoration: line-through; }
ul.findings li.added { background: #fff1e5; }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.panel input[type=text], .panel input[type=number], .panel textarea { width: 100%; font: inherit; }
.error-text { color: #cf222e; }
.stale { color: #9a6700; }
.compare td.bad { background: #ffcecb; }
`;

/** The document page's behaviour: selection links grid cells, boxes, source lines and findings; corrections are posted as JSON. */
export const DOCUMENT_JS = `
(function () {
  var data = JSON.parse(document.getElementById('doc-data').textContent);
  var selected = null;
  function cellsOf(key) { return document.querySelectorAll('[data-cell="' + CSS.escape(key) + '"]'); }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function lineEl(n) { return document.getElementById('L' + n); }
  function markLine(el, cell) {
    var text = el.getAttribute('data-text');
    var no = el.querySelector('.no');
    el.textContent = '';
    if (no) el.appendChild(no);
    if (cell && cell.offset != null && cell.raw) {
      el.appendChild(document.createTextNode(text.slice(0, cell.offset)));
      var m = document.createElement('mark');
      m.textContent = text.slice(cell.offset, cell.offset + cell.raw.length);
      el.appendChild(m);
      el.appendChild(document.createTextNode(text.slice(cell.offset + cell.raw.length)));
    } else el.appendChild(document.createTextNode(text));
  }
  function clear(cls) { each(document.querySelectorAll('.' + cls), function (e) { e.classList.remove(cls); if (cls === 'sel' && e.classList.contains('src-line')) markLine(e, null); }); }
  function select(key, scroll) {
    clear('sel');
    selected = key;
    var cell = data.cells[key];
    each(cellsOf(key), function (e) { e.classList.add('sel'); });
    var box = document.querySelector('.box[data-cell="' + CSS.escape(key) + '"]');
    if (box && scroll) box.scrollIntoView({ block: 'center', behavior: 'smooth' });
    if (cell && cell.line != null && !box) {
      var el = lineEl(cell.line);
      if (el) { el.classList.add('sel'); markLine(el, cell); if (scroll) el.scrollIntoView({ block: 'center' }); }
    }
    var form = document.getElementById('correction');
    if (form && cell) {
      form.hidden = false;
      document.getElementById('c-cell').textContent = key.split('|').join('.');
      document.getElementById('c-read').textContent = (cell.value == null ? '(blank)' : cell.value) + (cell.raw != null ? '  raw "' + cell.raw + '"' : '') + '  ' + cell.method;
      document.getElementById('c-value').value = cell.value == null ? '' : cell.value;
      document.getElementById('c-message').textContent = '';
    }
  }
  each(document.querySelectorAll('[data-cell]'), function (e) {
    var key = e.getAttribute('data-cell');
    e.addEventListener('mouseenter', function () { each(cellsOf(key), function (x) { x.classList.add('hover'); }); var b = document.querySelector('.box[data-cell="' + CSS.escape(key) + '"]'); if (b && e.tagName === 'TD') b.scrollIntoView({ block: 'nearest' }); });
    e.addEventListener('mouseleave', function () { clear('hover'); });
    e.addEventListener('click', function () { select(key, e.tagName === 'TD'); });
  });
  each(document.querySelectorAll('li[data-finding]'), function (li) {
    li.addEventListener('click', function () {
      var first = li.getAttribute('data-first-cell');
      if (first) select(first, true);
    });
  });
  var form = document.getElementById('correction');
  if (form) form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!selected) return;
    var parts = selected.split('|');
    var action = form.querySelector('input[name=action]:checked').value;
    var raw = document.getElementById('c-value').value.trim();
    var value = action === 'confirm' ? null : (raw === '' ? null : Number(raw));
    var msg = document.getElementById('c-message');
    if (action === 'set' && raw !== '' && !isFinite(value)) { msg.textContent = '数值无效 (not a number)'; return; }
    var body = { table: parts[0], row: parts[1], col: parts[2], action: action, value: value, reason: document.getElementById('c-reason').value, reviewer: document.getElementById('c-reviewer').value };
    fetch(form.getAttribute('data-endpoint'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (res.ok) { location.hash = 'cell=' + encodeURIComponent(selected); location.reload(); }
        else msg.textContent = res.body.error || 'error';
      })
      .catch(function (e) { msg.textContent = String(e); });
  });
  var m = /cell=([^&]+)/.exec(location.hash);
  if (m) select(decodeURIComponent(m[1]), true);
})();
`;
