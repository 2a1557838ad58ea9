// Golden cases for sticky resolution: testdata/<case>.in.yaml (Kubernetes objects as users write
// them, with the reasoning in a comment at the top) → testdata/<case>.out.yaml (the StickyDecision of
// every route rule, then every policy object's status). Route rules are derived here the simple way
// route translation does (parentRefs → Gateway listeners, backendRefs → Services) so each case stands
// on its own. Regenerate with `npm run golden -- -u` (or `npx vitest run src/translate/sticky -u`).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { parseOptionalSessionPersistence } from '../../k8s/gateway-api/session-persistence.ts';
import { createStickyResolver } from './create-sticky-resolver.ts';
import type { PathMatchIR } from '../../ir/ir.ts';
import type { StickyRuleInput } from './sticky-resolver.ts';

const here = dirname(fileURLToPath(import.meta.url));
const testdata = join(here, 'testdata');

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function loadObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((o): o is KubeObject => typeof o === 'object' && o !== null && 'kind' in o);
}

/** Every (route rule, Gateway) pair, in file order, as route translation would ask. */
function ruleInputs(objects: KubeObject[]): StickyRuleInput[] {
  const gateways = new Map(objects.filter((o) => o.kind === 'Gateway').map((g) => [`${g.metadata.namespace ?? 'default'}/${g.metadata.name}`, g]));
  const out: StickyRuleInput[] = [];
  for (const route of objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')) {
    const ns = route.metadata.namespace ?? 'default';
    const spec = rec(route['spec']);
    for (const p of arr(spec['parentRefs']).map(rec)) {
      const gwNs = typeof p['namespace'] === 'string' ? p['namespace'] : ns;
      const gw = gateways.get(`${gwNs}/${String(p['name'])}`);
      if (!gw) continue;
      const listeners = arr(rec(gw['spec'])['listeners'])
        .map(rec)
        .filter((l) => (p['sectionName'] === undefined || l['name'] === p['sectionName']) && (p['port'] === undefined || l['port'] === p['port']));
      arr(spec['rules']).forEach((raw, ruleIndex) => {
        const rule = rec(raw);
        const backends = arr(rule['backendRefs'])
          .map(rec)
          .filter((b) => (b['kind'] ?? 'Service') === 'Service' && (b['group'] ?? '') === '' && (b['weight'] ?? 1) !== 0)
          .map((b) => ({ namespace: typeof b['namespace'] === 'string' ? b['namespace'] : ns, name: String(b['name']), port: Number(b['port']), weight: Number(b['weight'] ?? 1) }));
        const input: StickyRuleInput = {
          route: { kind: route.kind as 'HTTPRoute' | 'GRPCRoute', namespace: ns, name: route.metadata.name },
          ruleIndex,
          gateway: { namespace: gwNs, name: gw.metadata.name },
          listenerNames: listeners.map((l) => String(l['name'])),
          backends,
        };
        if (typeof rule['name'] === 'string') input.ruleName = rule['name'];
        const sessionPersistence = parseOptionalSessionPersistence(rule['sessionPersistence'], `spec.rules[${ruleIndex}].sessionPersistence`);
        if (sessionPersistence) input.sessionPersistence = sessionPersistence;
        if (Array.isArray(spec['hostnames'])) input.hostnames = spec['hostnames'].map(String);
        // HTTPRoute path matches (default PathPrefix /), for the cookie Path report.
        if (route.kind === 'HTTPRoute') {
          const matches = arr(rule['matches']).map(rec);
          input.paths = (matches.length > 0 ? matches : [{}]).map((m) => {
            const path = rec(m['path']);
            return { type: (path['type'] ?? 'PathPrefix') as PathMatchIR['type'], value: typeof path['value'] === 'string' ? path['value'] : '/' };
          });
        }
        out.push(input);
      });
    }
  }
  return out;
}

function runCase(text: string, reorder = false): string {
  const loaded = loadObjects(text);
  const objects = reorder ? [...loaded].reverse() : loaded;
  const resolver = createStickyResolver(objects);
  const decisions = ruleInputs(loaded).map((input) => ({
    rule: `${input.route.kind} ${input.route.namespace}/${input.route.name} rule ${input.ruleName ?? input.ruleIndex} on Gateway ${input.gateway.namespace}/${input.gateway.name}`,
    decision: resolver.resolve(input),
  }));
  return stringify({ decisions, statuses: resolver.statuses() }, { lineWidth: 0, aliasDuplicateObjects: false });
}

const cases = readdirSync(testdata)
  .filter((f) => f.endsWith('.in.yaml'))
  .map((f) => f.slice(0, -'.in.yaml'.length))
  .sort();

describe('sticky golden', () => {
  it.each(cases)('%s', async (name) => {
    const out = runCase(readFileSync(join(testdata, `${name}.in.yaml`), 'utf8'));
    await expect(out).toMatchFileSnapshot(join(testdata, `${name}.out.yaml`));
  });

  it.each(cases)('%s does not depend on the order objects are read in', (name) => {
    const text = readFileSync(join(testdata, `${name}.in.yaml`), 'utf8');
    expect(runCase(text, true)).toBe(runCase(text));
  });
});
