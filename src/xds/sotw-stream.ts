// State-of-the-world protocol on one stream (ADS or a per-type service). Each request replaces the
// subscription for its type; a request whose nonce is not the latest one sent for its type is
// stale and ignored; a request with error_detail is a NACK and nothing else is. LDS and CDS
// responses carry the full set; EDS and RDS carry only what changed or was newly asked for
// (docs/xds-protocol.md#sotw-stale-nonce, #ack-nack, #sotw-full-state).
import { AdsStream } from './ads-stream.ts';
import { decodeDiscoveryRequest, namesOf } from './discovery-request.ts';
import type { EncodedResource } from './encoded-resource.ts';
import { fleetList } from './fleet-list.ts';
import { setVersion, sumOf } from './set-version.ts';
import { recentSpans, type NamesSpan } from './names-span.ts';
import { stringField, typeUrlField } from './proto-wire.ts';
import { ResponseFrame } from './response-frame.ts';
import { sameResources, sharedChangePlan, type Plan } from './response-plan.ts';
import { TypeUrl, isFullStateType } from './resource-types.ts';
import type { SnapshotView, TypeView } from './snapshot-reader.ts';
import type { TypeState } from './type-state.ts';

const SOTW_CHANGE_PLANS = new WeakMap<TypeView, Plan>();

/** What changed since the previous view, as one plan shared by every stream (and by parked lists). */
export function planSotwChange(tv: TypeView): Plan {
  return sharedChangePlan(SOTW_CHANGE_PLANS, tv, sotwChangePlan);
}

export class SotwStream extends AdsStream {
  /**
   * The names lists this stream's types hold: a request is compared with these as bytes first (a
   * match is not decoded), then with the lists the fleet sent last (recentSpans).
   */
  private heldSpans: readonly NamesSpan[] = [];

  protected handleRequest(data: Buffer, at: number): void {
    const req = decodeDiscoveryRequest(data, this.ctx.limits, this.heldSpans, recentSpans);
    this.bindNode(req.node);
    const typeUrl = this.resolveTypeUrl(req.type_url);
    if (!typeUrl) return;
    const st = this.typeState(typeUrl);
    const nonce = req.response_nonce ?? '';
    if (st.isStaleNonce(nonce)) {
      // The client has not seen our latest response yet; its next request will say what it wants.
      this.recordExpiredNonce(st);
      return;
    }
    st.noteRequest(at);
    if (st.answers(nonce)) {
      if (req.error_detail) this.recordNack(st, req.error_detail);
      else this.recordAck(st, at);
    }
    // Envoy restates every name on each ACK; the list this type holds, restated, needs no work.
    // A list another stream of the fleet applied first is taken as that stream's subscription.
    let names = req.resource_names;
    const span = req.names_span;
    if (names === undefined && span !== st.namesSpan && !(span!.applied && st.adoptSotwNames(span!.applied))) names = namesOf(span!);
    if (names !== undefined) {
      st.applySotwNames(this.canonicalNames(typeUrl, names));
      const explicit = st.sharedNames;
      if (span && explicit) span.applied ??= { explicit, wildcard: st.wildcard };
    }
    if (span !== st.namesSpan) {
      st.noteNamesSpan(span);
      this.heldSpans = [...new Set(this.states.map((t) => t?.namesSpan).filter((x) => x !== undefined))];
    }
    this.requestHandled();
  }

  protected plan(st: TypeState, view: SnapshotView, allowRemovals: boolean, only?: ReadonlySet<string>): Plan | undefined {
    const tv = view.type(st.typeUrl);
    if (isFullStateType(st.typeUrl)) {
      // A first answer to a wildcard that names nothing and holds nothing: the view's whole set
      // (what the general plan below finds, without building a set per stream).
      if (!only && st.wildcard && st.names.size === 0 && st.sent.size === 0 && st.sentResources.size === 0) {
        if (tv.resources.size === 0 && st.responded && st.force.size === 0) return undefined;
        return { resources: fleetList(tv.resources, tv), removed: [], fullState: true, version: tv.version, sharedBody: tv.fullStateBody(), whole: tv.resources, complete: true };
      }
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
      if (whole) return { resources: [...set.values()], removed: [], fullState: true, version: tv.version, sharedBody: tv.fullStateBody(), whole: tv.resources, complete };
      const version = setVersion(this.ctx.cache.versionPrefix, sumOf(set.values()));
      return { resources: [...set.values()], removed: [], fullState: true, version, complete };
    }
    // A first sync (nothing held, nothing forced) of a subscription shared by the fleet (wildcard,
    // or one shared Set of names): every subscribed resource the view has, listed once per view.
    const shared = !only && st.sent.size === 0 && st.force.size === 0 && st.implicit.size === 0 ? (st.wildcard ? tv.resources : st.sharedNames) : undefined;
    const send: readonly EncodedResource[] = shared ? fleetList(shared, tv) : this.toSend(st, tv, only);
    if (send.length === 0) return undefined;
    // Every resource (a first sync): the client then holds the view's own map. In the view's order,
    // the framed body is shared by all streams too. (Names are distinct, so as many as the view has is all of them.)
    if (send.length === tv.resources.size) {
      const body = inViewOrder(send, tv.resources) ? { sharedBody: tv.fullStateBody() } : {};
      return { resources: send, removed: [], fullState: false, version: tv.version, whole: tv.resources, complete: true, ...body };
    }
    // Exactly what changed since the view this type was in sync with: framed once for the fleet.
    if (only && sameResources(send, tv.changes().resources)) {
      // SotW EDS and RDS never remove: with a name gone, the client holds more than the new view,
      // so the response is the change's body but not the change itself.
      if (tv.changes().removed.length === 0) return this.changePlan(tv);
      return { resources: send, removed: [], fullState: false, version: tv.version, sharedBody: tv.changes().sotwBody(), complete: true };
    }
    return { resources: send, removed: [], fullState: false, version: tv.version, complete: true };
  }

  /** What changed since the previous view, as one plan shared by every stream (`only` implies a previous view). */
  protected readonly changePlan = planSotwChange;

  /** The resources this type lacks or must be sent again: of `only` when given, else of its whole subscription. */
  private toSend(st: TypeState, tv: TypeView, only: ReadonlySet<string> | undefined): EncodedResource[] {
    const send: EncodedResource[] = [];
    for (const name of only ?? st.candidates(tv.resources)) {
      if (only && !st.subscribed(name)) continue;
      const r = tv.resources.get(name);
      if (r && (st.sent.get(name) !== r.version || st.force.has(name))) send.push(r);
    }
    return send;
  }

  protected frame(st: TypeState, plan: Plan, nonceField: Buffer): ResponseFrame {
    if (plan.sharedBody) return new ResponseFrame([plan.sharedBody, nonceField]);
    const parts: Uint8Array[] = [stringField(1, plan.version)];
    for (const r of plan.resources) parts.push(r.sotwField);
    parts.push(typeUrlField(st.typeUrl), nonceField);
    return new ResponseFrame(parts);
  }
}

/** Are these the view's resources in its order? (Called with as many as the view has.) */
function inViewOrder(send: readonly EncodedResource[], resources: ReadonlyMap<string, EncodedResource>): boolean {
  let i = 0;
  for (const r of resources.values()) if (send[i++] !== r) return false;
  return true;
}

/** What changed since the previous view, as one plan for every stream. */
function sotwChangePlan(tv: TypeView): Plan {
  const changes = tv.changes();
  return { resources: changes.resources, removed: [], fullState: false, version: tv.version, sharedBody: changes.sotwBody(), complete: true, change: { from: tv.previous!.resources, to: tv.resources }, carried: changes.carried };
}
