// The file source: a folder of YAML manifests (any mix of kinds, multi-document files, searched
// recursively) kept in the object store and watched for edits.
//
// How a sync works (one at a time; a sync requested while one runs is run right after it):
//   1. list every .yaml/.yml file (hidden files and folders skipped: editor swap files, and the
//      `..data` folders a Kubernetes ConfigMap mount swaps atomically);
//   2. re-read a file whose stat changed or that a watch event named, and parse it;
//      - a syntax error keeps the file's last good objects and reports the error: a half-saved
//        file never empties the served config;
//      - a document that is not a Kubernetes object is skipped and reported, the rest are used;
//   3. forget files that are gone (their objects are deleted);
//   4. apply the difference to the store as ONE change, so the rebuild loop never sees half an edit.
// Watch events (node:fs watch, recursive) are debounced; a periodic rescan catches missed events.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import { describeRef, objectKey, type KubeObject } from '../../k8s/kube-object.ts';
import type { ObjectStore } from '../object-store.ts';
import type { Source, SourceProblem } from '../source.ts';
import type { ObjectStatus } from '../../status/status.ts';
import { parseManifestFile, type FileProblem } from './parse-manifest-file.ts';
import { summarizeStatus } from './summarize-status.ts';

export interface DirectorySourceOptions {
  path: string;
  logger: Logger;
  /** Only objects in these namespaces (cluster-scoped objects always); empty or absent = all. */
  namespaces?: readonly string[];
  /** Quiet time after a watch event before re-reading. */
  debounceMs?: number;
  /** Safety-net rescan period; 0 disables it. */
  rescanIntervalMs?: number;
}

interface FileState {
  /** stat signature: mtime, size, inode. */
  signature: string;
  text: string;
  /** Last good objects (kept while the file has a syntax error). */
  objects: KubeObject[];
  problems: FileProblem[];
}

const MANIFEST = /\.ya?ml$/i;

export class DirectorySource implements Source {
  readonly name: string;
  private readonly root: string;
  private readonly log: Logger;
  private readonly namespaces: Set<string>;
  private readonly debounceMs: number;
  private readonly rescanIntervalMs: number;

  private store: ObjectStore | undefined;
  private readonly files = new Map<string, FileState>();
  /** What this source last put in the store: key → object (same references as FileState.objects). */
  private applied = new Map<string, KubeObject>();
  private rootProblem: string | undefined;
  private duplicateProblems: SourceProblem[] = [];
  /** First time each problem was seen, so `since` survives re-reads. */
  private readonly firstSeen = new Map<string, string>();

  private watcher: FSWatcher | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private readonly dirty = new Set<string>();
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private started = false;

  private statusSummaries = new Map<string, string>();

  constructor(options: DirectorySourceOptions) {
    this.root = resolve(options.path);
    this.name = `directory:${this.root}`;
    this.log = options.logger.child({ source: 'directory', path: this.root });
    this.namespaces = new Set(options.namespaces ?? []);
    this.debounceMs = options.debounceMs ?? 50;
    this.rescanIntervalMs = options.rescanIntervalMs ?? 5_000;
  }

  /** Reads the whole folder into the store, then watches it. Fails if the folder cannot be read. */
  async start(store: ObjectStore): Promise<void> {
    this.store = store;
    const info = await stat(this.root).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`source directory ${this.root}: ${err.code === 'ENOENT' ? 'does not exist' : err.message}`, { cause: err });
    });
    if (!info.isDirectory()) throw new Error(`source directory ${this.root}: not a directory`);
    await this.sync();
    this.started = true;
    this.startWatching();
    if (this.rescanIntervalMs > 0) {
      this.rescanTimer = setInterval(() => void this.sync(), this.rescanIntervalMs);
      this.rescanTimer.unref();
    }
    this.log.info({ files: this.files.size, objects: this.applied.size }, 'directory source synced');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    clearTimeout(this.debounceTimer);
    clearInterval(this.rescanTimer);
    await this.running;
  }

  problems(): SourceProblem[] {
    const out: SourceProblem[] = [];
    if (this.rootProblem) out.push(this.problem(this.root, { file: this.root, message: this.rootProblem }));
    for (const [path, state] of [...this.files].sort(([a], [b]) => a.localeCompare(b))) {
      for (const p of state.problems) out.push(this.problem(path, p));
    }
    return out.concat(this.duplicateProblems);
  }

  /** Keeps nothing itself (the rebuild loop keeps the latest statuses); logs each change once. */
  publishStatuses(statuses: readonly ObjectStatus[]): void {
    const next = new Map<string, string>();
    for (const s of statuses) {
      const key = `${s.ref.group}/${s.ref.kind}/${s.ref.namespace ?? ''}/${s.ref.name}`;
      const summary = summarizeStatus(s);
      next.set(key, summary.text);
      if (this.statusSummaries.get(key) === summary.text) continue;
      const fields = { object: describeRef(s.ref), conditions: summary.text };
      if (summary.healthy) this.log.info(fields, 'status');
      else this.log.warn(fields, 'status');
    }
    this.statusSummaries = next;
  }

  /** Re-reads the folder now (tests; the watcher and the rescan timer call it too). */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.syncOnce();
        } while (this.again && !this.stopped);
      } catch (err) {
        this.log.error({ err }, 'directory sync failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Watches the folder; when the watch breaks (the folder was removed), rescans take over until it can be watched again. */
  private startWatching(): void {
    if (this.watcher || this.stopped) return;
    try {
      const watcher = watch(this.root, { recursive: true }, (_event, filename) => {
        if (filename) this.dirty.add(resolve(this.root, filename.toString()));
        this.schedule();
      });
      watcher.on('error', (err) => {
        this.log.warn({ err }, 'file watch failed; relying on periodic rescans');
        watcher.close();
        if (this.watcher === watcher) this.watcher = undefined;
      });
      this.watcher = watcher;
    } catch (err) {
      this.log.warn({ err }, 'cannot watch the folder; relying on periodic rescans');
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.sync(), this.debounceMs);
  }

  private async syncOnce(): Promise<void> {
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    let paths: string[];
    try {
      paths = await listManifests(this.root);
      if (this.rootProblem) {
        this.log.info('source directory readable again');
        // A folder that was removed and created again is a new inode: watch it afresh.
        this.watcher?.close();
        this.watcher = undefined;
      }
      this.rootProblem = undefined;
      if (this.started) this.startWatching();
    } catch (err) {
      // Keep serving what was read before: a folder that vanishes for a moment (a remount) must not
      // empty the config of every Envoy.
      const message = `cannot read the folder: ${(err as Error).message}`;
      if (this.rootProblem !== message) this.log.error({ err }, 'cannot read the source directory; keeping the last config');
      this.rootProblem = message;
      return;
    }
    const present = new Set(paths);
    for (const path of paths) await this.readOne(path, dirty.has(path));
    for (const path of [...this.files.keys()]) {
      if (!present.has(path)) {
        this.files.delete(path);
        this.log.info({ file: this.rel(path) }, 'file removed');
      }
    }
    this.applyToStore();
  }

  private async readOne(path: string, forced: boolean): Promise<void> {
    const old = this.files.get(path);
    let text: string;
    let signature: string;
    try {
      const s = await stat(path);
      signature = `${s.mtimeMs}:${s.size}:${s.ino}`;
      if (old && !forced && old.signature === signature) return;
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // removed meanwhile; the listing decides
      const problem: FileProblem = { file: path, message: `cannot read: ${(err as Error).message}` };
      this.files.set(path, { signature: '', text: '', objects: old?.objects ?? [], problems: [problem] });
      return;
    }
    if (old && old.text === text) {
      old.signature = signature;
      return;
    }
    const parsed = parseManifestFile(text, path);
    const file = this.rel(path);
    if (parsed.syntax.length > 0) {
      for (const p of parsed.syntax) {
        this.log.warn({ file, document: p.document, line: p.line, column: p.column, error: p.message }, 'YAML syntax error; keeping the last good objects of this file');
      }
      this.files.set(path, { signature, text, objects: old?.objects ?? [], problems: parsed.syntax });
      return;
    }
    for (const p of parsed.documents) {
      this.log.warn({ file, document: p.document, line: p.line, error: p.message }, 'document skipped');
    }
    const objects = parsed.objects.filter((o) => this.inScope(o));
    this.files.set(path, { signature, text, objects, problems: parsed.documents });
    this.log.info({ file, objects: objects.length }, old ? 'file changed' : 'file read');
  }

  private inScope(o: KubeObject): boolean {
    // Cluster-scoped objects have no namespace (parseManifests defaults the others to `default`).
    if (this.namespaces.size === 0 || !o.metadata.namespace) return true;
    return this.namespaces.has(o.metadata.namespace);
  }

  /** Merges every file's objects (first file in path order wins a duplicate) and applies the difference. */
  private applyToStore(): void {
    const desired = new Map<string, KubeObject>();
    const owner = new Map<string, string>();
    const duplicates: SourceProblem[] = [];
    for (const [path, state] of [...this.files].sort(([a], [b]) => a.localeCompare(b))) {
      for (const obj of state.objects) {
        const key = objectKey(obj);
        const first = owner.get(key);
        if (first !== undefined) {
          duplicates.push(this.problem(path, { file: path, message: `${obj.kind} ${obj.metadata.namespace ? obj.metadata.namespace + '/' : ''}${obj.metadata.name} is also defined in ${this.rel(first)}; using that one` }));
          continue;
        }
        owner.set(key, path);
        desired.set(key, obj);
      }
    }
    this.duplicateProblems = duplicates;
    const upserts: KubeObject[] = [];
    for (const [key, obj] of desired) if (this.applied.get(key) !== obj) upserts.push(obj);
    const deletes = [...this.applied.keys()].filter((k) => !desired.has(k));
    this.applied = desired;
    if (upserts.length > 0 || deletes.length > 0) this.store?.apply(upserts, deletes);
  }

  private problem(path: string, p: FileProblem): SourceProblem {
    const subject = path;
    const id = `${subject}\0${p.document ?? ''}\0${p.message}`;
    let since = this.firstSeen.get(id);
    if (!since) {
      since = new Date().toISOString();
      this.firstSeen.set(id, since);
    }
    const out: SourceProblem = { subject, message: p.message, since };
    if (p.document !== undefined) out.document = p.document;
    if (p.line !== undefined) out.line = p.line;
    if (p.column !== undefined) out.column = p.column;
    return out;
  }

  private rel(path: string): string {
    return relative(this.root, path) || path;
  }
}

/** Every manifest file under `root`, sorted; hidden entries skipped; symlinks followed. */
async function listManifests(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const s = await stat(path).catch(() => undefined);
        isDir = s?.isDirectory() ?? false;
        isFile = s?.isFile() ?? false;
      }
      if (isDir && depth < 32) await walk(path, depth + 1);
      else if (isFile && MANIFEST.test(e.name)) out.push(path);
    }
  };
  await walk(root, 0);
  return out.sort();
}
