// State-of-the-world protocol on one stream (ADS or a per-type service). Each request replaces the
// subscription for its type; a request whose nonce is not the latest one sent for its type is
// stale and ignored; a request with error_detail is a NACK and nothing else is. LDS and CDS
// responses carry the full set; EDS and RDS carry only what changed or was newly asked for.
import { hash } from 'node:crypto';
import { protoRegistry } from '../codec/proto-registry.ts';
import { AdsStream, type NodeJson, type Plan } from './ads-stream.ts';
import { contentHash, type EncodedResource } from './encoded-resource.ts';
import { dropField, forEachField, stringField } from './proto-wire.ts';
import { TypeUrl, isFullStateType, type ResourceTypeUrl } from './resource-types.ts';
import type { SnapshotView } from './snapshot-cache.ts';
import type { TypeState } from './type-state.ts';

export const NODE_TYPE = 'envoy.config.core.v3.Node';
export const STATUS_TYPE = 'google.rpc.Status';

export interface DiscoveryRequestJson {
  version_info?: string;
  node?: NodeJson;
  resource_names?: string[];
  /** A digest of the resource_names bytes, so a restated subscription is recognised without decoding it. */
  names_digest?: string;
  type_url?: string;
  response_nonce?: string;
  error_detail?: { code?: number; message?: string };
}

/**
 * Decodes a DiscoveryRequest. Envoy restates every subscribed name on each ACK (thousands of EDS
 * names), so the flat fields are read straight off the wire, and the names are only turned into
 * strings when their digest differs from `knownDigest(type_url)`. Node and error_detail go through
 * the proto registry. A NACK's details (Anys of any type) are dropped if they cannot be read.
 */
export function decodeDiscoveryRequest(data: Uint8Array, knownDigest?: (typeUrl: string) => string | undefined): DiscoveryRequestJson {
  const req: DiscoveryRequestJson = {};
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let nameCount = 0;
  let namesStart = -1;
  let namesEnd = -1;
  forEachField(buf, (field, start, payloadStart, end) => {
    switch (field) {
      case 1: req.version_info = buf.toString('utf8', payloadStart, end); break;
      case 2: req.node = protoRegistry().decode(NODE_TYPE, buf.subarray(payloadStart, end)); break;
      case 3:
        if (namesStart < 0) namesStart = start;
        namesEnd = end;
        nameCount++;
        break;
      case 4: req.type_url = buf.toString('utf8', payloadStart, end); break;
      case 5: req.response_nonce = buf.toString('utf8', payloadStart, end); break;
      case 6: req.error_detail = decodeStatus(buf.subarray(payloadStart, end)); break;
      default: break; // resource_locators and other fields Tether does not use
    }
  });
  // Names are written together (field order), so one digest over their span identifies the list.
  if (nameCount > 0) req.names_digest = `${nameCount}:${hash('sha1', buf.subarray(namesStart, namesEnd), 'base64')}`;
  if (req.names_digest === undefined || req.names_digest !== knownDigest?.(req.type_url ?? '')) {
    const names: string[] = [];
    forEachField(buf, (field, _start, payloadStart, end) => {
      if (field === 3) names.push(buf.toString('utf8', payloadStart, end));
    });
    req.resource_names = names;
  }
  return req;
}

/** A google.rpc.Status; its details are dropped when they hold types we cannot read. */
export function decodeStatus(data: Uint8Array): { code?: number; message?: string } {
  try {
    return protoRegistry().decode(STATUS_TYPE, data);
  } catch {
    return protoRegistry().decode(STATUS_TYPE, dropField(data, 3));
  }
}

export class SotwStream extends AdsStream {
  protected handleRequest(data: Buffer): void {
    const req = decodeDiscoveryRequest(data, (typeUrl) => this.types.get((typeUrl || this.fixedTypeUrl) as ResourceTypeUrl)?.namesDigest);
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
    // Envoy restates every name on each ACK; an unchanged list (names left undecoded) needs no work.
    if (req.resource_names !== undefined || req.names_digest === undefined) st.applySotwNames(this.canonicalNames(typeUrl, req.resource_names ?? []));
    st.namesDigest = req.names_digest;
    this.schedule();
  }

  protected plan(st: TypeState, view: SnapshotView, allowRemovals: boolean, only?: ReadonlySet<string>): Plan | undefined {
    const tv = view.type(st.typeUrl);
    if (isFullStateType(st.typeUrl)) {
      if (only && ![...only].some((name) => st.subscribed(name))) return undefined;
      const set = new Map<string, EncodedResource>();
      if (st.wildcard) for (const [name, r] of tv.resources) set.set(name, r);
      for (const name of st.names) {
        const r = tv.resources.get(name);
        if (r) set.set(name, r);
      }
      const desired = set.size;
      // Make-before-break: a cluster the client still holds stays until listeners and routes moved on.
      if (!allowRemovals && st.typeUrl === TypeUrl.cluster) {
        for (const [name, r] of st.sentResources) if (!set.has(name) && st.subscribed(name)) set.set(name, r);
      }
      const complete = set.size === desired;
      const changed = (!st.responded && st.wildcard) || st.force.size > 0 || set.size !== st.sent.size || [...set].some(([name, r]) => st.sent.get(name) !== r.version);
      if (!changed) return undefined;
      const whole = set.size === tv.resources.size && [...set.values()].every((r) => tv.resources.get(r.name) === r);
      if (whole) return { resources: [...set.values()], removed: [], fullState: true, version: tv.version, sharedBody: tv.fullStateBody(), complete };
      const version = `${this.ctx.cache.versionPrefix}-${contentHash([...set.keys()].sort().map((n) => `${n}\0${set.get(n)!.version}`).join('\n'))}`;
      return { resources: [...set.values()], removed: [], fullState: true, version, complete };
    }
    const send: EncodedResource[] = [];
    const names = only ? [...only].filter((name) => st.subscribed(name)) : candidates(st, tv.resources);
    for (const name of names) {
      const r = tv.resources.get(name);
      if (r && (st.sent.get(name) !== r.version || st.force.has(name))) send.push(r);
    }
    if (send.length === 0) return undefined;
    return { resources: send, removed: [], fullState: false, version: tv.version, complete: true };
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
  return namesAndImplicit(st);
}

function* namesAndImplicit(st: TypeState): Iterable<string> {
  yield* st.names;
  for (const name of st.implicit) if (!st.names.has(name)) yield name;
}
