/**
 * Checking flag values before any document is opened, with messages that say what was expected and
 * what was given ("Expected --concurrency to be a whole number from 1 up, got 'x'").
 */
import { UsageError } from '../findings.js';

export function wholeNumber(flag: string, value: string, min = 1): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`Expected ${flag} to be a whole number from ${min} up, got '${value}'`);
  return n;
}

export function seconds(flag: string, value: string): number {
  const n = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`Expected ${flag} to be a number of seconds above 0, got '${value}'`);
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** A size like 100MB, 512KB, 1.5GB or a plain number of bytes. */
export function byteSize(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`Expected ${flag} to be a size like 100MB, 512KB or 2GB, got '${value}'`);
  return n;
}
