// Envoy runs without privileges (no NET_BIND_SERVICE), so it cannot bind a port below 1024. A Gateway
// listener on such a port (80, 443: what users write) binds `port + PRIVILEGED_PORT_OFFSET` inside the
// container; the fleet's Service exposes the listener's own port and targets the mapped one. One
// function, used by the Listener Tether serves and by the Service and Deployment it provisions.
export const PRIVILEGED_PORT_OFFSET = 10000;

/** The port Envoy binds for a Gateway listener port. */
export function containerPort(listenerPort: number): number {
  return listenerPort < 1024 ? listenerPort + PRIVILEGED_PORT_OFFSET : listenerPort;
}
