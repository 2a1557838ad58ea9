// Cross-namespace references need a ReferenceGrant in the target's namespace that names the
// referring kind and namespace (`from`) and the target kind, optionally by name (`to`).
import type { ReferenceGrant } from '../k8s/gateway-api/reference-grant.ts';

export interface ReferenceGrantIndex {
  /** Whether an object of `from` in `from.namespace` may refer to `to`. Same namespace is always allowed. */
  permits(from: { group: string; kind: string; namespace: string }, to: { group: string; kind: string; namespace: string; name: string }): boolean;
}

export function indexReferenceGrants(grants: readonly ReferenceGrant[]): ReferenceGrantIndex {
  const byNamespace = new Map<string, ReferenceGrant[]>();
  for (const g of grants) {
    const list = byNamespace.get(g.meta.namespace);
    if (list) list.push(g);
    else byNamespace.set(g.meta.namespace, [g]);
  }
  return {
    permits(from, to) {
      if (from.namespace === to.namespace) return true;
      for (const g of byNamespace.get(to.namespace) ?? []) {
        const fromOk = g.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace);
        if (!fromOk) continue;
        if (g.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name))) return true;
      }
      return false;
    },
  };
}
