// Static settings: command-line flags and environment variables → one typed, defaulted Config.
// Flags win over environment variables, which win over defaults. Pure: the caller passes argv
// values and the environment, so tests need no process state.
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOG_LEVELS, type LogLevel } from './log/logger.ts';
import { DEFAULT_XDS_LIMITS, type XdsLimits } from './xds/xds-limits.ts';

export interface HostPort {
  host: string;
  /** 0 asks the OS for a free port (tests). */
  port: number;
}

export type SourceConfig =
  | { type: 'directory'; path: string }
  | { type: 'kubernetes' };

/** xDS over TLS with client certificates required (docs/operations.md#authenticated-xds). */
export interface XdsTlsConfig {
  certFile: string;
  keyFile: string;
  clientCaFile: string;
  /** Accept a client certificate naming every Gateway (`tether://gateway/*`). */
  allowFleetCertificates: boolean;
  /** How often the three files are read again for a rotation. */
  reloadIntervalMs: number;
}

export interface Config {
  source: SourceConfig;
  /** ADS (gRPC) listen address. */
  xdsAddress: HostPort;
  /** Admin HTTP listen address (/healthz, /readyz, /metrics, /debug/*). */
  adminAddress: HostPort;
  /** Serve xDS over mutual TLS; undefined: plaintext. */
  xdsTls: XdsTlsConfig | undefined;
  /** A file holding the bearer token /debug/* requires; none: /debug/* is open to whoever reaches the address. */
  adminTokenFile?: string;
  logLevel: LogLevel;
  /** Only read objects in these namespaces (cluster-scoped objects are always read); empty = all. */
  namespaces: string[];
  /** Rebuild coalescing: wait this long without changes, but never longer than maxMs after the first one. */
  debounce: { quietMs: number; maxMs: number };
  /** Directory source: how often to rescan the folder in case a watch event was missed. */
  rescanIntervalMs: number;
  /** How often the DNS names of FQDN EndpointSlices are looked up again. */
  dnsRefreshMs: number;
  /** DNS servers for those lookups (`ip` or `ip:port`, `[v6]:port`); empty: the system's. */
  dnsServers: string[];
  /** What one xDS client may make the server hold (docs/operations.md "Limits"). */
  xdsLimits: XdsLimits;
  /**
   * Kubernetes source: give every Gateway of Tether's class its own Envoy fleet (src/provision/).
   * On by default there; `--no-provision` or TETHER_PROVISION=false for bring-your-own fleets.
   */
  provision: ProvisionConfig;
}

export interface ProvisionConfig {
  enabled: boolean;
  /** Tether's own namespace, where its xDS Service `tether` is (POD_NAMESPACE, else tether-system). */
  namespace: string;
  /** Envoy image of provisioned fleets when their parameters name none. */
  envoyImage?: string;
}

/** What the `serve` command line may set (every field optional). */
export interface ServeFlags {
  source?: string;
  xdsAddress?: string;
  adminAddress?: string;
  adminTokenFile?: string;
  logLevel?: string;
  namespace?: string[];
  /** Seconds between DNS lookups of FQDN EndpointSlice names. */
  dnsRefresh?: string;
  dnsServer?: string[];
  xdsTlsCert?: string;
  xdsTlsKey?: string;
  xdsClientCa?: string;
  xdsAllowFleetCertificates?: boolean;
  /** false with --no-provision. */
  provision?: boolean;
  envoyImage?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The folder `tether serve` reads when no --source is given: the bundled example, resolved from
 * the package rather than the working directory so `npm start` works from anywhere. It is
 * examples/default/, not examples/, because examples/ also holds the compose demo's files.
 */
export const DEFAULT_SOURCE_DIR = resolve(packageRoot, 'examples', 'default');

export const DEFAULTS = {
  xdsAddress: '0.0.0.0:18000',
  // Loopback: the admin API shows configs and clients. The image and manifests set what probes need.
  adminAddress: '127.0.0.1:9901',
  logLevel: 'info' as LogLevel,
  debounce: { quietMs: 10, maxMs: 100 },
  rescanIntervalMs: 5_000,
  dnsRefreshMs: 5_000,
  xdsTlsReloadMs: 5_000,
};

/** Environment variables read, by flag. */
export const ENV = {
  source: 'TETHER_SOURCE',
  xdsAddress: 'TETHER_XDS_ADDRESS',
  adminAddress: 'TETHER_ADMIN_ADDRESS',
  adminTokenFile: 'TETHER_ADMIN_TOKEN_FILE',
  logLevel: 'TETHER_LOG_LEVEL',
  namespace: 'TETHER_NAMESPACES', // comma-separated
  dnsRefresh: 'TETHER_DNS_REFRESH', // seconds
  dnsServer: 'TETHER_DNS_SERVERS', // comma-separated
  xdsTlsCert: 'TETHER_XDS_TLS_CERT',
  xdsTlsKey: 'TETHER_XDS_TLS_KEY',
  xdsClientCa: 'TETHER_XDS_CLIENT_CA',
  xdsAllowFleetCertificates: 'TETHER_XDS_ALLOW_FLEET_CERTIFICATES', // true or false
  provision: 'TETHER_PROVISION', // true or false
  envoyImage: 'TETHER_ENVOY_IMAGE',
} as const;

/** Environment variables that override one xDS limit each (positive integers). */
export const LIMIT_ENV: Readonly<Record<keyof XdsLimits, string>> = {
  maxRequestBytes: 'TETHER_XDS_MAX_REQUEST_BYTES',
  maxRequestFields: 'TETHER_XDS_MAX_REQUEST_FIELDS',
  maxNameBytes: 'TETHER_XDS_MAX_NAME_BYTES',
  maxSubscribedNames: 'TETHER_XDS_MAX_SUBSCRIBED_NAMES',
  maxInitialVersions: 'TETHER_XDS_MAX_INITIAL_VERSIONS',
  maxNackMessageBytes: 'TETHER_XDS_MAX_NACK_MESSAGE_BYTES',
  maxStreams: 'TETHER_XDS_MAX_STREAMS',
  maxStreamsPerGateway: 'TETHER_XDS_MAX_STREAMS_PER_GATEWAY',
  maxUnknownGatewayStreams: 'TETHER_XDS_MAX_UNKNOWN_GATEWAY_STREAMS',
  repeatLogIntervalMs: 'TETHER_LOG_REPEAT_INTERVAL_MS',
};

export function loadConfig(flags: ServeFlags, env: Record<string, string | undefined> = {}, cwd = '.'): Config {
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? (env[name] || undefined);

  const sourceText = pick(flags.source, ENV.source);
  const source: SourceConfig =
    sourceText === 'kubernetes' ? { type: 'kubernetes' }
    : { type: 'directory', path: sourceText ? resolve(cwd, sourceText) : DEFAULT_SOURCE_DIR };

  const logLevel = pick(flags.logLevel, ENV.logLevel) ?? DEFAULTS.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }

  const namespaces = flags.namespace?.length
    ? flags.namespace.flatMap(splitList)
    : splitList(env[ENV.namespace] ?? '');

  return {
    source,
    xdsAddress: parseHostPort(pick(flags.xdsAddress, ENV.xdsAddress) ?? DEFAULTS.xdsAddress, '--xds-address'),
    adminAddress: parseHostPort(pick(flags.adminAddress, ENV.adminAddress) ?? DEFAULTS.adminAddress, '--admin-address'),
    xdsTls: loadXdsTls(flags, env, cwd),
    ...(pick(flags.adminTokenFile, ENV.adminTokenFile) ? { adminTokenFile: resolve(cwd, pick(flags.adminTokenFile, ENV.adminTokenFile)!) } : {}),
    logLevel: logLevel as LogLevel,
    namespaces: [...new Set(namespaces)],
    debounce: { ...DEFAULTS.debounce },
    rescanIntervalMs: DEFAULTS.rescanIntervalMs,
    dnsRefreshMs: parseSeconds(pick(flags.dnsRefresh, ENV.dnsRefresh), DEFAULTS.dnsRefreshMs, '--dns-refresh'),
    dnsServers: (flags.dnsServer?.length ? flags.dnsServer.flatMap(splitList) : splitList(env[ENV.dnsServer] ?? '')).map(checkDnsServer),
    xdsLimits: loadLimits(env),
    provision: loadProvision(flags, env, source),
  };
}

function loadProvision(flags: ServeFlags, env: Record<string, string | undefined>, source: SourceConfig): ProvisionConfig {
  const text = env[ENV.provision];
  if (text !== undefined && text !== '' && !/^(true|false|1|0)$/i.test(text)) throw new ConfigError(`${ENV.provision}: "${text}" is not true or false`);
  // Commander gives `provision: true` unless --no-provision is passed, so only false is the flag's word.
  const wanted = flags.provision === false ? false : text === undefined || text === '' || /^(true|1)$/i.test(text);
  const envoyImage = flags.envoyImage ?? (env[ENV.envoyImage] || undefined);
  return {
    // Fleets are Kubernetes objects: a folder source has nowhere to make them.
    enabled: wanted && source.type === 'kubernetes',
    namespace: env.POD_NAMESPACE || 'tether-system',
    ...(envoyImage !== undefined ? { envoyImage } : {}),
  };
}

function loadXdsTls(flags: ServeFlags, env: Record<string, string | undefined>, cwd: string): XdsTlsConfig | undefined {
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? (env[name] || undefined);
  const files = {
    '--xds-tls-cert': pick(flags.xdsTlsCert, ENV.xdsTlsCert),
    '--xds-tls-key': pick(flags.xdsTlsKey, ENV.xdsTlsKey),
    '--xds-client-ca': pick(flags.xdsClientCa, ENV.xdsClientCa),
  };
  const fleetText = env[ENV.xdsAllowFleetCertificates];
  if (fleetText !== undefined && fleetText !== '' && !/^(true|false|1|0)$/i.test(fleetText)) {
    throw new ConfigError(`${ENV.xdsAllowFleetCertificates}: "${fleetText}" is not true or false`);
  }
  const allowFleetCertificates = flags.xdsAllowFleetCertificates ?? /^(true|1)$/i.test(fleetText ?? '');
  const given = Object.entries(files).filter(([, v]) => v !== undefined);
  if (given.length === 0) {
    if (allowFleetCertificates) throw new ConfigError('--xds-allow-fleet-certificates needs xDS over TLS (--xds-tls-cert, --xds-tls-key, --xds-client-ca)');
    return undefined;
  }
  // Client certificates are what binds an Envoy to its Gateway: TLS without them is not offered.
  const missing = Object.entries(files).filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length > 0) throw new ConfigError(`xDS over TLS needs --xds-tls-cert, --xds-tls-key and --xds-client-ca together; missing ${missing.join(', ')}`);
  return {
    certFile: resolve(cwd, files['--xds-tls-cert']!),
    keyFile: resolve(cwd, files['--xds-tls-key']!),
    clientCaFile: resolve(cwd, files['--xds-client-ca']!),
    allowFleetCertificates,
    reloadIntervalMs: DEFAULTS.xdsTlsReloadMs,
  };
}

/** True for addresses only this machine can reach (plaintext xDS there needs no warning). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** DEFAULT_XDS_LIMITS, each overridable by its LIMIT_ENV variable. */
function loadLimits(env: Record<string, string | undefined>): XdsLimits {
  const limits: Record<string, number> = { ...DEFAULT_XDS_LIMITS };
  for (const [key, name] of Object.entries(LIMIT_ENV)) {
    const text = env[name];
    if (!text) continue;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`${name}: "${text}" is not a positive whole number`);
    limits[key] = value;
  }
  return limits as unknown as XdsLimits;
}

/** `host:port`, `[v6]:port`, `:port` (all interfaces) or a bare port. */
export function parseHostPort(text: string, what: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${what}: "${text}" is not host:port (for example 0.0.0.0:18000)`);
  }
  return { host: m[1] || m[2] || '0.0.0.0', port };
}

export function formatHostPort(a: HostPort): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** A positive number of seconds (fractions allowed) → milliseconds. */
function parseSeconds(text: string | undefined, fallbackMs: number, what: string): number {
  if (text === undefined) return fallbackMs;
  const seconds = Number(text.replace(/s$/, ''));
  if (!Number.isFinite(seconds) || seconds <= 0) throw new ConfigError(`${what}: "${text}" is not a positive number of seconds`);
  return Math.round(seconds * 1000);
}

/** `ip`, `ip:port` or `[v6]:port`, as node:dns accepts them. */
function checkDnsServer(text: string): string {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const withPort = /^([^:]+):(\d+)$/.exec(text);
  const m = bracketed ?? withPort;
  const ip = m ? (m[1] ?? '') : text;
  const port = m ? Number(m[2]) : 53;
  if (isIP(ip) === 0 || port < 1 || port > 65535) {
    throw new ConfigError(`--dns-server: "${text}" is not an IP address with an optional port (for example 10.96.0.10 or 127.0.0.1:5353)`);
  }
  return text;
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}
