// kgateway BackendConfigPolicy (gateway.kgateway.dev/v1alpha1): spec.targetRefs (Services) and
// spec.loadBalancer — exactly one of leastRequest | roundRobin | ringHash | maglev | random;
// ringHash{minimumRingSize, maximumRingSize, hashPolicies}, maglev{hashPolicies}; a hash policy is
// one of header{name} | cookie{name, path, ttl, secure, httpOnly, sameSite} | sourceIP{}, plus terminal.
import type { KubeObject } from '../kube-object.ts';
import { apiGroup } from '../kube-object.ts';
import { ObjectReader, isRecord, type FieldProblem } from '../field-reader.ts';
import { isToken } from '../http-token.ts';
import { MAX_RING_SIZE, RING_HASH_DEFAULTS } from '../ring-hash.ts';

export type KgatewayHashPolicy =
  | { type: 'header'; name: string; terminal: boolean }
  | { type: 'cookie'; name: string; path?: string; ttlSeconds?: number; terminal: boolean }
  | { type: 'source-ip'; terminal: boolean };

export interface BackendConfigPolicySpec {
  services: string[];
  loadBalancer?:
    | { type: 'round-robin' | 'least-request' | 'random' }
    | { type: 'ring-hash'; minimumRingSize: number; maximumRingSize: number; hashPolicies: KgatewayHashPolicy[] }
    | { type: 'maglev'; tableSize: number; hashPolicies: KgatewayHashPolicy[] };
  problems: FieldProblem[];
}

export function isKgatewayBackendConfigPolicy(o: KubeObject): boolean {
  return apiGroup(o.apiVersion) === 'gateway.kgateway.dev' && o.kind === 'BackendConfigPolicy';
}

function readHashPolicies(r: ObjectReader): KgatewayHashPolicy[] {
  const out: KgatewayHashPolicy[] = [];
  for (const h of r.list('hashPolicies')) {
    h.unknownKeys(['header', 'cookie', 'sourceIP', 'terminal']);
    const terminal = h.bool('terminal') ?? false;
    const set = ['header', 'cookie', 'sourceIP'].filter((k) => h.has(k));
    if (set.length !== 1) {
      h.invalid(set[1] ?? 'header', `set exactly one of header, cookie, sourceIP (got ${set.length})`);
      continue;
    }
    if (set[0] === 'sourceIP') {
      out.push({ type: 'source-ip', terminal });
      continue;
    }
    const c = h.child(set[0]);
    if (!c) continue;
    const name = c.string('name');
    if (!name || !isToken(name)) {
      c.invalid('name', `"${name ?? ''}" is not a valid ${set[0]} name`);
      continue;
    }
    if (set[0] === 'header') {
      c.unknownKeys(['name']);
      out.push({ type: 'header', name: name.toLowerCase(), terminal });
    } else {
      c.unknownKeys(['name', 'path', 'ttl', 'secure', 'httpOnly', 'sameSite']);
      for (const a of ['secure', 'httpOnly', 'sameSite']) if (c.has(a)) c.unsupported(a, 'attributes of a generated hash cookie are not translated');
      const path = c.string('path');
      const ttlSeconds = c.looseDuration('ttl');
      out.push({ type: 'cookie', name, ...(path ? { path } : {}), ...(ttlSeconds !== undefined ? { ttlSeconds } : {}), terminal });
    }
  }
  return out;
}

export function parseBackendConfigPolicy(o: KubeObject): BackendConfigPolicySpec {
  const problems: FieldProblem[] = [];
  const spec = isRecord(o['spec']) ? o['spec'] : {};
  const r = new ObjectReader(spec, 'spec', problems);
  r.unknownKeys(['targetRefs', 'loadBalancer'], 'this backend setting is not translated by Tether');
  const out: BackendConfigPolicySpec = { services: [], problems };
  for (const t of r.list('targetRefs')) {
    t.unknownKeys(['group', 'kind', 'name', 'sectionName']);
    const group = t.string('group') ?? '';
    const kind = t.string('kind');
    const name = t.string('name');
    if (t.has('sectionName')) t.unsupported('sectionName', 'port-level targeting is not translated; the policy applies to every port of the Service');
    if (group !== '' || kind !== 'Service') t.unsupported('kind', `only Services are supported, got ${group ? `${group}/` : ''}${kind ?? '(none)'}`);
    else if (!name) t.invalid('name', 'is required');
    else out.services.push(name);
  }
  if (r.has('targetSelectors')) r.unsupported('targetSelectors', 'label selectors are not translated; use targetRefs');
  if (out.services.length === 0 && !problems.some((p) => p.severity === 'invalid')) r.invalid('targetRefs', 'must name at least one Service');
  const lb = r.child('loadBalancer');
  if (!lb) return out;
  const algos = ['leastRequest', 'roundRobin', 'ringHash', 'maglev', 'random'].filter((k) => lb.has(k));
  lb.unknownKeys(['leastRequest', 'roundRobin', 'ringHash', 'maglev', 'random'], 'this load-balancer setting is not translated by Tether');
  if (algos.length > 1) {
    lb.invalid(algos[1], `set exactly one of leastRequest, roundRobin, ringHash, maglev, random (got ${algos.join(', ')})`);
    return out;
  }
  const algo = algos[0];
  if (algo === 'ringHash') {
    const rh = lb.child('ringHash');
    if (!rh) return out;
    rh.unknownKeys(['minimumRingSize', 'maximumRingSize', 'hashPolicies', 'useHostnameForHashing']);
    if (rh.has('useHostnameForHashing')) rh.unsupported('useHostnameForHashing', 'Tether hashes endpoint addresses (Services have no per-endpoint hostnames here)');
    const min = rh.int('minimumRingSize', 1, MAX_RING_SIZE) ?? RING_HASH_DEFAULTS.minimumRingSize;
    const max = rh.int('maximumRingSize', 1, MAX_RING_SIZE) ?? RING_HASH_DEFAULTS.maximumRingSize;
    if (min > max) rh.invalid('minimumRingSize', `must not exceed maximumRingSize (${min} > ${max})`);
    out.loadBalancer = { type: 'ring-hash', minimumRingSize: min, maximumRingSize: max, hashPolicies: readHashPolicies(rh) };
  } else if (algo === 'maglev') {
    const mg = lb.child('maglev');
    if (!mg) return out;
    mg.unknownKeys(['hashPolicies', 'useHostnameForHashing']);
    if (mg.has('useHostnameForHashing')) mg.unsupported('useHostnameForHashing', 'Tether hashes endpoint addresses (Services have no per-endpoint hostnames here)');
    out.loadBalancer = { type: 'maglev', tableSize: 65537, hashPolicies: readHashPolicies(mg) };
  } else if (algo === 'leastRequest') out.loadBalancer = { type: 'least-request' };
  else if (algo === 'roundRobin') out.loadBalancer = { type: 'round-robin' };
  else if (algo === 'random') out.loadBalancer = { type: 'random' };
  return out;
}
