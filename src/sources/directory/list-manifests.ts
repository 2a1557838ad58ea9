// The listing half of the file source: which manifest files a watched folder holds now, with the
// stat facts the source needs (signature, size, modification time), and what was skipped and why.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileProblem } from './parse-manifest-file.ts';
import { ALLOW_EMPTY_MARKER, MAX_FOLDER_DEPTH } from './manifest-limits.ts';

export interface ListedFile {
  signature: string;
  size: number;
  mtimeMs: number;
}

export interface Listing {
  files: Map<string, ListedFile>;
  /** Sub-folders that could not be read: their files are kept as they were. */
  unreadableDirs: string[];
  /** Entries skipped (link loops, unreadable sub-folders, too deep), each with why. */
  problems: FileProblem[];
  totalBytes: number;
  allowEmpty: boolean;
}

const MANIFEST = /\.ya?ml$/i;

/** What tells one version of a file from another without reading it: mtime, size, inode. */
export function fileSignature(s: { mtimeMs: number; size: number; ino: number }): string {
  return `${s.mtimeMs}:${s.size}:${s.ino}`;
}

/**
 * Every manifest file under `root` (regular files only), sorted; hidden entries skipped; symbolic
 * links followed, each real folder read once (a link back to a folder already read is skipped and
 * reported, so loops end). Throws only when `root` itself cannot be read.
 */
export async function listManifests(root: string): Promise<Listing> {
  const listing: Listing = { files: new Map(), unreadableDirs: [], problems: [], totalBytes: 0, allowEmpty: false };
  const visited = new Set<string>();
  const found: [string, ListedFile][] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      const real = await realpath(dir);
      if (visited.has(real)) {
        listing.problems.push({ file: dir, message: `skipped: a link to ${real}, a folder already read (a link loop, or a second link to the same folder)` });
        return;
      }
      visited.add(real);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (depth === 0) throw err;
      listing.unreadableDirs.push(dir);
      listing.problems.push({ file: dir, message: `cannot read this folder (${(err as Error).message}); the objects of its files are kept` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (depth === 0 && e.name === ALLOW_EMPTY_MARKER) listing.allowEmpty = true;
      if (e.name.startsWith('.')) continue;
      // FIFOs, sockets and devices are never opened (a read could block for ever).
      if (!e.isDirectory() && !e.isFile() && !e.isSymbolicLink()) continue;
      const path = join(dir, e.name);
      let s;
      try {
        s = await stat(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') listing.problems.push({ file: path, message: 'skipped: a symbolic link loop' });
        else if (code !== 'ENOENT') listing.problems.push({ file: path, message: `skipped: ${(err as Error).message}` });
        continue; // ENOENT: a dangling link, or removed meanwhile
      }
      if (s.isDirectory()) {
        if (depth + 1 < MAX_FOLDER_DEPTH) await walk(path, depth + 1);
        else listing.problems.push({ file: path, message: `skipped: more than ${MAX_FOLDER_DEPTH} folders deep` });
      } else if (s.isFile() && MANIFEST.test(e.name)) {
        found.push([path, { signature: fileSignature(s), size: s.size, mtimeMs: s.mtimeMs }]);
        listing.totalBytes += s.size;
      }
    }
  };
  await walk(root, 0);
  found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, f] of found) listing.files.set(path, f);
  return listing;
}
