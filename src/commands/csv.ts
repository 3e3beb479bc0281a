/**
 * Writing CSV for spreadsheets: UTF-8 with a BOM (so Excel detects the encoding), RFC 4180 quoting,
 * and text cells that a spreadsheet would run as a formula made inert with a leading apostrophe.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export type CsvValue = string | number | null | undefined;

/** A text cell starting with = + - @ (or tab/CR, which some spreadsheets skip) would be a formula. */
export function formulaSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Numbers are written as they are: integers without ".0", decimals as JavaScript prints them (168.102). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (Object.is(n, -0)) return '0';
  return String(n);
}

function field(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? formatNumber(v) : formulaSafe(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes a CSV file atomically: rows go to a new temporary file in the same folder (opened with O_EXCL,
 * so an existing file or symlink there is never followed), renamed over the target at the end — a
 * reader never sees half a file, and a symlink planted at the target is replaced, not written through.
 */
export class CsvFile {
  private readonly fd: number;
  private readonly tmp: string;
  private buffer: string[] = [];
  private size = 0;
  rows = 0;

  constructor(private readonly target: string, header: readonly string[]) {
    this.tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    this.fd = openSync(this.tmp, 'wx');
    this.buffer.push('\ufeff');
    this.writeRow(header);
    this.rows = 0;
  }

  writeRow(values: readonly CsvValue[]): void {
    const line = values.map(field).join(',') + '\r\n';
    this.buffer.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size > 1 << 16) this.flush();
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.target);
  }

  discard(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
}
