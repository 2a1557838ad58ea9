// Service (core v1): the ports backendRefs name, and how they reach pods.
import type { KubeObject } from './kube-object.ts';
import { FieldReader, type FieldProblem } from './field-reader.ts';
import { parseMeta, type ParsedMeta } from './object-meta.ts';

export interface ServicePort {
  /** "" when the Service has a single unnamed port; EndpointSlice ports carry the same name. */
  name: string;
  port: number;
  /** Number or container port name; defaults to `port`. */
  targetPort: number | string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
}

export interface Service {
  meta: ParsedMeta;
  type: string;
  ports: ServicePort[];
  /** spec.externalName, for type ExternalName. */
  externalName?: string;
  problems: FieldProblem[];
}

export function parseService(o: KubeObject): Service {
  const r = new FieldReader();
  const spec = r.object(o.spec, 'spec') ?? {};
  const ports = r.array(spec.ports, 'spec.ports').flatMap((p, i) => {
    const f = `spec.ports[${i}]`;
    const po = r.object(p, f);
    if (!po) return [];
    const port = r.int(po.port, `${f}.port`, 1, 65535, { required: true });
    if (port === undefined) return [];
    let targetPort: number | string = port;
    if (typeof po.targetPort === 'number' || typeof po.targetPort === 'string') targetPort = po.targetPort;
    else if (po.targetPort !== undefined) r.problem(`${f}.targetPort`, 'must be a port number or name');
    const sp: ServicePort = {
      name: r.string(po.name, `${f}.name`) ?? '',
      port,
      targetPort,
      protocol: r.oneOf(po.protocol, `${f}.protocol`, ['TCP', 'UDP', 'SCTP'] as const, 'TCP') ?? 'TCP',
    };
    const appProtocol = r.string(po.appProtocol, `${f}.appProtocol`);
    if (appProtocol !== undefined) sp.appProtocol = appProtocol;
    return [sp];
  });
  const svc: Service = { meta: parseMeta(o, true), type: r.string(spec.type, 'spec.type') ?? 'ClusterIP', ports, problems: r.problems };
  const externalName = r.string(spec.externalName, 'spec.externalName');
  if (externalName !== undefined) svc.externalName = externalName;
  return svc;
}
