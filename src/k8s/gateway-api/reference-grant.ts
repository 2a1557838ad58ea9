// ReferenceGrant (gateway.networking.k8s.io/v1beta1 and v1): lets objects in other namespaces
// (`from`) refer to objects in this one (`to`).
import type { KubeObject } from '../kube-object.ts';
import { FieldReader, type FieldProblem } from '../field-reader.ts';
import { parseMeta, type ParsedMeta } from '../object-meta.ts';

export interface ReferenceGrant {
  meta: ParsedMeta;
  from: { group: string; kind: string; namespace: string }[];
  /** `name` absent: every object of that group and kind. */
  to: { group: string; kind: string; name?: string }[];
  problems: FieldProblem[];
}

export function parseReferenceGrant(o: KubeObject): ReferenceGrant {
  const r = new FieldReader();
  const spec = r.object(o.spec, 'spec') ?? {};
  const from = r.array(spec.from, 'spec.from').flatMap((x, i) => {
    const f = `spec.from[${i}]`;
    const xo = r.object(x, f);
    if (!xo) return [];
    const group = r.string(xo.group, `${f}.group`, { required: true });
    const kind = r.string(xo.kind, `${f}.kind`, { required: true, minLength: 1 });
    const namespace = r.string(xo.namespace, `${f}.namespace`, { required: true, minLength: 1 });
    return group === undefined || kind === undefined || namespace === undefined ? [] : [{ group, kind, namespace }];
  });
  const to = r.array(spec.to, 'spec.to').flatMap((x, i) => {
    const f = `spec.to[${i}]`;
    const xo = r.object(x, f);
    if (!xo) return [];
    const group = r.string(xo.group, `${f}.group`, { required: true });
    const kind = r.string(xo.kind, `${f}.kind`, { required: true, minLength: 1 });
    const name = r.string(xo.name, `${f}.name`, { minLength: 1 });
    if (group === undefined || kind === undefined) return [];
    return [name === undefined ? { group, kind } : { group, kind, name }];
  });
  return { meta: parseMeta(o, true), from, to, problems: r.problems };
}
