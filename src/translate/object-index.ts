// First step of translation: sort the input objects by kind and parse the kinds Tether reads into
// their typed model. Everything after this trusts the types.
import type { KubeObject } from '../k8s/kube-object.ts';
import { apiGroup } from '../k8s/kube-object.ts';
import { GATEWAY_API_GROUP } from '../k8s/gateway-api/gateway.ts';
import { parseGatewayClass, type GatewayClass } from '../k8s/gateway-api/gateway-class.ts';
import { parseGateway, type Gateway } from '../k8s/gateway-api/gateway.ts';
import { parseHTTPRoute, type HTTPRoute } from '../k8s/gateway-api/http-route.ts';
import { parseGRPCRoute, type GRPCRoute } from '../k8s/gateway-api/grpc-route.ts';
import { parseReferenceGrant, type ReferenceGrant } from '../k8s/gateway-api/reference-grant.ts';
import { parseService, type Service } from '../k8s/service.ts';
import { parseEndpointSlice, type EndpointSlice } from '../k8s/endpoint-slice.ts';
import { parseNamespace, type Namespace } from '../k8s/namespace.ts';
import { isFleetParameters, parseFleetParameters, type ParsedFleetParameters } from '../k8s/parse-fleet-parameters.ts';

export interface ObjectIndex {
  gatewayClasses: GatewayClass[];
  gateways: Gateway[];
  httpRoutes: HTTPRoute[];
  grpcRoutes: GRPCRoute[];
  referenceGrants: ReferenceGrant[];
  services: Service[];
  endpointSlices: EndpointSlice[];
  namespaces: Map<string, Namespace>;
  /** Secrets' `type` by `namespace/name` (their data is read only through certificate verdicts). */
  secretTypes: Map<string, string>;
  /** FleetParameters by `namespace/name` (named by GatewayClass and Gateway parametersRef). */
  fleetParameters: Map<string, ParsedFleetParameters>;
  /** Objects of kinds translation itself does not read (the sticky resolver may read some). */
  other: KubeObject[];
}

// Parsed forms by object. The store hands every translation the same object until it changes, and
// parsing is pure, so an unchanged object is parsed once, not again on every rebuild (parsing
// 10,000 routes was about a third of a translation). The parsed forms are shared between
// translations, which treat them as immutable.
const parsedForms = new WeakMap<KubeObject, unknown>();

/** `parse(o)`, once per object (the parser must be the one for the object's kind). */
export function parsedOnce<T>(o: KubeObject, parse: (o: KubeObject) => T): T {
  let p = parsedForms.get(o) as T | undefined;
  if (p === undefined) {
    p = parse(o);
    parsedForms.set(o, p);
  }
  return p;
}

export function indexObjects(objects: readonly KubeObject[]): ObjectIndex {
  const index: ObjectIndex = { gatewayClasses: [], gateways: [], httpRoutes: [], grpcRoutes: [], referenceGrants: [], services: [], endpointSlices: [], namespaces: new Map(), secretTypes: new Map(), fleetParameters: new Map(), other: [] };
  for (const o of objects) {
    const group = apiGroup(o.apiVersion);
    if (group === GATEWAY_API_GROUP) {
      switch (o.kind) {
        case 'GatewayClass':
          index.gatewayClasses.push(parsedOnce(o, parseGatewayClass));
          continue;
        case 'Gateway':
          index.gateways.push(parsedOnce(o, parseGateway));
          continue;
        case 'HTTPRoute':
          index.httpRoutes.push(parsedOnce(o, parseHTTPRoute));
          continue;
        case 'GRPCRoute':
          index.grpcRoutes.push(parsedOnce(o, parseGRPCRoute));
          continue;
        case 'ReferenceGrant':
          index.referenceGrants.push(parsedOnce(o, parseReferenceGrant));
          continue;
      }
    } else if (group === '' && o.kind === 'Service') {
      index.services.push(parsedOnce(o, parseService));
      continue;
    } else if (group === '' && o.kind === 'Namespace') {
      const ns = parsedOnce(o, parseNamespace);
      index.namespaces.set(ns.name, ns);
      continue;
    } else if (group === '' && o.kind === 'Secret') {
      index.secretTypes.set(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, typeof o['type'] === 'string' ? o['type'] : 'Opaque');
      continue;
    } else if (group === 'discovery.k8s.io' && o.kind === 'EndpointSlice') {
      index.endpointSlices.push(parsedOnce(o, parseEndpointSlice));
      continue;
    } else if (isFleetParameters(o)) {
      const p = parseFleetParameters(o);
      index.fleetParameters.set(`${p.namespace}/${p.name}`, p);
      continue;
    }
    index.other.push(o);
  }
  return index;
}
