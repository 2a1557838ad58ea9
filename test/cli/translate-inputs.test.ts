// `tether translate -f` on inputs that are not manifests a user meant: devices, FIFOs, sockets, link
// loops, files too big, YAML bombs, unreadable folders. Each must end the process with exit code 2
// and a message naming the path, never hang or run out of memory. Real processes, real files.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTether } from './run-cli.ts';

const svc = (name: string): string => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {ports: [{port: 80}]}\n`;

describe('tether translate refuses inputs it cannot read, with exit code 2', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-inputs-'));
  });

  it('a character device (/dev/zero)', async () => {
    const r = await runTether(['translate', '-f', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: /dev/zero: not a regular file or folder (a character device)\n');
  });

  it('a FIFO named directly and one inside a folder, with no writer (no hang)', async () => {
    const sub = join(dir, 'fifo');
    await mkdir(sub);
    execFileSync('mkfifo', [join(sub, 'pipe.yaml')]);
    await writeFile(join(sub, 'ok.yaml'), svc('ok'));
    const direct = await runTether(['translate', '-f', join(sub, 'pipe.yaml')]);
    expect(direct.code).toBe(2);
    expect(direct.stderr).toContain(`error: ${join(sub, 'pipe.yaml')}: not a regular file or folder (a FIFO)\n`);
    const folder = await runTether(['translate', '-f', sub]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`error: ${join(sub, 'pipe.yaml')}: not a regular file or folder (a FIFO)\n`);
  });

  describe('a socket', () => {
    let server: Server;
    const path = (): string => join(dir, 'sock.yaml');
    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(path(), resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('is refused', async () => {
      const r = await runTether(['translate', '-f', path()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: ${path()}: not a regular file or folder (a socket)\n`);
    });
  });

  it('two links to each other, and a link back to an enclosing folder (no hang)', async () => {
    const sub = join(dir, 'loops');
    await mkdir(join(sub, 'inner'), { recursive: true });
    await writeFile(join(sub, 'inner', 'a.yaml'), svc('a'));
    await symlink(join(sub, 'b.yaml'), join(sub, 'a.yaml'));
    await symlink(join(sub, 'a.yaml'), join(sub, 'b.yaml'));
    const direct = await runTether(['translate', '-f', join(sub, 'a.yaml')]);
    expect(direct.code).toBe(2);
    expect(direct.stderr).toContain(`error: ${join(sub, 'a.yaml')}: symbolic link loop\n`);

    const back = join(dir, 'back');
    await mkdir(join(back, 'inner'), { recursive: true });
    await writeFile(join(back, 'inner', 'a.yaml'), svc('a'));
    await symlink('..', join(back, 'inner', 'up'));
    const r = await runTether(['translate', '-f', back]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${join(back, 'inner', 'up')}: symbolic link loop: leads back to ${back}, which contains it\n`);
  });

  it('a file over the size limit (2 MiB)', async () => {
    const file = join(dir, 'big.yaml');
    await writeFile(file, svc('big') + `# ${'x'.repeat(3 * 1024 * 1024)}\n`);
    const r = await runTether(['translate', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`error: ${file.replace(/[/.]/g, '\\$&')}: \\d+ bytes, over the limit of 2097152 bytes per file\\n`));
  });

  it('a YAML alias bomb', async () => {
    const levels = ['  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
      .concat(Array.from({ length: 8 }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`));
    const file = join(dir, 'bomb.yaml');
    await writeFile(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.join('\n')}\n`);
    const r = await runTether(['translate', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: .*bomb\.yaml: document 0 \(line 1\): cannot be read: .*alias.*\(at most 100 aliases per document\)\n/);
  });

  // Root reads a mode-000 folder anyway, so the fault cannot be produced as root.
  it.skipIf(process.getuid?.() === 0)('a folder that cannot be read', async () => {
    const sub = join(dir, 'locked');
    await mkdir(join(sub, 'inner'), { recursive: true });
    await chmod(join(sub, 'inner'), 0o000);
    try {
      const r = await runTether(['translate', '-f', sub]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: ${join(sub, 'inner')}: permission denied\n`);
    } finally {
      await chmod(join(sub, 'inner'), 0o755);
    }
  });
});
