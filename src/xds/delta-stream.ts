// Incremental (delta) protocol on one stream. Requests add and remove names; subscriptions are
// honoured whatever the nonce; each resource carries its content hash as version. A reconnecting
// client lists what it holds in initial_resource_versions: unchanged resources are skipped unless
// named in resource_names_subscribe and resources gone meanwhile are removed
// (docs/xds-protocol.md#delta-nonce, #delta-reconnect, #delta-subscribe-always-sent).
import { status } from '@grpc/grpc-js';
import { AdsStream } from './ads-stream.ts';
import { decodeDeltaDiscoveryRequest, namesOf } from './discovery-request.ts';
import type { EncodedResource } from './encoded-resource.ts';
import { fleetList } from './fleet-list.ts';
import { recentSpans } from './names-span.ts';
import { stringField, typeUrlField } from './proto-wire.ts';
import { ResponseFrame } from './response-frame.ts';
import { sameResources, sharedChangePlan, type Plan } from './response-plan.ts';
import { TypeUrl, typeShortName } from './resource-types.ts';
import { StreamError } from './stream-error.ts';
import type { SnapshotView, TypeView } from './snapshot-reader.ts';
import type { TypeState } from './type-state.ts';

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

const DELTA_CHANGE_PLANS = new WeakMap<TypeView, Plan>();

/** What changed since the previous view, as one plan shared by every stream (and by parked lists). */
export function planDeltaChange(tv: TypeView): Plan {
  return sharedChangePlan(DELTA_CHANGE_PLANS, tv, deltaChangePlan);
}

export class DeltaStream extends AdsStream {
  protected handleRequest(data: Buffer, at: number): void {
    const req = decodeDeltaDiscoveryRequest(data, this.ctx.limits, recentSpans);
    this.bindNode(req.node);
    const typeUrl = this.resolveTypeUrl(req.type_url);
    if (!typeUrl) return;
    const st = this.typeState(typeUrl);
    const first = !st.requested;
    st.noteRequest(at);
    if (first && req.initial_resource_versions) st.restoreHeld(req.initial_resource_versions, this.currentView().type(typeUrl).resources);
    const nonce = req.response_nonce ?? '';
    if (nonce !== '') {
      if (st.answers(nonce)) {
        if (req.error_detail) this.recordNack(st, req.error_detail);
        else this.recordAck(st, at);
      } else {
        this.recordExpiredNonce(st);
      }
    }
    // A large list another stream of the fleet applied first is taken as that stream's subscription.
    const span = req.subscribe_span;
    const unsubscribe = req.resource_names_unsubscribe ?? [];
    if (!(span?.applied && unsubscribe.length === 0 && st.adoptDeltaNames(span.applied))) {
      const fresh = st.names.size === 0 && !st.wildcard && unsubscribe.length === 0;
      st.applyDeltaNames(this.canonicalNames(typeUrl, req.resource_names_subscribe ?? namesOf(span!)), unsubscribe, first);
      const explicit = st.sharedNames;
      if (span && fresh && explicit) span.applied ??= { explicit, wildcard: st.wildcard };
    }
    // Subscriptions add up over requests: the sum is bounded like a SotW request's list.
    const limit = this.ctx.limits.maxSubscribedNames;
    if (st.names.size > limit) throw new StreamError(status.RESOURCE_EXHAUSTED, `request refused: more than ${limit} names subscribed for ${typeShortName(typeUrl)} on one stream (limit of this server)`);
    this.requestHandled();
  }

  protected plan(st: TypeState, view: SnapshotView, allowRemovals: boolean, only?: ReadonlySet<string>): Plan | undefined {
    const tv = view.type(st.typeUrl);
    const first = this.firstSyncPlan(st, tv, only);
    if (first !== false) return first;
    const send: EncodedResource[] = [];
    for (const name of only ?? st.candidates(tv.resources)) {
      if (only && !st.subscribed(name)) continue;
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
    // Tell the client that a name it asked for does not exist, once (it stops waiting for it;
    // docs/xds-protocol.md#missing-names).
    for (const name of only ?? st.names) {
      if (st.names.has(name) && !tv.resources.has(name) && !st.sent.has(name) && !st.toldMissing.has(name)) removed.add(name);
    }
    // The first wildcard request is answered even when there is nothing, so the client stops waiting.
    const firstWildcard = !st.responded && st.wildcard;
    if (send.length === 0 && removed.size === 0 && !firstWildcard) return undefined;
    // Every resource and nothing removed (a first sync): the framed body is shared by all streams.
    const whole = send.length > 0 && send.length === tv.resources.size && removed.size === 0;
    if (whole) return { resources: send, removed: [], fullState: false, version: tv.version, complete: deferred === 0, sharedBody: tv.fullDeltaBody(), whole: tv.resources };
    const removedNames = [...removed];
    // Exactly what changed since the view this type was in sync with: framed once for the fleet.
    const shared = only !== undefined && sameResources(send, tv.changes().resources) && sameNames(removedNames, tv.changes().removed);
    if (shared) {
      if (deferred === 0) return this.changePlan(tv);
      return { resources: send, removed: removedNames, fullState: false, version: tv.version, complete: false, sharedBody: tv.changes().deltaBody() };
    }
    return { resources: send, removed: removedNames, fullState: false, version: tv.version, complete: deferred === 0 };
  }

  /**
   * A first sync (nothing held, forced, waiting for removal or reported missing) of a subscription
   * shared by the fleet: the wildcard alone, one shared Set of names, or the shared Set of names
   * pushed unasked after a first CDS response, the view having every one of them. The plan is the
   * view's resources for it, listed once per view for every stream, with nothing removed: what the
   * general plan finds, without its loops over every name. False when this is not such a sync.
   */
  private firstSyncPlan(st: TypeState, tv: TypeView, only: ReadonlySet<string> | undefined): Plan | undefined | false {
    if (only || st.sent.size > 0 || st.force.size > 0 || st.removePending.size > 0 || st.toldMissing.size > 0) return false;
    // Names pushed unasked are such a subscription only when they are all there is (after a first CDS response).
    const unasked = st.implicit.size > 0;
    if (unasked && (st.wildcard || st.names.size > 0)) return false;
    const shared = unasked ? st.sharedImplicit : st.wildcard ? (st.names.size === 0 ? tv.resources : undefined) : st.sharedNames;
    if (!shared) return false;
    const send = fleetList(shared, tv);
    // A name the view lacks is reported missing: the general plan does that.
    if (send.length !== shared.size) return false;
    if (send.length === 0) return !st.responded && st.wildcard ? { resources: send, removed: [], fullState: false, version: tv.version, complete: true } : undefined;
    if (send.length === tv.resources.size) return { resources: send, removed: [], fullState: false, version: tv.version, complete: true, sharedBody: tv.fullDeltaBody(), whole: tv.resources };
    return { resources: send, removed: [], fullState: false, version: tv.version, complete: true };
  }

  protected readonly changePlan = planDeltaChange;

  protected frame(st: TypeState, plan: Plan, nonceField: Buffer): ResponseFrame {
    if (plan.sharedBody) return new ResponseFrame([plan.sharedBody, nonceField]);
    const parts: Uint8Array[] = [stringField(1, plan.version)];
    for (const r of plan.resources) parts.push(r.deltaField);
    parts.push(typeUrlField(st.typeUrl));
    for (const name of plan.removed) parts.push(stringField(6, name));
    parts.push(nonceField);
    return new ResponseFrame(parts);
  }
}

/** What changed since the previous view, as one plan for every stream. */
function deltaChangePlan(tv: TypeView): Plan {
  const changes = tv.changes();
  return { resources: changes.resources, removed: changes.removed, fullState: false, version: tv.version, sharedBody: changes.deltaBody(), complete: true, change: { from: tv.previous!.resources, to: tv.resources }, carried: changes.carried };
}
