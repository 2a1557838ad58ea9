// What a sticky rule gets when nobody said otherwise. Every user-facing sticky default has its home
// here; cluster names (names.ts) spell out only what differs from these, so changing one renames
// clusters.
import type { HashKeyIR, LoadBalancerIR } from '../../ir/ir.ts';

/** A session cookie's Path when the policy sets none. Envoy also uses it to filter requests. */
export const DEFAULT_COOKIE_PATH = '/';

/** How a sticky cluster balances unless a policy says otherwise (a session needs a hash). */
export const DEFAULT_RING_HASH: Extract<LoadBalancerIR, { type: 'ring-hash' }> = { type: 'ring-hash', minimumRingSize: 1024, maximumRingSize: 8388608 };

/** Hash keys of a hashing rule whose policy names none: the client address. */
export const DEFAULT_HASH_KEYS: readonly HashKeyIR[] = [{ type: 'source-ip', terminal: false }];

/** Sticky clusters keep existing sessions on DRAINING endpoints unless a policy drops them. */
export const DEFAULT_KEEP_SESSIONS_ON_DRAINING = true;
