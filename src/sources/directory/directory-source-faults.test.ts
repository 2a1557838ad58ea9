// The file source under the edits and folders that used to empty or freeze the served config: real
// files in a temporary folder, saved the way editors and copy tools save them.
import { execFileSync } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, open, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../log/logger.ts';
import { ObjectStore } from '../object-store.ts';
import { DirectorySource, type DirectorySourceOptions } from './directory-source.ts';

// A parser that throws for one file stands for any bug a file could trigger: the source must report
// that file and keep applying the others.
vi.mock('./parse-manifest-file.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./parse-manifest-file.ts')>();
  return {
    ...actual,
    parseManifestFile: (text: string, file: string) => {
      if (text.includes('# make the parser throw')) throw new RangeError('Maximum call stack size exceeded');
      return actual.parseManifestFile(text, file);
    },
  };
});

const svc = (name: string, port = 80): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports: [{port: ${port}}]\n`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

// Longer than the pause between two chunks of a write below (100 ms), with room for a busy machine.
const QUIET_MS = 400;

describe('DirectorySource faults', () => {
  let dir: string;
  let store: ObjectStore;
  let source: DirectorySource | undefined;
  /** The store's names after every change: what Envoys would have been served, in order. */
  let served: string[][];

  const names = (): string[] => store.list().map((o) => o.metadata.name).sort();
  const port = (name: string): number | undefined => (store.get(`/Service/default/${name}`)?.['spec'] as { ports: { port: number }[] } | undefined)?.ports[0]?.port;
  const start = async (options: Partial<DirectorySourceOptions> = {}): Promise<DirectorySource> => {
    source = new DirectorySource({ path: dir, logger: silentLogger(), debounceMs: 5, quietPeriodMs: QUIET_MS, rescanIntervalMs: 0, ...options });
    await source.start(store);
    served = [];
    return source;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-faults-'));
    store = new ObjectStore();
    served = [];
    store.subscribe(() => served.push(names()));
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await chmod(dir, 0o755).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('a rename-save (old file moved away, new one written in two chunks 100 ms apart) never removes an object', async () => {
    const file = join(dir, 'apps.yaml');
    await writeFile(file, svc('a') + '---\n' + svc('b'));
    await start();
    expect(names()).toEqual(['a', 'b']);

    await rename(file, `${file}.bak`);
    await sleep(100);
    await writeFile(file, svc('a', 81) + '---\n');
    await sleep(100);
    await appendFile(file, svc('b', 82));
    await until(() => port('b') === 82);

    expect(port('a')).toBe(81);
    expect(served).toEqual([['a', 'b']]); // the finished file, in one change
  });

  it('a truncate-then-write in two chunks 100 ms apart never removes an object', async () => {
    const file = join(dir, 'apps.yaml');
    await writeFile(file, svc('a') + '---\n' + svc('b'));
    await start();

    const handle = await open(file, 'r+');
    await handle.truncate(0);
    await handle.write(svc('a', 81) + '---\n', 0);
    await sleep(100);
    await handle.write(svc('b', 82), Buffer.byteLength(svc('a', 81) + '---\n'));
    await handle.close();
    await until(() => port('b') === 82);

    expect(served).toEqual([['a', 'b']]);
  });

  it('a folder re-created empty keeps the last config and says so; the marker file makes empty mean empty', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await start({ rescanIntervalMs: 30 });
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await until(() => source!.problems().some((p) => /holds no objects/.test(p.message)));
    await sleep(QUIET_MS + 100); // past the quiet period: the missing file counts as gone now
    expect(names()).toEqual(['a']);
    expect(source!.problems()).toMatchObject([{ subject: dir, message: expect.stringMatching(/keeping the last config \(1 objects\)\. To remove them all, put a file named \.tether-allow-empty/) }]);

    await writeFile(join(dir, '.tether-allow-empty'), '');
    await until(() => names().length === 0);
    expect(source!.problems()).toEqual([]);
  });

  it('a file emptied for longer than the quiet period is applied when other files still hold objects', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await writeFile(join(dir, 'b.yaml'), svc('b'));
    await start({ quietPeriodMs: 50 });
    await writeFile(join(dir, 'a.yaml'), '');
    await until(() => names().join() === 'b');
    expect(source!.problems()).toEqual([]);
  });

  it('an alias bomb is reported with its file, keeps that file’s last objects, and other files keep applying', async () => {
    const levels = ['  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
      .concat(Array.from({ length: 8 }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`));
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.join('\n')}\n`;
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await writeFile(join(dir, 'b.yaml'), svc('b'));
    await start({ quietPeriodMs: 0 });

    await writeFile(join(dir, 'b.yaml'), bomb);
    await until(() => source!.problems().length > 0);
    expect(source!.problems()).toMatchObject([{ subject: join(dir, 'b.yaml'), document: 0, message: expect.stringMatching(/alias/) }]);
    expect(names()).toEqual(['a', 'b']);

    await writeFile(join(dir, 'c.yaml'), svc('c'));
    await until(() => names().includes('c'));
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('an exception while reading one file is reported with the file named, and other files keep applying', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await writeFile(join(dir, 'b.yaml'), svc('b'));
    await start({ quietPeriodMs: 0 });
    await writeFile(join(dir, 'a.yaml'), svc('a', 81) + '# make the parser throw\n');
    await until(() => source!.problems().length > 0);
    expect(source!.problems()).toMatchObject([{ subject: join(dir, 'a.yaml'), message: 'cannot be read: Maximum call stack size exceeded' }]);
    expect(port('a')).toBe(80);
    await writeFile(join(dir, 'c.yaml'), svc('c'));
    await until(() => names().includes('c'));
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('follows symbolic links without looping: two links to the folder itself, and two links to each other', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'a.yaml'), svc('a'));
    await symlink('.', join(dir, 'self1'));
    await symlink('..', join(dir, 'sub', 'up'));
    await symlink(join(dir, 'loop-b.yaml'), join(dir, 'loop-a.yaml'));
    await symlink(join(dir, 'loop-a.yaml'), join(dir, 'loop-b.yaml'));
    await start({ quietPeriodMs: 0 });

    expect(names()).toEqual(['a']);
    const problems = source!.problems().map((p) => `${p.subject.slice(dir.length + 1)}: ${p.message}`);
    expect(problems).toEqual([
      'loop-a.yaml: skipped: a symbolic link loop',
      'loop-b.yaml: skipped: a symbolic link loop',
      `self1: skipped: a link to ${dir}, a folder already read (a link loop, or a second link to the same folder)`,
      `sub/up: skipped: a link to ${dir}, a folder already read (a link loop, or a second link to the same folder)`,
    ]);
  });

  it('a file over the size limit keeps its last objects and is reported', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await writeFile(join(dir, 'b.yaml'), svc('b'));
    await start({ quietPeriodMs: 0, maxFileBytes: 1_000 });
    await writeFile(join(dir, 'a.yaml'), svc('a', 81) + `# ${'x'.repeat(2_000)}\n`);
    await until(() => source!.problems().length > 0);
    expect(source!.problems()).toMatchObject([{ subject: join(dir, 'a.yaml'), message: expect.stringMatching(/^\d+ bytes, over the limit of 1000 bytes per file$/) }]);
    expect(port('a')).toBe(80);
  });

  it('a folder over its size limit keeps the last config and is reported', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await start({ quietPeriodMs: 0, maxFolderBytes: 1_000 });
    // The file that tips the folder over goes first: any scan from then on sees it over the limit,
    // so a's new port can never be applied (the other order lets a scan apply a alone, legitimately).
    await writeFile(join(dir, 'b.yaml'), svc('b') + `# ${'x'.repeat(1_000)}\n`);
    await writeFile(join(dir, 'a.yaml'), svc('a', 81));
    await until(() => source!.problems().length > 0);
    expect(source!.problems()).toMatchObject([{ subject: dir, message: expect.stringMatching(/over the limit of 1000 bytes per folder; keeping the last config/) }]);
    expect(names()).toEqual(['a']);
    expect(port('a')).toBe(80);
  });

  it('never opens a FIFO named like a manifest', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    await start({ quietPeriodMs: 0 });
    expect(names()).toEqual(['a']);
    expect(source!.problems()).toEqual([]);
  });

  it('an error from the recursive watcher (EACCES) is reported, never thrown; watching resumes at the next sync', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await start({ quietPeriodMs: 0 });
    const watcher = (source as unknown as { watcher?: import('node:fs').FSWatcher }).watcher;
    expect(watcher).toBeDefined();
    // What node's recursive watcher emits when a folder becomes unreadable under it.
    watcher!.emit('error', Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), { code: 'EACCES' }));
    expect(source!.problems()).toMatchObject([{ subject: dir, message: expect.stringMatching(/^cannot watch the folder \(EACCES: permission denied/) }]);
    expect(names()).toEqual(['a']);

    await source!.sync();
    expect(source!.problems()).toEqual([]);
    await writeFile(join(dir, 'b.yaml'), svc('b'));
    await until(() => names().join() === 'a,b'); // no rescans in this test: the new watcher saw it
  });

  // Root reads a mode-000 folder anyway, so the fault cannot be produced as root.
  it.skipIf(process.getuid?.() === 0)('a folder made unreadable (chmod 000) is reported and keeps the last config; never a crash', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'a.yaml'), svc('a'));
    await start({ quietPeriodMs: 0, rescanIntervalMs: 30 });
    await chmod(join(dir, 'sub'), 0o000);
    await until(() => source!.problems().some((p) => p.subject === join(dir, 'sub')));
    await chmod(dir, 0o000);
    await until(() => source!.problems().some((p) => p.subject === dir && /EACCES|permission/i.test(p.message)));
    expect(names()).toEqual(['a']);
    await chmod(dir, 0o755);
    await chmod(join(dir, 'sub'), 0o755);
    await writeFile(join(dir, 'b.yaml'), svc('b'));
    await until(() => names().join() === 'a,b');
  });
});
