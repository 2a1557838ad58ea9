// The real process: `node src/main.ts serve` comes up, becomes ready, and stops cleanly on SIGTERM
// and SIGINT with exit code 0. Also `tether serve` with no --source serves the bundled example.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, until } from './serve-harness.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Running {
  child: ChildProcess;
  admin: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function run(args: string[]): Promise<Running> {
  const adminPort = await freePort();
  const child = spawn(process.execPath, [join(root, 'src', 'main.ts'), 'serve', '--xds-address', '127.0.0.1:0', '--admin-address', `127.0.0.1:${adminPort}`, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, admin: `http://127.0.0.1:${adminPort}`, output: () => out, exit };
}

const status = (url: string): Promise<number> => fetch(url).then((r) => r.status, () => 0);

describe('tether serve (process)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves the bundled example by default, becomes ready, and exits 0 on ${signal}`, async () => {
      const p = await run([]);
      try {
        await until(async () => (await status(`${p.admin}/readyz`)) === 200, `readyz (output: ${p.output()})`, 15_000);
        const dump = await fetch(`${p.admin}/debug/config_dump?gateway=default/demo-gateway`);
        expect(dump.status).toBe(200);
        p.child.kill(signal);
        expect(await p.exit).toEqual({ code: 0, signal: null });
        const lines = p.output().trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
        expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['ready: serving config', 'shutting down', 'stopped']));
        expect(lines.at(-1)?.msg).toBe('stopped');
      } finally {
        p.child.kill('SIGKILL');
      }
    });
  }

  it('exits 2 with a clear message on a bad flag value', async () => {
    const p = await run(['--xds-address', 'nonsense']);
    expect((await p.exit).code).toBe(2);
    expect(p.output()).toMatch(/--xds-address: "nonsense" is not host:port/);
  });

  it('exits 1 naming the folder when the source folder does not exist', async () => {
    const p = await run(['--source', '/no/such/folder']);
    expect((await p.exit).code).toBe(1);
    expect(p.output()).toMatch(/\/no\/such\/folder: does not exist/);
  });
});
