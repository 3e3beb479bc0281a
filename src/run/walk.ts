/**
 * Walking the inputs of `ingest`: files given by name are taken as they are; folders are walked
 * recursively, lazily (one folder listing in memory at a time), following symbolic links to folders
 * but visiting each real folder once, so a symlink loop ends instead of recursing forever.
 */
import { opendir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isReportFileName } from '../stages/load.js';

export type WalkEntry =
  | { kind: 'file'; path: string }
  /** A file skipped because its extension is not a report format. */
  | { kind: 'ignored'; path: string }
  /** A folder that could not be listed, or a symlink loop that was cut. */
  | { kind: 'unreadable-folder'; path: string; reason: string };

export async function* walkInputs(inputs: readonly string[]): AsyncGenerator<WalkEntry> {
  const visited = new Set<string>();
  for (const input of inputs) {
    const path = resolve(input);
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) yield* walkFolder(path, visited);
    else yield { kind: 'file', path };
  }
}

async function* walkFolder(root: string, visited: Set<string>): AsyncGenerator<WalkEntry> {
  const stack = [root];
  while (stack.length > 0) {
    const folder = stack.pop()!;
    const real = await realpath(folder).catch(() => folder);
    if (visited.has(real)) continue; // a symlink back into a folder already walked (loop or alias)
    visited.add(real);
    let names: { name: string; isDir: boolean; isLink: boolean }[];
    try {
      names = [];
      for await (const d of await opendir(folder)) names.push({ name: d.name, isDir: d.isDirectory(), isLink: d.isSymbolicLink() });
    } catch (e) {
      yield { kind: 'unreadable-folder', path: folder, reason: (e as NodeJS.ErrnoException).code ?? String(e) };
      continue;
    }
    // Sorted, so runs are reproducible; sub-folders pushed in reverse to be walked in order.
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subfolders: string[] = [];
    for (const entry of names) {
      const path = join(folder, entry.name);
      let isDir = entry.isDir;
      if (entry.isLink) isDir = (await stat(path).catch(() => null))?.isDirectory() ?? false;
      if (isDir) subfolders.push(path);
      else if (isReportFileName(path)) yield { kind: 'file', path };
      else yield { kind: 'ignored', path };
    }
    for (let i = subfolders.length - 1; i >= 0; i--) stack.push(subfolders[i]!);
  }
}
