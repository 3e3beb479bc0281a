/**
 * A strict reader of OLE compound files (CFB: the container of .doc, .wps, .xls and encrypted Office
 * files), used as a guard in front of `word-extractor`. That package follows sector chains without
 * checking them (a chain that loops through two sectors never ends, and a stream may claim more bytes
 * than the file holds), so every structure it will walk is checked here first: sector ids inside the
 * file, chains without loops, a directory tree without loops, stream sizes covered by their chains.
 * A file that passes cannot make it loop, and nothing it allocates is larger than the file.
 */
import { formatBytes } from '../../stages/load.js';

export const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Why a compound file cannot be read; `truncated` when the file ends before what it describes. */
export class OleError extends Error {
  override name = 'OleError';
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(message);
  }
}

export interface OleEntry {
  name: string;
  /** 1 storage, 2 stream, 5 root. */
  type: number;
  start: number;
  size: number;
}

export interface CompoundFile {
  /** Streams and storages directly under the root, by name. */
  root: Map<string, OleEntry>;
  sectorSize: number;
  /** The bytes of a root stream (checked: chain without loops, inside the file, covering its size). */
  readStream(name: string): Buffer | null;
}

const END_OF_CHAIN = -2;
const NO_ENTRY = -1;
const HEADER_DIFAT_ENTRIES = 109;
/** Streams over this size are refused: a report is a few MB; a larger claim is damage or an attack. */
export const MAX_STREAM_BYTES = 256 * 1024 * 1024;

export function isCompoundFile(bytes: Buffer): boolean {
  return bytes.length >= 8 && bytes.subarray(0, 8).equals(OLE_SIGNATURE);
}

export function readCompoundFile(bytes: Buffer): CompoundFile {
  if (!isCompoundFile(bytes)) throw new OleError('not an OLE compound file (signature missing)');
  if (bytes.length < 512) throw new OleError(`the file is only ${bytes.length} B, shorter than the 512-byte container header`, true);
  const header = readHeader(bytes);
  const { sectorSize } = header;
  // Sectors start after the header sector; a partly present last sector counts (its tail reads as zeros).
  const sectorCount = Math.ceil((bytes.length - sectorSize) / sectorSize);
  const sectorAt = (id: number, what: string): Buffer => {
    if (id < 0 || id >= sectorCount) {
      throw new OleError(
        `${what} is in sector ${id}, at byte ${(id + 1) * sectorSize}, but the file ends at byte ${bytes.length}`,
        id >= sectorCount && id < 0x7fffff00,
      );
    }
    const at = (id + 1) * sectorSize;
    const sector = Buffer.alloc(sectorSize);
    bytes.copy(sector, 0, at, Math.min(at + sectorSize, bytes.length));
    return sector;
  };

  const fatSectors = readDifat(bytes, header, sectorCount, sectorAt);
  const fat = readTable(fatSectors.map((id) => sectorAt(id, 'the sector allocation table')));
  const pastEnd = (id: number): string => `sector ${id}, at byte ${(id + 1) * sectorSize}, but the file ends at byte ${bytes.length}`;
  const chain = (start: number, what: string): number[] => followChain(fat, start, what, sectorCount, pastEnd);

  const dirSectors = chain(header.dirStart, 'the directory');
  const entries = readDirectory(Buffer.concat(dirSectors.map((id) => sectorAt(id, 'the directory'))));
  const rootEntry = entries.find((e) => e.type === 5);
  if (!rootEntry) throw new OleError('the directory has no root entry');
  const root = readTree(entries, rootEntry);

  // The mini stream (small streams live in 64-byte sectors inside the root entry's own stream).
  const miniFatSectors = header.miniFatCount > 0 ? chain(header.miniFatStart, 'the mini sector table') : [];
  if (miniFatSectors.length !== header.miniFatCount) {
    throw new OleError(`the mini sector table claims ${header.miniFatCount} sectors but its chain has ${miniFatSectors.length}`);
  }
  const miniFat = readTable(miniFatSectors.map((id) => sectorAt(id, 'the mini sector table')));
  const miniStreamSectors = chain(rootEntry.start, 'the mini stream');
  const miniCapacity = Math.floor((miniStreamSectors.length * sectorSize) / header.miniSectorSize);

  const readStream = (name: string): Buffer | null => {
    const entry = root.get(name);
    if (!entry || entry.type !== 2) return null;
    if (entry.size > MAX_STREAM_BYTES) {
      throw new OleError(`stream ${name} claims ${formatBytes(entry.size)}, over the limit of ${formatBytes(MAX_STREAM_BYTES)}`);
    }
    // The same rule as word-extractor: under the header's cutoff a stream lives in the mini stream.
    const mini = entry.size < header.miniCutoff;
    const unit = mini ? header.miniSectorSize : sectorSize;
    const ids = mini ? followChain(miniFat, entry.start, `stream ${name}`, miniCapacity, (id) => `mini sector ${id}, past the end of the mini stream`) : chain(entry.start, `stream ${name}`);
    if (entry.size > ids.length * unit) {
      throw new OleError(`stream ${name} claims ${formatBytes(entry.size)} but its sectors hold only ${formatBytes(ids.length * unit)}`);
    }
    const parts = ids.map((id) => {
      if (!mini) return sectorAt(id, `stream ${name}`);
      const offset = id * unit;
      const host = miniStreamSectors[Math.floor(offset / sectorSize)]!;
      const inHost = offset % sectorSize;
      return sectorAt(host, `stream ${name}`).subarray(inHost, inHost + unit);
    });
    return Buffer.concat(parts).subarray(0, entry.size);
  };
  return { root, sectorSize, readStream };
}

interface Header {
  sectorSize: number;
  miniSectorSize: number;
  fatCount: number;
  dirStart: number;
  miniCutoff: number;
  miniFatStart: number;
  miniFatCount: number;
  difatStart: number;
  difatCount: number;
}

function readHeader(bytes: Buffer): Header {
  const sectorShift = bytes.readUInt16LE(30);
  const miniShift = bytes.readUInt16LE(32);
  if (sectorShift !== 9 && sectorShift !== 12) throw new OleError(`the container header is damaged (sector size 2^${sectorShift})`);
  if (miniShift !== 6) throw new OleError(`the container header is damaged (mini sector size 2^${miniShift})`);
  return {
    sectorSize: 1 << sectorShift,
    miniSectorSize: 1 << miniShift,
    fatCount: bytes.readInt32LE(44),
    dirStart: bytes.readInt32LE(48),
    miniCutoff: bytes.readInt32LE(56),
    miniFatStart: bytes.readInt32LE(60),
    miniFatCount: bytes.readInt32LE(64),
    difatStart: bytes.readInt32LE(68),
    difatCount: bytes.readInt32LE(72),
  };
}

/** The list of FAT sectors: 109 in the header, the rest in a chain of DIFAT sectors. */
function readDifat(bytes: Buffer, h: Header, sectorCount: number, sectorAt: (id: number, what: string) => Buffer): number[] {
  if (h.fatCount < 1 || h.fatCount > sectorCount) {
    throw new OleError(`the header claims ${h.fatCount} allocation-table sectors, but the file has ${sectorCount} sectors`, h.fatCount > sectorCount);
  }
  if (h.difatCount < 0 || h.difatCount > sectorCount) throw new OleError(`the header claims ${h.difatCount} DIFAT sectors, but the file has ${sectorCount}`);
  const ids: number[] = [];
  for (let i = 0; i < HEADER_DIFAT_ENTRIES && ids.length < h.fatCount; i++) ids.push(bytes.readInt32LE(76 + i * 4));
  let next = h.difatStart;
  const seen = new Set<number>();
  const perSector = h.sectorSize / 4 - 1;
  for (let n = 0; n < h.difatCount && ids.length < h.fatCount; n++) {
    if (seen.has(next)) throw new OleError('the DIFAT chain loops');
    seen.add(next);
    const sector = sectorAt(next, 'the DIFAT');
    for (let i = 0; i < perSector && ids.length < h.fatCount; i++) ids.push(sector.readInt32LE(i * 4));
    next = sector.readInt32LE(perSector * 4);
  }
  if (ids.length < h.fatCount) throw new OleError(`the header claims ${h.fatCount} allocation-table sectors but lists ${ids.length}`);
  return ids;
}

function readTable(sectors: Buffer[]): Int32Array {
  const all = Buffer.concat(sectors);
  const table = new Int32Array(all.length / 4);
  for (let i = 0; i < table.length; i++) table[i] = all.readInt32LE(i * 4);
  return table;
}

/** Follows a chain to its end (any negative id, as word-extractor does), refusing loops and ids out of range. */
function followChain(table: Int32Array, start: number, what: string, limit: number, where: (id: number) => string): number[] {
  const ids: number[] = [];
  const seen = new Set<number>();
  let id = start;
  while (id >= 0) {
    if (id >= limit || id >= table.length) {
      const truncated = id >= limit && id < table.length;
      throw new OleError(truncated ? `${what} continues in ${where(id)}` : `${what} points to sector ${id}, which does not exist`, truncated);
    }
    if (seen.has(id)) throw new OleError(`the sector chain of ${what} loops back to sector ${id}`);
    seen.add(id);
    ids.push(id);
    id = table[id]!;
  }
  if (id !== END_OF_CHAIN && id !== NO_ENTRY) throw new OleError(`the sector chain of ${what} ends with an invalid marker (${id})`);
  return ids;
}

interface RawEntry extends OleEntry {
  left: number;
  right: number;
  child: number;
}

function readDirectory(buf: Buffer): RawEntry[] {
  const entries: RawEntry[] = [];
  for (let at = 0; at + 128 <= buf.length; at += 128) {
    const nameBytes = Math.min(Math.max(buf.readUInt16LE(at + 64) - 2, 0), 62);
    entries.push({
      name: buf.toString('utf16le', at, at + nameBytes),
      type: buf.readUInt8(at + 66),
      left: buf.readInt32LE(at + 68),
      right: buf.readInt32LE(at + 72),
      child: buf.readInt32LE(at + 76),
      start: buf.readInt32LE(at + 116),
      size: buf.readUInt32LE(at + 120),
    });
  }
  return entries;
}

/**
 * The root's children by name. Every storage's tree is walked (as word-extractor does) with one
 * shared visited set: a well-formed directory is a forest, so an entry met twice is a loop.
 */
function readTree(entries: RawEntry[], rootEntry: RawEntry): Map<string, OleEntry> {
  const visited = new Set<number>([entries.indexOf(rootEntry)]);
  const childrenOf = (storage: RawEntry): RawEntry[] => {
    const out: RawEntry[] = [];
    const stack = [storage.child];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id === NO_ENTRY) continue;
      const entry = entries[id];
      if (id < 0 || !entry) throw new OleError(`the directory refers to entry ${id}, which does not exist`);
      if (visited.has(id)) throw new OleError(`the directory tree loops back to entry ${id}`);
      visited.add(id);
      out.push(entry);
      stack.push(entry.left, entry.right);
    }
    return out;
  };
  const rootChildren = childrenOf(rootEntry);
  const pending = rootChildren.filter((e) => e.type === 1);
  while (pending.length > 0) pending.push(...childrenOf(pending.pop()!).filter((e) => e.type === 1));
  return new Map(rootChildren.map((e) => [e.name, { name: e.name, type: e.type, start: e.start, size: e.size }]));
}
