// The file source: a folder of YAML manifests (any mix of kinds, multi-document files, searched
// recursively) kept in the object store and watched for edits.
//
// How a sync works (one at a time; a sync requested while one runs is run right after it):
//   1. list every .yaml/.yml regular file (hidden files and folders skipped: editor swap files, and
//      the `..data` folders a Kubernetes ConfigMap mount swaps atomically; symbolic links followed,
//      each real folder read once, so link loops end);
//   2. re-read a file whose stat changed or that a watch event named, once it has been quiet (not
//      changed) for the quiet period, and parse it;
//      - a syntax error (or anything else that makes the file unreadable) keeps the file's last good
//        objects and reports the error: a half-saved file never empties the served config;
//      - a document that is not a Kubernetes object is skipped and reported, the rest are used;
//   3. forget files that have been gone for the quiet period (their objects are deleted);
//   4. apply the difference to the store as ONE change, so the rebuild loop never sees half an edit.
//      A folder that would leave no objects at all keeps the last config unless it holds the
//      ALLOW_EMPTY_MARKER file: a remount or a half-done copy must not empty every Envoy.
// Watch events (node:fs watch, recursive) are debounced; a periodic rescan catches missed events.
// The rules and limits are in docs/operations.md ("The file source", "Limits").
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import { describeRef, objectKey, type KubeObject } from '../../k8s/kube-object.ts';
import type { ObjectStore } from '../object-store.ts';
import type { Source, SourceProblem } from '../source.ts';
import type { ObjectStatus } from '../../status/status.ts';
import { parseManifestFile, type FileProblem } from './parse-manifest-file.ts';
import { summarizeStatus } from './summarize-status.ts';
import { ALLOW_EMPTY_MARKER, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FOLDER_BYTES, DEFAULT_QUIET_PERIOD_MS } from './manifest-limits.ts';
import { fileSignature, listManifests, type ListedFile, type Listing } from './list-manifests.ts';
import { readRegularFile, RefusedFileError } from './read-regular-file.ts';

export interface DirectorySourceOptions {
  path: string;
  logger: Logger;
  /** Only objects in these namespaces (cluster-scoped objects always); empty or absent = all. */
  namespaces?: readonly string[];
  /** Quiet time after a watch event before re-reading. */
  debounceMs?: number;
  /** Safety-net rescan period; 0 disables it. */
  rescanIntervalMs?: number;
  /** A changed or removed file is taken into account once it has not changed for this long. */
  quietPeriodMs?: number;
  /** Bytes per manifest file; a bigger file keeps its last good objects and is reported. */
  maxFileBytes?: number;
  /** Bytes of all manifest files together; over it the whole folder keeps its last config. */
  maxFolderBytes?: number;
}

interface FileState {
  /** stat signature: mtime, size, inode. */
  signature: string;
  /** sha256 of the bytes the objects were parsed from; '' when the file could not be read. */
  hash: string;
  /** Last good objects (kept while the file has a syntax error). */
  objects: KubeObject[];
  problems: FileProblem[];
}


export class DirectorySource implements Source {
  readonly name: string;
  private readonly root: string;
  private readonly log: Logger;
  private readonly namespaces: Set<string>;
  private readonly debounceMs: number;
  private readonly rescanIntervalMs: number;
  private readonly quietPeriodMs: number;
  private readonly maxFileBytes: number;
  private readonly maxFolderBytes: number;

  private store: ObjectStore | undefined;
  private readonly files = new Map<string, FileState>();
  /** What this source last put in the store: key → object (same references as FileState.objects). */
  private applied = new Map<string, KubeObject>();
  private rootProblem: string | undefined;
  /** The folder as a whole is not applied (it has no objects, or is over its size limit). */
  private folderFault: string | undefined;
  private watchProblem: string | undefined;
  private syncProblem: string | undefined;
  private listingProblems: FileProblem[] = [];
  /** Files seen changed but not yet quiet: the signature seen and since when (ms). */
  private readonly pending = new Map<string, { signature: string; since: number }>();
  /** Known files not listed any more, and since when (ms): removed once gone for the quiet period. */
  private readonly missingSince = new Map<string, number>();
  private duplicateProblems: SourceProblem[] = [];
  /** First time each problem was seen, so `since` survives re-reads. */
  private readonly firstSeen = new Map<string, string>();

  private watcher: FSWatcher | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  /** How long until a pending file or removal could be applied (Infinity: nothing pending). */
  private nextQuietMs = Infinity;
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
    this.quietPeriodMs = options.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.maxFolderBytes = options.maxFolderBytes ?? DEFAULT_MAX_FOLDER_BYTES;
  }

  /** Reads the whole folder into the store, then watches it. Fails if the folder cannot be read. */
  async start(store: ObjectStore): Promise<void> {
    this.store = store;
    const info = await stat(this.root).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`source directory ${this.root}: ${err.code === 'ENOENT' ? 'does not exist' : err.message}`, { cause: err });
    });
    if (!info.isDirectory()) throw new Error(`source directory ${this.root}: not a directory`);
    await this.sync();
    // Files still being written at start are waited for (a bounded number of quiet periods), so
    // the first config is not missing them; one written without pause for longer follows later.
    for (let i = 0; i < 10 && this.nextQuietMs < Infinity && !this.stopped; i++) {
      await new Promise((r) => setTimeout(r, this.nextQuietMs));
      await this.sync();
    }
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
    clearTimeout(this.quietTimer);
    clearInterval(this.rescanTimer);
    await this.running;
  }

  problems(): SourceProblem[] {
    const out: SourceProblem[] = [];
    for (const message of [this.rootProblem, this.folderFault, this.watchProblem, this.syncProblem]) {
      if (message) out.push(this.problem(this.root, { file: this.root, message }));
    }
    for (const p of this.listingProblems) out.push(this.problem(p.file, p));
    for (const [path, state] of [...this.files].sort(([a], [b]) => a.localeCompare(b))) {
      for (const p of state.problems) out.push(this.problem(path, p));
    }
    const all = out.concat(this.duplicateProblems);
    // Forget when problems that are gone were first seen, so the map does not grow with every edit.
    const current = new Set(all.map((p) => problemId(p.subject, p)));
    for (const id of this.firstSeen.keys()) if (!current.has(id)) this.firstSeen.delete(id);
    return all;
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
        this.syncProblem = undefined;
      } catch (err) {
        // A bug, not a file: say so where operators look, and let the next sync try again.
        this.log.error({ err }, 'directory sync failed');
        this.syncProblem = `reading the folder failed: ${(err as Error).message}`;
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
      // The recursive watcher reports EACCES (a folder made unreadable) and the like here; without
      // a listener it would be an uncaught exception.
      watcher.on('error', (err) => {
        this.watchFailed(err);
        watcher.close();
        if (this.watcher === watcher) this.watcher = undefined;
      });
      this.watcher = watcher;
    } catch (err) {
      this.watchFailed(err as Error);
    }
  }

  private watchFailed(err: Error): void {
    const message = `cannot watch the folder (${err.message}); changes are found by the rescan every ${this.rescanIntervalMs} ms`;
    if (this.watchProblem !== message) this.log.warn({ err }, 'cannot watch the folder; relying on periodic rescans');
    this.watchProblem = message;
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.sync(), this.debounceMs);
  }

  private async syncOnce(): Promise<void> {
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    let listing: Listing;
    try {
      listing = await listManifests(this.root);
      if (this.rootProblem) {
        this.log.info('source directory readable again');
        // A folder that was removed and created again is a new inode: watch it afresh.
        this.watcher?.close();
        this.watcher = undefined;
      }
      this.rootProblem = undefined;
      if (this.started && !this.watcher) {
        this.watchProblem = undefined;
        this.startWatching();
      }
    } catch (err) {
      // Keep serving what was read before: a folder that vanishes for a moment (a remount) must not
      // empty the config of every Envoy.
      const message = `cannot read the folder: ${(err as Error).message}`;
      if (this.rootProblem !== message) this.log.error({ err }, 'cannot read the source directory; keeping the last config');
      this.rootProblem = message;
      return;
    }
    this.listingProblems = listing.problems;
    if (listing.totalBytes > this.maxFolderBytes) {
      this.setFolderFault(`the manifest files add up to ${listing.totalBytes} bytes, over the limit of ${this.maxFolderBytes} bytes per folder; keeping the last config`);
      return;
    }

    const now = Date.now();
    let wait = Infinity;
    for (const [path, listed] of listing.files) {
      this.missingSince.delete(path);
      let left: number;
      try {
        left = await this.readOne(path, listed, dirty.has(path), now);
      } catch (err) {
        // Whatever goes wrong with one file stays with that file: it keeps its last good objects.
        left = 0;
        this.pending.delete(path);
        const old = this.files.get(path);
        this.files.set(path, { signature: listed.signature, hash: '', objects: old?.objects ?? [], problems: [{ file: path, message: `cannot be read: ${(err as Error).message}` }] });
        this.log.warn({ file: this.rel(path), err }, 'file not used; keeping its last good objects');
      }
      if (left > 0) wait = Math.min(wait, left);
    }
    for (const path of [...this.pending.keys()]) if (!listing.files.has(path)) this.pending.delete(path);
    for (const path of [...this.files.keys()]) {
      if (listing.files.has(path)) continue;
      // Under a folder that cannot be read now: nobody knows whether the file is gone.
      if (listing.unreadableDirs.some((d) => path.startsWith(d + sep))) continue;
      // A file replaced by renaming (save to a backup name, write anew) is missing for a moment.
      const since = this.missingSince.get(path) ?? now;
      this.missingSince.set(path, since);
      const left = since + this.quietPeriodMs - now;
      if (left > 0) {
        wait = Math.min(wait, left);
        continue;
      }
      this.missingSince.delete(path);
      this.files.delete(path);
      this.log.info({ file: this.rel(path) }, 'file removed');
    }
    for (const path of [...this.missingSince.keys()]) if (!this.files.has(path)) this.missingSince.delete(path);
    this.applyToStore(listing.allowEmpty);
    this.scheduleQuiet(wait);
  }

  /** Syncs again when the earliest pending file or removal may be applied. */
  private scheduleQuiet(ms: number): void {
    this.nextQuietMs = ms;
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    if (ms === Infinity || this.stopped) return;
    this.quietTimer = setTimeout(() => void this.sync(), Math.ceil(ms) + 1);
  }

  private setFolderFault(message: string): void {
    if (this.folderFault !== message) this.log.error({ problem: message }, 'the folder is not applied; keeping the last config');
    this.folderFault = message;
  }

  /**
   * Reads one listed file if it changed and has been quiet for the quiet period. Returns 0 when
   * done, else how many ms until it may be quiet.
   */
  private async readOne(path: string, listed: ListedFile, forced: boolean, now: number): Promise<number> {
    const old = this.files.get(path);
    if (old && !forced && old.signature === listed.signature) {
      this.pending.delete(path);
      return 0;
    }
    // Quiet: unchanged for the quiet period. The modification time says so; when it lies in the
    // future (another host's clock), what counts is how long this process has seen it unchanged.
    const seen = this.pending.get(path);
    const since = seen?.signature === listed.signature ? seen.since : now;
    this.pending.set(path, { signature: listed.signature, since });
    const age = now - listed.mtimeMs;
    const left = age >= 0 ? this.quietPeriodMs - age : since + this.quietPeriodMs - now;
    if (left > 0) return left;

    const file = this.rel(path);
    const keep = (message: string): number => {
      this.pending.delete(path);
      const problem: FileProblem = { file: path, message };
      // No signature: tried again at every sync, since a fix (chmod) need not change size or mtime.
      this.files.set(path, { signature: '', hash: '', objects: old?.objects ?? [], problems: [problem] });
      if (old?.problems[0]?.message !== message) this.log.warn({ file, problem: message }, 'file not used; keeping its last good objects');
      return 0;
    };
    if (listed.size > this.maxFileBytes) return keep(`${listed.size} bytes, over the limit of ${this.maxFileBytes} bytes per file`);
    let bytes: Buffer;
    try {
      const read = await readRegularFile(path, this.maxFileBytes);
      const signature = fileSignature(read.stats);
      if (signature !== listed.signature) {
        // Written while being read: wait for it to be quiet again.
        this.pending.set(path, { signature, since: now });
        return this.quietPeriodMs;
      }
      bytes = read.bytes;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0; // removed meanwhile; the listing decides
      return keep(err instanceof RefusedFileError ? err.message : `cannot read: ${(err as Error).message}`);
    }
    this.pending.delete(path);
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (old && old.hash === hash) {
      old.signature = listed.signature;
      return 0;
    }
    const parsed = parseManifestFile(bytes.toString('utf8'), path);
    if (parsed.syntax.length > 0) {
      for (const p of parsed.syntax) {
        this.log.warn({ file, document: p.document, line: p.line, column: p.column, error: p.message }, 'YAML syntax error; keeping the last good objects of this file');
      }
      this.files.set(path, { signature: listed.signature, hash, objects: old?.objects ?? [], problems: parsed.syntax });
      return 0;
    }
    for (const p of parsed.documents) {
      this.log.warn({ file, document: p.document, line: p.line, error: p.message }, 'document skipped');
    }
    const objects = parsed.objects.filter((o) => this.inScope(o));
    this.files.set(path, { signature: listed.signature, hash, objects, problems: parsed.documents });
    this.log.info({ file, objects: objects.length }, old ? 'file changed' : 'file read');
    return 0;
  }

  private inScope(o: KubeObject): boolean {
    // Cluster-scoped objects have no namespace (parseManifests defaults the others to `default`).
    if (this.namespaces.size === 0 || !o.metadata.namespace) return true;
    return this.namespaces.has(o.metadata.namespace);
  }

  /** Merges every file's objects (first file in path order wins a duplicate) and applies the difference. */
  private applyToStore(allowEmpty: boolean): void {
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
    if (desired.size === 0 && this.applied.size > 0 && !allowEmpty) {
      this.setFolderFault(`the folder holds no objects now; keeping the last config (${this.applied.size} objects). To remove them all, put a file named ${ALLOW_EMPTY_MARKER} in the folder`);
      return;
    }
    if (this.folderFault) this.log.info('the folder is applied again');
    this.folderFault = undefined;
    const upserts: KubeObject[] = [];
    for (const [key, obj] of desired) if (this.applied.get(key) !== obj) upserts.push(obj);
    const deletes = [...this.applied.keys()].filter((k) => !desired.has(k));
    this.applied = desired;
    if (upserts.length > 0 || deletes.length > 0) this.store?.apply(upserts, deletes);
  }

  private problem(path: string, p: FileProblem): SourceProblem {
    const subject = path;
    const id = problemId(subject, p);
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

function problemId(subject: string, p: { document?: number; message: string }): string {
  return `${subject}\0${p.document ?? ''}\0${p.message}`;
}
