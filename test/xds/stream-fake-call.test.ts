// Drives the SotW and delta streams through a fake call: no socket, no timers waited on. Requests go
// in as encoded bytes, responses come out as the exact bytes the stream wrote, and the test decides
// when the scheduled reconcile runs, so every step is deterministic. The loopback suites beside this
// one run the same code over real gRPC.
import { EventEmitter } from 'node:events';
import { status } from '@grpc/grpc-js';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageType, protoRegistry, type JsonObject } from '../../src/codec/proto-registry.ts';
import type { AdsStream, StreamCall, StreamContext } from '../../src/xds/ads-stream.ts';
import { DEFAULT_XDS_LIMITS } from '../../src/xds/xds-limits.ts';
import { DeltaStream } from '../../src/xds/delta-stream.ts';
import { ParkedFleets, type Parking } from '../../src/xds/parked-fleet.ts';
import { ResponseFrame } from '../../src/xds/response-frame.ts';
import type { XdsProtocol } from '../../src/xds/resource-types.ts';
import { SnapshotCache } from '../../src/xds/snapshot-cache.ts';
import { SotwStream } from '../../src/xds/sotw-stream.ts';
import { TypeState } from '../../src/xds/type-state.ts';
import { emptyCounters, type NackRecord } from '../../src/xds/xds-events.ts';
import { decodeResponse, TYPE, type ReceivedResponse } from '../support/fake-envoy.ts';
import { encodeSnapshot, gatewaySnapshot, type JsonSnapshot } from './xds-fixtures.ts';
import { seededRandom } from '../support/seeded-random.ts';

const GW = 'default/gw';
const NODE = { id: 'envoy-1', cluster: GW };

/** A server duplex call with no connection behind it: it records what the stream writes. */
class FakeCall extends EventEmitter implements StreamCall {
  readonly written: Buffer[] = [];
  /** What the stream handed over, as handed (to see which parts streams share). */
  readonly frames: (Buffer | ResponseFrame)[] = [];
  /** The status the stream ended the call with, if any. */
  endedWith: { code: status; details: string } | undefined;
  ended = false;
  /** While false, every write reports back-pressure and the stream must wait for 'drain'. */
  accepting = true;
  readonly writableLength = 0;

  constructor() {
    super();
    this.on('error', (e: { code: status; details: string }) => (this.endedWith ??= e));
  }

  write(chunk: Buffer | ResponseFrame, written?: () => void): boolean {
    this.frames.push(chunk);
    this.written.push(chunk instanceof ResponseFrame ? chunk.toBuffer() : chunk);
    written?.();
    return this.accepting;
  }

  end(): void {
    this.ended = true;
  }

  getPeer(): string {
    return 'fake:0';
  }
}

interface Driver {
  readonly stream: AdsStream;
  readonly cache: SnapshotCache;
  readonly call: FakeCall;
  readonly ctx: StreamContext;
  readonly nacks: NackRecord[];
  readonly expired: string[];
  set(s: JsonSnapshot): void;
  send(request: JsonObject): void;
  /** Runs every reconcile the stream scheduled, as the server's flush would (with `park`: the parked list first). */
  flush(): void;
  /** With `defer`: takes up the request the stream set aside, as the server does once a round of reads is over. */
  drain(): void;
  /** With `defer`: streams holding a request set aside. */
  readonly deferred: ReadonlySet<AdsStream>;
  /** With `park`: the stream's parked lists. */
  readonly fleets: ParkedFleets;
  /** Streams that asked to be reconciled and have not been yet. */
  readonly scheduled: ReadonlySet<AdsStream>;
  /** Responses written since the last call, decoded. */
  take(): ReceivedResponse[];
}

const open: AdsStream[] = [];

/**
 * `defer`: requests arriving while a fleet push is out are set aside, as the server does. `park`:
 * the stream parks in a list when idle and a snapshot change goes to the list first, as in the
 * server's flush (a fleet of one).
 */
function driver(protocol: XdsProtocol, shared?: SnapshotCache, warmTimeoutMs = 60_000, options: { defer?: boolean; park?: boolean } = {}): Driver {
  const cache = shared ?? new SnapshotCache({ versionPrefix: 'p' });
  cache.markReady();
  const dirty = new Set<AdsStream>();
  const deferred = new Set<AdsStream>();
  const nacks: NackRecord[] = [];
  const expired: string[] = [];
  const ctx: StreamContext = {
    cache,
    logger: pino({ level: 'silent' }),
    events: { nacked: (e) => nacks.push(e.nack), expiredNonce: (e) => expired.push(e.typeUrl) },
    counters: emptyCounters(),
    warmTimeoutMs,
    limits: DEFAULT_XDS_LIMITS,
    warnRepeated: () => undefined,
    schedule: (s) => dirty.add(s),
    ...(options.defer ? { defer: (s: AdsStream) => void deferred.add(s) } : {}),
    ...(options.park ? { park: (s: AdsStream, c: StreamCall, parking: Parking) => fleets.join(GW, s, c, s.info!, parking) } : {}),
    bind: () => undefined,
    unbind: () => undefined,
  };
  const call = new FakeCall();
  const stream = protocol === 'sotw' ? new SotwStream(ctx, call, protocol, 1) : new DeltaStream(ctx, call, protocol, 1);
  stream.start();
  open.push(stream);
  const fleets = new ParkedFleets();
  let changed = false;
  let round = 0;
  cache.onChange(() => (options.park ? (changed = true) : dirty.add(stream)));
  const requestType = protocol === 'sotw' ? MessageType.discoveryRequest : MessageType.deltaDiscoveryRequest;
  return {
    stream,
    cache,
    call,
    ctx,
    nacks,
    expired,
    set: (s) => void cache.setSnapshot(GW, 'envoy', encodeSnapshot(s)),
    send: (request) => void call.emit('data', Buffer.from(protoRegistry().encode(requestType, request))),
    flush: () => {
      const batch = [...dirty];
      dirty.clear();
      if (changed) {
        changed = false;
        fleets.take(GW, cache, ++round, ctx.counters, ctx.events);
        if (!stream.parkedThrough(round) && !batch.includes(stream)) stream.reconcile();
      }
      for (const s of batch) s.reconcile();
    },
    drain: () => {
      const batch = [...deferred];
      deferred.clear();
      for (const s of batch) s.takeDeferred();
    },
    deferred,
    fleets,
    scheduled: dirty,
    take: () => {
      call.frames.length = 0;
      return call.written.splice(0).map((b) => decodeResponse(protocol, b));
    },
  };
}

const names = (r: ReceivedResponse): string[] => r.resources.map((x) => x.name);
const summary = (rs: ReceivedResponse[]): [string, string[], string[]][] => rs.map((r) => [r.typeUrl, names(r), [...r.removed]]);

afterEach(() => {
  // Closing clears any warming timer the stream armed.
  for (const s of open.splice(0)) s.fail(status.CANCELLED, 'test over', true);
});

describe('a SotW stream driven through a fake call', () => {
  it('holds listeners back until the new cluster and its endpoints are ACKed (make-before-break)', () => {
    const d = driver('sotw');
    d.set(gatewaySnapshot([{ prefix: '/', cluster: 'web' }], { web: ['10.0.0.1:80'] }));
    d.send({ node: NODE, type_url: TYPE.cluster });
    d.send({ type_url: TYPE.listener });
    d.flush();
    const [cds, ...rest] = d.take();
    expect(summary([cds, ...rest])).toEqual([[TYPE.cluster, ['web'], []]]);

    d.send({ type_url: TYPE.cluster, version_info: cds.version, response_nonce: cds.nonce });
    d.send({ type_url: TYPE.endpoint, resource_names: ['web'] });
    d.flush();
    const [eds, ...more] = d.take();
    expect(summary([eds, ...more])).toEqual([[TYPE.endpoint, ['web'], []]]);

    d.send({ type_url: TYPE.endpoint, resource_names: ['web'], version_info: eds.version, response_nonce: eds.nonce });
    d.flush();
    expect(summary(d.take())).toEqual([[TYPE.listener, ['http-8080'], []]]);
  });

  it('never resends a NACKed version; a new version goes out', () => {
    const d = driver('sotw');
    d.set(gatewaySnapshot([{ prefix: '/', cluster: 'web' }]));
    d.send({ node: NODE, type_url: TYPE.cluster });
    d.flush();
    const [first] = d.take();
    d.send({ type_url: TYPE.cluster, response_nonce: first.nonce, error_detail: { code: 3, message: 'bad cluster web' } });
    d.flush();
    expect(d.take()).toEqual([]);
    expect(d.nacks.map((n) => [n.typeUrl, n.version, n.message, [...n.resourceNames]])).toEqual([[TYPE.cluster, first.version, 'bad cluster web', ['web']]]);
    expect(d.ctx.counters.nacks).toEqual({ [TYPE.cluster]: 1 });

    d.set(gatewaySnapshot([{ prefix: '/', cluster: 'web' }, { prefix: '/b', cluster: 'b' }]));
    d.flush();
    const [second] = d.take();
    expect(second.version).not.toBe(first.version);
    expect(names(second).sort()).toEqual(['b', 'web']);
  });

  it('ignores a request whose nonce is not the latest sent, even one carrying error_detail', () => {
    const d = driver('sotw');
    d.set(gatewaySnapshot([{ prefix: '/', cluster: 'web' }]));
    d.send({ node: NODE, type_url: TYPE.cluster });
    d.flush();
    const [first] = d.take();
    d.send({ type_url: TYPE.cluster, response_nonce: 'not-ours', error_detail: { code: 3, message: 'stale' } });
    d.flush();
    expect(d.nacks).toEqual([]);
    expect(d.expired).toEqual([TYPE.cluster]);
    // The response is still awaiting its ACK, so a change waits for it rather than piling up.
    d.set(gatewaySnapshot([{ prefix: '/', cluster: 'web' }, { prefix: '/b', cluster: 'b' }]));
    d.flush();
    expect(d.take()).toEqual([]);
    d.send({ type_url: TYPE.cluster, version_info: first.version, response_nonce: first.nonce });
    d.flush();
    expect(summary(d.take()).map(([t, n]) => [t, n.sort()])).toEqual([[TYPE.cluster, ['b', 'web']]]);
  });

  it('waits for drain after back-pressure, then sends what changed meanwhile', () => {
    const d = driver('sotw');
    d.set(gatewaySnapshot([{ prefix: '/', cluster: 'web' }]));
    d.call.accepting = false;
    d.send({ node: NODE, type_url: TYPE.cluster });
    d.send({ type_url: TYPE.endpoint, resource_names: ['web'] });
    d.flush();
    expect(summary(d.take())).toEqual([[TYPE.cluster, ['web'], []]]);
    expect(d.ctx.counters.backPressured).toBe(1);
    d.flush();
    expect(d.take()).toEqual([]);
    d.call.accepting = true;
    d.call.emit('drain');
    d.flush();
    expect(summary(d.take())).toEqual([[TYPE.endpoint, ['web'], []]]);
  });

  it('ends the call with INVALID_ARGUMENT when the first request has no node', () => {
    const d = driver('sotw');
    d.send({ type_url: TYPE.cluster });
    expect(d.call.endedWith?.code).toBe(status.INVALID_ARGUMENT);
    expect(d.call.ended).toBe(true);
  });
});

describe('a delta stream driven through a fake call', () => {
  it('skips what a reconnecting client still holds, then removes what is gone', () => {
    const d = driver('delta');
    d.set(gatewaySnapshot([{ prefix: '/', cluster: 'web' }]));
    const web = d.cache.view(GW, 'envoy')!.type(TYPE.cluster).resources.get('web')!;
    d.send({ node: NODE, type_url: TYPE.cluster, initial_resource_versions: { web: web.version, gone: 'old' } });
    d.flush();
    // The first answer carries nothing new; the removal of a cluster waits for it to be ACKed.
    const [first, ...rest] = d.take();
    expect(summary([first, ...rest])).toEqual([[TYPE.cluster, [], []]]);
    d.send({ type_url: TYPE.cluster, response_nonce: first.nonce });
    d.flush();
    // After a delta reconnect the endpoints of the held clusters come unasked, before the removal.
    expect(summary(d.take())).toEqual([
      [TYPE.endpoint, ['web'], []],
      [TYPE.cluster, [], ['gone']],
    ]);
  });

  it('does not send endpoints pushed unasked again for a subscription that crossed the push, and answers one made after its ACK', () => {
    const d = driver('delta');
    d.set(gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }], { a: ['10.0.0.1:80'], b: ['10.0.0.2:80'] }));
    d.send({ node: NODE, type_url: TYPE.cluster });
    d.flush();
    const [cds] = d.take();
    d.send({ type_url: TYPE.cluster, response_nonce: cds.nonce });
    d.flush();
    const [eds] = d.take();
    expect(summary([eds])).toEqual([[TYPE.endpoint, ['a', 'b'], []]]);
    // Envoy subscribes while it processes the clusters, before it reads the push.
    d.send({ type_url: TYPE.endpoint, resource_names_subscribe: ['a', 'b'] });
    d.send({ type_url: TYPE.endpoint, response_nonce: eds.nonce });
    d.flush();
    expect(d.take()).toEqual([]);
    // Subscribed again after the ACK: the client may have dropped its copy.
    d.send({ type_url: TYPE.endpoint, resource_names_subscribe: ['a'] });
    d.flush();
    expect(summary(d.take())).toEqual([[TYPE.endpoint, ['a'], []]]);
  });

  it('shares the endpoint subscription of a small Gateway between streams, and keeps a few names per stream', () => {
    const services = Array.from({ length: 10 }, (_, i) => `s${i}`);
    const snapshot = gatewaySnapshot(services.map((s) => ({ prefix: `/${s}`, cluster: s })), Object.fromEntries(services.map((s, i) => [s, [`10.0.${i}.1:80`]])));
    for (const protocol of ['sotw', 'delta'] as const) {
      const subscribe = (d: Driver, names: string[]): void => {
        d.send(protocol === 'sotw' ? { node: NODE, type_url: TYPE.endpoint, resource_names: names } : { node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: names });
        d.flush();
      };
      const endpointNames = (d: Driver) => d.stream.types.get(TYPE.endpoint)!.names;
      const a = driver(protocol);
      const b = driver(protocol, a.cache);
      a.set(snapshot);
      subscribe(a, services);
      subscribe(b, services);
      expect(b.take().map(names).flat().sort(), protocol).toEqual([...services].sort());
      expect(endpointNames(b), protocol).toBe(endpointNames(a));
      // A handful of names (a proxyless client's one or two) costs less as a Set of its own.
      const c = driver(protocol, a.cache);
      const d = driver(protocol, a.cache);
      subscribe(c, services.slice(0, 3));
      subscribe(d, services.slice(0, 3));
      expect(endpointNames(d), protocol).toEqual(endpointNames(c));
      expect(endpointNames(d), protocol).not.toBe(endpointNames(c));
    }
  });

  describe('a large subscription another stream applied first', () => {
    const services = Array.from({ length: 80 }, (_, i) => `s${i}`);
    const snapshot = gatewaySnapshot(services.map((s) => ({ prefix: `/${s}`, cluster: s })), Object.fromEntries(services.map((s, i) => [s, [`10.0.${i}.1:80`]])));
    const endpointState = (d: Driver) => d.stream.types.get(TYPE.endpoint)!;
    /** Two streams on one cache; the first subscribes to every endpoint and its answer is taken. */
    const fleet = () => {
      const a = driver('delta');
      const b = driver('delta', a.cache);
      a.set(snapshot);
      a.send({ node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: services });
      a.flush();
      return { a, b, answer: a.take() };
    };
    afterEach(() => vi.restoreAllMocks());

    it('is taken as that stream\'s Set, name by name nothing, with the same answer', () => {
      const { a, b, answer } = fleet();
      expect(answer.map(names).flat().sort()).toEqual([...services].sort());
      const apply = vi.spyOn(TypeState.prototype, 'applyDeltaNames');
      b.send({ node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: services });
      b.flush();
      expect(apply).not.toHaveBeenCalled();
      expect(summary(b.take())).toEqual(summary(answer));
      expect(endpointState(b).sharedNames).toBe(endpointState(a).sharedNames);
      // Changing it later gives the stream a Set of its own; the other stream's is untouched.
      b.send({ type_url: TYPE.endpoint, resource_names_unsubscribe: ['s0'] });
      expect(endpointState(b).names.has('s0')).toBe(false);
      expect(endpointState(a).names.has('s0')).toBe(true);
    });

    /** A stream's first CDS response, ACKed, and the endpoints then pushed unasked. */
    const unaskedAfterClusters = (d: Driver, node: JsonObject = NODE): ReceivedResponse => {
      d.send({ node, type_url: TYPE.cluster, resource_names_subscribe: ['*'] });
      d.flush();
      const [cds] = d.take();
      d.send({ type_url: TYPE.cluster, response_nonce: cds.nonce });
      d.flush();
      const [eds, ...rest] = d.take();
      expect(rest).toEqual([]);
      return eds;
    };

    /** ACKs the endpoint response `nonce`, then subscribes to every service: the names the next response carries, sorted. */
    const sentOnSubscribingAfterAck = (d: Driver, nonce: string): string[] => {
      d.send({ type_url: TYPE.endpoint, response_nonce: nonce });
      d.send({ type_url: TYPE.endpoint, resource_names_subscribe: services });
      d.flush();
      return names(d.take()[0]).sort();
    };

    it('pushes the same endpoints unasked to every stream of the fleet from one shared Set, which a stream changing it copies', () => {
      const { a, b } = fleet();
      const c = driver('delta', a.cache);
      const fromB = unaskedAfterClusters(b);
      const fromC = unaskedAfterClusters(c);
      expect(names(fromB).sort()).toEqual([...services].sort());
      expect(summary([fromC])).toEqual(summary([fromB]));
      expect(endpointState(c).sharedImplicit).toBe(endpointState(b).sharedImplicit);
      expect(endpointState(b).implicit.size).toBe(80);
      // (A first request that subscribes nothing would be a wildcard one.)
      b.send({ type_url: TYPE.endpoint, resource_names_subscribe: ['s1'], resource_names_unsubscribe: ['s0'] });
      expect([endpointState(b).implicit.size, endpointState(b).subscribed('s0')]).toEqual([78, false]);
      expect([endpointState(c).implicit.size, endpointState(c).subscribed('s0')]).toEqual([80, true]);
    });

    it('sends again what a stream holds and ACKed when it then subscribes to the list', () => {
      const { b } = fleet();
      // A gRPC client's first request naming nothing is not a wildcard one: it can ACK first.
      const eds = unaskedAfterClusters(b, { ...NODE, user_agent_name: 'grpc-node-js' });
      // The client may have dropped its copies (docs/xds-protocol.md#delta-subscribe-always-sent).
      expect(sentOnSubscribingAfterAck(b, eds.nonce)).toEqual([...services].sort());
      expect(endpointState(b).implicit.size).toBe(0);
    });

    it('does what naming each one does on a stream that holds endpoints pushed unasked, and is not taken by one that names something already', () => {
      const { b } = fleet();
      const eds = unaskedAfterClusters(b);
      expect(names(eds).length).toBe(80);
      b.send({ type_url: TYPE.endpoint, resource_names_subscribe: services });
      // The same names as pushed: still in sync with the view the push carried, nothing to plan again.
      expect(endpointState(b).syncedWith).toBe(b.cache.view(GW, 'envoy')!.type(TYPE.endpoint));
      b.send({ type_url: TYPE.endpoint, response_nonce: eds.nonce });
      b.flush();
      expect(b.take()).toEqual([]);
      expect(endpointState(b).implicit.size).toBe(0);

      // A stream that already names something adds the list to it.
      const c = driver('delta', b.cache);
      c.send({ node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: ['s0', 'elsewhere'] });
      c.flush();
      const [one] = c.take();
      expect([names(one), [...one.removed]]).toEqual([['s0'], ['elsewhere']]);
      // s0 is named again, so it is sent again (docs/xds-protocol.md#delta-subscribe-always-sent).
      expect(sentOnSubscribingAfterAck(c, one.nonce)).toEqual([...services].sort());
      expect(endpointState(c).names.size).toBe(81);
    });
  });

  it('answers a name in resource_names_subscribe even at the version the client holds', () => {
    const d = driver('delta');
    d.set(gatewaySnapshot([{ prefix: '/', cluster: 'web' }]));
    const cla = d.cache.view(GW, 'envoy')!.type(TYPE.endpoint).resources.get('web')!;
    d.send({ node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: ['web'], initial_resource_versions: { web: cla.version } });
    d.flush();
    const [r] = d.take();
    expect(r.resources.map((x) => [x.name, x.version])).toEqual([['web', cla.version]]);
  });
});

describe('clusters warming on a first sync', () => {
  const routes = [{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }];
  /** A stream that asked for clusters and listeners on a Gateway of two EDS clusters, and its first CDS response. */
  const firstClusters = (protocol: XdsProtocol, warmTimeoutMs?: number): { d: Driver; cds: ReceivedResponse } => {
    const d = driver(protocol, undefined, warmTimeoutMs);
    d.set(gatewaySnapshot(routes, { a: ['10.0.0.1:80'], b: ['10.0.0.2:80'] }));
    d.send({ node: NODE, type_url: TYPE.cluster });
    d.send({ type_url: TYPE.listener });
    d.flush();
    const [cds] = d.take();
    return { d, cds };
  };

  it('holds listeners back at most the wait limit when endpoints never come', async () => {
    const { d, cds } = firstClusters('sotw', 40);
    expect(names(cds)).toEqual(['a', 'b']);
    // The clusters are ACKed but their endpoints are never asked for.
    d.send({ type_url: TYPE.cluster, version_info: cds.version, response_nonce: cds.nonce });
    d.flush();
    expect(d.take()).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    d.flush();
    expect(summary(d.take())).toEqual([[TYPE.listener, ['http-8080'], []]]);
  });

  it('does not wake the stream at the wait limit once its clusters are warm', async () => {
    const { d, cds } = firstClusters('sotw', 40);
    d.send({ type_url: TYPE.cluster, version_info: cds.version, response_nonce: cds.nonce });
    d.send({ type_url: TYPE.endpoint, resource_names: ['a', 'b'] });
    d.flush();
    const [eds] = d.take();
    d.send({ type_url: TYPE.endpoint, resource_names: ['a', 'b'], version_info: eds.version, response_nonce: eds.nonce });
    d.flush();
    expect(summary(d.take())).toEqual([[TYPE.listener, ['http-8080'], []]]);
    expect(d.scheduled.size).toBe(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(d.scheduled.size).toBe(0);
  });

  it('does not hold listeners back for clusters the client rejected', () => {
    const { d, cds } = firstClusters('delta');
    d.send({ type_url: TYPE.cluster, response_nonce: cds.nonce, error_detail: { code: 3, message: 'no' } });
    d.flush();
    // Endpoints go unasked after a delta stream's first CDS response; listeners no longer wait.
    expect(summary(d.take())).toEqual([
      [TYPE.endpoint, ['a', 'b'], []],
      [TYPE.listener, ['http-8080'], []],
    ]);
  });

  it('releases listeners once clusters and every endpoint are ACKed, and not before', () => {
    const { d, cds } = firstClusters('sotw');
    d.send({ type_url: TYPE.cluster, version_info: cds.version, response_nonce: cds.nonce });
    // Endpoints of one cluster only: the other still warms.
    d.send({ type_url: TYPE.endpoint, resource_names: ['a'] });
    d.flush();
    const [eds] = d.take();
    d.send({ type_url: TYPE.endpoint, resource_names: ['a'], version_info: eds.version, response_nonce: eds.nonce });
    d.flush();
    expect(d.take()).toEqual([]);
    d.send({ type_url: TYPE.endpoint, resource_names: ['a', 'b'], version_info: eds.version, response_nonce: eds.nonce });
    d.flush();
    const [eds2] = d.take();
    expect(names(eds2)).toEqual(['b']);
    d.send({ type_url: TYPE.endpoint, resource_names: ['a', 'b'], version_info: eds2.version, response_nonce: eds2.nonce });
    d.flush();
    expect(summary(d.take())).toEqual([[TYPE.listener, ['http-8080'], []]]);
  });
});

describe('a change pushed to a fleet', () => {
  /**
   * What a stream wrote since the last look: per response the bytes it was made from (the first part
   * of a frame, which is the change's body when shared; or the whole response, when it is the
   * fleet's push, one Buffer for every stream) and the responses decoded.
   */
  const pushed = (d: Driver): { bodies: unknown[]; responses: ReceivedResponse[] } => {
    const bodies = d.call.frames.map((f) => (f instanceof ResponseFrame ? f.parts[0] : f));
    return { bodies, responses: d.take() };
  };

  for (const protocol of ['sotw', 'delta'] as const) {
    it(`${protocol}: streams in sync get one shared body for what changed; a stream subscribed to part of it gets its own`, () => {
      const cache = new SnapshotCache({ versionPrefix: 'p' });
      const routes = [{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }, { prefix: '/c', cluster: 'c' }];
      const set = (a: string, b: string, c: string): void => void cache.setSnapshot(GW, 'envoy', encodeSnapshot(gatewaySnapshot(routes, { a: [a], b: [b], c: [c] })));
      const subscriptions = [['a', 'b', 'c'], ['c', 'b', 'a'], ['a', 'b'], ['c']];
      const ack = (d: Driver, subscribed: string[], response: ReceivedResponse): void => {
        d.send(protocol === 'sotw' ? { type_url: TYPE.endpoint, resource_names: subscribed, version_info: response.version, response_nonce: response.nonce } : { type_url: TYPE.endpoint, response_nonce: response.nonce });
        d.flush();
      };
      set('10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80');
      const fleet = subscriptions.map((subscribed) => {
        const d = driver(protocol, cache);
        d.send(protocol === 'sotw' ? { node: NODE, type_url: TYPE.endpoint, resource_names: subscribed } : { node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: subscribed });
        d.flush();
        ack(d, subscribed, d.take()[0]);
        expect(d.take()).toEqual([]);
        return d;
      });

      /** The current view's change, framed once (everything but the nonce). */
      const changeBody = (): Buffer => {
        const changes = cache.view(GW, 'envoy')!.type(TYPE.endpoint).changes();
        return protocol === 'sotw' ? changes.sotwBody() : changes.deltaBody();
      };
      const startsWith = (whole: unknown, body: Buffer): boolean => whole instanceof Buffer && whole.length > body.length && whole.subarray(0, body.length).equals(body);

      // a and b change; c does not.
      set('10.0.0.9:80', '10.0.0.8:80', '10.0.0.3:80');
      for (const d of fleet) d.flush();
      const first = fleet.map(pushed);
      const body = changeBody();
      // Streams 0 and 1 hold the whole view and want every change: one response for both, nonce included.
      const shared = first[0].bodies[0];
      expect(first[1].bodies[0]).toBe(shared);
      expect(startsWith(shared, body)).toBe(true);
      expect(first[0].responses[0].nonce).toBe(first[1].responses[0].nonce);
      // Stream 2 holds part of the view and wants all of this change: the same body, its own nonce.
      expect(first[2].bodies[0]).toBe(body);
      expect(first.map((p) => p.responses.map((r) => [names(r).sort(), [...r.removed]]))).toEqual([[[['a', 'b'], []]], [[['a', 'b'], []]], [[['a', 'b'], []]], []]);

      // Next change, a and c. Streams 1 and 2 ACKed first; stream 0 has not yet.
      ack(fleet[1], subscriptions[1], first[1].responses[0]);
      ack(fleet[2], subscriptions[2], first[2].responses[0]);
      set('10.0.0.7:80', '10.0.0.8:80', '10.0.0.6:80');
      for (const d of fleet) d.flush();
      const second = fleet.map(pushed);
      const next = changeBody();
      expect(second[1].bodies[0]).not.toBe(shared);
      expect(startsWith(second[1].bodies[0], next)).toBe(true);
      // Subscribed to part of the change: framed for itself.
      for (const i of [2, 3]) {
        expect(second[i].bodies[0]).not.toBe(next);
        expect(startsWith(second[i].bodies[0], next)).toBe(false);
      }
      expect(second.map((p) => p.responses.map((r) => names(r).sort()))).toEqual([[], [['a', 'c']], [['a']], [['c']]]);
      // Stream 0 held the previous view in full once its ACK came: it shares the body too.
      ack(fleet[0], subscriptions[0], first[0].responses[0]);
      const late = pushed(fleet[0]);
      expect(late.bodies[0]).toBe(next);
      expect(late.responses.map((r) => names(r).sort())).toEqual([['a', 'c']]);
      // What a stream holding the whole set keeps stays the view's own map through every change:
      // nothing per changed name.
      const view = cache.view(GW, 'envoy')!.type(TYPE.endpoint).resources;
      for (const i of [0, 1]) {
        const eds = fleet[i].stream.types.get(TYPE.endpoint)!;
        expect(eds.heldView).toBe(view);
        ack(fleet[i], subscriptions[i], i === 0 ? late.responses[0] : second[1].responses[0]);
        expect(eds.ackedVersionOf('a')).toBe(view.get('a')!.version);
      }
      expect(fleet[2].stream.types.get(TYPE.endpoint)!.heldView).toBeUndefined();
    });
  }
});

describe('the answer to a fleet push', () => {
  for (const protocol of ['sotw', 'delta'] as const) {
    it(`${protocol}: an ACK is recorded as one (the stream takes the next push too), a NACK as a NACK`, () => {
      const cache = new SnapshotCache({ versionPrefix: 'p' });
      const routes = [{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }];
      const set = (a: string): void => void cache.setSnapshot(GW, 'envoy', encodeSnapshot(gatewaySnapshot(routes, { a: [a], b: ['10.0.0.2:80'] })));
      const answer = (d: Driver, r: ReceivedResponse, nack = false): void => {
        const error: JsonObject = nack ? { error_detail: { code: 3, message: 'bad endpoints' } } : {};
        d.send(protocol === 'sotw' ? { type_url: TYPE.endpoint, resource_names: ['a', 'b'], version_info: r.version, response_nonce: r.nonce, ...error } : { type_url: TYPE.endpoint, response_nonce: r.nonce, ...error });
        d.flush();
      };
      set('10.0.0.1:80');
      const [acking, nacking] = [driver(protocol, cache), driver(protocol, cache)];
      for (const d of [acking, nacking]) {
        d.send(protocol === 'sotw' ? { node: NODE, type_url: TYPE.endpoint, resource_names: ['a', 'b'] } : { node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: ['a', 'b'] });
        d.flush();
        answer(d, d.take()[0]);
      }
      set('10.0.0.9:80');
      for (const d of [acking, nacking]) d.flush();
      const [pushA, pushN] = [acking, nacking].map((d) => {
        expect(d.call.frames.filter((f) => f instanceof Buffer)).toHaveLength(1);
        return d.take()[0];
      });
      expect(pushA.nonce).toBe(pushN.nonce);
      answer(acking, pushA);
      answer(nacking, pushN, true);
      const eds = (d: Driver) => d.stream.types.get(TYPE.endpoint)!;
      const view = cache.view(GW, 'envoy')!.type(TYPE.endpoint);
      expect([eds(acking).ackedVersionOf('a'), eds(acking).inFlight, eds(acking).rejected, acking.ctx.counters.acks[TYPE.endpoint]]).toEqual([view.resources.get('a')!.version, undefined, false, 2]);
      expect(acking.nacks).toEqual([]);
      expect([eds(nacking).ackedVersionOf('a'), eds(nacking).rejected]).toEqual([view.previous!.resources.get('a')!.version, true]);
      expect(nacking.nacks.map((n) => [n.typeUrl, n.nonce, n.message])).toEqual([[TYPE.endpoint, pushN.nonce, 'bad endpoints']]);
      // The stream that ACKed is parked again: the next change reaches it as the fleet's push.
      set('10.0.0.8:80');
      acking.flush();
      expect(acking.call.frames.filter((f) => f instanceof Buffer)).toHaveLength(1);
      expect(acking.take().map((r) => names(r))).toEqual([['a']]);
    });
  }
});

describe('a request arriving while a fleet push is out', () => {
  for (const protocol of ['sotw', 'delta'] as const) {
    it(`${protocol}: waits until the round of reads is over, and is handled in order before anything else the stream does`, () => {
      const cache = new SnapshotCache({ versionPrefix: 'p' });
      const routes = [{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }];
      const set = (a: string): void => void cache.setSnapshot(GW, 'envoy', encodeSnapshot(gatewaySnapshot(routes, { a: [a], b: ['10.0.0.2:80'] })));
      const ack = (d: Driver, r: ReceivedResponse): void => d.send(protocol === 'sotw' ? { type_url: TYPE.endpoint, resource_names: ['a', 'b'], version_info: r.version, response_nonce: r.nonce } : { type_url: TYPE.endpoint, response_nonce: r.nonce });
      const endpointOf = (r: ReceivedResponse): unknown => JSON.stringify(r.resources[0].json);
      const current = (): string => cache.view(GW, 'envoy')!.type(TYPE.endpoint).resources.get('a')!.version;
      set('10.0.0.1:80');
      const d = driver(protocol, cache, undefined, { defer: true });
      const acks = (): number | undefined => d.ctx.counters.acks[TYPE.endpoint];
      d.send(protocol === 'sotw' ? { node: NODE, type_url: TYPE.endpoint, resource_names: ['a', 'b'] } : { node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: ['a', 'b'] });
      d.flush();
      // No fleet push out: handled as it arrives.
      ack(d, d.take()[0]);
      expect([d.deferred.size, acks()]).toEqual([0, 1]);

      // A change goes out as the fleet's push; its ACK waits until the round of reads is over.
      set('10.0.0.9:80');
      d.flush();
      const [push] = d.take();
      ack(d, push);
      expect([d.deferred.size, acks()]).toEqual([1, 1]);
      d.drain();
      const eds = d.stream.types.get(TYPE.endpoint)!;
      expect([acks(), eds.inFlight, eds.ackedVersionOf('a')]).toEqual([2, undefined, current()]);

      // A change before the round is over: the stream takes the ACK up first, then pushes the change.
      set('10.0.0.8:80');
      d.flush();
      const [second] = d.take();
      ack(d, second);
      set('10.0.0.7:80');
      d.flush();
      expect(acks()).toBe(3);
      const [third] = d.take();
      expect([names(third), third.nonce === second.nonce, endpointOf(third) === endpointOf(second)]).toEqual([['a'], false, false]);
      expect(eds.ackedVersionOf('a')).not.toBe(current());

      // Another request before the round is over: the one set aside is handled first.
      ack(d, third);
      set('10.0.0.6:80');
      d.flush();
      const [fourth] = d.take();
      ack(d, fourth);
      expect(acks()).toBe(4);
      d.send(protocol === 'sotw' ? { type_url: TYPE.endpoint, resource_names: ['a'], version_info: fourth.version, response_nonce: fourth.nonce } : { type_url: TYPE.endpoint, resource_names_unsubscribe: ['b'] });
      expect([acks(), eds.ackedVersionOf('a'), [...eds.names]]).toEqual([5, current(), ['a']]);
      d.drain();
      d.flush();
      expect([acks(), [...eds.names]]).toEqual([5, ['a']]);
    });
  }
});

describe('a stream subscribed by name, holding every resource of the view', () => {
  for (const protocol of ['sotw', 'delta'] as const) {
    it(`${protocol}: is not sent endpoints it did not name when only those changed`, () => {
      const cache = new SnapshotCache({ versionPrefix: 'p' });
      const routes = [{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }];
      const base = gatewaySnapshot(routes, { a: ['10.0.0.1:80'], b: ['10.0.0.2:80'] });
      cache.setSnapshot(GW, 'envoy', encodeSnapshot(base));
      const d = driver(protocol, cache);
      d.send(protocol === 'sotw' ? { node: NODE, type_url: TYPE.endpoint, resource_names: ['a', 'b'] } : { node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: ['a', 'b'] });
      d.flush();
      const [first] = d.take();
      d.send(protocol === 'sotw' ? { type_url: TYPE.endpoint, resource_names: ['a', 'b'], version_info: first.version, response_nonce: first.nonce } : { type_url: TYPE.endpoint, response_nonce: first.nonce });
      d.flush();
      // It holds the whole view; now endpoints of another name appear (endpoints only, no cluster).
      expect(d.stream.types.get(TYPE.endpoint)!.heldView).toBe(cache.view(GW, 'envoy')!.type(TYPE.endpoint).resources);
      const extra = gatewaySnapshot([...routes, { prefix: '/c', cluster: 'c' }], { a: ['10.0.0.1:80'], b: ['10.0.0.2:80'], c: ['10.0.0.3:80'] });
      cache.setSnapshot(GW, 'envoy', encodeSnapshot({ ...base, endpoints: extra.endpoints }));
      d.flush();
      expect(d.take()).toEqual([]);
      // And a change to a named one still goes out.
      cache.setSnapshot(GW, 'envoy', encodeSnapshot({ ...base, endpoints: gatewaySnapshot(routes, { a: ['10.0.0.9:80'], b: ['10.0.0.2:80'], c: ['10.0.0.3:80'] }).endpoints }));
      d.flush();
      expect(d.take().map((r) => names(r))).toEqual([['a']]);
    });
  }
});

describe('a fleet subscribing with the same names list', () => {
  it('SotW: a later stream takes the subscription the first one made from the same bytes, and can change its own', () => {
    const cache = new SnapshotCache({ versionPrefix: 'p' });
    const services = Array.from({ length: 80 }, (_, i) => `svc-${i}`);
    cache.setSnapshot(GW, 'envoy', encodeSnapshot(gatewaySnapshot(services.map((c) => ({ prefix: `/${c}`, cluster: c })))));
    const [a, b] = [driver('sotw', cache), driver('sotw', cache)];
    for (const d of [a, b]) {
      d.send({ node: NODE, type_url: TYPE.endpoint, resource_names: services });
      d.flush();
      expect(d.take().map((r) => names(r).length)).toEqual([80]);
    }
    const eds = (d: Driver) => d.stream.types.get(TYPE.endpoint)!;
    expect(eds(b).names).toBe(eds(a).names);
    expect(eds(b).namesSpan).toBe(eds(a).namesSpan);
    // B narrows its list: A's subscription is untouched.
    b.send({ type_url: TYPE.endpoint, resource_names: services.slice(0, 2), version_info: 'x', response_nonce: '1' });
    b.flush();
    expect([...eds(b).names]).toEqual(services.slice(0, 2));
    expect(eds(a).names.size).toBe(80);
  });

  it('delta: a first sync of the same names answers each stream with every one the view has, a missing one reported, and the wildcard with the whole view', () => {
    const cache = new SnapshotCache({ versionPrefix: 'p' });
    const services = Array.from({ length: 80 }, (_, i) => `svc-${i}`);
    cache.setSnapshot(GW, 'envoy', encodeSnapshot(gatewaySnapshot(services.map((c) => ({ prefix: `/${c}`, cluster: c })))));
    const view = cache.view(GW, 'envoy')!.type(TYPE.endpoint);
    const asked = [...services].reverse();
    const [a, b, c, part, w] = [driver('delta', cache), driver('delta', cache), driver('delta', cache), driver('delta', cache), driver('delta', cache)];
    for (const d of [a, b]) d.send({ node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: asked });
    part.send({ node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: asked.slice(0, 70) });
    c.send({ node: NODE, type_url: TYPE.endpoint, resource_names_subscribe: [...asked, 'gone'] });
    w.send({ node: NODE, type_url: TYPE.endpoint });
    const answer = (d: Driver): unknown[] => {
      d.flush();
      return d.take().map((r) => [r.version, r.resources.map((x) => [x.name, x.version]), [...r.removed]]);
    };
    const held = (order: string[]): [string, string][] => order.map((n) => [n, view.resources.get(n)!.version]);
    // Every resource of the view: the view's own framed body, in its order.
    expect(answer(a)).toEqual([[view.version, held(services), []]]);
    expect(answer(b)).toEqual([[view.version, held(services), []]]);
    expect(answer(c)).toEqual([[view.version, held(asked), ['gone']]]);
    // Part of the view: in the order asked.
    expect(answer(part)).toEqual([[view.version, held(asked.slice(0, 70)), []]]);
    expect(answer(w)).toEqual([[view.version, held(services), []]]);
  });
});

describe('the endpoints-only push path', () => {
  // A stream idle and in sync with the last snapshot handles an endpoints-only change without
  // visiting its other types (often by writing the fleet's shared push). Stream B here is sent a
  // request that changes nothing after every new snapshot and before the flush: it is then not idle
  // with the new snapshot, so its next reconcile is a full pass; A's is not. Both must write the
  // same responses through a random run of endpoint edits, cluster additions and removals, NACKs and
  // late ACKs. EDS is subscribed by wildcard, or by name as Envoy does (following the clusters).
  // A also sets aside requests that arrive while a fleet push is out, as under the server; they
  // are taken up before or after its next reconcile, in either order. Run again with A parked in a
  // list while idle, the change going to the list first, as in the server's flush.
  const cases = [['sotw', 'wildcard'], ['delta', 'wildcard'], ['sotw', 'by name'], ['delta', 'by name']] as const;
  for (const [protocol, eds, parked] of cases.flatMap(([p, e]) => [[p, e, false] as const, [p, e, true] as const])) {
    it(`${protocol}, EDS ${eds}${parked ? ', A parked in a list' : ''}: writes what the full pass writes`, () => {
      const byName = eds === 'by name';
      const random = seededRandom((protocol === 'sotw' ? 7 : 11) + (byName ? 100 : 0));
      const cache = new SnapshotCache({ versionPrefix: 'p' });
      let services = ['s0', 's1', 's2', 's3'];
      const addresses = new Map(services.map((s, i) => [s, `10.0.0.${i}:80`]));
      const set = (): void => {
        const routes = services.map((s) => ({ prefix: `/${s}`, cluster: s }));
        cache.setSnapshot(GW, 'envoy', encodeSnapshot(gatewaySnapshot(routes, Object.fromEntries(services.map((s) => [s, [addresses.get(s)!]])))));
      };
      set();
      const a = driver(protocol, cache, undefined, { defer: true, park: parked });
      const b = driver(protocol, cache);
      const order = seededRandom(5);
      let deferrals = 0;
      /** A's requests set aside are taken up before its reconcile, or after it (then it reconciles again if they call for it). */
      const run = (d: Driver): void => {
        if (d !== a) return d.flush();
        deferrals += a.deferred.size;
        if (order(2) === 0) {
          a.drain();
          a.flush();
        } else {
          a.flush();
          a.drain();
          a.flush();
        }
      };
      const lastNonce = new Map<Driver, Map<string, ReceivedResponse>>([[a, new Map()], [b, new Map()]]);
      /** By name: the EDS names each stream asked for last, and the last EDS response it saw. */
      const asked = new Map<Driver, string[]>();
      const lastEds = new Map<Driver, ReceivedResponse>();
      /** The EDS names fields of a request moving the subscription to the current clusters. */
      const edsNames = (d: Driver): JsonObject => {
        const before = asked.get(d) ?? [];
        asked.set(d, services);
        if (protocol === 'sotw') return { resource_names: services };
        return { resource_names_subscribe: services.filter((s) => !before.includes(s)), resource_names_unsubscribe: before.filter((s) => !services.includes(s)) };
      };
      // CDS, LDS and RDS by wildcard (an empty first request), so the subscriptions follow the Gateway.
      const subscribe = (d: Driver): void => {
        for (const [i, typeUrl] of [TYPE.cluster, TYPE.endpoint, TYPE.listener, TYPE.route].entries()) {
          d.send({ ...(i === 0 ? { node: NODE } : {}), type_url: typeUrl, ...(byName && typeUrl === TYPE.endpoint ? edsNames(d) : {}) });
        }
      };
      subscribe(a);
      subscribe(b);
      const seen: string[][] = [[], []];
      const view = (r: ReceivedResponse): string => JSON.stringify([r.typeUrl, r.version, r.resources.map((x) => [x.name, x.version ?? '', x.json]), [...r.removed].sort()]);
      /** Responses each stream wrote as one Buffer: the fleet's shared push (frames are cleared by take). */
      const fleetPushes = [0, 0];
      const record = (d: Driver): void => {
        fleetPushes[d === a ? 0 : 1] += d.call.frames.filter((f) => f instanceof Buffer).length;
        for (const r of d.take()) {
          seen[d === a ? 0 : 1].push(view(r));
          lastNonce.get(d)!.set(r.typeUrl, r);
          if (r.typeUrl === TYPE.endpoint) lastEds.set(d, r);
        }
      };
      let fastSeen = 0;
      for (let step = 0; step < 120; step++) {
        const roll = random(10);
        const changed = roll < 7 || (roll === 7 && services.length > 2);
        if (roll < 6) {
          // Now and then two edits before the streams run: they see only the second snapshot.
          for (let edits = random(4) === 0 ? 2 : 1; edits > 0; edits--) {
            const s = services[random(services.length)];
            addresses.set(s, `10.1.${step}.${edits}.${random(200)}:80`);
            set();
          }
        } else if (roll === 6) {
          const s = `s${services.length + step}`;
          services = [...services, s];
          addresses.set(s, `10.2.0.${step}:80`);
          set();
        } else if (roll === 7 && services.length > 2) {
          const gone = random(services.length);
          services = services.filter((_, i) => i !== gone);
          set();
        }
        // B's request changes nothing: CDS, subscribed from the start, restated (SotW: with a
        // stale nonce; delta: no names, no nonce).
        b.send(protocol === 'sotw' ? { type_url: TYPE.cluster, response_nonce: 'stale' } : { type_url: TYPE.cluster });
        const idleWith = (d: Driver): unknown => (d.stream as unknown as { idleWith?: unknown }).idleWith;
        const before = idleWith(a) !== undefined;
        if (changed) expect(idleWith(b)).toBeUndefined();
        run(a);
        b.flush();
        record(a);
        record(b);
        if (before) fastSeen++;
        // ACK (or now and then NACK, or leave unanswered for a step) what each stream was sent,
        // the same way for both; by name, the EDS request names the current clusters, as Envoy's
        // does once it holds them.
        const answer = random(8);
        for (const d of [a, b]) {
          for (const [typeUrl, r] of lastNonce.get(d)!) {
            if (answer === 0) continue;
            const request: JsonObject = { type_url: typeUrl, response_nonce: r.nonce };
            if (protocol === 'sotw') request['version_info'] = r.version;
            if (byName && typeUrl === TYPE.endpoint) Object.assign(request, edsNames(d));
            if (answer === 1 && typeUrl === TYPE.endpoint) request['error_detail'] = { code: 3, message: 'rejected' };
            d.send(request);
            lastNonce.get(d)!.delete(typeUrl);
          }
          // Clusters changed while no EDS response awaited an answer: Envoy asks for the new names anyway.
          const last = lastEds.get(d);
          if (byName && answer !== 0 && last && asked.get(d) !== services) {
            d.send({ type_url: TYPE.endpoint, response_nonce: last.nonce, ...(protocol === 'sotw' ? { version_info: last.version } : {}), ...edsNames(d) });
          }
          run(d);
          record(d);
        }
        expect(seen[0]).toEqual(seen[1]);
      }
      // The run went through the endpoints-only path and sent something; by name, pushes shared by
      // a fleet are among them (written as one Buffer). The full-pass stream never writes one.
      expect(fastSeen).toBeGreaterThan(10);
      expect(seen[0].length).toBeGreaterThan(40);
      if (byName) expect(fleetPushes[0]).toBeGreaterThan(5);
      if (byName) expect(deferrals).toBeGreaterThan(5);
      expect(fleetPushes[1]).toBe(0);
      // Parked, A's fleet pushes went out through its list (a few by its own pass: a change that came
      // while it had a request set aside); it holds at most the one list it is parked in.
      if (parked && fleetPushes[0] > 0) expect(a.fleets.taken.pushed).toBeGreaterThan(fleetPushes[0] / 2);
      expect(a.fleets.lists).toBeLessThanOrEqual(1);
    });
  }
});
