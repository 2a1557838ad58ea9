// An Envoy-like ADS client over real gRPC, for protocol tests without an Envoy binary. It behaves
// like Envoy's gRPC mux: wildcard CDS and LDS, node on the first request only, an EDS request
// after each CDS update for every EDS cluster, an RDS request after each LDS update for every
// route_config_name, an SDS request for every secret its listeners' TLS contexts name, cluster
// warming until a CLA arrives and listener warming until its routes and secrets arrive (a secret
// update for an active listener applies in place, as Envoy's SDS does), ACK/NACK (NACK on duplicate names or when a test says so), and reconnects that carry
// the last versions (SotW) or initial_resource_versions (delta). After every update it checks
// that no active listener routes to a cluster that is missing or still warming.
//
// RawXdsStream below is the bare stream the fake is built on; tests use it to send hand-made requests.
import * as grpc from '@grpc/grpc-js';
import { MessageType, protoRegistry, type Json, type JsonObject } from '../../src/codec/proto-registry.ts';

export const TYPE = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

export type Protocol = 'sotw' | 'delta';

/** A decoded response, in either protocol's terms. */
export interface ReceivedResponse {
  readonly typeUrl: string;
  /** version_info (SotW) or system_version_info (delta). */
  readonly version: string;
  readonly nonce: string;
  readonly resources: readonly { name: string; version?: string; json: JsonObject }[];
  readonly removed: readonly string[];
  readonly bytes: number;
  readonly receivedAt: number;
}

const ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

/** The name of a decoded resource (CLAs are named by cluster_name). */
export function resourceName(json: JsonObject): string {
  return str(json['name'] ?? json['cluster_name']);
}

export function decodeResponse(protocol: Protocol, data: Buffer): ReceivedResponse {
  const registry = protoRegistry();
  if (protocol === 'sotw') {
    const msg = registry.decode(MessageType.discoveryResponse, data);
    const resources = ((msg['resources'] ?? []) as JsonObject[]).map((r) => ({ name: resourceName(r), json: r }));
    return { typeUrl: str(msg['type_url']), version: str(msg['version_info']), nonce: str(msg['nonce']), resources, removed: [], bytes: data.length, receivedAt: performance.now() };
  }
  const msg = registry.decode(MessageType.deltaDiscoveryResponse, data);
  const resources = ((msg['resources'] ?? []) as JsonObject[]).map((r) => ({ name: str(r['name']), version: str(r['version']), json: (r['resource'] ?? {}) as JsonObject }));
  return {
    typeUrl: str(msg['type_url']),
    version: str(msg['system_version_info']),
    nonce: str(msg['nonce']),
    resources,
    removed: (msg['removed_resources'] ?? []) as string[],
    bytes: data.length,
    receivedAt: performance.now(),
  };
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** A bare ADS stream: send proto3-JSON requests, await decoded responses. */
export class RawXdsStream {
  readonly protocol: Protocol;
  readonly received: ReceivedResponse[] = [];
  /** Resolves with the final status when the stream ends. */
  readonly ended: Promise<grpc.StatusObject>;
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>;
  private readonly waiters: ((r: ReceivedResponse) => void)[] = [];
  private readonly queue: ReceivedResponse[] = [];
  onResponse: ((r: ReceivedResponse) => void) | undefined;

  constructor(address: string, protocol: Protocol, path?: string, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure()) {
    this.protocol = protocol;
    this.client = new grpc.Client(address, credentials);
    const method = path ?? `${ADS}/${protocol === 'sotw' ? 'StreamAggregatedResources' : 'DeltaAggregatedResources'}`;
    this.call = this.client.makeBidiStreamRequest(method, (b: Buffer) => b, (b: Buffer) => b);
    this.ended = new Promise((resolve) => this.call.on('status', resolve));
    this.call.on('error', () => undefined); // the status promise reports it
    this.call.on('data', (data: Buffer) => {
      const r = decodeResponse(protocol, data);
      this.received.push(r);
      if (this.onResponse) this.onResponse(r);
      else {
        const w = this.waiters.shift();
        if (w) w(r);
        else this.queue.push(r);
      }
    });
  }

  send(request: JsonObject): void {
    const type = this.protocol === 'sotw' ? MessageType.discoveryRequest : MessageType.deltaDiscoveryRequest;
    this.call.write(Buffer.from(protoRegistry().encode(type, request)));
  }

  /** Writes raw bytes as one request message (malformed or oversized requests). */
  sendBytes(bytes: Buffer): void {
    this.call.write(bytes);
  }

  /** The next response not yet taken; rejects after `timeoutMs`. */
  next(timeoutMs = 3_000): Promise<ReceivedResponse> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no response within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (r: ReceivedResponse): void => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves if no response arrives within `ms`; rejects with the response otherwise. */
  async expectNothing(ms = 300): Promise<void> {
    const r = await this.next(ms).catch(() => undefined);
    if (r) throw new Error(`unexpected response: ${r.typeUrl} version ${r.version} [${r.resources.map((x) => x.name).join(', ')}] removed [${r.removed.join(', ')}]`);
  }

  /** Stops reading: HTTP/2 flow control then pushes back on the server (a stuck client). */
  pause(): void {
    this.call.pause();
  }

  resume(): void {
    this.call.resume();
  }

  close(): void {
    this.call.end();
    this.call.cancel();
    this.client.close();
  }
}

// ------------------------------------------------------------------------------------------------

export interface FakeEnvoyOptions {
  address: string;
  nodeId: string;
  /** node.cluster: the Gateway key. */
  cluster: string;
  protocol: Protocol;
  /** node.user_agent_name; Envoy sends "envoy". */
  userAgent?: string;
  /** Return a message to reject (NACK) the response carrying this resource. */
  reject?: (typeUrl: string, name: string, json: JsonObject) => string | undefined;
  /** How long a cluster or listener may warm before the client gives up (Envoy's initial_fetch_timeout). */
  initialFetchTimeoutMs?: number;
  /** Delta reconnects: model envoy#33607, where Envoy sends no EDS request after reconnecting. */
  skipEdsOnReconnect?: boolean;
  /** Delta reconnects: the order in which per-type requests are sent (default CDS, EDS, LDS, RDS). */
  reconnectOrder?: readonly string[];
  /**
   * How long the client takes to apply each response before it ACKs (Envoy's main thread is busy
   * under churn). Responses are applied in arrival order. Default 0: at once.
   */
  applyDelayMs?: number;
  /** Channel credentials (TLS with a client certificate); plaintext when not given. */
  credentials?: grpc.ChannelCredentials;
}

interface Held {
  json: JsonObject;
  key: string;
  version: string;
}

interface Warming extends Held {
  since: number;
}

interface Sub {
  /** Explicit names (EDS and RDS); CDS and LDS are wildcard. */
  names: Set<string>;
  version: string;
  nonce: string;
  requested: boolean;
}

/** A request the fake sent, for assertions on what Envoy would have said. */
export interface SentRequest {
  readonly typeUrl: string;
  readonly json: JsonObject;
}

export class FakeEnvoy {
  readonly options: FakeEnvoyOptions;
  readonly activeClusters = new Map<string, Held>();
  readonly warmingClusters = new Map<string, Warming>();
  readonly endpoints = new Map<string, Held>();
  readonly activeListeners = new Map<string, Held>();
  readonly warmingListeners = new Map<string, Warming>();
  readonly routes = new Map<string, Held>();
  readonly secrets = new Map<string, Held>();
  /** Every response received on every stream, in order. */
  readonly responses: ReceivedResponse[] = [];
  readonly requests: SentRequest[] = [];
  readonly nacks: { typeUrl: string; nonce: string; message: string }[] = [];
  /** Moments when an active listener routed to a missing or warming cluster. Must stay empty. */
  readonly violations: string[] = [];
  /** Clusters or listeners that gave up warming (initial_fetch_timeout). */
  readonly timeouts: string[] = [];
  private stream: RawXdsStream | undefined;
  private nodeSent = false;
  private ldsStarted = false;
  private subs = new Map<string, Sub>();
  private readonly changeWaiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: FakeEnvoyOptions) {
    this.options = options;
  }

  /** Opens the stream and subscribes like Envoy at start: CDS first, LDS once clusters are initialised. */
  start(): void {
    this.open();
    this.request(TYPE.cluster);
  }

  /** Drops the stream and opens a new one carrying what the client holds. */
  reconnect(): void {
    this.stream?.close();
    this.open();
    const order = this.options.reconnectOrder ?? [TYPE.cluster, TYPE.endpoint, TYPE.secret, TYPE.listener, TYPE.route];
    for (const typeUrl of order) {
      const sub = this.subs.get(typeUrl);
      if (!sub?.requested) continue;
      if (typeUrl === TYPE.endpoint && this.options.protocol === 'delta' && this.options.skipEdsOnReconnect) continue;
      sub.nonce = '';
      if (this.options.protocol === 'sotw') this.request(typeUrl);
      else {
        const held = this.heldVersions(typeUrl);
        this.send(typeUrl, {
          type_url: typeUrl,
          resource_names_subscribe: typeUrl === TYPE.cluster || typeUrl === TYPE.listener ? [] : [...sub.names],
          initial_resource_versions: held,
        });
      }
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.stream?.close();
  }

  get raw(): RawXdsStream | undefined {
    return this.stream;
  }

  /** What the client runs with right now. */
  effectiveConfig(): { clusters: { active: string[]; warming: string[] }; listeners: { active: string[]; warming: string[] }; routes: string[]; endpoints: string[] } {
    const sorted = (m: Map<string, unknown>): string[] => [...m.keys()].sort();
    return {
      clusters: { active: sorted(this.activeClusters), warming: sorted(this.warmingClusters) },
      listeners: { active: sorted(this.activeListeners), warming: sorted(this.warmingListeners) },
      routes: sorted(this.routes),
      endpoints: sorted(this.endpoints),
    };
  }

  /** Clusters the active listeners route to (through inline or RDS route configurations). */
  routedClusters(): Set<string> {
    const out = new Set<string>();
    for (const l of this.activeListeners.values()) {
      for (const rc of this.listenerRouteConfigs(l.json)) for (const c of clustersOfRouteConfig(rc)) out.add(c);
    }
    return out;
  }

  /** The endpoints of a CLA as "ip:port" strings. */
  endpointAddresses(clusterName: string): string[] {
    const cla = this.endpoints.get(clusterName)?.json;
    return cla ? addressesOfCla(cla) : [];
  }

  /** Resolves when `predicate` holds (checked after every response); rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.changeWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.changeWaiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; config: ${JSON.stringify(this.effectiveConfig())}`));
      }, timeoutMs);
      this.changeWaiters.add(check);
    });
  }

  /** Responses of one type received so far. */
  responsesOf(typeUrl: string): ReceivedResponse[] {
    return this.responses.filter((r) => r.typeUrl === typeUrl);
  }

  // ----------------------------------------------------------------------------------------------

  private open(): void {
    this.nodeSent = false;
    this.stream = new RawXdsStream(this.options.address, this.options.protocol, undefined, this.options.credentials);
    const stream = this.stream;
    const apply = (r: ReceivedResponse): void => {
      if (stream !== this.stream) return;
      this.responses.push(r);
      this.onResponse(r);
      for (const w of [...this.changeWaiters]) w();
    };
    const delay = this.options.applyDelayMs ?? 0;
    stream.onResponse = delay <= 0 ? apply : (r) => {
      // Timers with the same delay fire in the order they were set, so responses apply in order.
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        apply(r);
      }, delay);
      this.timers.add(timer);
    };
  }

  private sub(typeUrl: string): Sub {
    let s = this.subs.get(typeUrl);
    if (!s) {
      s = { names: new Set(), version: '', nonce: '', requested: false };
      this.subs.set(typeUrl, s);
    }
    return s;
  }

  private send(typeUrl: string, body: JsonObject): void {
    const json: JsonObject = { ...body };
    if (!this.nodeSent) {
      json['node'] = { id: this.options.nodeId, cluster: this.options.cluster, user_agent_name: this.options.userAgent ?? 'envoy', user_agent_version: '1.39.0' };
      this.nodeSent = true;
    }
    this.requests.push({ typeUrl, json });
    this.stream!.send(json);
  }

  /** A SotW request (or a delta subscription change) carrying the current subscription. */
  private request(typeUrl: string, added: string[] = [], removed: string[] = [], error?: string): void {
    const sub = this.sub(typeUrl);
    const first = !sub.requested;
    sub.requested = true;
    if (this.options.protocol === 'sotw') {
      const body: JsonObject = { type_url: typeUrl, version_info: sub.version, response_nonce: sub.nonce, resource_names: [...sub.names] };
      if (error) body['error_detail'] = { code: 3, message: error };
      this.send(typeUrl, body);
      return;
    }
    if (first || added.length > 0 || removed.length > 0) {
      this.send(typeUrl, { type_url: typeUrl, resource_names_subscribe: added, resource_names_unsubscribe: removed });
    }
  }

  private ack(typeUrl: string, r: ReceivedResponse, error?: string): void {
    const sub = this.sub(typeUrl);
    if (this.options.protocol === 'sotw') {
      if (!error) sub.version = r.version;
      sub.nonce = r.nonce;
      this.request(typeUrl, [], [], error);
      return;
    }
    const body: JsonObject = { type_url: typeUrl, response_nonce: r.nonce };
    if (error) body['error_detail'] = { code: 3, message: error };
    this.send(typeUrl, body);
  }

  private onResponse(r: ReceivedResponse): void {
    const names = r.resources.map((x) => x.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    let error = dup !== undefined ? `duplicate resource name "${dup}"` : undefined;
    if (!error && this.options.reject) {
      for (const res of r.resources) {
        const msg = this.options.reject(r.typeUrl, res.name, res.json);
        if (msg) {
          error = `${res.name}: ${msg}`;
          break;
        }
      }
    }
    if (error) {
      this.nacks.push({ typeUrl: r.typeUrl, nonce: r.nonce, message: error });
      this.ack(r.typeUrl, r, error);
      return;
    }
    switch (r.typeUrl) {
      case TYPE.cluster:
        this.applyClusters(r);
        break;
      case TYPE.endpoint:
        this.applyEndpoints(r);
        break;
      case TYPE.listener:
        this.applyListeners(r);
        break;
      case TYPE.route:
        this.applyRoutes(r);
        break;
      case TYPE.secret:
        this.applySecrets(r);
        break;
    }
    this.checkRouting(r);
  }

  private full(_r: ReceivedResponse): boolean {
    return this.options.protocol === 'sotw';
  }

  private applyClusters(r: ReceivedResponse): void {
    const incoming = new Set<string>();
    for (const res of r.resources) {
      incoming.add(res.name);
      const key = JSON.stringify(res.json);
      const active = this.activeClusters.get(res.name);
      const warming = this.warmingClusters.get(res.name);
      // Envoy skips an identical cluster: no re-warming and no new EDS request (envoy#46383).
      if (active && active.key === key && !warming) continue;
      const held = { json: res.json, key, version: res.version ?? r.version };
      if (isEdsCluster(res.json)) this.startWarming(this.warmingClusters, res.name, held, 'cluster');
      else {
        this.warmingClusters.delete(res.name);
        this.activeClusters.set(res.name, held);
      }
    }
    const gone = this.full(r) ? [...new Set([...this.activeClusters.keys(), ...this.warmingClusters.keys()])].filter((n) => !incoming.has(n)) : r.removed;
    for (const n of gone) {
      this.activeClusters.delete(n);
      this.warmingClusters.delete(n);
    }
    // Every EDS cluster (active or warming) watches its CLA.
    const want = new Set<string>();
    for (const c of [...this.activeClusters.values(), ...this.warmingClusters.values()]) if (isEdsCluster(c.json)) want.add(edsServiceName(c.json));
    this.updateSubscription(TYPE.endpoint, want);
    this.ack(TYPE.cluster, r);
    this.maybeStartLds();
  }

  private applyEndpoints(r: ReceivedResponse): void {
    for (const res of r.resources) {
      this.endpoints.set(res.name, { json: res.json, key: JSON.stringify(res.json), version: res.version ?? r.version });
      for (const [name, w] of this.warmingClusters) {
        if (edsServiceName(w.json) !== res.name) continue;
        this.warmingClusters.delete(name);
        this.activeClusters.set(name, { json: w.json, key: w.key, version: w.version });
      }
    }
    for (const n of r.removed) this.endpoints.delete(n);
    this.ack(TYPE.endpoint, r);
    this.maybeStartLds();
  }

  private applyListeners(r: ReceivedResponse): void {
    const incoming = new Set<string>();
    for (const res of r.resources) {
      incoming.add(res.name);
      const key = JSON.stringify(res.json);
      const active = this.activeListeners.get(res.name);
      if (active && active.key === key) continue;
      const held = { json: res.json, key, version: res.version ?? r.version };
      if (!this.listenerReady(res.json)) this.startWarming(this.warmingListeners, res.name, held, 'listener');
      else {
        this.warmingListeners.delete(res.name);
        this.activeListeners.set(res.name, held);
      }
    }
    const gone = this.full(r) ? [...new Set([...this.activeListeners.keys(), ...this.warmingListeners.keys()])].filter((n) => !incoming.has(n)) : r.removed;
    for (const n of gone) {
      this.activeListeners.delete(n);
      this.warmingListeners.delete(n);
    }
    const want = new Set<string>();
    const wantSecrets = new Set<string>();
    for (const l of [...this.activeListeners.values(), ...this.warmingListeners.values()]) {
      for (const n of rdsNames(l.json)) want.add(n);
      for (const n of sdsNames(l.json)) wantSecrets.add(n);
    }
    // Envoy opens an SDS subscription only once a listener names a secret.
    if (wantSecrets.size > 0 || this.sub(TYPE.secret).requested) this.updateSubscription(TYPE.secret, wantSecrets);
    this.updateSubscription(TYPE.route, want);
    this.ack(TYPE.listener, r);
  }

  /** A listener is active once every route configuration and secret it names has arrived. */
  private listenerReady(listener: JsonObject): boolean {
    return rdsNames(listener).every((n) => this.routes.has(n)) && sdsNames(listener).every((n) => this.secrets.has(n));
  }

  private promoteListeners(): void {
    for (const [name, w] of this.warmingListeners) {
      if (!this.listenerReady(w.json)) continue;
      this.warmingListeners.delete(name);
      this.activeListeners.set(name, { json: w.json, key: w.key, version: w.version });
    }
  }

  private applySecrets(r: ReceivedResponse): void {
    for (const res of r.resources) this.secrets.set(res.name, { json: res.json, key: JSON.stringify(res.json), version: res.version ?? r.version });
    for (const n of r.removed) this.secrets.delete(n);
    this.promoteListeners();
    this.ack(TYPE.secret, r);
  }

  private applyRoutes(r: ReceivedResponse): void {
    for (const res of r.resources) this.routes.set(res.name, { json: res.json, key: JSON.stringify(res.json), version: res.version ?? r.version });
    for (const n of r.removed) this.routes.delete(n);
    this.promoteListeners();
    this.ack(TYPE.route, r);
  }

  private startWarming(map: Map<string, Warming>, name: string, held: Held, kind: string): void {
    map.set(name, { ...held, since: performance.now() });
    const timeout = this.options.initialFetchTimeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const w = map.get(name);
      if (!w || w.key !== held.key) return;
      this.timeouts.push(`${kind} ${name}`);
      map.delete(name);
      (kind === 'cluster' ? this.activeClusters : this.activeListeners).set(name, held);
      this.maybeStartLds();
    }, timeout);
    timer.unref();
    this.timers.add(timer);
  }

  private updateSubscription(typeUrl: string, want: Set<string>): void {
    const sub = this.sub(typeUrl);
    const added = [...want].filter((n) => !sub.names.has(n));
    const removed = [...sub.names].filter((n) => !want.has(n));
    if (added.length === 0 && removed.length === 0 && sub.requested) return;
    sub.names = want;
    this.request(typeUrl, added, removed);
  }

  /** Envoy subscribes to listeners once the cluster manager is initialised (no cluster warming). */
  private maybeStartLds(): void {
    if (this.ldsStarted || this.warmingClusters.size > 0) return;
    this.ldsStarted = true;
    this.request(TYPE.listener);
  }

  private heldVersions(typeUrl: string): Record<string, string> {
    const maps: Map<string, Held>[] =
      typeUrl === TYPE.cluster ? [this.activeClusters, this.warmingClusters]
        : typeUrl === TYPE.listener ? [this.activeListeners, this.warmingListeners]
          : typeUrl === TYPE.route ? [this.routes]
            : typeUrl === TYPE.secret ? [this.secrets] : [this.endpoints];
    const out: Record<string, string> = {};
    for (const m of maps) for (const [name, h] of m) out[name] = h.version;
    return out;
  }

  private listenerRouteConfigs(listener: JsonObject): JsonObject[] {
    const out: JsonObject[] = [];
    for (const hcm of hcmsOf(listener)) {
      const inline = hcm['route_config'] as JsonObject | undefined;
      if (inline) out.push(inline);
      const rds = (hcm['rds'] as JsonObject | undefined)?.['route_config_name'];
      if (typeof rds === 'string') {
        const rc = this.routes.get(rds);
        if (rc) out.push(rc.json);
      }
    }
    return out;
  }

  private checkRouting(r: ReceivedResponse): void {
    for (const [lname, l] of this.activeListeners) {
      for (const rc of this.listenerRouteConfigs(l.json)) {
        for (const c of clustersOfRouteConfig(rc)) {
          if (this.activeClusters.has(c)) continue;
          const why = this.warmingClusters.has(c) ? 'is still warming' : 'does not exist';
          this.violations.push(`after ${r.typeUrl.split('.').pop()} response ${r.nonce}: listener ${lname} routes to cluster ${c}, which ${why}`);
        }
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Reading decoded resources.

/** Secrets a listener's TLS filter chains fetch over SDS. */
export function sdsNames(listener: JsonObject): string[] {
  const out: string[] = [];
  for (const fc of (listener['filter_chains'] ?? []) as JsonObject[]) {
    const tls = (fc['transport_socket'] as JsonObject | undefined)?.['typed_config'] as JsonObject | undefined;
    const common = tls?.['common_tls_context'] as JsonObject | undefined;
    for (const sc of (common?.['tls_certificate_sds_secret_configs'] ?? []) as JsonObject[]) if (typeof sc['name'] === 'string') out.push(sc['name']);
  }
  return out;
}

export function isEdsCluster(cluster: JsonObject): boolean {
  return cluster['type'] === 'EDS';
}

export function edsServiceName(cluster: JsonObject): string {
  const cfg = cluster['eds_cluster_config'] as JsonObject | undefined;
  const service = cfg?.['service_name'];
  return typeof service === 'string' && service !== '' ? service : resourceName(cluster);
}

/** Every HttpConnectionManager in a listener: filter chains, the default chain, and api_listener. */
export function hcmsOf(listener: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  const chains = [...((listener['filter_chains'] ?? []) as JsonObject[])];
  if (listener['default_filter_chain']) chains.push(listener['default_filter_chain'] as JsonObject);
  for (const chain of chains) {
    for (const f of (chain['filters'] ?? []) as JsonObject[]) {
      const tc = f['typed_config'] as JsonObject | undefined;
      if (tc && str(tc['@type']).endsWith('HttpConnectionManager')) out.push(tc);
    }
  }
  const api = (listener['api_listener'] as JsonObject | undefined)?.['api_listener'] as JsonObject | undefined;
  if (api && str(api['@type']).endsWith('HttpConnectionManager')) out.push(api);
  return out;
}

export function rdsNames(listener: JsonObject): string[] {
  const out: string[] = [];
  for (const hcm of hcmsOf(listener)) {
    const name = (hcm['rds'] as JsonObject | undefined)?.['route_config_name'];
    if (typeof name === 'string') out.push(name);
  }
  return out;
}

export function clustersOfRouteConfig(rc: JsonObject): string[] {
  const out: string[] = [];
  for (const vh of (rc['virtual_hosts'] ?? []) as JsonObject[]) {
    for (const route of (vh['routes'] ?? []) as JsonObject[]) {
      const action = route['route'] as JsonObject | undefined;
      if (!action) continue;
      if (typeof action['cluster'] === 'string') out.push(action['cluster']);
      const weighted = action['weighted_clusters'] as JsonObject | undefined;
      for (const wc of (weighted?.['clusters'] ?? []) as JsonObject[]) out.push(str(wc['name']));
    }
  }
  return out;
}

export function addressesOfCla(cla: JsonObject): string[] {
  const out: string[] = [];
  for (const loc of (cla['endpoints'] ?? []) as JsonObject[]) {
    for (const lb of (loc['lb_endpoints'] ?? []) as JsonObject[]) {
      const sa = (((lb['endpoint'] as JsonObject | undefined)?.['address'] as JsonObject | undefined)?.['socket_address'] ?? {}) as JsonObject;
      out.push(`${str(sa['address'])}:${JSON.stringify(sa['port_value'] ?? '')}`);
    }
  }
  return out.sort();
}
