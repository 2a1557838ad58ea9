import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore, type StoreChange } from '../object-store.ts';
import { silentLogger } from '../../log/logger.ts';
import { DirectorySource } from './directory-source.ts';

const svc = (name: string, port = 80, ns?: string): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  ports: [{port: ${port}}]\n`;

const names = (store: ObjectStore): string[] => store.list().map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

async function until(cond: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('DirectorySource', () => {
  let dir: string;
  let store: ObjectStore;
  let changes: StoreChange[];
  let source: DirectorySource;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-dir-'));
    store = new ObjectStore();
    changes = [];
    store.subscribe((c) => changes.push(c));
  });
  afterEach(async () => {
    await source?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (opts: { rescanIntervalMs?: number; namespaces?: string[] } = {}): Promise<void> => {
    source = new DirectorySource({ path: dir, logger: silentLogger(), debounceMs: 5, quietPeriodMs: 0, rescanIntervalMs: opts.rescanIntervalMs ?? 0, namespaces: opts.namespaces });
    await source.start(store);
  };

  it('reads .yaml and .yml files recursively, skipping hidden entries and other extensions', async () => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    await mkdir(join(dir, '.hidden'));
    await writeFile(join(dir, 'a.yaml'), svc('a') + '---\n' + svc('b'));
    await writeFile(join(dir, 'nested', 'deeper', 'c.yml'), svc('c', 80, 'ns1'));
    await writeFile(join(dir, '.hidden', 'd.yaml'), svc('d'));
    await writeFile(join(dir, 'notes.txt'), svc('e'));
    await start();
    expect(names(store)).toEqual(['default/a', 'default/b', 'ns1/c']);
    expect(source.problems()).toEqual([]);
  });

  it('applies an edit to a file as one store change: additions, replacements and removals together', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a') + '---\n' + svc('b'));
    await start();
    changes.length = 0;
    await writeFile(join(dir, 'a.yaml'), svc('a', 8080) + '---\n' + svc('c'));
    await until(() => changes.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(changes).toHaveLength(1);
    expect(changes[0]?.keys.sort()).toEqual(['/Service/default/a', '/Service/default/b', '/Service/default/c']);
    expect(names(store)).toEqual(['default/a', 'default/c']);
    expect((store.get('/Service/default/a')?.['spec'] as { ports: { port: number }[] }).ports[0]?.port).toBe(8080);
  });

  it('keeps the last good objects of a file with a syntax error and reports where it is', async () => {
    const file = join(dir, 'routes.yaml');
    await writeFile(file, svc('a'));
    await start();
    changes.length = 0;
    await writeFile(file, svc('a', 9999) + '---\napiVersion: v1\nkind: Service\nmetadata: {name: [b\n');
    await until(() => source.problems().length > 0);
    expect(names(store)).toEqual(['default/a']);
    expect((store.get('/Service/default/a')?.['spec'] as { ports: { port: number }[] }).ports[0]?.port).toBe(80);
    expect(changes).toEqual([]);
    const [p] = source.problems();
    expect(p).toMatchObject({ subject: file, document: 1 });
    expect(p?.line).toBeGreaterThanOrEqual(8);
    expect(p?.message).toMatch(/flow sequence|Flow|expected/i);
    const since = p?.since;

    // A fix clears the problem and applies the new content.
    await writeFile(file, svc('a', 9999));
    await until(() => source.problems().length === 0);
    expect((store.get('/Service/default/a')?.['spec'] as { ports: { port: number }[] }).ports[0]?.port).toBe(9999);
    expect(since).toMatch(/^\d{4}-/);
  });

  it('skips and reports documents that are not Kubernetes objects, using the rest of the file', async () => {
    await writeFile(join(dir, 'mixed.yaml'), svc('a') + '---\nfoo: bar\n---\n' + svc('b'));
    await start();
    expect(names(store)).toEqual(['default/a', 'default/b']);
    expect(source.problems()).toMatchObject([{ subject: join(dir, 'mixed.yaml'), document: 1, line: 8 }]);
  });

  it('removes the objects of a deleted file', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await writeFile(join(dir, 'b.yaml'), svc('b'));
    await start();
    await unlink(join(dir, 'a.yaml'));
    await until(() => names(store).length === 1);
    expect(names(store)).toEqual(['default/b']);
  });

  it('picks up a new file in a new sub-folder', async () => {
    await start();
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'x.yaml'), svc('x'));
    await until(() => names(store).length === 1);
    expect(names(store)).toEqual(['default/x']);
  });

  it('reports an object defined in two files and keeps the first file’s; the second takes over when the first drops it', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('dup', 1));
    await writeFile(join(dir, 'b.yaml'), svc('dup', 2));
    await start();
    const port = (): number | undefined => (store.get('/Service/default/dup')?.['spec'] as { ports: { port: number }[] }).ports[0]?.port;
    expect(port()).toBe(1);
    expect(source.problems()).toMatchObject([{ subject: join(dir, 'b.yaml'), message: expect.stringMatching(/also defined in a\.yaml/) }]);
    await unlink(join(dir, 'a.yaml'));
    await until(() => port() === 2);
    expect(source.problems()).toEqual([]);
  });

  it('filters by namespace but keeps cluster-scoped objects', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a', 80, 'keep') + '---\n' + svc('b', 80, 'drop') +
      '---\napiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: tether}\nspec: {controllerName: tether.dev/gateway-controller}\n');
    await start({ namespaces: ['keep'] });
    expect(store.list().map((o) => o.metadata.name)).toEqual(['a', 'tether']);
  });

  it('fails to start on a missing folder, naming it', async () => {
    source = new DirectorySource({ path: join(dir, 'nope'), logger: silentLogger() });
    await expect(source.start(store)).rejects.toThrow(/nope: does not exist/);
  });

  it('notices changes by periodic rescan when no watch event arrives', async () => {
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    await start({ rescanIntervalMs: 30 });
    // Simulate a missed event: the explicit sync path is what the timer calls.
    (source as unknown as { watcher?: { close(): void } }).watcher?.close();
    await writeFile(join(dir, 'b.yaml'), svc('b'));
    await until(() => names(store).length === 2);
  });
});

describe('DirectorySource when the folder goes away', () => {
  it('keeps the last objects while the folder is missing, reports it, and follows the folder once it is back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tether-dir-'));
    const store = new ObjectStore();
    await writeFile(join(dir, 'a.yaml'), svc('a'));
    const source = new DirectorySource({ path: dir, logger: silentLogger(), debounceMs: 5, quietPeriodMs: 0, rescanIntervalMs: 20 });
    try {
      await source.start(store);
      await rm(dir, { recursive: true, force: true });
      await until(() => source.problems().length > 0);
      expect(source.problems()[0]).toMatchObject({ subject: dir, message: expect.stringMatching(/cannot read the folder/) });
      expect(names(store)).toEqual(['default/a']);

      await mkdir(dir);
      await writeFile(join(dir, 'b.yaml'), svc('b'));
      await until(() => names(store).join() === 'default/b');
      expect(source.problems()).toEqual([]);
      // Watched again: a later edit arrives (rescans would also find it; both paths end here).
      await writeFile(join(dir, 'c.yaml'), svc('c'));
      await until(() => names(store).length === 2);
    } finally {
      await source.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
