// Reads files and folders (recursively) of Kubernetes manifests: the file-system side of
// parseManifests. Folders contribute their .yaml, .yml and .json files in name order; hidden
// entries (dot files, and the `..data` links of a mounted ConfigMap) are skipped so nothing is read
// twice.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../k8s/kube-object.ts';
import { parseManifests, type ManifestProblem } from '../k8s/parse-manifests.ts';

export interface ReadManifestsResult {
  objects: KubeObject[];
  /** Unreadable paths and documents; the objects of every readable document are still returned. */
  problems: ManifestProblem[];
  /** Every file read, in order. */
  files: string[];
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Every manifest file under the given paths (a file named directly is read whatever its extension). */
export async function listManifestFiles(paths: readonly string[]): Promise<{ files: string[]; problems: ManifestProblem[] }> {
  const files: string[] = [];
  const problems: ManifestProblem[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      const info = await stat(full).catch(() => undefined); // follows symlinks
      if (info?.isDirectory()) await walk(full);
      else if (info?.isFile() && MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) files.push(full);
    }
  };
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (info.isDirectory()) await walk(path);
      else files.push(path);
    } catch (err) {
      problems.push({ file: path, message: describeFsError(err) });
    }
  }
  return { files, problems };
}

/** Reads and parses every manifest under the given paths. */
export async function readManifests(paths: readonly string[]): Promise<ReadManifestsResult> {
  const { files, problems } = await listManifestFiles(paths);
  const objects: KubeObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push({ file, message: describeFsError(err) });
      continue;
    }
    const parsed = parseManifests(text, file);
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  }
  return { objects, problems, files };
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
