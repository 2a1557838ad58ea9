// docker-compose.yml as the tests run it without Docker: each named volume is a temporary folder,
// a bind mount is the repository path it names, and a service's container path is mapped through its
// own mounts (the longest mount that holds the path wins), so the certs service's command, Tether's
// environment and Envoy's bootstrap paths all land on the same files Docker would share.
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../cli/run-cli.ts';

export interface ComposeService {
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export const compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8')) as ComposeFile;

/** A service's mounts: container path → named volume or repository path. */
export function mountsOf(service: string): { target: string; volume?: string; bind?: string }[] {
  return (compose.services[service]?.volumes ?? []).map((v) => {
    const [source = '', target = ''] = v.split(':');
    return source.startsWith('.') || source.startsWith('/') ? { target, bind: join(repoRoot, source) } : { target, volume: source };
  });
}

/** Where a service mounts a named volume. */
export function volumeMount(service: string, volume: string): string {
  const m = mountsOf(service).find((x) => x.volume === volume);
  if (!m) throw new Error(`${service} does not mount the ${volume} volume`);
  return m.target;
}

/** The `tether certs` arguments in the certs service's shell command. */
export function certsArgs(): string[] {
  const command = compose.services['certs']?.command;
  const text = Array.isArray(command) ? command.join(' ') : (command ?? '');
  const m = /node src\/main\.ts (certs [^&]*)/.exec(text);
  if (!m) throw new Error('the certs service does not run tether certs');
  return m[1].trim().split(/\s+/);
}

/** Named volumes as temporary folders; container paths mapped onto them per service. */
export class ComposeVolumes {
  readonly root: string;
  private constructor(root: string) {
    this.root = root;
  }

  static async create(): Promise<ComposeVolumes> {
    const v = new ComposeVolumes(await mkdtemp(join(tmpdir(), 'tether-compose-volumes-')));
    for (const name of Object.keys(compose.volumes ?? {})) await mkdir(v.volumeDir(name), { recursive: true });
    return v;
  }

  volumeDir(name: string): string {
    return join(this.root, 'volumes', name);
  }

  /** The host path behind a container path of `service`; undefined when no mount holds it. */
  hostPath(service: string, containerPath: string): string | undefined {
    const holding = mountsOf(service)
      .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
      .sort((a, b) => b.target.length - a.target.length)[0];
    if (!holding) return undefined;
    const base = holding.bind ?? this.volumeDir(holding.volume ?? '');
    return join(base, relative(holding.target, containerPath));
  }

  /** Every absolute argument that a mount of `service` holds, mapped to the host. */
  mapArgs(service: string, args: readonly string[]): string[] {
    return args.map((a) => (a.startsWith('/') ? (this.hostPath(service, a) ?? a) : a));
  }

  /**
   * A folder standing in for `containerDir` of `service` when its content comes from several mounts
   * below it (Docker creates the mount points): a symbolic link per mount, which the file source follows.
   */
  async folder(service: string, containerDir: string): Promise<string> {
    const dir = join(this.root, 'containers', service, containerDir);
    await mkdir(dir, { recursive: true });
    for (const m of mountsOf(service)) {
      if (!m.target.startsWith(`${containerDir}/`)) continue;
      const link = join(dir, relative(containerDir, m.target));
      await mkdir(join(link, '..'), { recursive: true });
      await symlink(m.bind ?? this.volumeDir(m.volume ?? ''), link);
    }
    return dir;
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
