// Where `tether certs` keeps what it issued: one bundle per entity (the CA, the server, each Gateway's
// client), with the keys a Kubernetes TLS Secret uses (tls.crt, tls.key, ca.crt), so a folder and a
// mounted Secret look the same to Tether and Envoy.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CertBundle {
  'tls.crt': string;
  'tls.key': string;
  /** The CA certificates to trust (the CA's own bundle: current CA plus a previous one still valid). */
  'ca.crt': string;
}

/** `ca`, `server`, `fleet` or `gateway/<namespace>/<name>`. */
export type CertId = string;

export interface CertStore {
  read(id: CertId): Promise<CertBundle | undefined>;
  write(id: CertId, bundle: CertBundle): Promise<void>;
}

export const BUNDLE_FILES = ['tls.crt', 'tls.key', 'ca.crt'] as const;

/** Files under a folder: `<dir>/<id>/tls.crt`, `tls.key` (mode 0600) and `ca.crt`. */
export class DirectoryCertStore implements CertStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  pathOf(id: CertId, file: (typeof BUNDLE_FILES)[number]): string {
    return join(this.dir, ...id.split('/'), file);
  }

  async read(id: CertId): Promise<CertBundle | undefined> {
    try {
      const [crt, key, ca] = await Promise.all(BUNDLE_FILES.map((f) => readFile(this.pathOf(id, f), 'utf8')));
      return { 'tls.crt': crt, 'tls.key': key, 'ca.crt': ca };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(id: CertId, bundle: CertBundle): Promise<void> {
    await mkdir(join(this.dir, ...id.split('/')), { recursive: true, mode: 0o755 });
    // The key first and each file replaced whole (write, then rename), so a reader never sees half a
    // file; a server that reads between two renames sees a pair that does not match and keeps its
    // previous one until the next read.
    for (const file of ['tls.key', 'tls.crt', 'ca.crt'] as const) {
      const path = this.pathOf(id, file);
      const tmp = `${path}.tmp-${process.pid}`;
      await writeFile(tmp, bundle[file], { mode: file === 'tls.key' ? 0o600 : 0o644 });
      await rename(tmp, path);
    }
  }
}

/** In memory (for `-o yaml` without a folder, and for tests). */
export class MemoryCertStore implements CertStore {
  readonly bundles = new Map<CertId, CertBundle>();
  read(id: CertId): Promise<CertBundle | undefined> {
    return Promise.resolve(this.bundles.get(id));
  }
  write(id: CertId, bundle: CertBundle): Promise<void> {
    this.bundles.set(id, bundle);
    return Promise.resolve();
  }
}
