// One client stream (SotW or delta): binds to its node on the first request, keeps per-type state,
// and reconciles what the client holds with its Gateway's snapshot in make-before-break order:
// clusters, then their endpoints, then listeners and routes once new clusters are warm, and stale
// clusters removed last. At most one response per type awaits its ACK; changes arriving meanwhile
// coalesce (the next response carries the latest state). HTTP/2 back-pressure pauses the stream
// until 'drain' without holding up any other stream
// (docs/xds-protocol.md#make-before-break, #one-in-flight).
import { status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ClusterWarming } from './cluster-warming.ts';
import { fleetNamesWithin } from './fleet-list.ts';
import { parkedChange, type FleetPush } from './fleet-push.ts';
import type { ParkedStream, Parking, Place } from './parked-fleet.ts';
import { isPlainAck, type NodeJson } from './discovery-request.ts';
import { nonceField, nonceText, type ResponseFrame } from './response-frame.ts';
import type { Plan } from './response-plan.ts';
import { PUSH_ORDER, TypeUrl, isFullStateType, servedTypeUrl, typeShortName, type ClientVariant, type ResourceTypeUrl, type XdsProtocol } from './resource-types.ts';
import type { SnapshotReader, SnapshotView, TypeView } from './snapshot-reader.ts';
import { TypeState } from './type-state.ts';
import { bump, pushEvent, type NackRecord, type StreamInfo, type XdsCounters, type XdsEvents } from './xds-events.ts';
import { StreamError } from './stream-error.ts';
import type { XdsLimits } from './xds-limits.ts';

/**
 * The part of a gRPC server duplex call a stream uses. A grpc-js ServerDuplexStream is one; a test
 * can drive a stream with any object that behaves the same, without a socket.
 */
export interface StreamCall {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'end' | 'error' | 'cancelled' | 'close', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  /** Ends the call with a gRPC status (grpc-js sends it as the call's trailers). */
  emit(event: 'error', error: { code: status; details: string }): boolean;
  /**
   * Queues one response; false when HTTP/2 wants the writer to wait for 'drain'. Streams write
   * ResponseFrames, which the server's identity serialiser passes to grpc-js as they are.
   */
  write(chunk: Buffer | ResponseFrame, written?: () => void): boolean;
  end(): void;
  getPeer(): string;
  /** Bytes queued and not yet taken by the connection. */
  readonly writableLength: number;
}

/** What a stream needs from its server. */
export interface StreamContext {
  readonly cache: SnapshotReader;
  readonly logger: Logger;
  readonly events: XdsEvents;
  readonly counters: XdsCounters;
  /** How long listeners and routes wait for new clusters to warm before going out anyway. */
  readonly warmTimeoutMs: number;
  /** What one client may make the server hold (xds-limits.ts). */
  readonly limits: XdsLimits;
  /** A warning any client can cause at will: logged once per key per interval, with a count (repeat-log.ts). */
  warnRepeated(key: string, fields: Record<string, unknown>, msg: string): void;
  schedule(stream: AdsStream): void;
  /**
   * Parks an idle stream in its fleet's list, which the server writes an endpoint change down
   * (parked-fleet.ts). Without it a stream takes such a change up in its own pass.
   */
  park?(stream: AdsStream, call: StreamCall, parking: Parking): Place;
  /**
   * Takes up the stream's deferred request (AdsStream.takeDeferred) after the current round of
   * socket reads. Without it a stream handles every request as it arrives.
   */
  defer?(stream: AdsStream): void;
  bind(stream: AdsStream): void;
  unbind(stream: AdsStream): void;
  /** When the channel is authenticated: throws a StreamError if this client may not fetch `gateway`. */
  authorize?(stream: AdsStream, nodeId: string, gateway: string): void;
}

/** gRPC proxyless clients announce themselves with a user agent other than Envoy's. */
export function variantOf(node: NodeJson): ClientVariant {
  const agent = node.user_agent_name ?? '';
  return agent === '' || agent === 'envoy' ? 'envoy' : 'grpc';
}

export { StreamError };

/** Each type's position in PUSH_ORDER. */
const AT = {
  cluster: PUSH_ORDER.indexOf(TypeUrl.cluster),
  endpoint: PUSH_ORDER.indexOf(TypeUrl.endpoint),
  secret: PUSH_ORDER.indexOf(TypeUrl.secret),
  listener: PUSH_ORDER.indexOf(TypeUrl.listener),
  route: PUSH_ORDER.indexOf(TypeUrl.route),
} as const;

export abstract class AdsStream implements ParkedStream {
  // The fields a push to a fleet reads come first, so they share the object's first cache lines:
  // a push visits every stream of a Gateway not parked in a list and little else (see
  // pushFleetChange; a parked stream is not visited at all: parked-fleet.ts).
  private closed = false;
  private blocked = false;
  /**
   * The snapshot this stream was last found idle and fully in sync with (see isIdle); cleared by
   * every request and every reconcile, so it only stands while nothing happened on the stream.
   */
  private idleWith: SnapshotView | undefined;
  /**
   * While idle: the endpoints view this stream holds in full with nothing pending for it, so an
   * endpoint change to it can be sent as the fleet's push (see pushFleetChange). `parkedNames` is
   * the explicit subscription then (undefined: wildcard); both go with `idleWith`.
   */
  private parkedOn: TypeView | undefined;
  private parkedNames: ReadonlySet<string> | undefined;
  /**
   * Its place in the list it is parked in (ctx.park). While parked the fields above stand as
   * becomeIdle set them, except that the list may have moved `idleWith` on (unpark).
   */
  private place: Place | undefined;
  /** A fleet push written and not yet recorded in the endpoint state, and the snapshot it was written for. */
  private fleetPush: FleetPush | undefined;
  private fleetPushView: SnapshotView | undefined;
  /** When it was written, in microseconds after the push began (a small integer: no number box per stream). */
  private fleetPushDelay = 0;
  /** A request that arrived while a fleet push was out, and when (see onData). */
  private deferred: Buffer | undefined;
  private deferredAt = 0;
  /** The Gateway and variant this stream reads, and whether the Gateway was known at the last look (copied from streamInfo once bound). */
  private gateway = '';
  private variant: ClientVariant = 'envoy';
  private knownGateway = false;
  protected readonly call: StreamCall;
  protected readonly ctx: StreamContext;
  readonly id: number;
  readonly protocol: XdsProtocol;
  /**
   * Per-type state by PUSH_ORDER position (undefined: none made yet), read on every push without
   * a lookup. An array rather than a Map: a stream holds one for its whole life.
   */
  private readonly byOrder: (TypeState | undefined)[] = PUSH_ORDER.map(() => undefined);
  /** Set for the per-type services, whose requests may omit type_url. */
  protected readonly fixedTypeUrl: ResourceTypeUrl | undefined;
  private streamInfo: StreamInfo | undefined;
  private emptyView: SnapshotView | undefined;
  private nonceCounter = 0;
  /**
   * New clusters sent but not yet known to be warm (CDS ACKed and, for EDS clusters, CLA ACKed).
   * Made when clusters start warming and dropped once none does: most of a stream's life nothing
   * warms, and an idle fleet keeps no warming state (see warmingNow).
   */
  private warming: ClusterWarming | undefined;
  /** Delta: the first CDS response on a (re)connected stream pushes EDS for its clusters (docs/xds-protocol.md#delta-eds-after-cds). */
  private firstCdsDone = false;
  /** The endpoints view this stream last tried to rebase its endpoint book onto (see becomeIdle). */
  private rebasedOn: TypeView | undefined;

  constructor(ctx: StreamContext, call: StreamCall, protocol: XdsProtocol, id: number, fixedTypeUrl?: ResourceTypeUrl) {
    this.ctx = ctx;
    this.call = call;
    this.protocol = protocol;
    this.id = id;
    this.fixedTypeUrl = fixedTypeUrl;
  }

  /** The warming state, made when a cluster starts warming. */
  private warmingNow(): ClusterWarming {
    this.warming ??= new ClusterWarming({
      waitMs: this.ctx.warmTimeoutMs,
      onWaitLimit: () => this.schedule(),
      onGaveUp: (cluster) => this.ctx.logger.info({ node: this.streamInfo?.nodeId, cluster }, 'cluster still warming after the wait limit; sending listeners and routes anyway'),
    });
    return this.warming;
  }

  /** Per-type state by PUSH_ORDER position (undefined: none made yet), with any fleet push written since recorded first. */
  get states(): readonly (TypeState | undefined)[] {
    if (this.place?.fleet.push) this.unpark();
    this.settleFleetPush();
    return this.byOrder;
  }

  /** The same states keyed by type URL, in a new map (for inspection; the push paths read `states`). */
  get types(): ReadonlyMap<ResourceTypeUrl, TypeState> {
    const out = new Map<ResourceTypeUrl, TypeState>();
    for (const st of this.states) if (st) out.set(st.typeUrl, st);
    return out;
  }

  get info(): StreamInfo | undefined {
    return this.streamInfo;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Responses handed to gRPC and not yet taken by the connection. Bounded by construction: a type
   * writes only when it has no response awaiting its ACK, so at most one per type is ever queued.
   */
  get queuedResponses(): number {
    return this.call.writableLength;
  }

  start(): void {
    this.call.on('data', (data: Buffer) => this.onData(data));
    // One listener for every way a call ends (a stream keeps one function, not four).
    const closed = (): void => this.close();
    this.call.on('end', closed);
    this.call.on('error', closed);
    this.call.on('cancelled', closed);
    this.call.on('close', closed);
  }

  /** Ends the stream with a status (used on bad requests and on shutdown). */
  fail(code: status, message: string, quiet = false): void {
    if (this.closed) return;
    const fields = { stream: this.id, node: this.streamInfo?.nodeId, gateway: this.streamInfo?.gateway };
    if (quiet) this.ctx.logger.debug(fields, `xDS stream closed: ${message}`);
    else this.ctx.warnRepeated(`closed\0${fields.gateway ?? ''}\0${code}`, { ...fields, code: status[code] }, `xDS stream closed: ${message}`);
    this.call.emit('error', { code, details: message });
    this.close();
  }

  /** One request, received at `at` (performance.now()). */
  protected abstract handleRequest(data: Buffer, at: number): void;
  /**
   * What to send for one type, or undefined when the client is up to date. `only`, when given,
   * limits the work to names that changed since a view the type was fully in sync with.
   */
  protected abstract plan(st: TypeState, view: SnapshotView, allowRemovals: boolean, only?: ReadonlySet<string>): Plan | undefined;
  /** The response's bytes; `nonceField` is the framed nonce (field 5 in both protocols). */
  protected abstract frame(st: TypeState, plan: Plan, nonceField: Buffer): ResponseFrame;

  /**
   * A request that arrives while a fleet push is out (nearly always that push's ACK, arriving while
   * the push is still being written to the rest of the fleet) waits until the current round of
   * socket reads is over: the writes still queued for other streams go first, and its bookkeeping
   * after. Only one waits per stream; any later event of the stream takes it up first, so
   * requests are still handled one by one in the order they came (docs/xds-protocol.md#request-order).
   */
  private onData(data: Buffer): void {
    if (this.closed) return;
    this.unpark();
    if (this.fleetPush && this.deferred === undefined && this.ctx.defer) {
      this.deferred = data;
      this.deferredAt = performance.now();
      this.ctx.defer(this);
      return;
    }
    this.takeDeferred();
    this.takeRequest(data, performance.now());
  }

  /** Handles the deferred request, if any (the server calls this once the round of reads is over). */
  takeDeferred(): void {
    const data = this.deferred;
    if (data === undefined) return;
    this.deferred = undefined;
    if (!this.closed) this.takeRequest(data, this.deferredAt);
  }

  private takeRequest(data: Buffer, at: number): void {
    if (this.closed) return;
    this.unpark();
    if (this.fleetPush && this.ackedFleetPush(data, at)) return;
    this.settleFleetPush();
    // A request may change anything: the next reconcile is a full pass.
    this.idleWith = undefined;
    this.parkedOn = undefined;
    try {
      this.handleRequest(data, at);
    } catch (err) {
      if (err instanceof StreamError) this.fail(err.code, err.message);
      else {
        this.ctx.logger.error({ err, stream: this.id }, 'xDS request failed');
        this.fail(status.INTERNAL, `request failed: ${(err as Error).message}`);
      }
    }
  }

  /** Binds the stream to its node on the first request; later requests may omit node. */
  protected bindNode(node: NodeJson | undefined): StreamInfo {
    if (this.streamInfo) return this.streamInfo;
    if (!node || !node.id) throw new StreamError(status.INVALID_ARGUMENT, 'the first request on a stream must carry node with node.id');
    const gateway = node.cluster ?? '';
    this.ctx.authorize?.(this, node.id, gateway);
    this.streamInfo = {
      id: this.id,
      nodeId: node.id,
      gateway,
      variant: variantOf(node),
      protocol: this.protocol,
      peer: safePeer(this.call),
      connectedAt: new Date().toISOString(),
      knownGateway: this.ctx.cache.hasGateway(gateway),
    };
    this.gateway = this.ctx.cache.gatewayKey(gateway);
    this.variant = this.streamInfo.variant;
    this.knownGateway = this.streamInfo.knownGateway;
    this.ctx.bind(this);
    return this.streamInfo;
  }

  protected resolveTypeUrl(typeUrl: string | undefined): ResourceTypeUrl | undefined {
    const url = typeUrl || this.fixedTypeUrl;
    if (!url) throw new StreamError(status.INVALID_ARGUMENT, 'request without type_url');
    const served = servedTypeUrl(url);
    if (!served) this.ctx.logger.debug({ stream: this.id, typeUrl: url }, 'xDS request for a type Tether does not serve; ignored');
    return served;
  }

  protected typeState(typeUrl: ResourceTypeUrl): TypeState {
    const at = PUSH_ORDER.indexOf(typeUrl);
    let st = this.byOrder[at];
    if (!st) {
      st = new TypeState(typeUrl, this.streamInfo?.variant !== 'grpc', this.protocol === 'sotw' && isFullStateType(typeUrl));
      this.byOrder[at] = st;
    }
    return st;
  }

  /** The same names, as the snapshot's own strings where it has them (a stream then holds no copies). */
  protected canonicalNames(typeUrl: ResourceTypeUrl, names: readonly string[]): readonly string[] {
    if (names.length === 0) return names;
    const resources = this.currentView().type(typeUrl).resources;
    return names.map((n) => resources.get(n)?.name ?? n);
  }

  protected schedule(): void {
    this.ctx.schedule(this);
  }

  /**
   * After a request: when it left the stream idle and in sync (a plain ACK of the latest response,
   * the usual case), there is nothing to send and no pass is scheduled; the stream just notes the
   * snapshot it is idle with. Anything else is reconciled on the next turn.
   */
  protected requestHandled(): void {
    if (this.streamInfo && !this.closed) {
      const view = this.currentView();
      if (this.isIdle(view)) {
        this.becomeIdle(view);
        return;
      }
    }
    this.schedule();
  }

  /** `at`: when the ACK arrived (performance.now()). */
  protected recordAck(st: TypeState, at: number): void {
    const inFlight = st.recordAck();
    bump(this.ctx.counters.acks, st.typeUrl);
    this.ctx.events.acked?.({ stream: this.streamInfo!, typeUrl: st.typeUrl, version: inFlight.version, latencyMs: at - inFlight.sentAt });
  }

  protected recordNack(st: TypeState, errorDetail: { code?: number; message?: string }): void {
    const inFlight = st.inFlight!;
    const info = this.streamInfo!;
    const nack: NackRecord = {
      at: new Date().toISOString(),
      nodeId: info.nodeId,
      gateway: info.gateway,
      typeUrl: st.typeUrl,
      version: inFlight.version,
      nonce: inFlight.nonce,
      code: errorDetail.code ?? 0,
      message: errorDetail.message ?? '',
      resourceNames: [...inFlight.resources.keys(), ...inFlight.removed],
    };
    st.recordNack(nack);
    // A rejected cluster or CLA will not warm; waiting would only hold back listeners and routes.
    if (st.typeUrl === TypeUrl.cluster || st.typeUrl === TypeUrl.endpoint) {
      this.warming?.forget(inFlight.resources.keys());
    }
    bump(this.ctx.counters.nacks, st.typeUrl);
    // A client can NACK every response it gets: one line per Gateway and type per interval, with a count.
    this.ctx.warnRepeated(
      `nack\0${info.gateway}\0${st.typeUrl}`,
      { node: info.nodeId, gateway: info.gateway, type: typeShortName(st.typeUrl), version: nack.version, resources: nack.resourceNames, error: nack.message },
      `${typeShortName(st.typeUrl)} update rejected by ${info.nodeId}: ${nack.message}`,
    );
    this.ctx.events.nacked?.({ stream: info, nack });
  }

  protected recordExpiredNonce(st: TypeState): void {
    bump(this.ctx.counters.expiredNonces, st.typeUrl);
    this.ctx.events.expiredNonce?.({ stream: this.streamInfo!, typeUrl: st.typeUrl });
  }

  /** The snapshot this client reads; an empty one while its Gateway is unknown. */
  currentView(): SnapshotView {
    const view = this.ctx.cache.view(this.gateway, this.variant);
    const known = view !== undefined;
    if (known !== this.knownGateway) this.gatewayKnown(known);
    if (view) return view;
    this.emptyView ??= this.ctx.cache.emptyView(this.gateway, this.variant);
    return this.emptyView;
  }

  /** The Gateway appeared or went away: the stream's info says so, and it reads the store's own key. */
  private gatewayKnown(known: boolean): void {
    this.knownGateway = known;
    this.streamInfo = { ...this.streamInfo!, knownGateway: known };
    this.gateway = this.ctx.cache.gatewayKey(this.gateway);
  }

  /** Sends whatever the client lacks, in make-before-break order. Called by the scheduler. */
  reconcile(): void {
    this.unpark();
    this.takeDeferred();
    if (this.closed || this.blocked || !this.streamInfo) return;
    const view = this.currentView();
    const idle = this.idleWith;
    const parkedOn = this.parkedOn;
    this.idleWith = undefined;
    this.parkedOn = undefined;
    if (idle && parkedOn && this.pushFleetChange(idle, view, parkedOn)) return;
    this.settleFleetPush();
    if (idle && this.pushEndpointsOnly(idle, view)) return;
    this.reconcileAll(view);
    if (this.isIdle(view)) this.becomeIdle(view);
  }

  /**
   * Notes the snapshot this stream is idle and in sync with, and whether its endpoint state could
   * take the fleet's push of the next endpoint change: it holds exactly this view's endpoints,
   * nothing is forced or waiting to be removed, and its subscription is the wildcard or explicit
   * names only (no names pushed unasked). Worked out here, once per ACK, so a push to a fleet
   * reads almost nothing per stream.
   */
  private becomeIdle(view: SnapshotView): void {
    this.unpark();
    this.idleWith = view;
    const eds = this.byOrder[AT.endpoint];
    const tv = view.type(TypeUrl.endpoint);
    // In sync, yet recorded name by name: the book may hold exactly this view again (once per view).
    if (eds && eds.heldView !== tv.resources && eds.syncedWith === tv && this.rebasedOn !== tv) {
      this.rebasedOn = tv;
      eds.rebaseHeld(tv.resources);
    }
    const parked = eds !== undefined && eds.requested && eds.responded && eds.heldView === tv.resources && eds.force.size === 0 && eds.removePending.size === 0 && (eds.wildcard || eds.implicit.size === 0);
    this.parkedOn = parked ? tv : undefined;
    this.parkedNames = parked && !eds.wildcard ? eds.names : undefined;
    if (parked && this.ctx.park && this.knownGateway && !this.blocked) {
      const parking = { gateway: this.gateway, variant: this.variant, protocol: this.protocol, idle: view, on: tv, names: this.parkedNames, changePlan: this.changePlan };
      this.place = this.ctx.park(this, this.call, parking);
    }
  }

  /** The server's flush round `round` took this stream's change in its list: it needs no pass of its own. */
  parkedThrough(round: number): boolean {
    return this.place !== undefined && this.place.fleet.round === round;
  }

  /**
   * Leaves the list this stream is parked in, taking up what the list did meanwhile: the push it
   * wrote (recorded as pushFleetChange records its own), or the snapshot a change that left the
   * endpoints alone moved the list to.
   */
  private unpark(): void {
    const place = this.place;
    if (!place) return;
    this.place = undefined;
    const fleet = place.fleet;
    if (fleet.push) {
      this.wroteFleetPush(fleet.push, fleet.pushedView!, fleet.delays![place.slot]);
      this.idleWith = undefined;
      this.parkedOn = undefined;
      return;
    }
    fleet.leave(place);
    this.idleWith = fleet.idle;
  }

  /**
   * The push of an endpoint change to a parked stream (see becomeIdle): when nothing but endpoints
   * changed since the snapshot it is idle with, and the change removes nothing, it is the fleet's
   * response for that change, the same bytes for every such stream. The stream writes them and
   * records the response later (settleFleetPush): exactly what write() records now, at the next
   * visit. Returns false to leave the change to the other paths.
   */
  private pushFleetChange(idle: SnapshotView, view: SnapshotView, parkedOn: TypeView): boolean {
    const push = parkedChange(idle, view, parkedOn, this.parkedNames, this.changePlan);
    if (push === undefined) return false;
    if (push === 'unchanged') {
      this.idleWith = view;
      this.parkedOn = parkedOn;
      return true;
    }
    const at = performance.now();
    this.wroteFleetPush(push, view, push.delayMicros(at));
    const counters = this.ctx.counters;
    bump(counters.pushes, TypeUrl.endpoint);
    bump(counters.pushBytes, TypeUrl.endpoint, push.bytes.length);
    const events = this.ctx.events;
    // The view was set after this stream parked, so after its last request too: latency counts from the view.
    const written = events.pushed ? () => this.pushedEvent(TypeUrl.endpoint, push.plan, push.bytes.length, at - view.setAt, view.setAt) : undefined;
    this.send(push.bytes, written);
    return true;
  }

  /**
   * The request is the plain ACK of the fleet push written last (recognised from its bytes), and
   * nothing happened on the stream since: no request (it would have recorded the push), no pass
   * (likewise), the same snapshot. The stream was parked then, so every other type is still in sync
   * and nothing warms or waits: the push and its ACK are recorded at once and the stream parks
   * again, without decoding the request or visiting its other types. False leaves the request to
   * the usual path.
   */
  private ackedFleetPush(data: Buffer, at: number): boolean {
    const push = this.fleetPush!;
    const eds = this.byOrder[AT.endpoint]!;
    const view = this.fleetPushView!;
    if (this.blocked || this.currentView() !== view) return false;
    if (!isPlainAck(data, this.protocol, push.plainAck(this.protocol === 'sotw' ? eds.namesSpan : undefined))) return false;
    if (!eds.recordAckedChange(push.nonce, push.plan, push.to)) return false;
    this.fleetPush = undefined;
    this.fleetPushView = undefined;
    eds.noteRequest(at);
    bump(this.ctx.counters.acks, TypeUrl.endpoint);
    this.ctx.events.acked?.({ stream: this.streamInfo!, typeUrl: TypeUrl.endpoint, version: push.plan.version, latencyMs: at - this.fleetPushWrittenAt(push) });
    this.becomeIdle(view);
    return true;
  }

  /** The fleet push for `view` was written to this stream, `delayMicros` after it began: recorded at the stream's next event. */
  private wroteFleetPush(push: FleetPush, view: SnapshotView, delayMicros: number): void {
    this.fleetPush = push;
    this.fleetPushView = view;
    this.fleetPushDelay = delayMicros;
  }

  /** Records the fleet push written last, if any, in the endpoint state: before anything reads or changes that state. */
  private settleFleetPush(): void {
    const push = this.fleetPush;
    if (!push) return;
    this.fleetPush = undefined;
    this.fleetPushView = undefined;
    this.byOrder[AT.endpoint]!.recordSent(push.nonce, push.plan, push.to, this.fleetPushWrittenAt(push));
  }

  /** performance.now() when this stream wrote the fleet push. */
  private fleetPushWrittenAt(push: FleetPush): number {
    return push.began + this.fleetPushDelay / 1000;
  }

  /**
   * The common push to a fleet: since a snapshot this stream was idle and in sync with, only
   * endpoints changed, and no endpoints went away. Then nothing else can be due (every other type
   * is in sync with an unchanged view, nothing awaits an ACK, nothing warms), so only the EDS
   * state is visited: the same response the full pass would send, decided with less work.
   * Returns false to leave anything else to the full pass.
   */
  private pushEndpointsOnly(idle: SnapshotView, view: SnapshotView): boolean {
    if (!view.differsOnlyIn(idle, TypeUrl.endpoint)) return false;
    const tv = view.type(TypeUrl.endpoint);
    const before = idle.type(TypeUrl.endpoint);
    if (tv !== before && (tv.previous !== before || tv.changes().removed.length > 0)) return false;
    const eds = this.byOrder[AT.endpoint];
    if (!eds || !this.canSend(eds) || tv === before) {
      this.becomeIdle(view);
      return true;
    }
    // No endpoint went away: removals have nothing to wait for (make-before-break concerns them only).
    // (A stream holding the previous view whole and wanting the whole change took the fleet push;
    // the plan here is still the shared change plan when it carries exactly the change.)
    const plan = this.planIfChanged(eds, view, true);
    if (plan) this.write(eds, view, plan);
    else this.becomeIdle(view);
    return true;
  }

  /** The response carrying exactly what changed in this view: one Plan object for every stream that sends it. */
  protected abstract readonly changePlan: (tv: TypeView) => Plan;

  /** Nothing awaits an ACK, nothing warms, nothing waits for drain, and every type is in sync with this view. */
  private isIdle(view: SnapshotView): boolean {
    if (this.blocked || this.warming?.active) return false;
    for (const st of this.byOrder) if (st && (st.inFlight !== undefined || (this.canSend(st) && st.syncedWith !== view.type(st.typeUrl)))) return false;
    return true;
  }

  /** Sends whatever the client lacks, in make-before-break order. */
  private reconcileAll(view: SnapshotView): void {
    const order = this.byOrder;
    const cds = order[AT.cluster];
    const eds = order[AT.endpoint];
    const sds = order[AT.secret];
    const lds = order[AT.listener];
    const rds = order[AT.route];
    if (cds) this.trySend(cds, view, false);
    if (eds) this.trySend(eds, view, false);
    // Certificates go before the listeners that name them, and never wait for clusters: a rotation
    // is an SDS push alone.
    if (sds) this.trySend(sds, view, false);
    if (this.warming) {
      this.warming.release(view, cds, eds);
      if (!this.warming.active) {
        this.warming.stop();
        this.warming = undefined;
      }
    }
    // Listeners and routes may name new clusters: they wait until those are warm (docs/xds-protocol.md#make-before-break).
    const gateOpen = this.warming === undefined && !this.pending(cds, view, false);
    if (!gateOpen) return;
    if (lds) this.trySend(lds, view, false);
    if (rds) this.trySend(rds, view, false);
    // Stale clusters and endpoints go last, once listeners and routes no longer need them. If the
    // client rejected its new listeners or routes, its old ones may still use them: they stay.
    if (this.pending(lds, view, true) || this.pending(rds, view, true) || lds?.rejected || rds?.rejected) return;
    if (cds) this.trySend(cds, view, true);
    if (eds) this.trySend(eds, view, true);
  }

  /** Does this type have an unanswered response or something left to send? */
  private pending(st: TypeState | undefined, view: SnapshotView, allowRemovals: boolean): boolean {
    if (!st || !this.canSend(st)) return false;
    return st.inFlight !== undefined || this.planIfChanged(st, view, allowRemovals) !== undefined;
  }

  private canSend(st: TypeState): boolean {
    return st.requested || (this.protocol === 'delta' && st.implicit.size > 0);
  }

  private planIfChanged(st: TypeState, view: SnapshotView, allowRemovals: boolean): Plan | undefined {
    const tv = view.type(st.typeUrl);
    if (st.syncedWith === tv) return undefined;
    // In sync with the previous snapshot and untouched since: only the changed names matter.
    const only = st.syncedWith !== undefined && st.syncedWith === tv.previous ? tv.changed : undefined;
    const plan = this.plan(st, view, allowRemovals, only);
    // Nothing to send means in sync, unless removals were held back (make-before-break) this pass.
    if (!plan && (allowRemovals || !this.defersRemovals(st))) st.markSynced(tv);
    return plan;
  }

  /** Types whose removals wait until listeners and routes moved on: CDS, and EDS in delta. */
  private defersRemovals(st: TypeState): boolean {
    return st.typeUrl === TypeUrl.cluster || (this.protocol === 'delta' && st.typeUrl === TypeUrl.endpoint);
  }

  private trySend(st: TypeState, view: SnapshotView, allowRemovals: boolean): void {
    if (this.blocked || st.inFlight || !this.canSend(st)) return;
    const plan = this.planIfChanged(st, view, allowRemovals);
    if (plan) this.write(st, view, plan);
  }

  private write(st: TypeState, view: SnapshotView, plan: Plan): void {
    const n = ++this.nonceCounter;
    const nonce = nonceText(n);
    const bytes = this.frame(st, plan, nonceField(n));
    if (st.typeUrl === TypeUrl.cluster) this.noteClustersSent(plan, view);
    const now = performance.now();
    // Once this response is out the client holds the whole view, unless removals were held back.
    st.recordSent(nonce, plan, plan.complete ? view.type(st.typeUrl) : undefined, now);
    const since = Math.max(view.setAt, st.lastRequestAt);
    const queuedMs = now - since;
    bump(this.ctx.counters.pushes, st.typeUrl);
    bump(this.ctx.counters.pushBytes, st.typeUrl, bytes.length);
    const written = this.ctx.events.pushed ? () => this.pushedEvent(st.typeUrl, plan, bytes.length, queuedMs, since) : undefined;
    this.send(bytes, written);
  }

  /** Tells the events a response was written, with its latency since `since`. */
  private pushedEvent(typeUrl: ResourceTypeUrl, plan: Plan, bytes: number, queuedMs: number, since: number): void {
    this.ctx.events.pushed?.(pushEvent(this.streamInfo!, typeUrl, plan, bytes, queuedMs, since));
  }

  /** Hands a response to gRPC; on back-pressure the stream waits for 'drain'. */
  private send(bytes: Buffer | ResponseFrame, written: (() => void) | undefined): void {
    if (!this.call.write(bytes, written)) this.backPressured();
  }

  /** A step of this stream threw: a bug, which ends this stream only, with INTERNAL. */
  stepFailed(step: 'push' | 'request', err: unknown): void {
    this.ctx.logger.error({ err, stream: this.id }, `xDS ${step} failed`);
    this.fail(status.INTERNAL, `${step} failed: ${(err as Error).message}`);
  }

  /** A write returned false: nothing more is written until 'drain'. */
  backPressured(): void {
    this.blocked = true;
    this.ctx.counters.backPressured++;
    this.call.once('drain', () => {
      this.blocked = false;
      this.schedule();
    });
  }

  /** After a CDS response: new clusters start warming; changed EDS clusters need a fresh CLA (docs/xds-protocol.md#cla-after-cluster-change). */
  private noteClustersSent(plan: Plan, view: SnapshotView): void {
    const cds = this.byOrder[AT.cluster]!;
    const endpoints = view.type(TypeUrl.endpoint).resources;
    const eds = this.typeState(TypeUrl.endpoint);
    const now = performance.now();
    if (plan.whole && cds.sent.size === 0 && cds.settled && !this.warming?.active) {
      // A first sync: every cluster is new (none held or acknowledged) and warms; the client holds
      // endpoints of none of them unless EDS came first.
      this.warmingNow().addWhole(plan.whole, now);
      if (eds.sent.size > 0) for (const r of plan.resources) if (endpoints.has(r.name)) eds.forceSend(r.name);
    } else {
      for (const r of plan.resources) {
        const before = cds.sent.get(r.name);
        if (before === r.version) continue;
        if (before === undefined && cds.ackedVersionOf(r.name) === undefined) this.warmingNow().add(r.name, now);
        if (endpoints.has(r.name)) eds.forceSend(r.name);
      }
    }
    if (this.protocol === 'delta' && !this.firstCdsDone) {
      // After a delta (re)connect Envoy may never ask for EDS again: push it unasked (docs/xds-protocol.md#delta-eds-after-cds).
      // A first sync of the whole set pushes the same names on every stream of the fleet: one shared Set.
      if (!(plan.whole && cds.sent.size === 0 && eds.addImplicitShared(fleetNamesWithin(plan.whole, endpoints)))) {
        for (const name of cds.sent.keys()) if (endpoints.has(name)) eds.addImplicit(name);
        for (const r of plan.resources) if (endpoints.has(r.name)) eds.addImplicit(r.name);
      }
    }
    this.firstCdsDone = true;
    eds.markOutOfSync();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unpark();
    this.deferred = undefined;
    this.warming?.stop();
    this.ctx.unbind(this);
    try {
      this.call.end();
    } catch {
      // already ended
    }
  }
}

function safePeer(call: StreamCall): string {
  try {
    return call.getPeer();
  } catch {
    return 'unknown';
  }
}
