// A Gateway's whole Envoy fleet, rendered: a pure function of the Gateway, its merged
// FleetParameters and the install facts. The controller (fleet-controller.ts) applies the objects
// in order and removes the kinds listed as absent (an autoscaler no longer asked for).
import type { FleetParameters } from '../k8s/fleet-parameters.ts';
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import { FLEET_DEPLOYMENT_DEFAULTS } from './fleet-defaults.ts';
import { fleetName } from './fleet-names.ts';
import { fleetPorts } from './fleet-ports.ts';
import type { FleetProblem } from './fleet-problem.ts';
import type { InstallFacts } from './install-facts.ts';
import { renderBootstrap } from './render-bootstrap.ts';
import { renderDeployment } from './render-deployment.ts';
import { renderAutoscaler, renderDisruptionBudget, renderServiceAccount } from './render-policies.ts';
import { renderService } from './render-service.ts';

/** A kind the fleet does not have (now): deleted if Tether made one before. */
export interface AbsentObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface RenderedFleet {
  /** `namespace/name` of the Gateway. */
  gateway: string;
  namespace: string;
  name: string;
  /** In apply order: what others refer to first (account, bootstrap), the Deployment after them. */
  objects: KubeObject[];
  absent: AbsentObject[];
  bootstrapHash: string;
  problems: FleetProblem[];
  /** The IP addresses the Gateway's spec.addresses pins on the Service (render-service.ts). */
  requestedAddresses: string[];
}

/** `uid`: the Gateway's metadata.uid, for the ownerReferences. */
export function renderFleet(gw: Gateway, uid: string, params: FleetParameters, facts: InstallFacts): RenderedFleet {
  const name = fleetName(gw.meta.name);
  const namespace = gw.meta.namespace;
  const ports = fleetPorts(gw);
  const problems: FleetProblem[] = [];
  const admin = ports.find((p) => p.containerPort === FLEET_DEPLOYMENT_DEFAULTS.adminPort);
  if (admin) problems.push({ reason: 'UnsupportedValue', message: `listener port ${admin.port}: Envoy's admin interface binds ${FLEET_DEPLOYMENT_DEFAULTS.adminPort} on loopback in the fleet's pods; the listener cannot bind it` });
  if (params.autoscaling && params.replicas !== undefined) {
    problems.push({ reason: 'UnsupportedValue', message: `FleetParameters replicas (${params.replicas}) is not used: autoscaling sets the replica count` });
  }
  const bootstrap = renderBootstrap(gw, uid, facts, params.edge?.maxConnections);
  const service = renderService(gw, uid, params, ports);
  problems.push(...service.problems);
  const objects: KubeObject[] = [
    renderServiceAccount(gw, uid),
    bootstrap.configMap,
    service.service,
    renderDeployment({ gw, uid, params, facts, ports, bootstrapHash: bootstrap.hash }),
    renderDisruptionBudget(gw, uid),
  ];
  const absent: AbsentObject[] = [];
  if (params.autoscaling) objects.push(renderAutoscaler(gw, uid, params.autoscaling));
  else absent.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace, name });
  return { gateway: `${namespace}/${gw.meta.name}`, namespace, name, objects, absent, bootstrapHash: bootstrap.hash, problems, requestedAddresses: service.requested };
}
