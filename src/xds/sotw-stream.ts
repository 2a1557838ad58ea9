// State-of-the-world protocol on one stream (ADS or a per-type service). Each request replaces the
// subscription for its type; a request whose nonce is not the latest one sent for its type is
// stale and ignored; a request with error_detail is a NACK and nothing else is. LDS and CDS
// responses carry the full set; EDS and RDS carry only what changed or was newly asked for.
import { MessageType, protoRegistry } from '../envoy/proto-registry.ts';
import { AdsStream, type NodeJson, type Plan } from './ads-stream.ts';
import { contentHash, type EncodedResource } from './encoded-resource.ts';
import { dropSubField, stringField } from './proto-wire.ts';
import { TypeUrl, isFullStateType } from './resource-types.ts';
import type { SnapshotView } from './snapshot-cache.ts';
import type { TypeState } from './type-state.ts';

export interface DiscoveryRequestJson {
  version_info?: string;
  node?: NodeJson;
  resource_names?: string[];
  type_url?: string;
  response_nonce?: string;
  error_detail?: { code?: number; message?: string };
}

/** Decodes a DiscoveryRequest; a NACK's details (Anys of any type) are dropped if they cannot be read. */
export function decodeDiscoveryRequest(data: Uint8Array): DiscoveryRequestJson {
  try {
    return protoRegistry().decode(MessageType.discoveryRequest, data);
  } catch {
    return protoRegistry().decode(MessageType.discoveryRequest, dropSubField(data, 6, 3));
  }
}

export class SotwStream extends AdsStream {
  protected handleRequest(data: Buffer): void {
    const req = decodeDiscoveryRequest(data);
    this.bindNode(req.node);
    const typeUrl = this.resolveTypeUrl(req.type_url);
    if (!typeUrl) return;
    const st = this.typeState(typeUrl);
    const nonce = req.response_nonce ?? '';
    if (st.lastNonce !== undefined && nonce !== st.lastNonce) {
      // The client has not seen our latest response yet; its next request will say what it wants.
      this.recordExpiredNonce(st);
      return;
    }
    st.lastRequestAt = performance.now();
    if (st.inFlight && nonce === st.inFlight.nonce) {
      if (req.error_detail) this.recordNack(st, req.error_detail);
      else this.recordAck(st);
    }
    st.requested = true;
    st.applySotwNames(req.resource_names ?? []);
    this.schedule();
  }

  protected plan(st: TypeState, view: SnapshotView, allowRemovals: boolean): Plan | undefined {
    const tv = view.type(st.typeUrl);
    if (isFullStateType(st.typeUrl)) {
      const set = new Map<string, EncodedResource>();
      if (st.wildcard) for (const [name, r] of tv.resources) set.set(name, r);
      for (const name of st.names) {
        const r = tv.resources.get(name);
        if (r) set.set(name, r);
      }
      // Make-before-break: a cluster the client still holds stays until listeners and routes moved on.
      if (!allowRemovals && st.typeUrl === TypeUrl.cluster) {
        for (const [name, r] of st.sentResources) if (!set.has(name) && st.subscribed(name)) set.set(name, r);
      }
      const changed = (!st.responded && st.wildcard) || st.force.size > 0 || set.size !== st.sent.size || [...set].some(([name, r]) => st.sent.get(name) !== r.version);
      if (!changed) return undefined;
      const whole = set.size === tv.resources.size && [...set.values()].every((r) => tv.resources.get(r.name) === r);
      if (whole) return { resources: [...set.values()], removed: [], fullState: true, version: tv.version, sharedBody: tv.fullStateBody() };
      const version = `${this.ctx.cache.versionPrefix}-${contentHash([...set.keys()].sort().map((n) => `${n}\0${set.get(n)!.version}`).join('\n'))}`;
      return { resources: [...set.values()], removed: [], fullState: true, version };
    }
    const send: EncodedResource[] = [];
    for (const name of candidates(st, tv.resources)) {
      const r = tv.resources.get(name);
      if (r && (st.sent.get(name) !== r.version || st.force.has(name))) send.push(r);
    }
    if (send.length === 0) return undefined;
    return { resources: send, removed: [], fullState: false, version: tv.version };
  }

  protected frame(st: TypeState, plan: Plan, nonce: string): Buffer {
    const nonceField = stringField(5, nonce);
    if (plan.sharedBody) return Buffer.concat([plan.sharedBody, nonceField]);
    return Buffer.concat([stringField(1, plan.version), ...plan.resources.map((r) => r.sotwField), stringField(4, st.typeUrl), nonceField]);
  }
}

/** Names a type's subscription covers: every resource for wildcard, else the named ones. */
export function candidates(st: TypeState, resources: ReadonlyMap<string, EncodedResource>): Iterable<string> {
  if (st.wildcard) return resources.keys();
  if (st.implicit.size === 0) return st.names;
  return new Set([...st.names, ...st.implicit]);
}
