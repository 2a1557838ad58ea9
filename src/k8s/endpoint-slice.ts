// EndpointSlice (discovery.k8s.io/v1): the pods behind a Service port, with their conditions.
// Conditions keep their nil-ness: ready and serving default to true, terminating to false, but
// "absent" matters when an old API server sets only `ready` (see endpoints.ts).
import type { KubeObject } from './kube-object.ts';
import { FieldReader, type FieldProblem } from './field-reader.ts';
import { parseMeta, type ParsedMeta } from './object-meta.ts';
import { checkEndpointAddress } from './endpoint-address.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Endpoint {
  /** Only the first address is meaningful (the controller writes exactly one). */
  address: string;
  conditions: EndpointConditions;
  zone?: string;
}

export interface EndpointSlicePort {
  /** Equals the Service port's name ("" for an unnamed port). */
  name: string;
  /** The resolved target port; absent means "all ports" (unused by Services). */
  port?: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSlice {
  meta: ParsedMeta;
  /** From the `kubernetes.io/service-name` label; "" when missing (the slice then joins no Service). */
  serviceName: string;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports: EndpointSlicePort[];
  problems: FieldProblem[];
}

export function parseEndpointSlice(o: KubeObject): EndpointSlice {
  const r = new FieldReader();
  const meta = parseMeta(o, true);
  const addressType = r.oneOf(o.addressType, 'addressType', ['IPv4', 'IPv6', 'FQDN'] as const) ?? 'IPv4';
  if (o.addressType === undefined) r.problem('addressType', 'is required');
  const endpoints = r.array(o.endpoints, 'endpoints').flatMap((e, i) => {
    const f = `endpoints[${i}]`;
    const eo = r.object(e, f);
    if (!eo) return [];
    const addresses = r.array(eo.addresses, `${f}.addresses`);
    const address = r.string(addresses[0], `${f}.addresses[0]`, { required: true, minLength: 1 });
    if (address === undefined) return [];
    // Envoy would refuse the whole ClusterLoadAssignment: this endpoint is reported and left out.
    const bad = o.addressType === undefined ? undefined : checkEndpointAddress(address, addressType);
    if (bad) {
      r.problem(`${f}.addresses[0]`, bad);
      return [];
    }
    const c = r.object(eo.conditions, `${f}.conditions`) ?? {};
    const conditions: EndpointConditions = {};
    const ready = r.bool(c.ready, `${f}.conditions.ready`);
    const serving = r.bool(c.serving, `${f}.conditions.serving`);
    const terminating = r.bool(c.terminating, `${f}.conditions.terminating`);
    if (ready !== undefined) conditions.ready = ready;
    if (serving !== undefined) conditions.serving = serving;
    if (terminating !== undefined) conditions.terminating = terminating;
    const endpoint: Endpoint = { address, conditions };
    const zone = r.string(eo.zone, `${f}.zone`);
    if (zone !== undefined) endpoint.zone = zone;
    return [endpoint];
  });
  const ports = r.array(o.ports, 'ports').flatMap((p, i) => {
    const f = `ports[${i}]`;
    const po = r.object(p, f);
    if (!po) return [];
    const sp: EndpointSlicePort = { name: r.string(po.name, `${f}.name`) ?? '', protocol: r.string(po.protocol, `${f}.protocol`) ?? 'TCP' };
    const port = r.int(po.port, `${f}.port`, 1, 65535);
    if (port !== undefined) sp.port = port;
    const appProtocol = r.string(po.appProtocol, `${f}.appProtocol`);
    if (appProtocol !== undefined) sp.appProtocol = appProtocol;
    return [sp];
  });
  return { meta, serviceName: meta.labels[SERVICE_NAME_LABEL] ?? '', addressType, endpoints, ports, problems: r.problems };
}
