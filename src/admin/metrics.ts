// Every Prometheus series Tether exports, in one registry per app (so tests can run several apps in
// one process). Names follow Prometheus conventions: `_total` counters, `_seconds` and `_bytes` units.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** Open ADS streams, by resource type subscribed and Gateway (node.cluster). */
  readonly connectedStreams: Gauge<'type' | 'gateway'>;
  /** Responses sent, by resource type. */
  readonly pushes: Counter<'type'>;
  /** NACKs received, by resource type and Gateway. */
  readonly nacks: Counter<'type' | 'gateway'>;
  /**
   * xDS streams refused because node.cluster is not the Gateway the client certificate names. No
   * Gateway label: the name comes from the client and would let it grow the series without bound.
   */
  readonly streamsDenied: Counter;
  /** Time from a config change (or the request that asked) to the response being written, by type. */
  readonly pushLatency: Histogram<'type'>;
  /** Time from a response being written to its ACK, by type. */
  readonly ackLatency: Histogram<'type'>;
  /** Store change → new snapshot: translate + build + encode, seconds. */
  readonly translationDuration: Histogram;
  /** Encoded size of a Gateway's served resources, by Gateway, client variant and type. */
  readonly configSize: Gauge<'gateway' | 'variant' | 'type'>;
  /** Problems a source currently reports (files that fail to parse, missing CRDs). */
  readonly sourceProblems: Gauge<'source'>;
  readonly rebuilds: Counter;
  /** Rebuilds that threw (the previous snapshots stay served). */
  readonly rebuildErrors: Counter;
  /** Resources encoded to protobuf vs reused from the previous rebuild (encode-once). */
  readonly resourcesEncoded: Counter<'type'>;
  readonly resourcesReused: Counter<'type'>;
  /** 1 once the first translation is served and the source has synced. */
  readonly ready: Gauge;
  /** When each kubernetes.io/tls Secret's certificate expires (Unix seconds), so alerts can fire before it does. */
  readonly certificateExpiry: Gauge<'namespace' | 'name'>;
  /** Sets where the scrape-time gauges (streams, source problems, readiness) read their values. */
  observe(providers: GaugeProviders): void;
}

/** Read at every scrape, so the gauges are never stale. */
export interface GaugeProviders {
  streams?: () => { type: string; gateway: string; streams: number }[];
  sourceProblems?: () => { source: string; count: number }[];
  ready?: () => boolean;
  /** Certificates Tether read: Secret namespace and name, not-after as Unix seconds. */
  certificates?: () => { namespace: string; name: string; notAfter: number }[];
}

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const providers: GaugeProviders = {};
  const fast = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  return {
    registry,
    connectedStreams: new Gauge({
      name: 'tether_xds_connected_streams', help: 'Open ADS streams by resource type and Gateway', labelNames: ['type', 'gateway'], registers,
      collect() {
        if (!providers.streams) return;
        this.reset();
        for (const s of providers.streams()) this.inc({ type: s.type, gateway: s.gateway }, s.streams);
      },
    }),
    pushes: new Counter({ name: 'tether_xds_pushes_total', help: 'xDS responses sent, by resource type', labelNames: ['type'], registers }),
    nacks: new Counter({ name: 'tether_xds_nacks_total', help: 'xDS NACKs received, by resource type and Gateway', labelNames: ['type', 'gateway'], registers }),
    streamsDenied: new Counter({ name: 'tether_xds_streams_denied_total', help: 'xDS streams refused (PERMISSION_DENIED): node.cluster is not the Gateway the client certificate names', registers }),
    pushLatency: new Histogram({ name: 'tether_xds_push_latency_seconds', help: 'Time from a config change (or the request that asked) to the xDS response being written', labelNames: ['type'], buckets: fast, registers }),
    ackLatency: new Histogram({ name: 'tether_xds_ack_latency_seconds', help: 'Time from an xDS response being written to its ACK', labelNames: ['type'], buckets: fast, registers }),
    translationDuration: new Histogram({ name: 'tether_translation_duration_seconds', help: 'Time to translate, build and encode the whole config', buckets: fast, registers }),
    configSize: new Gauge({ name: 'tether_xds_config_size_bytes', help: 'Encoded size of the resources served, by Gateway, client variant and type', labelNames: ['gateway', 'variant', 'type'], registers }),
    sourceProblems: new Gauge({
      name: 'tether_source_problems', help: 'Problems a source currently reports (for example files that fail to parse)', labelNames: ['source'], registers,
      collect() {
        if (!providers.sourceProblems) return;
        this.reset();
        for (const p of providers.sourceProblems()) this.set({ source: p.source }, p.count);
      },
    }),
    rebuilds: new Counter({ name: 'tether_rebuilds_total', help: 'Rebuilds of the served config', registers }),
    rebuildErrors: new Counter({ name: 'tether_rebuild_errors_total', help: 'Rebuilds that failed unexpectedly (the previous config stays served)', registers }),
    resourcesEncoded: new Counter({ name: 'tether_resources_encoded_total', help: 'Resources encoded to protobuf, by type', labelNames: ['type'], registers }),
    resourcesReused: new Counter({ name: 'tether_resources_reused_total', help: 'Resources whose bytes were reused because they did not change, by type', labelNames: ['type'], registers }),
    ready: new Gauge({
      name: 'tether_ready', help: '1 once the first config is served and the source has synced', registers,
      collect() {
        if (providers.ready) this.set(providers.ready() ? 1 : 0);
      },
    }),
    certificateExpiry: new Gauge({
      name: 'tether_certificate_expiry_timestamp_seconds', help: 'When the certificate in each kubernetes.io/tls Secret Tether read expires (Unix seconds)', labelNames: ['namespace', 'name'], registers,
      collect() {
        if (!providers.certificates) return;
        this.reset();
        for (const c of providers.certificates()) this.set({ namespace: c.namespace, name: c.name }, c.notAfter);
      },
    }),
    observe: (p) => Object.assign(providers, p),
  };
}
