// What a sticky intent is attached to: a route rule, a route, a Service (or one of its ports), a
// Gateway listener or a whole Gateway. Policy records, intents and ranking all speak of targets, so
// they live apart from each of them.

export type RouteKind = 'HTTPRoute' | 'GRPCRoute';

export type StickyTarget =
  | { level: 'rule'; route: { kind: RouteKind; namespace: string; name: string }; ruleName: string }
  | { level: 'route'; route: { kind: RouteKind; namespace: string; name: string } }
  /** `port` limits the intent to backendRefs with that Service port (FSM per-port configs). */
  | { level: 'service'; namespace: string; name: string; port?: number }
  | { level: 'listener'; gateway: { namespace: string; name: string }; listener: string }
  | { level: 'gateway'; gateway: { namespace: string; name: string } };

/** The key intents are indexed by; a Service target's port is not part of it (ranking checks it). */
export function targetKey(t: StickyTarget): string {
  switch (t.level) {
    case 'rule':
      return `rule|${t.route.kind}|${t.route.namespace}|${t.route.name}|${t.ruleName}`;
    case 'route':
      return `route|${t.route.kind}|${t.route.namespace}|${t.route.name}`;
    case 'service':
      return `service|${t.namespace}|${t.name}`;
    case 'listener':
      return `listener|${t.gateway.namespace}|${t.gateway.name}|${t.listener}`;
    case 'gateway':
      return `gateway|${t.gateway.namespace}|${t.gateway.name}`;
  }
}

export function describeTarget(t: StickyTarget): string {
  switch (t.level) {
    case 'rule':
      return `${t.route.kind} ${t.route.namespace}/${t.route.name} rule ${t.ruleName}`;
    case 'route':
      return `${t.route.kind} ${t.route.namespace}/${t.route.name}`;
    case 'service':
      return `Service ${t.namespace}/${t.name}${t.port !== undefined ? ` port ${t.port}` : ''}`;
    case 'listener':
      return `Gateway ${t.gateway.namespace}/${t.gateway.name} listener ${t.listener}`;
    case 'gateway':
      return `Gateway ${t.gateway.namespace}/${t.gateway.name}`;
  }
}
