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

export function indexObjects(objects: readonly KubeObject[]): ObjectIndex {
  const index: ObjectIndex = { gatewayClasses: [], gateways: [], httpRoutes: [], grpcRoutes: [], referenceGrants: [], services: [], endpointSlices: [], namespaces: new Map(), secretTypes: new Map(), fleetParameters: new Map(), other: [] };
  for (const o of objects) {
    const group = apiGroup(o.apiVersion);
    if (group === GATEWAY_API_GROUP) {
      switch (o.kind) {
        case 'GatewayClass':
          index.gatewayClasses.push(parseGatewayClass(o));
          continue;
        case 'Gateway':
          index.gateways.push(parseGateway(o));
          continue;
        case 'HTTPRoute':
          index.httpRoutes.push(parseHTTPRoute(o));
          continue;
        case 'GRPCRoute':
          index.grpcRoutes.push(parseGRPCRoute(o));
          continue;
        case 'ReferenceGrant':
          index.referenceGrants.push(parseReferenceGrant(o));
          continue;
      }
    } else if (group === '' && o.kind === 'Service') {
      index.services.push(parseService(o));
      continue;
    } else if (group === '' && o.kind === 'Namespace') {
      const ns = parseNamespace(o);
      index.namespaces.set(ns.name, ns);
      continue;
    } else if (group === '' && o.kind === 'Secret') {
      index.secretTypes.set(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, typeof o['type'] === 'string' ? o['type'] : 'Opaque');
      continue;
    } else if (group === 'discovery.k8s.io' && o.kind === 'EndpointSlice') {
      index.endpointSlices.push(parseEndpointSlice(o));
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
