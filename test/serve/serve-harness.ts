// Starts the real app in-process for end-to-end tests: a temp copy of the bundled example folder as
// the directory source, xDS and admin on 127.0.0.1 with OS-chosen ports, logs captured in memory.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startApp, type App } from '../../src/app.ts';
import { DEFAULT_SOURCE_DIR, loadConfig, type Config } from '../../src/config.ts';
import type { Source } from '../../src/sources/source.ts';
import { repoRoot, runTether } from '../cli/run-cli.ts';

export interface Served {
  app: App;
  dir: string;
  config: Config;
  admin: string;
  xds: string;
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Files to copy in (default: the bundled example). */
  from?: string;
  source?: Source;
  adminPort?: number;
  /** Run `npm start`'s prestep (package.json "prestart") first, as `npm start` does. */
  prestart?: boolean;
}

/** The arguments of `npm start`'s prestep: `tether certs` making the example listener's certificate. */
export async function prestartArgs(): Promise<string[]> {
  const scripts = (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const m = /^node src\/main\.ts (certs .*)$/.exec(scripts['prestart'] ?? '');
  if (!m) throw new Error('package.json has no prestart running tether certs');
  return (m[1] ?? '').split(/\s+/);
}

/**
 * A fresh copy of the example after `npm start`'s prestep: the step runs in a folder laid out like
 * the repository, so its relative paths land where they do for `npm start`. Returns the example
 * folder; the caller removes `root`.
 */
export async function exampleAfterPrestart(): Promise<{ root: string; example: string }> {
  const root = await mkdtemp(join(tmpdir(), 'tether-npm-start-'));
  const example = join(root, relative(repoRoot, DEFAULT_SOURCE_DIR));
  await cp(DEFAULT_SOURCE_DIR, example, { recursive: true, filter: (src) => src !== join(DEFAULT_SOURCE_DIR, 'generated') });
  const r = await runTether(await prestartArgs(), { cwd: root });
  if (r.code !== 0) throw new Error(`npm start's prestep failed: ${r.stderr}`);
  return { root, example };
}

export async function serveExample(options: ServeOptions = {}): Promise<Served> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-serve-'));
  // Never what a local `npm start` generated (examples/default/generated/): a test sees the example
  // as a fresh clone has it.
  const generated = join(DEFAULT_SOURCE_DIR, 'generated');
  const prestep = options.prestart ? await exampleAfterPrestart() : undefined;
  await cp(prestep?.example ?? options.from ?? DEFAULT_SOURCE_DIR, dir, { recursive: true, filter: (src) => src !== generated });
  if (prestep) await rm(prestep.root, { recursive: true, force: true });
  const config = loadConfig({ source: dir, xdsAddress: '127.0.0.1:0', adminAddress: `127.0.0.1:${options.adminPort ?? 0}`, logLevel: 'debug' });
  config.rescanIntervalMs = 0; // watch events only: tests must not pass thanks to the safety net
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const app = await startApp(config, { logger, processMetrics: false, ...(options.source ? { source: options.source } : {}) });
  return {
    app,
    dir,
    config,
    admin: `http://127.0.0.1:${app.adminPort}`,
    xds: `127.0.0.1:${app.xdsPort}`,
    logs,
    stop: async () => {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
