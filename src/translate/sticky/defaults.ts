// What a sticky rule gets when nobody said otherwise, and the one place that fills it in: after the
// rule's aspects are chosen (choose-aspects.ts), `applyStickyDefaults` completes them. Readers keep
// only what the objects say. Cluster names (names.ts) spell out only what differs from these
// defaults, so changing one renames clusters.
import type { HashKeyIR, LoadBalancerIR, PolicyOrigin, SessionIR } from '../../ir/ir.ts';
import { RING_HASH_DEFAULTS } from '../../k8s/ring-hash.ts';
import { defaultCookieName, defaultHeaderName, type RuleIdentity } from './session-names.ts';
import { isHashing, type BalancerSpec, type SessionSpec } from './sticky-intent.ts';

/** A session cookie's Path when the policy sets none. Envoy also uses it to filter requests. */
export const DEFAULT_COOKIE_PATH = '/';

/** How a sticky cluster balances unless a policy says otherwise (a session needs a hash). */
export const DEFAULT_RING_HASH: Extract<LoadBalancerIR, { type: 'ring-hash' }> = { type: 'ring-hash', ...RING_HASH_DEFAULTS };

/** Hash keys of a hash-only rule (no session) whose policy names none: the client address. */
export const DEFAULT_HASH_KEYS: readonly HashKeyIR[] = [{ type: 'source-ip', terminal: false }];

/**
 * Hash key of a session rule whose policy names none: the session's own value. A request without a
 * session then has no key, so the ring is sampled at random by weight and new sessions follow the
 * backends' weights (hashing them on the client address would bunch every client behind one NAT
 * address on one endpoint). A session whose endpoint is gone hashes its old value to the same new
 * endpoint on every Envoy replica. The cookie key has no TTL: with one, Envoy would generate a
 * second cookie for clients that have none.
 */
export function sessionHashKeys(session: SessionIR): HashKeyIR[] {
  return session.type === 'cookie' ? [{ type: 'cookie', name: session.name, terminal: false }] : [{ type: 'header', name: session.name, terminal: false }];
}

/** Sticky clusters keep existing sessions on DRAINING endpoints unless a policy drops them. */
export const DEFAULT_KEEP_SESSIONS_ON_DRAINING = true;

/** The aspects chosen for one rule, as the winning intents wrote them. */
export interface ChosenSettings {
  session?: { spec: SessionSpec; origin: PolicyOrigin };
  strict?: boolean;
  draining?: 'keep' | 'drop';
  balancer?: BalancerSpec;
}

/** A rule's stickiness with every default filled in. Fresh objects: callers may keep or adjust them. */
export interface StickySettings {
  session?: SessionIR;
  loadBalancer: LoadBalancerIR;
  /** Present whenever `loadBalancer` hashes. */
  hashKeys?: HashKeyIR[];
  keepSessionsOnDraining: boolean;
  /** A session or hash is in force: the rule's backends share one cluster. */
  sticky: boolean;
}

export function applyStickyDefaults(chosen: ChosenSettings, rule: RuleIdentity): StickySettings {
  let session: SessionIR | undefined;
  if (chosen.session) {
    const s = chosen.session.spec;
    const strict = chosen.strict ?? false;
    const origin = { ...chosen.session.origin };
    session =
      s.type === 'cookie'
        ? {
            type: 'cookie',
            name: s.name ?? defaultCookieName(rule),
            path: s.path ?? DEFAULT_COOKIE_PATH,
            ...(s.ttlSeconds !== undefined ? { ttlSeconds: s.ttlSeconds } : {}),
            ...(s.ttlSeconds !== undefined && s.envoyExpiry ? { envoyExpiry: true as const } : {}),
            attributes: s.attributes.map((a) => ({ ...a })),
            ...(s.secure !== undefined ? { secure: s.secure } : {}),
            ...(s.sameSite !== undefined ? { sameSite: s.sameSite } : {}),
            strict,
            origin,
          }
        : { type: 'header', name: (s.name ?? defaultHeaderName(rule)).toLowerCase(), strict, origin };
  }
  const balancer = chosen.balancer;
  let loadBalancer: LoadBalancerIR = balancer?.loadBalancer ?? { type: 'round-robin' };
  if (session && !isHashing(loadBalancer)) loadBalancer = DEFAULT_RING_HASH;
  const sticky = session !== undefined || isHashing(loadBalancer);
  const out: StickySettings = {
    loadBalancer: { ...loadBalancer },
    keepSessionsOnDraining: sticky && (chosen.draining !== undefined ? chosen.draining === 'keep' : DEFAULT_KEEP_SESSIONS_ON_DRAINING),
    sticky,
  };
  if (session) out.session = session;
  if (isHashing(loadBalancer)) {
    const keys = balancer && balancer.hashKeys.length > 0 ? balancer.hashKeys : session ? sessionHashKeys(session) : DEFAULT_HASH_KEYS;
    out.hashKeys = keys.map((k) => ({ ...k }));
  }
  return out;
}
