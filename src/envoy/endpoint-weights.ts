// How a weighted traffic split between backends reaches a consistent-hash load balancer.
//
// A sticky rule's backends share one cluster, one locality per backend, weighted (say 70/30). For
// round robin and the other non-hash policies the locality weights do the split: Envoy's locality
// weighted balancing picks a locality by weight, and gRPC's xds_wrr_locality does the same.
//
// Ring hash and Maglev are different. Envoy builds its ring from per-host weights; it applies
// locality weights only when the hash policy itself enables locality weighted balancing (a newer
// field older Envoys ignore). gRPC's ring_hash multiplies each endpoint's weight by its locality's
// weight and does not divide by the number of endpoints, so 70/30 over one and three endpoints would
// come out 70:90 there. The encoding both read the same way: every locality gets weight 1 and each
// endpoint carries its locality's share divided by the number of endpoints able to take new
// sessions (HEALTHY ones) in that locality. Then a host's share of the ring, on Envoy and on gRPC,
// is (locality weight / total) / (healthy endpoints of that locality), and 70/30 splits new sessions
// 70/30 whatever the endpoint counts.
import type { ClusterIR, LocalityIR, LoadBalancerIR } from '../ir/ir.ts';

/**
 * Envoy: the endpoint weights of one locality must sum to at most 2^32 - 1. Tether keeps the sum over
 * the whole cluster under that bound, which also covers the per-locality rule.
 */
const MAX_WEIGHT_SUM = 0xffff_ffff;

export function isHashLoadBalancer(lb: LoadBalancerIR): boolean {
  return lb.type === 'ring-hash' || lb.type === 'maglev';
}

/**
 * Localities Envoy is told about: those with endpoints and a positive weight, plus, in a sticky
 * cluster, weight-0 ones (a backend a canary turned down keeps its pinned sessions; endpoint.ts
 * sends its endpoints as DRAINING).
 */
export function servedLocalities(cluster: ClusterIR): LocalityIR[] {
  return cluster.localities.filter((l) => l.endpoints.length > 0 && (l.weight > 0 || cluster.sticky));
}

/**
 * Per served locality, the weight each of its endpoints carries (undefined for a weight-0 locality,
 * whose endpoints are all DRAINING and off the ring); undefined as a whole when endpoints need no
 * weights (fewer than two weighted localities, a non-hash policy, or every endpoint would get the
 * same weight).
 */
export function hashEndpointWeights(cluster: ClusterIR): (number | undefined)[] | undefined {
  if (!isHashLoadBalancer(cluster.loadBalancer)) return undefined;
  const served = servedLocalities(cluster);
  const localities = served.filter((l) => l.weight > 0);
  if (localities.length < 2) return undefined;
  const healthy = localities.map((l) => Math.max(1, l.endpoints.filter((e) => e.health === 'HEALTHY').length));
  const weights = exactWeights(localities, healthy) ?? approximateWeights(localities, healthy);
  if (weights.every((w) => w === weights[0])) return undefined;
  let next = 0;
  return served.map((l) => (l.weight > 0 ? weights[next++] : undefined));
}

/** weight_i · lcm(healthy) / healthy_i, reduced; undefined when too large for Envoy. */
function exactWeights(localities: LocalityIR[], healthy: number[]): number[] | undefined {
  const multiple = healthy.reduce(lcm, 1);
  if (!Number.isFinite(multiple)) return undefined;
  const raw = localities.map((l, i) => (l.weight * multiple) / healthy[i]);
  if (!raw.every((w) => Number.isSafeInteger(w))) return undefined;
  const divisor = raw.reduce(gcd);
  const weights = raw.map((w) => w / divisor);
  return weightSum(localities, weights) <= MAX_WEIGHT_SUM ? weights : undefined;
}

/**
 * The same shares rounded down to integers, scaled as far as the weight-sum bound allows (each at
 * least 1), so the rounding error stays well under one part in a million for realistic sizes.
 */
function approximateWeights(localities: LocalityIR[], healthy: number[]): number[] {
  const total = localities.reduce((sum, l) => sum + l.weight, 0);
  const perEndpoint = localities.map((l, i) => l.weight / total / healthy[i]);
  // Σ endpoints_i · perEndpoint_i · scale ≤ bound, leaving room for the "at least 1" floors.
  const unitSum = localities.reduce((sum, l, i) => sum + l.endpoints.length * perEndpoint[i], 0);
  const floors = localities.reduce((sum, l) => sum + l.endpoints.length, 0);
  const scale = Math.max(1, (MAX_WEIGHT_SUM - floors) / unitSum);
  return perEndpoint.map((p) => Math.max(1, Math.floor(p * scale)));
}

function weightSum(localities: LocalityIR[], weights: number[]): number {
  return localities.reduce((sum, l, i) => sum + l.endpoints.length * weights[i], 0);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function lcm(a: number, b: number): number {
  if (!Number.isFinite(a)) return Infinity;
  const product = (a / gcd(a, b)) * b;
  // Past 2^53 the exact path cannot be trusted; Infinity makes it fall through to the approximation.
  return Number.isSafeInteger(product) ? product : Infinity;
}
