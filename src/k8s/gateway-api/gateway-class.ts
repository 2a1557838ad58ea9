// GatewayClass (gateway.networking.k8s.io/v1, cluster-scoped).
import type { KubeObject } from '../kube-object.ts';
import { FieldReader, type FieldProblem } from '../field-reader.ts';
import { parseMeta, type ParsedMeta } from '../object-meta.ts';

export interface GatewayClass {
  meta: ParsedMeta;
  controllerName: string;
  /** spec.parametersRef as written; resolved to FleetParameters by translate/fleet-parameters.ts. */
  parametersRef?: { group: string; kind: string; name: string; namespace?: string };
  problems: FieldProblem[];
}

export function parseGatewayClass(o: KubeObject): GatewayClass {
  const r = new FieldReader();
  const spec = r.object(o.spec, 'spec') ?? {};
  const gc: GatewayClass = {
    meta: parseMeta(o, false),
    controllerName: r.string(spec.controllerName, 'spec.controllerName', { required: true }) ?? '',
    problems: r.problems,
  };
  const p = r.object(spec.parametersRef, 'spec.parametersRef');
  if (p) {
    gc.parametersRef = {
      group: r.string(p.group, 'spec.parametersRef.group') ?? '',
      kind: r.string(p.kind, 'spec.parametersRef.kind', { required: true }) ?? '',
      name: r.string(p.name, 'spec.parametersRef.name', { required: true }) ?? '',
    };
    const ns = r.string(p.namespace, 'spec.parametersRef.namespace');
    if (ns !== undefined) gc.parametersRef.namespace = ns;
  }
  return gc;
}
