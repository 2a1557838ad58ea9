// Envoy rejections as route status: the one object app.ts wires between the xDS server and the
// rebuild loop. A NACK reaches route status in these hops:
//   1. xds/ads-stream.ts: a request carrying error_detail that answers a response the stream was
//      sent fires the `nacked` event (the version and resource names are what Tether sent on that
//      stream, never what the client says), an ACK the `acked` event (xds/xds-events.ts); app.ts
//      passes both to this object;
//   2. here: NACKs from streams of Gateways that do not exist, or of responses that carried no
//      resources, are dropped; the text and node id are sanitised (nack-text.ts);
//   3. nack-tracker.ts holds the first NACK of each version in force per Gateway and resource type;
//   4. this object tells its listener, at most once per coalescing interval (app.ts:
//      RebuildLoop.republish, rebuild/rebuild-loop.ts), which publishes the last statuses again
//      through decorate();
//   5. route-nacks.ts maps each NACK to the HTTPRoutes and GRPCRoutes whose resources it rejected;
//   6. nack-conditions.ts adds the `tether.dev/EnvoyRejected` condition to those routes' statuses,
//      which the source then writes (sources/source.ts `publishStatuses`).
import type { IR } from '../ir/ir.ts';
import type { ObjectStatus } from '../status/status.ts';
import type { XdsEvents } from '../xds/xds-events.ts';
import { NackTracker } from './nack-tracker.ts';
import { sanitizeNackText } from './nack-text.ts';
import { routeNacks } from './route-nacks.ts';
import { withNackConditions } from './nack-conditions.ts';

type AckEvent = Parameters<NonNullable<XdsEvents['acked']>>[0];
type NackEvent = Parameters<NonNullable<XdsEvents['nacked']>>[0];

export interface NackStatusOptions {
  /** Does this Gateway exist (has a snapshot)? NACKs from streams naming another are dropped. */
  gatewayExists(gateway: string): boolean;
  /** Changes within this interval reach the listener once, at its end; 0 tells at once. Default 500 ms. */
  coalesceMs?: number;
}

/** Characters of Envoy's message kept in a status condition, and of the node id. */
const MAX_MESSAGE = 1024;
const MAX_NODE = 128;

export class NackStatus {
  private readonly tracker = new NackTracker(() => this.changed());
  private readonly options: NackStatusOptions;
  private listener: () => void = () => undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: NackStatusOptions) {
    this.options = options;
  }

  /** Called whenever the NACKs in force change, so the statuses can be published again. */
  onChange(listener: () => void): void {
    this.listener = listener;
  }

  /** An Envoy acknowledged a version: it clears a held NACK of another version of the same type. */
  acked(e: AckEvent): void {
    this.tracker.acked(e.stream.gateway, e.typeUrl, e.version);
  }

  /** An Envoy rejected a response it was sent. */
  nacked(e: NackEvent): void {
    const { nack } = e;
    if (nack.resourceNames.length === 0 || !this.options.gatewayExists(e.stream.gateway)) return;
    this.tracker.nacked({
      gateway: e.stream.gateway,
      typeUrl: nack.typeUrl,
      version: nack.version,
      resourceNames: nack.resourceNames,
      message: sanitizeNackText(nack.message, MAX_MESSAGE),
      node: sanitizeNackText(e.stream.nodeId, MAX_NODE),
    });
  }

  /** NACKs held now (for tests and the admin API). */
  get held(): number {
    return this.tracker.size;
  }

  /** The statuses with an EnvoyRejected condition on every route a NACK in force is about. */
  decorate(statuses: readonly ObjectStatus[], ir: IR): ObjectStatus[] {
    // Gateways gone take their NACKs with them.
    const gateways = new Set(ir.gateways.map((g) => g.name));
    this.tracker.retain((gw) => gateways.has(gw));
    return withNackConditions(statuses, routeNacks(ir, this.tracker.list()));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private changed(): void {
    const wait = this.options.coalesceMs ?? 500;
    if (wait === 0) return this.listener();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.listener();
    }, wait).unref();
  }
}
