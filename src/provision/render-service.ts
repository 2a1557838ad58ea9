// The fleet's Service: the Gateway's listener ports, each targeting the port Envoy binds for it;
// type, annotations, externalTrafficPolicy and load balancer class from the parameters; the
// Gateway's spec.addresses where the Service type can carry them: IP addresses as the load
// balancer's IP (type LoadBalancer, the first one) and as externalIPs (the rest, and for the other
// types). An IPAddress without a value asks for any address: nothing is pinned, and the load
// balancer (or the cluster IP) provides one. Any other address type is reported as UnsupportedAddress.
import type { FleetParameters } from '../k8s/fleet-parameters.ts';
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import { FLEET_DEPLOYMENT_DEFAULTS } from './fleet-defaults.ts';
import { fleetMeta } from './fleet-meta.ts';
import { fleetSelector } from './fleet-names.ts';
import type { FleetPort } from './fleet-ports.ts';
import type { FleetProblem } from './fleet-problem.ts';

export interface RenderedService {
  service: KubeObject;
  problems: FleetProblem[];
  /** The IP addresses spec.addresses pins, which the Gateway's status must show once assigned. */
  requested: string[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+(:\d+\.\d+\.\d+\.\d+)?$/;

export function renderService(gw: Gateway, uid: string, params: FleetParameters, ports: FleetPort[]): RenderedService {
  const s = params.service ?? {};
  const type = s.type ?? FLEET_DEPLOYMENT_DEFAULTS.serviceType;
  const external = type === 'LoadBalancer' || type === 'NodePort';
  const problems: FleetProblem[] = [];
  const ips: string[] = [];
  gw.addresses.forEach((a, i) => {
    const field = `spec.addresses[${i}]`;
    if (a.type !== 'IPAddress') {
      problems.push({ reason: 'UnsupportedAddress', message: `${field}: address type ${JSON.stringify(a.type)} is not supported (only IPAddress, on the fleet's Service)` });
    } else if (a.value === '') {
      // Any address will do: the Service gets one as it would without spec.addresses.
    } else if (!IPV4.test(a.value) && !(a.value.includes(':') && IPV6.test(a.value))) {
      problems.push({ reason: 'UnsupportedAddress', message: `${field}: ${JSON.stringify(a.value)} is not an IP address` });
    } else if (!ips.includes(a.value)) ips.push(a.value);
  });
  if (!external && s.externalTrafficPolicy) {
    problems.push({ reason: 'UnsupportedValue', message: `FleetParameters service.externalTrafficPolicy applies to LoadBalancer and NodePort Services only, not ${type}: not set` });
  }
  if (type !== 'LoadBalancer' && s.loadBalancerClass) {
    problems.push({ reason: 'UnsupportedValue', message: `FleetParameters service.loadBalancerClass applies to LoadBalancer Services only, not ${type}: not set` });
  }
  const [lbIp, ...rest] = ips;
  const externalIPs = type === 'LoadBalancer' ? rest : ips;
  const spec: Record<string, unknown> = {
    type,
    selector: fleetSelector(gw.meta.name),
    ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.containerPort, protocol: 'TCP' })),
    ...(external && s.externalTrafficPolicy ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
    ...(type === 'LoadBalancer' && s.loadBalancerClass ? { loadBalancerClass: s.loadBalancerClass } : {}),
    ...(type === 'LoadBalancer' && lbIp !== undefined ? { loadBalancerIP: lbIp } : {}),
    ...(externalIPs.length > 0 ? { externalIPs } : {}),
  };
  return {
    service: { apiVersion: 'v1', kind: 'Service', metadata: fleetMeta(gw, uid, { annotations: s.annotations }), spec },
    problems,
    requested: ips,
  };
}
