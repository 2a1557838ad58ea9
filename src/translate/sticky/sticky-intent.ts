// The normalised form every sticky dialect is read into before precedence is applied: what an object
// asks for (session, strict, draining, balancer) and what it is attached to. Resolution then picks,
// aspect by aspect, the most specific intent (rule > route > Service > listener > Gateway) and, at
// the same level, the strongest dialect (Gateway API > SessionPolicy > vendor).
import type { HashKeyIR, LoadBalancerIR, PolicyOrigin } from '../../ir/ir.ts';
import type { PolicyRecord } from './policy-record.ts';

export type RouteKind = 'HTTPRoute' | 'GRPCRoute';

export type StickyTarget =
  | { level: 'rule'; route: { kind: RouteKind; namespace: string; name: string }; ruleName: string }
  | { level: 'route'; route: { kind: RouteKind; namespace: string; name: string } }
  /** `port` limits the intent to backendRefs with that Service port (FSM per-port configs). */
  | { level: 'service'; namespace: string; name: string; port?: number }
  | { level: 'listener'; gateway: { namespace: string; name: string }; listener: string }
  | { level: 'gateway'; gateway: { namespace: string; name: string } };

export const LEVEL_RANK: Record<StickyTarget['level'], number> = { rule: 0, route: 1, service: 2, listener: 3, gateway: 4 };

export type StickyDialect = 'gateway-api' | 'session-policy' | 'vendor';
export const DIALECT_RANK: Record<StickyDialect, number> = { 'gateway-api': 0, 'session-policy': 1, vendor: 2 };

/** A session before its default name is filled in (names default per route rule). */
export type SessionSpec =
  | { type: 'cookie'; name?: string; path: string; ttlSeconds?: number; attributes: { name: string; value: string }[] }
  | { type: 'header'; name?: string };

export interface BalancerSpec {
  loadBalancer: LoadBalancerIR;
  /** Hash keys; empty means the default (client address). */
  hashKeys: HashKeyIR[];
}

export interface StickyIntent {
  target: StickyTarget;
  dialect: StickyDialect;
  /** The object that asked, for status; absent for a route rule's own sessionPersistence. */
  record?: PolicyRecord;
  origin: PolicyOrigin;
  session?: SessionSpec;
  strict?: boolean;
  draining?: 'keep' | 'drop';
  balancer?: BalancerSpec;
  /** Same-class policies on the same target with identical settings: applied together with this one. */
  twins?: PolicyRecord[];
  /** Order among equals: the object's creationTimestamp then `ns/name`. */
  age: string;
}

export function isHashing(lb: LoadBalancerIR): boolean {
  return lb.type === 'ring-hash' || lb.type === 'maglev';
}

/** Canonical text of what an intent asks for, to tell identical policies from conflicting ones. */
export function settingsKey(i: Pick<StickyIntent, 'session' | 'strict' | 'draining' | 'balancer'>): string {
  return JSON.stringify([i.session ?? null, i.strict ?? null, i.draining ?? null, i.balancer ?? null]);
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

export function describeOrigin(o: PolicyOrigin): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}${o.field ? ` ${o.field}` : ''}`;
}
