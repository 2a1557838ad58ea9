// Incremental (delta) protocol on one stream. Requests add and remove names; subscriptions are
// honoured whatever the nonce; each resource carries its content hash as version. A reconnecting
// client lists what it holds in initial_resource_versions: unchanged resources are skipped unless
// named in resource_names_subscribe (P14) and resources gone meanwhile are removed (P12).
import { protoRegistry } from '../codec/proto-registry.ts';
import { AdsStream, type NodeJson, type Plan } from './ads-stream.ts';
import type { EncodedResource } from './encoded-resource.ts';
import { readFields, stringField } from './proto-wire.ts';
import { TypeUrl } from './resource-types.ts';
import type { SnapshotView } from './snapshot-cache.ts';
import { NODE_TYPE, candidates, decodeStatus } from './sotw-stream.ts';
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

/** Decodes a DeltaDiscoveryRequest: flat fields off the wire, node and error_detail through the registry. */
export function decodeDeltaDiscoveryRequest(data: Uint8Array): DeltaDiscoveryRequestJson {
  const req: DeltaDiscoveryRequestJson = {};
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const subscribe: string[] = [];
  const unsubscribe: string[] = [];
  for (const f of readFields(buf)) {
    const text = (): string => buf.toString('utf8', f.payloadStart, f.end);
    switch (f.number) {
      case 1: req.node = protoRegistry().decode(NODE_TYPE, buf.subarray(f.payloadStart, f.end)); break;
      case 2: req.type_url = text(); break;
      case 3: subscribe.push(text()); break;
      case 4: unsubscribe.push(text()); break;
      case 5: {
        // map<string, string> entry: key = 1, value = 2.
        const entry = buf.subarray(f.payloadStart, f.end);
        let key = '';
        let value = '';
        for (const g of readFields(entry)) {
          if (g.number === 1) key = entry.toString('utf8', g.payloadStart, g.end);
          else if (g.number === 2) value = entry.toString('utf8', g.payloadStart, g.end);
        }
        (req.initial_resource_versions ??= {})[key] = value;
        break;
      }
      case 6: req.response_nonce = text(); break;
      case 7: req.error_detail = decodeStatus(buf.subarray(f.payloadStart, f.end)); break;
      default: break; // resource locators and other fields Tether does not use
    }
  }
  req.resource_names_subscribe = subscribe;
  req.resource_names_unsubscribe = unsubscribe;
  return req;
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
    st.applyDeltaNames(this.canonicalNames(typeUrl, req.resource_names_subscribe ?? []), req.resource_names_unsubscribe ?? [], first);
    this.schedule();
  }

  protected plan(st: TypeState, view: SnapshotView, allowRemovals: boolean, only?: ReadonlySet<string>): Plan | undefined {
    const tv = view.type(st.typeUrl);
    const send: EncodedResource[] = [];
    for (const name of only ? [...only].filter((n) => st.subscribed(n)) : candidates(st, tv.resources)) {
      const r = tv.resources.get(name);
      if (r && (st.sent.get(name) !== r.version || st.force.has(name))) send.push(r);
    }
    const removed = new Set<string>();
    // Clusters and endpoints are removed last, after listeners and routes moved on (make-before-break).
    const deferRemovals = !allowRemovals && (st.typeUrl === TypeUrl.cluster || st.typeUrl === TypeUrl.endpoint);
    let deferred = 0;
    for (const name of only ?? st.sent.keys()) {
      if (!st.sent.has(name) || tv.resources.has(name)) continue;
      if (deferRemovals) deferred++;
      else removed.add(name);
    }
    for (const name of st.removePending) if (!tv.resources.has(name)) removed.add(name);
    // Tell the client that a name it asked for does not exist, once (it stops waiting for it).
    for (const name of only ?? st.names) {
      if (st.names.has(name) && !tv.resources.has(name) && !st.sent.has(name) && !st.toldMissing.has(name)) removed.add(name);
    }
    // The first wildcard request is answered even when there is nothing, so the client stops waiting.
    const firstWildcard = !st.responded && st.wildcard;
    if (send.length === 0 && removed.size === 0 && !firstWildcard) return undefined;
    // Every resource and nothing removed (a first sync): the framed body is shared by all streams.
    const whole = send.length > 0 && send.length === tv.resources.size && removed.size === 0;
    return { resources: send, removed: [...removed], fullState: false, version: tv.version, complete: deferred === 0, ...(whole ? { sharedBody: tv.fullDeltaBody() } : {}) };
  }

  protected frame(st: TypeState, plan: Plan, nonce: string): Buffer {
    if (plan.sharedBody) return Buffer.concat([plan.sharedBody, stringField(5, nonce)]);
    return Buffer.concat([
      stringField(1, plan.version),
      ...plan.resources.map((r) => r.deltaField),
      stringField(4, st.typeUrl),
      ...plan.removed.map((name) => stringField(6, name)),
      stringField(5, nonce),
    ]);
  }
}
