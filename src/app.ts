// The composition root: the only file that constructs Tether's parts and joins them.
//
//   source ──► ObjectStore ──► RebuildLoop ──► SnapshotCache ──► AdsServer ──► Envoys
//                                  │  (translate → build → encode)      │
//                                  └─► statuses ─► source               └─► events ─► metrics
//   AdminServer reads all of them (readiness, metrics, config dump, clients, problems, statuses).
//
// Start order: admin first (so /healthz and /readyz answer while the source syncs), then the xDS
// server (it refuses streams until the first config exists), then the source (resolves once synced),
// then the loop's first rebuild, which marks the cache ready. Stop in reverse.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { formatHostPort, isLoopbackHost } from './config.ts';
import { ObjectStore } from './sources/object-store.ts';
import type { Source } from './sources/source.ts';
import { DirectorySource } from './sources/directory/directory-source.ts';
import { withFqdnResolution } from './sources/dns/with-fqdn-resolution.ts';
import { RebuildLoop } from './rebuild/rebuild-loop.ts';
import { EndpointFastPath } from './translate/endpoint-fast-path.ts';
import { NackStatus } from './nacks/nack-status.ts';
import { buildClusterLoadAssignment } from './envoy/endpoint.ts';
import { SnapshotCache } from './xds/snapshot-cache.ts';
import { AdsServer } from './xds/ads-server.ts';
import { XdsTlsCredentials } from './xds/xds-tls-credentials.ts';
import { typeShortName } from './xds/resource-types.ts';
import type { XdsEvents } from './xds/xds-events.ts';
import { AdminServer, type AdminView, type ConfigDumpAnswer } from './admin/admin-server.ts';
import { createMetrics, type Metrics } from './admin/metrics.ts';
import { protoRegistry } from './codec/proto-registry.ts';
import { buildEnvoyResources } from './envoy/build-envoy-resources.ts';
import { buildGrpcClientResources } from './envoy/build-grpc-client-resources.ts';
import { CertificateInspector } from './sources/certificates/certificate-inspector.ts';
import { CaBundleInspector } from './sources/certificates/ca-bundle-inspector.ts';
import type { CertificateBook } from './k8s/certificate-facts.ts';
import { translate } from './translate/translate.ts';
import { configDump } from './rebuild/config-dump.ts';
import { statusEntry } from './status/status-entry.ts';
import type { ObjectStatus } from './status/status.ts';
import type { Gateway } from './k8s/gateway-api/gateway.ts';
import type { FleetParameters } from './k8s/fleet-parameters.ts';
import { resolveFleetParameters, type FleetParametersResolution } from './translate/fleet-parameters.ts';
import type { FleetController } from './provision/fleet-controller.ts';
import type { ClusterSource } from './sources/cluster/cluster-source.ts';

export interface AppOptions {
  logger: Logger;
  /** Use this source instead of the one the config names (tests). */
  source?: Source;
  /** Process metrics (CPU, heap, event loop); off in tests that run several apps. */
  processMetrics?: boolean;
  /**
   * The merged FleetParameters of a Gateway (its class's, overridden by its own) for provisioned
   * fleets. Default: resolved from the store's GatewayClasses, Gateways and FleetParameters, the
   * same resolution translation applies (src/translate/fleet-parameters.ts).
   */
  fleetParameters?: (gateway: Gateway) => FleetParameters | undefined;
}

export interface App {
  readonly store: ObjectStore;
  readonly source: Source;
  readonly loop: RebuildLoop;
  readonly cache: SnapshotCache;
  readonly ads: AdsServer;
  readonly metrics: Metrics;
  /** The Envoy fleet provisioner (Kubernetes source with provisioning on). */
  readonly provisioner: FleetController | undefined;
  /** Bound ports (useful when the config asked for port 0). */
  readonly xdsPort: number;
  readonly adminPort: number;
  /** Stops everything, in reverse start order. Idempotent. */
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions): Promise<App> {
  const log = options.logger;
  const metrics = createMetrics({ processMetrics: options.processMetrics ?? true });
  const store = new ObjectStore();
  // FQDN EndpointSlices (the compose demo's httpbin) are resolved by DNS into address slices.
  const innerSource = options.source ?? (await createSource(config, log));
  const source = withFqdnResolution(innerSource, {
    logger: log,
    intervalMs: config.dnsRefreshMs,
    servers: config.dnsServers,
  });
  const cache = new SnapshotCache({ logger: log.child({ component: 'snapshot-cache' }) });
  // Envoy NACKs become route status conditions (nacks/nack-status.ts traces the path).
  const nacks = new NackStatus({ gatewayExists: (gw) => cache.hasGateway(gw) });
  const xdsLog = log.child({ component: 'xds' });
  const xdsTls = config.xdsTls ? new XdsTlsCredentials(config.xdsTls, xdsLog, config.xdsTls.reloadIntervalMs) : undefined;
  const ads = new AdsServer({
    cache,
    logger: xdsLog,
    events: xdsEvents(metrics, nacks, cache),
    limits: config.xdsLimits,
    ...(xdsTls && config.xdsTls ? { tls: { credentials: xdsTls.credentials, allowFleetCertificates: config.xdsTls.allowFleetCertificates } } : {}),
  });
  // Metric labels name only Gateways that exist: a Gateway gone takes its NACK series with it.
  cache.onChange((gateway) => {
    if (!cache.hasGateway(gateway)) for (const type of ['LDS', 'RDS', 'CDS', 'EDS']) metrics.nacks.remove({ type, gateway });
  });
  const registry = protoRegistry();
  // Certificates are parsed here, at the edge, and handed to translation as data together with the
  // time to judge expiry against; their key material joins only the SDS Secrets Envoy is sent.
  const inspector = new CertificateInspector();
  const caInspector = new CaBundleInspector();
  let certificates: CertificateBook = new Map();
  const secretMaterial = (name: string) => {
    const check = certificates.get(name);
    return check?.ok ? { certificateChain: check.certificateChain, privateKey: check.privateKey } : undefined;
  };
  const loop = new RebuildLoop({
    store,
    translate: (objects) => {
      certificates = inspector.inspect(objects);
      const caBundles = caInspector.inspect(objects);
      // A route-only change later takes the route fast path, judging certificates at its own time.
      const options = () => ({ certificates, caBundles, now: new Date().toISOString() });
      return translate(objects, { ...options(), routeFastPath: { options } });
    },
    builders: { envoy: (gateway) => buildEnvoyResources(gateway, { secretMaterial }), grpc: buildGrpcClientResources },
    encode: (typeName, json) => registry.encode(typeName, json),
    snapshots: cache,
    publishStatuses: (statuses) => source.publishStatuses(statuses),
    logger: log,
    metrics,
    debounce: config.debounce,
    decorateStatuses: (statuses, ir) => {
      const decorated: readonly ObjectStatus[] = nacks.decorate(statuses, ir);
      return provisioner ? provisioner.decorate(decorated) : decorated;
    },
    endpoints: {
      index: (objects, ir) => new EndpointFastPath(objects, ir),
      build: { envoy: buildClusterLoadAssignment, grpc: buildClusterLoadAssignment },
    },
  });

  nacks.onChange(() => loop.republish());
  let provisioner: FleetController | undefined;
  let sourceSynced = false;
  const view = adminView({ metrics, loop, source, ads, cache, isSynced: () => sourceSynced });
  const token = config.adminTokenFile === undefined ? undefined : await readAdminToken(config.adminTokenFile);
  const admin = new AdminServer({ host: config.adminAddress.host, port: config.adminAddress.port, view, logger: log.child({ component: 'admin' }), ...(token !== undefined ? { token } : {}) });

  // Shutdown order: stop rebuilding, stop accepting and close the ADS streams (Envoys keep their
  // config and reconnect elsewhere), stop the source, then the admin server. Only what started stops.
  const running = { admin: false, ads: false, source: false };
  let stopping: Promise<void> | undefined;
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      log.warn({ err, what }, 'error while stopping');
    }
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      loop.stop();
      nacks.stop();
      provisioner?.stop();
      if (running.ads) await step('xds', () => ads.stop());
      xdsTls?.close();
      if (running.source) await step('source', () => source.stop());
      if (running.admin) await step('admin', () => admin.stop());
      log.info('stopped');
    })();
    return stopping;
  };

  metrics.observe({
    streams: () => ads.streamCounts().map((c) => ({ type: typeShortName(c.typeUrl), gateway: gatewayLabel(cache, c.gateway), streams: c.streams })),
    sourceProblems: () => [{ source: source.name, count: source.problems().length }],
    ready: () => view.readiness().ready,
    certificates: () =>
      [...certificates].flatMap(([key, check]) => {
        if (!check.ok) return [];
        const slash = key.indexOf('/');
        return [{ namespace: key.slice(0, slash), name: key.slice(slash + 1), notAfter: Date.parse(check.summary.notAfter) / 1000 }];
      }),
  });

  try {
    const adminPort = await admin.start();
    running.admin = true;
    const xdsPort = await ads.listen(formatHostPort(config.xdsAddress));
    running.ads = true;
    if (!config.xdsTls && !isLoopbackHost(config.xdsAddress.host)) {
      log.warn(
        { xds: formatHostPort(config.xdsAddress) },
        'xDS is plaintext and unauthenticated on a non-loopback address: anyone who reaches it can read every Gateway\'s config. Use --xds-tls-cert, --xds-tls-key and --xds-client-ca (tether certs makes them)',
      );
    }
    log.info({ xds: formatHostPort({ ...config.xdsAddress, port: xdsPort }), admin: formatHostPort({ ...config.adminAddress, port: adminPort }), xdsTls: config.xdsTls !== undefined, source: source.name }, 'listening');

    running.source = true; // a source that fails half-way through start() still gets stop()
    await source.start(store);
    sourceSynced = true;
    if (config.provision.enabled && isClusterSource(innerSource)) {
      provisioner = await startProvisioner(config, innerSource, store, options.fleetParameters ?? storeFleetParameters(store), () => loop.republish(), log);
    }

    loop.start();
    if (loop.ready) log.info({ gateways: cache.gateways() }, 'ready: serving config');
    else log.error('the first rebuild failed; streams are refused until a rebuild succeeds');

    return { store, source, loop, cache, ads, metrics, provisioner, xdsPort, adminPort, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Each Gateway's merged FleetParameters from the store, resolved again only when the store changed.
 * A Gateway whose parameters are invalid is rejected by translation (Accepted=False,
 * InvalidParameters): undefined, and the provisioner holds its fleet as it is.
 */
function storeFleetParameters(store: ObjectStore): (gateway: Gateway) => FleetParameters | undefined {
  let revision = -1;
  let resolved = new Map<string, FleetParametersResolution>();
  return (gateway) => {
    if (store.revision !== revision) {
      revision = store.revision;
      resolved = resolveFleetParameters(store.list());
    }
    const r = resolved.get(`${gateway.meta.namespace}/${gateway.meta.name}`);
    if (!r) return {};
    return r.ok ? r.parameters : undefined;
  };
}

function isClusterSource(s: Source): s is ClusterSource {
  return s.name === 'kubernetes' && typeof (s as Partial<ClusterSource>).onLeadership === 'function';
}

/**
 * The fleet provisioner: watches the fleets, writes while this replica leads (the same Lease as
 * status), and re-publishes statuses when a fleet's address or readiness changes.
 */
async function startProvisioner(
  config: Config,
  source: ClusterSource,
  store: ObjectStore,
  parameters: (gateway: Gateway) => FleetParameters | undefined,
  onChange: () => void,
  log: Logger,
): Promise<FleetController> {
  const [{ FleetController }, { standardInstallFacts }] = await Promise.all([import('./provision/fleet-controller.ts'), import('./provision/install-facts.ts')]);
  const facts = standardInstallFacts({
    namespace: config.provision.namespace,
    xdsPort: config.xdsAddress.port,
    tls: config.xdsTls !== undefined,
    ...(config.provision.envoyImage !== undefined ? { envoyImage: config.provision.envoyImage } : {}),
  });
  const provisioner = new FleetController({
    kubeConfig: source.kubeConfig,
    logger: log,
    store,
    parameters,
    facts,
    namespaces: config.namespaces,
    onChange,
    onProblem: (message) => source.reportProblem('provisioning', message),
  });
  await provisioner.start();
  source.onLeadership((leader) => provisioner.setLeader(leader));
  log.info({ xds: `${facts.xdsHost}:${facts.xdsPort}`, image: facts.envoyImage }, 'provisioning Envoy fleets for Gateways');
  return provisioner;
}

/** The admin token: the file's content without surrounding whitespace; an empty file is an error. */
async function readAdminToken(path: string): Promise<string> {
  const token = (await readFile(path, 'utf8')).trim();
  if (token === '') throw new Error(`admin token file ${path} is empty`);
  return token;
}

async function createSource(config: Config, log: Logger): Promise<Source> {
  if (config.source.type === 'directory') {
    return new DirectorySource({ path: config.source.path, logger: log, namespaces: config.namespaces, rescanIntervalMs: config.rescanIntervalMs });
  }
  // Loaded on demand: the Kubernetes client library takes a noticeable time to import.
  const { ClusterSource } = await import('./sources/cluster/cluster-source.ts');
  return new ClusterSource({ logger: log, namespaces: config.namespaces });
}

/** A Gateway as a metric label: streams may name any Gateway, so unknown names share one label value. */
const UNKNOWN_GATEWAY_LABEL = '(unknown)';
function gatewayLabel(cache: SnapshotCache, gateway: string): string {
  return cache.hasGateway(gateway) ? gateway : UNKNOWN_GATEWAY_LABEL;
}

/** xDS server events → Prometheus series, and NACKs → the tracker behind route status. */
function xdsEvents(metrics: Metrics, nacks: NackStatus, cache: SnapshotCache): XdsEvents {
  return {
    pushed: (e) => {
      metrics.pushes.inc({ type: typeShortName(e.typeUrl) });
      metrics.pushLatency.observe({ type: typeShortName(e.typeUrl) }, e.latencyMs / 1000);
    },
    acked: (e) => {
      metrics.ackLatency.observe({ type: typeShortName(e.typeUrl) }, e.latencyMs / 1000);
      nacks.acked(e);
    },
    nacked: (e) => {
      metrics.nacks.inc({ type: typeShortName(e.nack.typeUrl), gateway: gatewayLabel(cache, e.nack.gateway) });
      nacks.nacked(e);
    },
    denied: () => metrics.streamsDenied.inc(),
  };
}

interface ViewParts {
  metrics: Metrics;
  loop: RebuildLoop;
  source: Source;
  ads: AdsServer;
  cache: SnapshotCache;
  isSynced: () => boolean;
}

function adminView(p: ViewParts): AdminView {
  const statuses = (): readonly unknown[] => p.loop.publishedStatuses().map(statusEntry);
  return {
    registry: p.metrics.registry,
    readiness: () => {
      const reasons: string[] = [];
      if (!p.isSynced()) reasons.push(`source ${p.source.name} has not synced yet`);
      else if (!p.loop.ready) reasons.push('no successful translation yet');
      return { ready: reasons.length === 0, reasons };
    },
    gateways: () => [...(p.loop.latest()?.resources.keys() ?? [])].sort(),
    configDump: (gateway): ConfigDumpAnswer => {
      const latest = p.loop.latest();
      const gw = latest?.ir.gateways.find((g) => g.name === gateway);
      if (!latest || !gw) return { found: false, knownGateways: (latest?.ir.gateways ?? []).map((g) => g.name) };
      return { found: true, dump: configDump(gw, p.loop.publishedStatuses()) };
    },
    clients: () => ({ streams: p.ads.clients(), unknownGateways: p.ads.unknownGateways(), recentNacks: p.ads.recentNacks() }),
    sources: () => ({ source: p.source.name, problems: p.source.problems() }),
    statuses,
  };
}
