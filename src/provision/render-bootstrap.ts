// The fleet's bootstrap as a ConfigMap: the ADS bootstrap (src/envoy/bootstrap.ts) naming the
// Gateway in node.cluster and pointing at Tether's xDS Service, over mutual TLS with the Gateway's
// own client certificate when the install has it.
import { buildAdsBootstrap } from '../envoy/bootstrap.ts';
import type { JsonObject } from '../envoy/envoy-json.ts';
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import { FLEET_DEPLOYMENT_DEFAULTS } from './fleet-defaults.ts';
import { fleetMeta } from './fleet-meta.ts';
import { BOOTSTRAP_FILE, XDS_CERT_DIR, hash64 } from './fleet-names.ts';
import type { InstallFacts } from './install-facts.ts';

export interface RenderedBootstrap {
  bootstrap: JsonObject;
  /** The file as the ConfigMap holds it. */
  text: string;
  /** Changes whenever the file does: the pod-template annotation that rolls the fleet. */
  hash: string;
  configMap: KubeObject;
}

export function renderBootstrap(gw: Gateway, uid: string, facts: InstallFacts, maxConnections?: number): RenderedBootstrap {
  const bootstrap = buildAdsBootstrap({
    gateway: `${gw.meta.namespace}/${gw.meta.name}`,
    xdsHost: facts.xdsHost,
    xdsPort: facts.xdsPort,
    delta: true,
    adminPort: FLEET_DEPLOYMENT_DEFAULTS.adminPort,
    ...(maxConnections !== undefined ? { maxConnections } : {}),
    ...(facts.xdsTls ? { tls: { dir: XDS_CERT_DIR, serverName: facts.xdsTls.serverName ?? facts.xdsHost } } : {}),
  });
  const text = `${JSON.stringify(bootstrap, null, 2)}\n`;
  const configMap: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: fleetMeta(gw, uid),
    data: { [BOOTSTRAP_FILE]: text },
  };
  return { bootstrap, text, hash: hash64(text), configMap };
}
