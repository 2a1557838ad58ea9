// Incremental (delta) protocol on one stream. Requests add and remove names; subscriptions are
// honoured whatever the nonce; each resource carries its content hash as version. A reconnecting
// client lists what it holds in initial_resource_versions: unchanged resources are skipped unless
// named in resource_names_subscribe (P14) and resources gone meanwhile are removed (P12).
import { MessageType, protoRegistry } from '../envoy/proto-registry.ts';
import { AdsStream, type NodeJson, type Plan } from './ads-stream.ts';
import type { EncodedResource } from './encoded-resource.ts';
import { dropSubField, stringField } from './proto-wire.ts';
import { TypeUrl } from './resource-types.ts';
import type { SnapshotView } from './snapshot-cache.ts';
import { candidates } from './sotw-stream.ts';
import type { TypeState } from './type-state.ts';

export interface DeltaDiscoveryRequestJson {
  node?: NodeJson;
  type_url?: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string>;
  response_nonce?: string;
  error_detail?: { code?: number; message?: string };
}

export function decodeDeltaDiscoveryRequest(data: Uint8Array): DeltaDiscoveryRequestJson {
  try {
    return protoRegistry().decode(MessageType.deltaDiscoveryRequest, data);
  } catch {
    return protoRegistry().decode(MessageType.deltaDiscoveryRequest, dropSubField(data, 7, 3));
  }
}

export class DeltaStream extends AdsStream {
  protected handleRequest(data: Buffer): void {
    const req = decodeDeltaDiscoveryRequest(data);
    this.bindNode(req.node);
    const typeUrl = this.resolveTypeUrl(req.type_url);
    if (!typeUrl) return;
    const st = this.typeState(typeUrl);
    const first = !st.requested;
    st.requested = true;
    st.lastRequestAt = performance.now();
    if (first && req.initial_resource_versions) {
      for (const [name, version] of Object.entries(req.initial_resource_versions)) st.sent.set(name, version);
    }
    const nonce = req.response_nonce ?? '';
    if (nonce !== '') {
      if (st.inFlight && nonce === st.inFlight.nonce) {
        if (req.error_detail) this.recordNack(st, req.error_detail);
        else this.recordAck(st);
      } else {
        this.recordExpiredNonce(st);
      }
    }
    st.applyDeltaNames(req.resource_names_subscribe ?? [], req.resource_names_unsubscribe ?? [], first);
    this.schedule();
  }

  protected plan(st: TypeState, view: SnapshotView, allowRemovals: boolean): Plan | undefined {
    const tv = view.type(st.typeUrl);
    const send: EncodedResource[] = [];
    for (const name of candidates(st, tv.resources)) {
      const r = tv.resources.get(name);
      if (r && (st.sent.get(name) !== r.version || st.force.has(name))) send.push(r);
    }
    const removed = new Set<string>();
    // Clusters and endpoints are removed last, after listeners and routes moved on (make-before-break).
    const deferRemovals = !allowRemovals && (st.typeUrl === TypeUrl.cluster || st.typeUrl === TypeUrl.endpoint);
    if (!deferRemovals) {
      for (const name of st.sent.keys()) if (!tv.resources.has(name)) removed.add(name);
    }
    for (const name of st.removePending) if (!tv.resources.has(name)) removed.add(name);
    // Tell the client that a name it asked for does not exist, once (it stops waiting for it).
    for (const name of st.names) {
      if (!tv.resources.has(name) && !st.sent.has(name) && !st.toldMissing.has(name)) removed.add(name);
    }
    // The first wildcard request is answered even when there is nothing, so the client stops waiting.
    const firstWildcard = !st.responded && st.wildcard;
    if (send.length === 0 && removed.size === 0 && !firstWildcard) return undefined;
    return { resources: send, removed: [...removed], fullState: false, version: tv.version };
  }

  protected frame(st: TypeState, plan: Plan, nonce: string): Buffer {
    return Buffer.concat([
      stringField(1, plan.version),
      ...plan.resources.map((r) => r.deltaField),
      stringField(4, st.typeUrl),
      ...plan.removed.map((name) => stringField(6, name)),
      stringField(5, nonce),
    ]);
  }
}
