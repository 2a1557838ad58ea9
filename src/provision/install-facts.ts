// What the provisioner knows about the Tether installation it belongs to, as data: where Envoys
// reach Tether, whether that channel is mutual TLS and which Secret holds a Gateway's client
// certificate, and the Envoy image fleets run unless parameters say otherwise.
import { secretNameOf } from '../certs/cert-secrets.ts';
import { gatewayCertId } from '../certs/ensure-certificates.ts';

/** The Envoy image of provisioned fleets, the one k8s/static-fleet/envoy.yaml pins (a test keeps them equal). */
export const DEFAULT_ENVOY_IMAGE = 'envoyproxy/envoy:v1.39.3';

export interface InstallFacts {
  /** Tether's xDS Service as Envoys dial it, e.g. `tether.tether-system.svc.cluster.local`. */
  xdsHost: string;
  xdsPort: number;
  /** The namespace Tether runs in. */
  namespace: string;
  /**
   * Mutual TLS to Tether (the `k8s/` install). Absent: plaintext xDS. The client certificate
   * Secret lives in the Gateway's namespace (a pod mounts Secrets of its own namespace only).
   */
  xdsTls?: {
    /** The name Tether's server certificate carries and Envoy checks (default: xdsHost). */
    serverName?: string;
    /** The Secret holding a Gateway's (`namespace/name`) client certificate. */
    clientSecretName: (gateway: string) => string;
  };
  envoyImage: string;
}

/** The facts of a standard install: Tether's Service `tether` in `namespace`, certificates named as `tether certs` names them. */
export function standardInstallFacts(opts: { namespace: string; xdsPort: number; tls: boolean; serviceName?: string; envoyImage?: string }): InstallFacts {
  const xdsHost = `${opts.serviceName ?? 'tether'}.${opts.namespace}.svc.cluster.local`;
  return {
    xdsHost,
    xdsPort: opts.xdsPort,
    namespace: opts.namespace,
    ...(opts.tls ? { xdsTls: { serverName: xdsHost, clientSecretName: (gateway: string) => secretNameOf(gatewayCertId(gateway)) } } : {}),
    envoyImage: opts.envoyImage ?? DEFAULT_ENVOY_IMAGE,
  };
}
