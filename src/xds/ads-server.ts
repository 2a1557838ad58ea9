// The xDS gRPC server: ADS (SotW and delta) plus the per-type LDS/RDS/CDS/EDS services, with
// identity (Buffer) serialisers so responses are written as pre-framed bytes and never re-encoded.
// Streams are refused with UNAVAILABLE until the cache is marked ready, so a restarted Tether never
// serves an empty config to a fleet that still holds a good one (docs/xds-protocol.md#readiness).
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { AdsStream, type StreamContext } from './ads-stream.ts';
import { DeltaStream } from './delta-stream.ts';
import { ParkedFleets } from './parked-fleet.ts';
import { gatewaysOfSubjectAltName, refusalReason } from './peer-identity.ts';
import { TypeUrl, typeShortName, type ResourceTypeUrl, type XdsProtocol } from './resource-types.ts';
import type { SnapshotReader } from './snapshot-reader.ts';
import { SotwStream } from './sotw-stream.ts';
import { emptyCounters, type NackRecord, type StreamInfo, type XdsCounters, type XdsEvents } from './xds-events.ts';
import { RepeatLog } from './repeat-log.ts';
import { StreamError } from './stream-error.ts';
import { DEFAULT_XDS_LIMITS, type XdsLimits } from './xds-limits.ts';

export interface AdsServerOptions {
  cache: SnapshotReader;
  logger: Logger;
  events?: XdsEvents;
  /** How long listeners and routes wait for new clusters to warm before going out anyway (default 5 s). */
  warmTimeoutMs?: number;
  /** What one client may make the server hold; unset fields take DEFAULT_XDS_LIMITS. */
  limits?: Partial<XdsLimits>;
  /** Extra or overriding gRPC server options. */
  grpcOptions?: grpc.ServerOptions;
  /**
   * Serve over TLS with these credentials (client certificates required). Each stream may then
   * fetch only the Gateway its client certificate names (src/xds/peer-identity.ts); without, xDS is
   * plaintext and unauthenticated.
   */
  tls?: { credentials: grpc.ServerCredentials; allowFleetCertificates: boolean };
}

/** One type on one stream, for /debug/clients. */
export interface TypeStatus {
  readonly typeUrl: string;
  readonly type: string;
  readonly wildcard: boolean;
  readonly subscribed: readonly string[];
  readonly sentVersion: string;
  readonly ackedVersion: string;
  /** Resources the client acknowledged, name → version. */
  readonly acked: Readonly<Record<string, string>>;
  readonly awaitingAck: boolean;
  readonly lastNack?: NackRecord;
}

export interface ClientStatus {
  readonly stream: StreamInfo;
  readonly types: readonly TypeStatus[];
}

export interface UnknownGatewayClient {
  readonly nodeId: string;
  readonly gateway: string;
  readonly streams: number;
}

/**
 * gRPC server settings for long-lived xDS streams: keepalives that find dead peers, room for many
 * streams per connection and for large full-state responses, bounded session memory.
 */
export const XDS_GRPC_OPTIONS: grpc.ServerOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  'grpc.max_concurrent_streams': 100_000,
  'grpc.max_send_message_length': 512 * 1024 * 1024,
  // The receive limit comes from XdsLimits.maxRequestBytes (set in the constructor).
  'grpc-node.max_session_memory': 64,
  // Channelz keeps per-connection traces and call counters nobody reads here (admin API has its own).
  'grpc.enable_channelz': 0,
  // Rebalance fleets across replicas now and then; the grace lets a client move without a gap.
  'grpc.max_connection_age_ms': 30 * 60_000,
  'grpc.max_connection_age_grace_ms': 60_000,
};

const RECENT_NACKS = 100;

const identity = (b: Buffer): Buffer => b;

function bidi(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  return { path, requestStream: true, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
}

const PER_TYPE_SERVICES: readonly { service: string; sotw: string; delta: string; typeUrl: ResourceTypeUrl }[] = [
  { service: 'envoy.service.listener.v3.ListenerDiscoveryService', sotw: 'StreamListeners', delta: 'DeltaListeners', typeUrl: TypeUrl.listener },
  { service: 'envoy.service.route.v3.RouteDiscoveryService', sotw: 'StreamRoutes', delta: 'DeltaRoutes', typeUrl: TypeUrl.route },
  { service: 'envoy.service.cluster.v3.ClusterDiscoveryService', sotw: 'StreamClusters', delta: 'DeltaClusters', typeUrl: TypeUrl.cluster },
  { service: 'envoy.service.endpoint.v3.EndpointDiscoveryService', sotw: 'StreamEndpoints', delta: 'DeltaEndpoints', typeUrl: TypeUrl.endpoint },
];

export class AdsServer {
  readonly grpcServer: grpc.Server;
  private readonly cache: SnapshotReader;
  private readonly logger: Logger;
  private readonly events: XdsEvents;
  private readonly stats: XdsCounters = emptyCounters();
  private readonly streams = new Set<AdsStream>();
  private readonly byGateway = new Map<string, Set<AdsStream>>();
  private readonly nacks: NackRecord[] = [];
  private readonly limits: XdsLimits;
  private readonly repeatLog: RepeatLog;
  /** Bound streams whose Gateway was unknown when they bound (counted against maxUnknownGatewayStreams). */
  private readonly boundUnknown = new Set<AdsStream>();
  private dirty = new Set<AdsStream>();
  /** Gateways whose snapshots changed since the last flush: every stream of theirs reconciles. */
  private readonly changedGateways = new Set<string>();
  /** Idle streams parked by fleet, which a flush writes an endpoint change down (parked-fleet.ts). */
  private readonly parked = new ParkedFleets();
  /** Counts flushes: a list marked with this one took its Gateway's change for every member. */
  private round = 0;
  private flushScheduled = false;
  private tickScheduled = false;
  /**
   * Streams that set a request aside since the last drain (a stream sets one aside at a time; one
   * listed twice, or whose request its own next event took up, finds nothing the second time).
   */
  private deferred: AdsStream[] = [];
  private drainScheduled = false;
  private nextId = 1;
  private readonly context: StreamContext;
  private readonly unsubscribeCache: () => void;
  private readonly tls: AdsServerOptions['tls'];
  /** With TLS: the Gateways each stream's client certificate names, read when the stream opens. */
  private readonly identities = new WeakMap<AdsStream, readonly string[]>();

  constructor(options: AdsServerOptions) {
    this.cache = options.cache;
    this.logger = options.logger;
    this.tls = options.tls;
    this.limits = { ...DEFAULT_XDS_LIMITS, ...options.limits };
    this.repeatLog = new RepeatLog(this.logger, this.limits.repeatLogIntervalMs);
    const userEvents = options.events ?? {};
    // Keep the last NACKs for the admin API whatever the caller listens to.
    this.events = {
      ...userEvents,
      nacked: (e) => {
        this.nacks.push(e.nack);
        if (this.nacks.length > RECENT_NACKS) this.nacks.shift();
        userEvents.nacked?.(e);
      },
    };
    this.context = {
      cache: this.cache,
      logger: this.logger,
      events: this.events,
      counters: this.stats,
      warmTimeoutMs: options.warmTimeoutMs ?? 5_000,
      limits: this.limits,
      warnRepeated: (key, fields, msg) => this.repeatLog.warn(key, fields, msg),
      schedule: (s) => this.schedule(s),
      park: (s, call, parking) => this.parked.join(s.info!.gateway, s, call, s.info!, parking),
      defer: (s) => this.defer(s),
      bind: (s) => this.bind(s),
      unbind: (s) => this.unbind(s),
      ...(this.tls ? { authorize: (s: AdsStream, nodeId: string, gateway: string) => this.authorize(s, nodeId, gateway) } : {}),
    };
    // gRPC refuses a larger request with RESOURCE_EXHAUSTED before it is read into memory.
    this.grpcServer = new grpc.Server({ ...XDS_GRPC_OPTIONS, 'grpc.max_receive_message_length': this.limits.maxRequestBytes, ...options.grpcOptions });
    this.addServices();
    this.unsubscribeCache = this.cache.onChange((gateway) => {
      if (!this.byGateway.has(gateway)) return;
      this.changedGateways.add(gateway);
      this.flushSoon();
    });
  }

  /** Binds and starts serving; returns the bound port (pass port 0 for any free port). */
  async listen(address: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.grpcServer.bindAsync(address, this.tls?.credentials ?? grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
    });
  }

  /** Closes every stream and stops the server (clients reconnect elsewhere). */
  async stop(): Promise<void> {
    this.unsubscribeCache();
    this.repeatLog.stop();
    if (this.streams.size > 0) this.logger.info({ streams: this.streams.size }, 'closing xDS streams: server shutting down');
    for (const s of [...this.streams]) s.fail(grpc.status.UNAVAILABLE, 'server shutting down', true);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.grpcServer.forceShutdown();
        resolve();
      }, 2_000);
      timer.unref();
      this.grpcServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  counters(): XdsCounters {
    return structuredClone(this.stats);
  }

  /** The last NACKs received, oldest first. */
  recentNacks(): readonly NackRecord[] {
    return [...this.nacks];
  }

  /** Each bound stream with its per-type subscription state (for /debug/clients). */
  clients(): ClientStatus[] {
    const out: ClientStatus[] = [];
    for (const s of this.streams) {
      const info = s.info;
      if (!info) continue;
      if (!s.isClosed) s.currentView(); // refreshes knownGateway
      const types: TypeStatus[] = [];
      for (const st of s.states) {
        if (!st?.requested) continue;
        const typeUrl = st.typeUrl;
        types.push({
          typeUrl,
          type: typeShortName(typeUrl),
          wildcard: st.wildcard,
          subscribed: [...st.names, ...st.implicit].sort(),
          sentVersion: st.sentVersion,
          ackedVersion: st.ackedVersion,
          acked: Object.fromEntries([...st.ackedEntries()].sort(([a], [b]) => a.localeCompare(b))),
          awaitingAck: st.inFlight !== undefined,
          ...(st.lastNack ? { lastNack: st.lastNack } : {}),
        });
      }
      out.push({ stream: s.info, types });
    }
    return out.sort((a, b) => a.stream.id - b.stream.id);
  }

  /** Open streams by Gateway, protocol and type (a stream counts once per type it requested). */
  streamCounts(): { gateway: string; protocol: XdsProtocol; typeUrl: string; streams: number }[] {
    const counts = new Map<string, { gateway: string; protocol: XdsProtocol; typeUrl: string; streams: number }>();
    for (const s of this.streams) {
      if (!s.info) continue;
      for (const st of s.states) {
        if (!st?.requested) continue;
        const typeUrl = st.typeUrl;
        const key = `${s.info.gateway}\0${s.protocol}\0${typeUrl}`;
        const entry = counts.get(key) ?? { gateway: s.info.gateway, protocol: s.protocol, typeUrl, streams: 0 };
        entry.streams++;
        counts.set(key, entry);
      }
    }
    return [...counts.values()];
  }

  /** Clients whose node.cluster names no Gateway Tether knows (they get an empty config). */
  unknownGateways(): UnknownGatewayClient[] {
    const out = new Map<string, UnknownGatewayClient>();
    for (const s of this.streams) {
      const info = s.info;
      if (!info || this.cache.hasGateway(info.gateway)) continue;
      const key = `${info.nodeId}\0${info.gateway}`;
      const prev = out.get(key);
      out.set(key, { nodeId: info.nodeId, gateway: info.gateway, streams: (prev?.streams ?? 0) + 1 });
    }
    return [...out.values()];
  }

  /** Cheap totals for readiness checks and gauges: bound streams, requested types, responses awaiting ACK. */
  summary(): { streams: number; bound: number; typesRequested: number; awaitingAck: number } {
    let bound = 0;
    let typesRequested = 0;
    let awaitingAck = 0;
    for (const s of this.streams) {
      if (!s.info) continue;
      bound++;
      for (const st of s.states) {
        if (st?.requested) typesRequested++;
        if (st?.inFlight) awaitingAck++;
      }
    }
    return { streams: this.streams.size, bound, typesRequested, awaitingAck };
  }

  /**
   * The deepest per-stream queues right now: responses written but not yet taken by the connection,
   * responses awaiting their ACK, and streams waiting for their next reconcile (for churn checks).
   */
  queueDepths(): { maxQueuedResponses: number; maxAwaitingAck: number; dirtyStreams: number } {
    let maxQueuedResponses = 0;
    let maxAwaitingAck = 0;
    for (const s of this.streams) {
      maxQueuedResponses = Math.max(maxQueuedResponses, s.queuedResponses);
      let awaiting = 0;
      for (const st of s.states) if (st?.inFlight) awaiting++;
      maxAwaitingAck = Math.max(maxAwaitingAck, awaiting);
    }
    return { maxQueuedResponses, maxAwaitingAck, dirtyStreams: this.dirty.size };
  }

  /** Streams currently open (bound to a node or not). */
  get streamCount(): number {
    return this.streams.size;
  }

  private addServices(): void {
    const ads = 'envoy.service.discovery.v3.AggregatedDiscoveryService';
    this.grpcServer.addService(
      { StreamAggregatedResources: bidi(`/${ads}/StreamAggregatedResources`), DeltaAggregatedResources: bidi(`/${ads}/DeltaAggregatedResources`) },
      {
        StreamAggregatedResources: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.open(call, 'sotw'),
        DeltaAggregatedResources: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.open(call, 'delta'),
      },
    );
    for (const svc of PER_TYPE_SERVICES) {
      this.grpcServer.addService(
        { [svc.sotw]: bidi(`/${svc.service}/${svc.sotw}`), [svc.delta]: bidi(`/${svc.service}/${svc.delta}`) },
        {
          [svc.sotw]: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.open(call, 'sotw', svc.typeUrl),
          [svc.delta]: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => this.open(call, 'delta', svc.typeUrl),
        },
      );
    }
  }

  private open(call: grpc.ServerDuplexStream<Buffer, Buffer>, protocol: XdsProtocol, typeUrl?: ResourceTypeUrl): void {
    if (!this.cache.isReady()) {
      this.stats.streamsRefused++;
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'Tether has not finished its first translation yet; retry shortly' });
      return;
    }
    if (this.streams.size >= this.limits.maxStreams) {
      this.stats.streamsRefused++;
      this.repeatLog.warn('streams-limit', { limit: this.limits.maxStreams }, `xDS stream refused: ${this.limits.maxStreams} streams are open (the limit of this server)`);
      call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: `too many xDS streams: this server accepts at most ${this.limits.maxStreams}; retry later or use another replica` });
      return;
    }
    const id = this.nextId++;
    const stream = protocol === 'sotw' ? new SotwStream(this.context, call, protocol, id, typeUrl) : new DeltaStream(this.context, call, protocol, id, typeUrl);
    this.streams.add(stream);
    if (this.tls) this.identities.set(stream, gatewaysOfSubjectAltName(call.getAuthContext().sslPeerCertificate?.subjectaltname));
    stream.start();
  }

  /** Refuses (PERMISSION_DENIED) a stream whose node.cluster is not the Gateway its certificate names. */
  private authorize(stream: AdsStream, nodeId: string, gateway: string): void {
    const identities = this.identities.get(stream) ?? [];
    const reason = refusalReason(identities, gateway, this.tls?.allowFleetCertificates ?? false);
    if (reason === undefined) return;
    this.stats.streamsDenied++;
    this.logger.warn({ stream: stream.id, node: nodeId, gateway, certificate: identities }, `xDS stream refused: ${reason}`);
    this.events.denied?.({ nodeId, gateway, reason });
    throw new StreamError(grpc.status.PERMISSION_DENIED, reason);
  }

  /** Counts the stream under its Gateway, or throws StreamError (the stream ends) when a per-Gateway limit is reached. */
  private bind(stream: AdsStream): void {
    const info = stream.info!;
    const known = this.cache.hasGateway(info.gateway);
    const set = this.byGateway.get(info.gateway);
    if ((set?.size ?? 0) >= this.limits.maxStreamsPerGateway) {
      throw new StreamError(grpc.status.RESOURCE_EXHAUSTED, `too many xDS streams for Gateway "${info.gateway}": this server accepts at most ${this.limits.maxStreamsPerGateway} per Gateway`);
    }
    if (!known && this.boundUnknown.size >= this.limits.maxUnknownGatewayStreams) {
      throw new StreamError(grpc.status.RESOURCE_EXHAUSTED, `too many xDS streams naming Gateways this server does not know: at most ${this.limits.maxUnknownGatewayStreams}`);
    }
    if (set) set.add(stream);
    else this.byGateway.set(info.gateway, new Set([stream]));
    if (!known) this.boundUnknown.add(stream);
    this.stats.streamsOpened++;
    if (!known) {
      // Anyone can name any Gateway: one line per Gateway per interval, with a count.
      this.repeatLog.warn(
        `unknown\0${info.gateway}`,
        { node: info.nodeId, gateway: info.gateway },
        info.gateway === ''
          ? `node ${info.nodeId} sent no node.cluster; it must name its Gateway as namespace/name. Serving an empty config`
          : `node ${info.nodeId} names Gateway "${info.gateway}" in node.cluster, which Tether does not know; serving an empty config`,
      );
      this.events.unknownGateway?.({ nodeId: info.nodeId, gateway: info.gateway });
    }
    this.events.streamOpened?.(info);
  }

  private unbind(stream: AdsStream): void {
    this.streams.delete(stream);
    this.dirty.delete(stream);
    this.boundUnknown.delete(stream);
    const info = stream.info;
    if (!info) return;
    const set = this.byGateway.get(info.gateway);
    // A stream refused at bind was never counted (and never reported as opened).
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.byGateway.delete(info.gateway);
    this.stats.streamsClosed++;
    this.events.streamClosed?.(info);
  }

  /** Coalesces work: every dirty stream reconciles once per turn of the event loop. */
  private schedule(stream: AdsStream): void {
    this.dirty.add(stream);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * A stream set a request aside while a push to its fleet is being written (AdsStream.onData): it
   * is taken up once this round of socket reads is over (setImmediate runs after the loop's I/O
   * callbacks), so the writes still queued for other streams are not held up by ACK bookkeeping.
   */
  private defer(stream: AdsStream): void {
    this.deferred.push(stream);
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      const batch = this.deferred;
      this.deferred = [];
      for (const s of batch) this.step(s, 'takeDeferred');
    });
  }

  /**
   * A snapshot changed: push as soon as the code that set it yields (snapshots set together in one
   * synchronous run still go out together), not after the next round of socket reads, which under
   * load is a round of ACKs from other streams.
   */
  private flushSoon(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    process.nextTick(() => {
      this.tickScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.dirty;
    if (batch.size > 0) this.dirty = new Set();
    // A changed Gateway's streams straight from its set (a fleet is not copied into `dirty` first):
    // its parked lists first, each written as one (a stream in a list that took the change needs
    // no pass); one also dirty on its own reconciles once, below.
    for (const gateway of this.changedGateways) {
      this.changedGateways.delete(gateway);
      const streams = this.byGateway.get(gateway);
      if (!streams) continue;
      const round = ++this.round;
      let parked = 0;
      try {
        parked = this.parked.take(gateway, this.cache, round, this.stats, this.events);
      } catch (err) {
        // A bug: streams of lists not marked with this round take passes of their own.
        this.logger.error({ err, gateway }, 'xDS fleet push failed');
      }
      // Every stream is in a list that took the change (a fleet at rest): no stream is looked at.
      // HTTP/2 sends nothing before this flush returns (docs/performance.md, "xDS serving").
      if (parked === streams.size) continue;
      for (const s of streams) if (!s.parkedThrough(round) && (batch.size === 0 || !batch.has(s))) this.step(s, 'reconcile');
    }
    for (const s of batch) this.step(s, 'reconcile');
  }

  /**
   * Runs one step of a stream (a push pass, or a request it set aside); a failure there is a bug,
   * and ends that stream only, with INTERNAL, never the server or other streams.
   */
  private step(s: AdsStream, step: 'reconcile' | 'takeDeferred'): void {
    try {
      s[step]();
    } catch (err) {
      s.stepFailed(step === 'reconcile' ? 'push' : 'request', err);
    }
  }
}
