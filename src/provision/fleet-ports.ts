// The ports of a fleet: one per distinct Gateway listener port. The Service exposes the
// listener's own port; Envoy binds containerPort(port), which maps a privileged port (below
// 1024) to an unprivileged one because Envoy runs without capabilities (src/k8s/container-port.ts).
import { containerPort } from '../k8s/container-port.ts';
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import { portName } from './fleet-names.ts';

export interface FleetPort {
  name: string;
  /** The Gateway listener's port: what the Service exposes. */
  port: number;
  /** What Envoy binds inside the pod. */
  containerPort: number;
}

export function fleetPorts(gw: Gateway): FleetPort[] {
  const ports = [...new Set(gw.listeners.map((l) => l.port).filter((p) => Number.isInteger(p) && p >= 1 && p <= 65535))].sort((a, b) => a - b);
  return ports.map((port) => ({ name: portName(port), port, containerPort: containerPort(port) }));
}
