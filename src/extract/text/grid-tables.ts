/**
 * Grid tables in text: a table drawn with "+----+----+" borders and "|" between its columns, each cell's text
 * wrapped inside its column — pandoc's markdown writes a web page's tables so when a cell holds paragraphs (a
 * site's page laid out as a table of menu and content), and emacs and RST tables look the same. Read line by line,
 * the report's title cut into a cell's 25-character lines runs into the menu beside it ("信息公开制度 县城关镇人民政府
 * 2024年政"), and a table inside the content cell is a grid within the grid.
 *
 * A grid table is rewritten before its lines are read: each cell's lines joined back (ideographs without a space,
 * words with one, a line ending in "\" kept as a line break), a row whose cells are one line each written as one
 * line of tab-separated cells, and a row with longer cells written cell after cell — a grid inside a cell in turn.
 * Columns are found by display width (an ideograph is two columns wide, as pandoc lays them out), and every line
 * written keeps the number of the source line it starts on.
 */
import { eastAsianWidth } from 'get-east-asian-width';

/** A line of text and the (1-based) source line it comes from. */
export interface SourcedLine {
  text: string;
  line: number;
}

/** A border: "+---+:--:+", "+===+" (after a header row), indented or not. */
const BORDER = /^\s*\+(?:[-=:]+\+)+\s*$/;

/** Whether line `i` starts a grid table (a border followed by a row). */
export function startsGridTable(lines: readonly string[], i: number): boolean {
  return BORDER.test(lines[i]!) && /^\s*\|/.test(lines[i + 1] ?? '');
}

/**
 * The grid table starting at line `start` (0-based) rewritten, and the index of its last line; null when the lines
 * are not a well-formed grid (a row line without a "|" at a column's border), so they are read as they are.
 */
export function readGridTable(lines: readonly string[], start: number): { lines: SourcedLine[]; end: number } | null {
  const indent = lines[start]!.length - lines[start]!.trimStart().length;
  const body: SourcedLine[] = [];
  for (let i = start; i < lines.length; i++) {
    const text = lines[i]!.slice(indent).trimEnd();
    if (!text.startsWith('|') && !text.startsWith('+')) break;
    body.push({ text, line: i + 1 });
  }
  if (body.length < 3 || !BORDER.test(body[body.length - 1]!.text)) return null;
  const rewritten = gridRows(body);
  return rewritten ? { lines: rewritten, end: start + body.length - 1 } : null;
}

/** The rows of a grid (its lines from the first border to the last), rewritten; null when it is not a grid. */
function gridRows(body: readonly SourcedLine[]): SourcedLine[] | null {
  const out: SourcedLine[] = [];
  let border = columnsOf(body[0]!.text);
  let row: SourcedLine[] = [];
  for (const l of body.slice(1)) {
    if (!BORDER.test(l.text)) {
      row.push(l);
      continue;
    }
    if (row.length > 0) {
      const cells = cellsOf(row, border);
      if (!cells) return null;
      out.push(...rowLines(cells, row[0]!.line));
    }
    border = columnsOf(l.text);
    row = [];
  }
  return out;
}

/** The display columns of a border's "+". */
function columnsOf(border: string): number[] {
  const at: number[] = [];
  let col = 0;
  for (const ch of border) {
    if (ch === '+') at.push(col);
    col += widthOf(ch);
  }
  return at;
}

/** A cell's lines and the width its text is wrapped at (its column less the two spaces that pad it). */
interface Cell {
  lines: SourcedLine[];
  width: number;
}

/** Each cell's lines in a row (between its column borders), or null when a line has no "|" at a border. */
function cellsOf(row: readonly SourcedLine[], borders: readonly number[]): Cell[] | null {
  const cells: Cell[] = borders.slice(1).map((b, k) => ({ lines: [], width: b - borders[k]! - 3 }));
  for (const l of row) {
    const pieces = splitAtColumns(l.text, borders);
    if (!pieces) return null;
    pieces.forEach((p, k) => cells[k]!.lines.push({ text: p, line: l.line }));
  }
  return cells;
}

/** A row line cut at the borders' display columns, each piece without the one space pandoc pads it with. */
function splitAtColumns(text: string, borders: readonly number[]): string[] | null {
  const pieces: string[] = [];
  let col = 0;
  let k = 0;
  let piece = '';
  for (const ch of text) {
    if (col === borders[k]) {
      if (ch !== '|' && ch !== '+') return null;
      if (k > 0) pieces.push(piece.replace(/^ /, '').trimEnd());
      piece = '';
      k++;
    } else piece += ch;
    col += widthOf(ch);
  }
  return k === borders.length ? pieces : null;
}

/** A row rewritten: one line of tab-separated cells when each cell is one line at most, else cell after cell. */
function rowLines(cells: readonly Cell[], line: number): SourcedLine[] {
  const contents = cells.map(cellContent);
  if (contents.every((c) => c.length <= 1)) return [{ text: contents.map((c) => c[0]?.text ?? '').join('\t'), line }];
  return contents.flat();
}

/** A cell's content: a grid inside it rewritten in turn, other lines joined back into their paragraphs. */
function cellContent({ lines: cell, width }: Cell): SourcedLine[] {
  const out: SourcedLine[] = [];
  const tabled = inSpacedTable(cell);
  const texts = cell.map((c) => c.text);
  for (let i = 0; i < cell.length; i++) {
    if (startsGridTable(texts, i)) {
      const inner = readGridTable(texts, i);
      if (inner) {
        out.push(...inner.lines.map((l) => ({ text: l.text, line: cell[l.line - 1]!.line })));
        i = inner.end;
        continue;
      }
    }
    if (cell[i]!.text.trim() === '') continue;
    const end = paragraphEnd(cell, i);
    out.push(...joinWrapped(cell.slice(i, end + 1), width, tabled.slice(i, end + 1).some(Boolean)));
    i = end;
  }
  return out;
}

/** The last line of the paragraph starting at line i of a cell (the lines up to a blank line or a border). */
function paragraphEnd(cell: readonly SourcedLine[], i: number): number {
  let end = i;
  while (end + 1 < cell.length && cell[end + 1]!.text.trim() !== '' && !BORDER.test(cell[end + 1]!.text)) end++;
  return end;
}

/** A line of dashes: the rule of a table markdown lays out with spaces (pandoc's simple and multiline tables). */
const DASHES = /^\s*-{2,}[\s-]*$/;

/**
 * Which lines of a cell belong to a table laid out with spaces: from a rule of dashes (wrapped over lines, maybe)
 * to the next rule after other lines.
 */
function inSpacedTable(cell: readonly SourcedLine[]): boolean[] {
  let open = false;
  let content = false;
  let rule = false;
  return cell.map((l) => {
    const dashes = DASHES.test(l.text);
    // A rule wrapped over several lines is one rule: its next lines neither close nor open a table.
    if (dashes && !rule) {
      if (open && content) open = content = false;
      else open = true;
    }
    rule = dashes;
    if (dashes) return true;
    if (open && l.text.trim() !== '') content = true;
    return open;
  });
}

/**
 * A paragraph's lines joined back: a paragraph is one line (markdown's lines of one paragraph are one text), a
 * line ending in "\" a line break. A table laid out with spaces inside the cell (between rules of dashes) keeps
 * its lines: only a word the cell's edge cut is joined — the line above had no room for the next one's first
 * character, and the two characters at the cut are both wide (ideographs) or both narrow.
 */
function joinWrapped(lines: readonly SourcedLine[], width: number, table: boolean): SourcedLine[] {
  const out: SourcedLine[] = [{ text: lines[0]!.text, line: lines[0]!.line }];
  for (const [k, l] of lines.entries()) {
    if (k === 0) continue;
    const last = out[out.length - 1]!;
    const next = l.text.trim();
    const broken = last.text.endsWith('\\');
    if (broken) last.text = last.text.slice(0, -1);
    // In a table, only a word cut at the cell's edge goes on on the next line: the line above (as printed, not as
    // joined so far) had no room for the next one's first character.
    const above = lines[k - 1]!.text.replace(/\\$/, '').trimEnd();
    const first = String.fromCodePoint(next.codePointAt(0) ?? 32);
    const cut = !DASHES.test(above) && !DASHES.test(next) && sameScript(above.slice(-1), first) && width - displayWidth(above) < displayWidth(first);
    if (broken || (table && !cut)) out.push({ text: l.text, line: l.line });
    else last.text = table ? last.text.trimEnd() + next : joinPieces(last.text.trimEnd(), next);
  }
  for (const l of out) l.text = l.text.replace(/\\$/, '').trim();
  return out;
}

/** Words were wrapped at a space, ideographs anywhere. */
function joinPieces(before: string, after: string): string {
  const a = before.codePointAt(before.length - 1) ?? 0;
  const b = after.codePointAt(0) ?? 0;
  return a < 0x80 && b < 0x80 ? `${before} ${after}` : before + after;
}

/** Two characters a word may run across: both wide (ideographs), or both narrow — not a figure beside a label. */
function sameScript(a: string, b: string): boolean {
  return a !== '' && b !== '' && displayWidth(a) === displayWidth(b);
}

function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += widthOf(ch);
  return w;
}

function widthOf(ch: string): number {
  return eastAsianWidth(ch.codePointAt(0)!);
}
