// The fleet's Deployment: Envoy as a non-root user with a read-only root filesystem and no
// capabilities, ready when Envoy's own admin /ready says so (as k8s/static-fleet/envoy.yaml probes
// it), draining its listeners before it stops so a rollout does not cut requests in flight. The
// pod template carries the bootstrap's hash, so a new bootstrap rolls the fleet. With autoscaling
// the Deployment has no `replicas` at all: the HorizontalPodAutoscaler owns that field.
import type { FleetParameters } from '../k8s/fleet-parameters.ts';
import type { Gateway } from '../k8s/gateway-api/gateway.ts';
import type { KubeObject } from '../k8s/kube-object.ts';
import { FLEET_DEPLOYMENT_DEFAULTS as D } from './fleet-defaults.ts';
import { fleetMeta, objectLabels } from './fleet-meta.ts';
import { BOOTSTRAP_DIR, BOOTSTRAP_FILE, BOOTSTRAP_HASH_ANNOTATION, XDS_CERT_DIR, fleetName, fleetSelector } from './fleet-names.ts';
import type { FleetPort } from './fleet-ports.ts';
import type { InstallFacts } from './install-facts.ts';

export interface DeploymentInputs {
  gw: Gateway;
  uid: string;
  params: FleetParameters;
  facts: InstallFacts;
  ports: FleetPort[];
  bootstrapHash: string;
}

/** A request to Envoy's admin interface from inside the container (it listens on loopback only). */
function adminRequest(method: 'GET' | 'POST', path: string, expect: string): string {
  return `exec 3<>/dev/tcp/127.0.0.1/${D.adminPort} && printf '${method} ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ${expect} <&3`;
}

export function renderDeployment(i: DeploymentInputs): KubeObject {
  const { gw, params, facts } = i;
  const name = fleetName(gw.meta.name);
  const gateway = `${gw.meta.namespace}/${gw.meta.name}`;
  const scheduling = params.scheduling ?? {};
  const volumes: Record<string, unknown>[] = [{ name: 'bootstrap', configMap: { name } }];
  const mounts: Record<string, unknown>[] = [{ name: 'bootstrap', mountPath: BOOTSTRAP_DIR, readOnly: true }];
  if (facts.xdsTls) {
    // 0440 (288 in decimal), readable by the pod's fsGroup only.
    volumes.push({ name: 'xds-tls', secret: { secretName: facts.xdsTls.clientSecretName(gateway), defaultMode: 288 } });
    mounts.push({ name: 'xds-tls', mountPath: XDS_CERT_DIR, readOnly: true });
  }
  const container = {
    name: 'envoy',
    image: params.image ?? facts.envoyImage,
    imagePullPolicy: 'IfNotPresent',
    command: ['envoy'],
    // The pod name as node.id tells replicas apart in Tether's logs and admin API. No hot restart
    // in a container (it needs shared memory). Drain time matches the preStop wait.
    args: [
      '-c', `${BOOTSTRAP_DIR}/${BOOTSTRAP_FILE}`,
      '--service-node', '$(POD_NAME)',
      '--disable-hot-restart',
      '--log-level', params.logLevel ?? D.logLevel,
      '--drain-time-s', String(D.drainSeconds),
    ],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    ports: i.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
    readinessProbe: { exec: { command: ['bash', '-c', adminRequest('GET', '/ready', 'LIVE')] }, periodSeconds: 5, failureThreshold: 2 },
    livenessProbe: { exec: { command: ['bash', '-c', adminRequest('GET', '/server_info', '200')] }, initialDelaySeconds: 10, periodSeconds: 10 },
    lifecycle: {
      // Stop taking new connections (listeners drain gracefully), then give in-flight requests
      // and the endpoint removal time before the container is sent SIGTERM.
      preStop: { exec: { command: ['bash', '-c', `${adminRequest('POST', '/drain_listeners?graceful', '200')}; sleep ${D.drainSeconds}`] } },
    },
    resources: params.resources ?? D.resources,
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
    volumeMounts: mounts,
  };
  const podSpec: Record<string, unknown> = {
    serviceAccountName: name,
    // Envoy needs no Kubernetes API access.
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: D.terminationGracePeriodSeconds,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: D.runAsUser,
      runAsGroup: D.runAsUser,
      fsGroup: D.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container],
    volumes,
    ...(scheduling.nodeSelector ? { nodeSelector: scheduling.nodeSelector } : {}),
    ...(scheduling.tolerations ? { tolerations: scheduling.tolerations } : {}),
    ...(scheduling.affinity ? { affinity: scheduling.affinity } : {}),
  };
  const podAnnotations = { ...gw.infrastructure.annotations, [BOOTSTRAP_HASH_ANNOTATION]: i.bootstrapHash };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: fleetMeta(gw, i.uid),
    spec: {
      ...(params.autoscaling ? {} : { replicas: params.replicas ?? D.replicas }),
      selector: { matchLabels: fleetSelector(gw.meta.name) },
      // A new pod is ready before an old one drains.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: { metadata: { labels: objectLabels(gw), annotations: podAnnotations }, spec: podSpec },
    },
  };
}
