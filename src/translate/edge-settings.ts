// A Gateway's merged FleetParameters `edge` over Tether's defaults (EDGE_DEFAULTS): the IR says
// exactly what every listener of the fleet does, so the Envoy builders never re-derive a default.
import type { EdgeIR } from '../ir/ir.ts';
import { EDGE_DEFAULTS, type EdgeSettings } from '../k8s/fleet-parameters.ts';

export function edgeIR(edge: EdgeSettings | undefined): EdgeIR {
  return {
    accessLog: edge?.accessLog ?? EDGE_DEFAULTS.accessLog,
    trustedHops: edge?.trustedHops ?? EDGE_DEFAULTS.trustedHops,
    proxyProtocol: edge?.proxyProtocol ?? EDGE_DEFAULTS.proxyProtocol,
    escapedSlashes: edge?.escapedSlashes ?? EDGE_DEFAULTS.escapedSlashes,
    headersWithUnderscores: edge?.headersWithUnderscores ?? EDGE_DEFAULTS.headersWithUnderscores,
    drainTimeoutSeconds: edge?.drainTimeoutSeconds ?? EDGE_DEFAULTS.drainTimeoutSeconds,
    maxConnections: edge?.maxConnections ?? EDGE_DEFAULTS.maxConnections,
  };
}
