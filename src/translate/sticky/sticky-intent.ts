// The normalised form every sticky dialect is read into before precedence is applied: what an object
// asks for (session, strict, draining, balancer) and what it is attached to. Only what the object
// says: defaults are filled in later, once per rule (defaults.ts). Ranking (intent-ranking.ts) then
// orders the intents that reach a rule and choose-aspects.ts takes each aspect from the first that
// sets it.
import type { HashKeyIR, LoadBalancerIR, PolicyOrigin } from '../../ir/ir.ts';
import type { PolicyRecord } from './policy-record.ts';
import type { StickyTarget } from './sticky-target.ts';

export type StickyDialect = 'gateway-api' | 'session-policy' | 'vendor';

/** A session as asked for: name and cookie Path default later, per route rule (defaults.ts). */
export type SessionSpec =
  | { type: 'cookie'; name?: string; path?: string; ttlSeconds?: number; envoyExpiry?: true; attributes: { name: string; value: string }[]; secure?: boolean; sameSite?: 'Strict' | 'Lax' | 'None' }
  | { type: 'header'; name?: string };

export interface BalancerSpec {
  loadBalancer: LoadBalancerIR;
  /** Hash keys; empty means the default (defaults.ts). */
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

export function describeOrigin(o: PolicyOrigin): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}${o.field ? ` ${o.field}` : ''}`;
}
