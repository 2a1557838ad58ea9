// Envoy's ring hash sizes: the defaults of RingHashLbConfig's minimum_ring_size and
// maximum_ring_size, and the upper bound its validation rules allow for both. Every dialect that
// leaves a size unset gets these, and translate/sticky/defaults.ts builds the default sticky
// balancer from them, so parsed policies and defaulted rules can never disagree (cluster names
// spell out sizes that differ from the default).

/** The largest ring size Envoy accepts (RingHashLbConfig's validation rules). */
export const MAX_RING_SIZE = 8388608;

export const RING_HASH_DEFAULTS = { minimumRingSize: 1024, maximumRingSize: MAX_RING_SIZE } as const;
