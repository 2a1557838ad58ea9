// Reads files and folders (recursively) of Kubernetes manifests: the file-system side of
// parseManifests. Folders contribute their .yaml, .yml and .json files in name order; hidden
// entries (dot files, and the `..data` links of a mounted ConfigMap) are skipped so nothing is read
// twice. Only regular files are read (a device such as /dev/zero, a FIFO or a socket is refused
// rather than read for ever), symbolic links are followed but never round a loop, and every file and
// the inputs together have a size limit (src/sources/directory/manifest-limits.ts).
import { realpath, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../k8s/kube-object.ts';
import { parseManifests, type ManifestProblem } from '../k8s/parse-manifests.ts';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FOLDER_BYTES, MAX_FOLDER_DEPTH } from '../sources/directory/manifest-limits.ts';
import { describeFileType, readRegularFile, RefusedFileError } from '../sources/directory/read-regular-file.ts';

export interface ReadManifestsResult {
  objects: KubeObject[];
  /** Unreadable paths and documents; the objects of every readable document are still returned. */
  problems: ManifestProblem[];
  /** Every file read, in order. */
  files: string[];
}

export interface ReadManifestsLimits {
  /** Bytes per file. */
  maxFileBytes?: number;
  /** Bytes of all files together. */
  maxTotalBytes?: number;
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Every manifest file under the given paths (a file named directly is read whatever its extension). */
export async function listManifestFiles(paths: readonly string[]): Promise<{ files: string[]; problems: ManifestProblem[] }> {
  const files: string[] = [];
  const problems: ManifestProblem[] = [];
  /** Real paths of the folders read; `open` holds those being read now (a link to one is a loop). */
  const visited = new Set<string>();
  const open = new Set<string>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    const real = await realpath(dir);
    if (open.has(real)) {
      problems.push({ file: dir, message: `symbolic link loop: leads back to ${real}, which contains it` });
      return;
    }
    if (visited.has(real)) return; // the same folder by another name: read once
    visited.add(real);
    open.add(real);
    try {
      await walkEntries(dir, depth);
    } finally {
      open.delete(real);
    }
  };
  const walkEntries = async (dir: string, depth: number): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      const isManifest = MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext));
      let info;
      try {
        info = await stat(full); // follows symlinks
      } catch (err) {
        // A dangling link that is not named like a manifest is not an input anyone meant.
        if ((err as { code?: string }).code !== 'ENOENT' || isManifest) problems.push({ file: full, message: describeFsError(err) });
        continue;
      }
      if (info.isDirectory()) {
        if (depth + 1 >= MAX_FOLDER_DEPTH) problems.push({ file: full, message: `more than ${MAX_FOLDER_DEPTH} folders deep` });
        else await walkOrReport(full, depth + 1);
      } else if (isManifest) {
        if (info.isFile()) files.push(full);
        else problems.push({ file: full, message: `not a regular file or folder (${describeFileType(info)})` });
      }
    }
  };
  const walkOrReport = async (dir: string, depth: number): Promise<void> => {
    try {
      await walk(dir, depth);
    } catch (err) {
      problems.push({ file: dir, message: describeFsError(err) });
    }
  };
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      problems.push({ file: path, message: describeFsError(err) });
      continue;
    }
    if (info.isDirectory()) await walkOrReport(path, 0);
    else if (info.isFile()) files.push(path);
    else problems.push({ file: path, message: `not a regular file or folder (${describeFileType(info)})` });
  }
  return { files, problems };
}

/** Reads and parses every manifest under the given paths. */
export async function readManifests(paths: readonly string[], limits: ReadManifestsLimits = {}): Promise<ReadManifestsResult> {
  const maxFileBytes = limits.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxTotalBytes = limits.maxTotalBytes ?? DEFAULT_MAX_FOLDER_BYTES;
  const { files, problems } = await listManifestFiles(paths);
  const objects: KubeObject[] = [];
  const read: string[] = [];
  let total = 0;
  for (const file of files) {
    let text: string;
    try {
      const { bytes } = await readRegularFile(file, maxFileBytes);
      total += bytes.length;
      if (total > maxTotalBytes) {
        problems.push({ file, message: `the inputs add up to more than ${maxTotalBytes} bytes, the limit for all files together; not read from here on` });
        break;
      }
      text = bytes.toString('utf8');
    } catch (err) {
      problems.push({ file, message: err instanceof RefusedFileError ? err.message : describeFsError(err) });
      continue;
    }
    read.push(file);
    const parsed = parseManifests(text, file);
    objects.push(...parsed.objects);
    problems.push(...parsed.problems.map(({ unreadable: _, ...p }) => p));
  }
  return { objects, problems, files: read };
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop';
  if (code === 'ENXIO') return 'not a regular file or folder (a socket, or a device with nothing behind it)';
  return err instanceof Error ? err.message : String(err);
}
