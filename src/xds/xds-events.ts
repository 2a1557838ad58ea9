// Observability hooks: the admin API builds /metrics and /debug/clients from these events and from
// AdsServer.clients() / AdsServer.counters(). Every hook is optional and must not throw.
import type { ClientVariant, XdsProtocol } from './resource-types.ts';

/** Who is on the other end of a stream. */
export interface StreamInfo {
  readonly id: number;
  readonly nodeId: string;
  /** node.cluster: the Gateway key `namespace/name`. */
  readonly gateway: string;
  readonly variant: ClientVariant;
  readonly protocol: XdsProtocol;
  readonly peer: string;
  /** ISO time the stream was bound to its node. */
  readonly connectedAt: string;
  /** False when node.cluster names no Gateway we know; the client gets an empty config. */
  readonly knownGateway: boolean;
}

/** A rejected response, as the client reported it. */
export interface NackRecord {
  readonly at: string;
  readonly nodeId: string;
  readonly gateway: string;
  readonly typeUrl: string;
  /** The version_info (SotW) or system version (delta) of the rejected response. */
  readonly version: string;
  readonly nonce: string;
  readonly code: number;
  readonly message: string;
  /** Names carried by the rejected response (the client's message usually says which one failed). */
  readonly resourceNames: readonly string[];
}

export interface PushEvent {
  readonly stream: StreamInfo;
  readonly typeUrl: string;
  readonly resources: number;
  readonly removed: number;
  /** Bytes of the response message. */
  readonly bytes: number;
  /** From the snapshot change (or the request that asked) to the response handed to gRPC. */
  readonly queuedMs: number;
  /** From the snapshot change (or the request that asked) to the response written to the connection. */
  readonly latencyMs: number;
}

/**
 * The event of a response written now, carrying `plan`'s resources and removals: `since` is when
 * its change (or the request that asked) came, `queuedMs` how long after that it was handed over.
 */
export function pushEvent(stream: StreamInfo, typeUrl: string, plan: { readonly resources: readonly unknown[]; readonly removed: readonly unknown[] }, bytes: number, queuedMs: number, since: number): PushEvent {
  return { stream, typeUrl, resources: plan.resources.length, removed: plan.removed.length, bytes, queuedMs, latencyMs: performance.now() - since };
}

export interface XdsEvents {
  streamOpened?(stream: StreamInfo): void;
  streamClosed?(stream: StreamInfo): void;
  /** A response was written to its connection (fires when HTTP/2 accepted the bytes). */
  pushed?(event: PushEvent): void;
  acked?(event: { stream: StreamInfo; typeUrl: string; version: string; latencyMs: number }): void;
  nacked?(event: { stream: StreamInfo; nack: NackRecord }): void;
  /** A SotW request carried a nonce older than the last response of its type; it was ignored. */
  expiredNonce?(event: { stream: StreamInfo; typeUrl: string }): void;
  unknownGateway?(event: { nodeId: string; gateway: string }): void;
  /** A stream asked for a Gateway its client certificate does not name; it was refused. */
  denied?(event: { nodeId: string; gateway: string; reason: string }): void;
}

/** Running totals since start, by type URL where it matters. */
export interface XdsCounters {
  streamsOpened: number;
  streamsClosed: number;
  streamsRefused: number;
  /** Streams refused with PERMISSION_DENIED: node.cluster not the Gateway the client certificate names. */
  streamsDenied: number;
  pushes: Record<string, number>;
  pushBytes: Record<string, number>;
  acks: Record<string, number>;
  nacks: Record<string, number>;
  expiredNonces: Record<string, number>;
  /** Writes that hit HTTP/2 back-pressure (the stream then waits for 'drain'). */
  backPressured: number;
}

export function emptyCounters(): XdsCounters {
  return { streamsOpened: 0, streamsClosed: 0, streamsRefused: 0, streamsDenied: 0, pushes: {}, pushBytes: {}, acks: {}, nacks: {}, expiredNonces: {}, backPressured: 0 };
}

export function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}
