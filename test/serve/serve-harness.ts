// Starts the real app in-process for end-to-end tests: a temp copy of the bundled example folder as
// the directory source, xDS and admin on 127.0.0.1 with OS-chosen ports, logs captured in memory.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startApp, type App } from '../../src/app.ts';
import { DEFAULT_SOURCE_DIR, loadConfig, type Config } from '../../src/config.ts';
import type { Source } from '../../src/sources/source.ts';

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
}

export async function serveExample(options: ServeOptions = {}): Promise<Served> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-serve-'));
  await cp(options.from ?? DEFAULT_SOURCE_DIR, dir, { recursive: true });
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
