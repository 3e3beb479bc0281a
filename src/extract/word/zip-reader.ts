/**
 * A small, guarded ZIP reader for .docx: reads the central directory, and inflates only the entries
 * asked for, with zip-bomb guards checked BEFORE inflating (declared size, compression ratio, total)
 * and enforced WHILE inflating (zlib's maxOutputLength: an entry that lies about its size stops at
 * the cap). Every failure is a DocumentError('extract', …) that names the problem.
 *
 * Own code rather than mammoth's bundled jszip: jszip inflates whatever the archive says, with no cap,
 * and a truncated download should say "truncated", not "Corrupted zip: can't find end of central directory".
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { DocumentError } from '../../findings.js';
import { formatBytes } from '../../stages/load.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc: number;
  localHeaderOffset: number;
  flags: number;
}

export interface ZipLimits {
  /** Largest uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Largest sum of uncompressed sizes of the entries read. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of an entry above 1 MB (XML compresses 5–30×; bombs 1000×+). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 160 * 1024 * 1024, maxRatio: 200 };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export class ZipArchive {
  private readBytes = 0;

  private constructor(
    private readonly bytes: Buffer,
    readonly entries: Map<string, ZipEntry>,
    private readonly limits: ZipLimits,
  ) {}

  static open(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipArchive {
    const eocd = findEndOfCentralDirectory(bytes);
    if (eocd < 0) {
      throw new DocumentError(
        'extract',
        'the .docx is truncated or not a ZIP archive (no end-of-central-directory record at its end); the download may be incomplete — fetch the file again',
      );
    }
    const count = bytes.readUInt16LE(eocd + 10);
    const cdSize = bytes.readUInt32LE(eocd + 12);
    const cdOffset = bytes.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff) throw new DocumentError('extract', 'the .docx is a ZIP64 archive, which is not supported (a Word file is never that large)');
    if (cdOffset + cdSize > eocd) {
      throw new DocumentError('extract', `the .docx is truncated or corrupt: its central directory (at byte ${cdOffset}) lies past the end of the data`);
    }
    const entries = new Map<string, ZipEntry>();
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL_SIGNATURE) {
        throw new DocumentError('extract', `the .docx is corrupt: central directory entry ${i + 1} of ${count} is damaged`);
      }
      const nameLength = bytes.readUInt16LE(p + 28);
      const extraLength = bytes.readUInt16LE(p + 30);
      const commentLength = bytes.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        flags: bytes.readUInt16LE(p + 8),
        method: bytes.readUInt16LE(p + 10),
        crc: bytes.readUInt32LE(p + 16),
        compressedSize: bytes.readUInt32LE(p + 20),
        uncompressedSize: bytes.readUInt32LE(p + 24),
        localHeaderOffset: bytes.readUInt32LE(p + 42),
        name: bytes.toString('utf8', p + 46, p + 46 + nameLength),
      };
      entries.set(entry.name, entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return new ZipArchive(bytes, entries, limits);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Reads one entry as UTF-8 text. */
  readText(name: string): string {
    return this.read(name).toString('utf8');
  }

  read(name: string): Buffer {
    const entry = this.entries.get(name);
    if (!entry) throw new DocumentError('extract', `the .docx has no ${name}`);
    this.checkBeforeInflating(entry);
    const data = this.compressedData(entry);
    let out: Buffer;
    if (entry.method === 0) {
      out = data;
    } else if (entry.method === 8) {
      try {
        // maxOutputLength enforces the declared size: an entry that inflates past it is cut off here.
        out = inflateRawSync(data, { maxOutputLength: Math.max(entry.uncompressedSize, 1) });
      } catch (e) {
        const why = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError
          ? `inflates past its declared size of ${formatBytes(entry.uncompressedSize)} (a zip bomb?)`
          : `cannot be inflated (${(e as Error).message})`;
        throw new DocumentError('extract', `the .docx is corrupt: ${name} ${why}`);
      }
    } else {
      throw new DocumentError('extract', `the .docx uses ZIP compression method ${entry.method} for ${name}, which is not supported (only stored and deflated)`);
    }
    if (out.length !== entry.uncompressedSize) {
      throw new DocumentError('extract', `the .docx is corrupt: ${name} inflates to ${out.length} bytes, not the ${entry.uncompressedSize} it declares`);
    }
    if ((crc32(out) >>> 0) !== entry.crc) throw new DocumentError('extract', `the .docx is corrupt: ${name} fails its CRC check`);
    this.readBytes += out.length;
    return out;
  }

  private checkBeforeInflating(entry: ZipEntry): void {
    const { maxEntryBytes, maxTotalBytes, maxRatio } = this.limits;
    if (entry.flags & 1) throw new DocumentError('extract', `the .docx is encrypted (${entry.name}); remove the password in Word and save it again`);
    if (entry.uncompressedSize > maxEntryBytes) {
      throw new DocumentError(
        'extract',
        `the .docx entry ${entry.name} declares ${formatBytes(entry.uncompressedSize)} uncompressed, over the limit of ${formatBytes(maxEntryBytes)} (a zip bomb?)`,
      );
    }
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > 1024 * 1024 && ratio > maxRatio) {
      throw new DocumentError(
        'extract',
        `the .docx entry ${entry.name} would inflate ${Math.round(ratio)}× (${formatBytes(entry.compressedSize)} → ${formatBytes(entry.uncompressedSize)}), over the limit of ${maxRatio}× (a zip bomb?)`,
      );
    }
    if (this.readBytes + entry.uncompressedSize > maxTotalBytes) {
      throw new DocumentError('extract', `the .docx inflates to more than ${formatBytes(maxTotalBytes)} in total (a zip bomb?)`);
    }
  }

  private compressedData(entry: ZipEntry): Buffer {
    const p = entry.localHeaderOffset;
    if (p + 30 > this.bytes.length || this.bytes.readUInt32LE(p) !== LOCAL_SIGNATURE) {
      throw new DocumentError('extract', `the .docx is truncated or corrupt: the data of ${entry.name} is missing`);
    }
    const start = p + 30 + this.bytes.readUInt16LE(p + 26) + this.bytes.readUInt16LE(p + 28);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw new DocumentError('extract', `the .docx is truncated: ${entry.name} is cut off`);
    return this.bytes.subarray(start, end);
  }
}

/** The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes. */
function findEndOfCentralDirectory(bytes: Buffer): number {
  const min = Math.max(0, bytes.length - 22 - 0xffff);
  for (let p = bytes.length - 22; p >= min; p--) {
    if (bytes.readUInt32LE(p) === EOCD_SIGNATURE && p + 22 + bytes.readUInt16LE(p + 20) <= bytes.length) return p;
  }
  return -1;
}
