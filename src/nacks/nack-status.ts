// Envoy rejections as route status: the one object app.ts wires between the xDS server and the
// rebuild loop. A NACK reaches route status in these hops:
//   1. xds/ads-stream.ts: a request carrying error_detail fires the `nacked` event, an ACK the
//      `acked` event (xds/xds-events.ts); app.ts passes both to this object;
//   2. nack-tracker.ts holds the NACKs in force per Gateway and resource type and reports a change;
//   3. this object tells its listener (app.ts: RebuildLoop.republish, rebuild/rebuild-loop.ts), which
//      publishes the last statuses again through decorate();
//   4. route-nacks.ts maps each NACK to the HTTPRoutes and GRPCRoutes whose resources it rejected;
//   5. nack-conditions.ts adds the `tether.dev/EnvoyRejected` condition to those routes' statuses,
//      which the source then writes (sources/source.ts `publishStatuses`).
import type { IR } from '../ir/ir.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { XdsEvents } from '../xds/xds-events.ts';
import { NackTracker } from './nack-tracker.ts';
import { routeNacks } from './route-nacks.ts';
import { withNackConditions } from './nack-conditions.ts';

type AckEvent = Parameters<NonNullable<XdsEvents['acked']>>[0];
type NackEvent = Parameters<NonNullable<XdsEvents['nacked']>>[0];

export class NackStatus {
  private readonly tracker = new NackTracker(() => this.listener());
  private listener: () => void = () => undefined;

  /** Called whenever the NACKs in force change, so the statuses can be published again. */
  onChange(listener: () => void): void {
    this.listener = listener;
  }

  /** An Envoy acknowledged a version: it clears a held NACK of another version of the same type. */
  acked(e: AckEvent): void {
    this.tracker.acked(e.stream.gateway, e.typeUrl, e.version);
  }

  /** An Envoy rejected a response. */
  nacked(e: NackEvent): void {
    this.tracker.nacked(e.nack);
  }

  /** The statuses with an EnvoyRejected condition on every route a NACK in force is about. */
  decorate(statuses: readonly ObjectStatus[], ir: IR): ObjectStatus[] {
    return withNackConditions(statuses, routeNacks(ir, this.tracker.list()));
  }
}
