// JSON schemas for the kinds our deployment manifests use: what the API server requires, plus
// closed objects (additionalProperties: false) where a misspelt field would otherwise be dropped
// silently by the server (container, probe, securityContext, Service port, RBAC rule fields).
// Small on purpose: the parts of each kind we write, checked offline with ajv.

type Schema = Record<string, unknown>;

const str = { type: 'string', minLength: 1 };
const strings = { type: 'array', items: str };
const labels = { type: 'object', additionalProperties: { type: 'string' } };
const dns1123 = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', maxLength: 253 };
const port = { type: 'integer', minimum: 1, maximum: 65535 };
const portRef = { anyOf: [port, { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 15 }] };
const quantity = { anyOf: [{ type: 'string', pattern: '^[0-9.]+(m|Ki|Mi|Gi|Ti|k|M|G|T)?$' }, { type: 'number' }] };

const metadata = (namespaced: boolean): Schema => ({
  type: 'object',
  required: namespaced ? ['name', 'namespace'] : ['name'],
  properties: {
    name: dns1123,
    namespace: namespaced ? dns1123 : { not: {} },
    labels,
    annotations: labels,
    // What the provisioner sets on a fleet's objects (src/provision/fleet-meta.ts).
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: { apiVersion: str, kind: str, name: dns1123, uid: str, controller: { type: 'boolean' }, blockOwnerDeletion: { type: 'boolean' } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
});

const top = (apiVersion: string, kind: string, namespaced: boolean, extra: Schema = {}, required: string[] = []): Schema => ({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', ...required],
  properties: { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: metadata(namespaced), ...extra },
  additionalProperties: false,
});

const selector = {
  type: 'object',
  required: ['matchLabels'],
  properties: { matchLabels: labels },
  additionalProperties: false,
};

const probe = {
  type: 'object',
  properties: {
    httpGet: { type: 'object', required: ['port'], properties: { path: { type: 'string', pattern: '^/' }, port: portRef }, additionalProperties: false },
    exec: { type: 'object', required: ['command'], properties: { command: strings }, additionalProperties: false },
    tcpSocket: { type: 'object', required: ['port'], properties: { port: portRef }, additionalProperties: false },
    initialDelaySeconds: { type: 'integer', minimum: 0 },
    periodSeconds: { type: 'integer', minimum: 1 },
    timeoutSeconds: { type: 'integer', minimum: 1 },
    failureThreshold: { type: 'integer', minimum: 1 },
    successThreshold: { type: 'integer', minimum: 1 },
  },
  additionalProperties: false,
  oneOf: [{ required: ['httpGet'] }, { required: ['exec'] }, { required: ['tcpSocket'] }],
};

const envVar = {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    value: { type: 'string' },
    valueFrom: {
      type: 'object',
      properties: { fieldRef: { type: 'object', required: ['fieldPath'], properties: { fieldPath: str }, additionalProperties: false } },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const containerSecurity = {
  type: 'object',
  properties: {
    allowPrivilegeEscalation: { type: 'boolean' },
    readOnlyRootFilesystem: { type: 'boolean' },
    runAsNonRoot: { type: 'boolean' },
    capabilities: { type: 'object', properties: { drop: strings, add: strings }, additionalProperties: false },
  },
  additionalProperties: false,
};

const container = {
  type: 'object',
  required: ['name', 'image'],
  properties: {
    name: dns1123,
    image: str,
    imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
    command: strings,
    args: strings,
    env: { type: 'array', items: envVar },
    ports: {
      type: 'array',
      items: {
        type: 'object',
        required: ['containerPort'],
        properties: { name: { type: 'string', maxLength: 15 }, containerPort: port, protocol: { enum: ['TCP', 'UDP', 'SCTP'] } },
        additionalProperties: false,
      },
    },
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    lifecycle: {
      type: 'object',
      properties: { preStop: { type: 'object', properties: { exec: { type: 'object', properties: { command: strings } } } } },
      additionalProperties: false,
    },
    resources: {
      type: 'object',
      properties: {
        requests: { type: 'object', properties: { cpu: quantity, memory: quantity }, additionalProperties: false },
        limits: { type: 'object', properties: { cpu: quantity, memory: quantity }, additionalProperties: false },
      },
      additionalProperties: false,
    },
    securityContext: containerSecurity,
    volumeMounts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'mountPath'],
        properties: { name: str, mountPath: { type: 'string', pattern: '^/' }, readOnly: { type: 'boolean' } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const podSpec = {
  type: 'object',
  required: ['containers'],
  properties: {
    serviceAccountName: dns1123,
    automountServiceAccountToken: { type: 'boolean' },
    nodeSelector: labels,
    tolerations: { type: 'array', items: { type: 'object' } },
    terminationGracePeriodSeconds: { type: 'integer', minimum: 0 },
    restartPolicy: { enum: ['Always', 'OnFailure', 'Never'] },
    securityContext: {
      type: 'object',
      properties: {
        runAsNonRoot: { type: 'boolean' },
        runAsUser: { type: 'integer', minimum: 0 },
        runAsGroup: { type: 'integer', minimum: 0 },
        fsGroup: { type: 'integer', minimum: 0 },
        seccompProfile: { type: 'object', required: ['type'], properties: { type: { enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] } } },
      },
      additionalProperties: false,
    },
    affinity: { type: 'object' },
    containers: { type: 'array', minItems: 1, items: container },
    volumes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: str,
          configMap: { type: 'object', required: ['name'], properties: { name: dns1123 } },
          secret: { type: 'object', required: ['secretName'], properties: { secretName: dns1123, defaultMode: { type: 'integer', minimum: 0, maximum: 0o777 } }, additionalProperties: false },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const deployment = top('apps/v1', 'Deployment', true, {
  spec: {
    type: 'object',
    required: ['selector', 'template'],
    properties: {
      replicas: { type: 'integer', minimum: 0 },
      selector,
      strategy: { type: 'object' },
      template: {
        type: 'object',
        required: ['metadata', 'spec'],
        properties: {
          metadata: { type: 'object', required: ['labels'], properties: { labels, annotations: labels }, additionalProperties: false },
          spec: podSpec,
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  },
}, ['spec']);

const podTemplate = {
  type: 'object',
  required: ['spec'],
  properties: {
    metadata: { type: 'object', properties: { labels, annotations: labels }, additionalProperties: false },
    spec: { ...podSpec, required: ['containers', 'restartPolicy'], properties: { ...podSpec.properties, restartPolicy: { enum: ['OnFailure', 'Never'] } } },
  },
  additionalProperties: false,
};

const jobSpec = {
  type: 'object',
  required: ['template'],
  properties: { backoffLimit: { type: 'integer', minimum: 0 }, ttlSecondsAfterFinished: { type: 'integer', minimum: 0 }, template: podTemplate },
  additionalProperties: false,
};

const job = top('batch/v1', 'Job', true, { spec: jobSpec }, ['spec']);

const cronJob = top('batch/v1', 'CronJob', true, {
  spec: {
    type: 'object',
    required: ['schedule', 'jobTemplate'],
    properties: {
      schedule: { type: 'string', pattern: '^\\S+( \\S+){4}$' },
      concurrencyPolicy: { enum: ['Allow', 'Forbid', 'Replace'] },
      jobTemplate: { type: 'object', required: ['spec'], properties: { spec: jobSpec }, additionalProperties: false },
    },
    additionalProperties: false,
  },
}, ['spec']);

const service = top('v1', 'Service', true, {
  spec: {
    type: 'object',
    required: ['ports', 'selector'],
    properties: {
      type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] },
      selector: labels,
      externalTrafficPolicy: { enum: ['Cluster', 'Local'] },
      loadBalancerClass: str,
      loadBalancerIP: str,
      externalIPs: strings,
      ports: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['port'],
          properties: {
            name: { type: 'string', maxLength: 15 },
            port,
            targetPort: portRef,
            protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
            appProtocol: str,
          },
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  },
}, ['spec']);

const policyRule = {
  type: 'object',
  required: ['apiGroups', 'resources', 'verbs'],
  properties: {
    apiGroups: { type: 'array', items: { type: 'string' } },
    resources: strings,
    resourceNames: strings,
    verbs: { type: 'array', minItems: 1, items: { enum: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] } },
  },
  additionalProperties: false,
};

const roleRef = {
  type: 'object',
  required: ['apiGroup', 'kind', 'name'],
  properties: { apiGroup: { const: 'rbac.authorization.k8s.io' }, kind: { enum: ['Role', 'ClusterRole'] }, name: dns1123 },
  additionalProperties: false,
};

const subjects = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['kind', 'name'],
    properties: { kind: { enum: ['ServiceAccount', 'User', 'Group'] }, name: str, namespace: dns1123, apiGroup: { type: 'string' } },
    additionalProperties: false,
  },
};

const gatewayClass = top('gateway.networking.k8s.io/v1', 'GatewayClass', false, {
  spec: {
    type: 'object',
    required: ['controllerName'],
    properties: { controllerName: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/\\-._~%!$&\'()*+,;=:]+$' }, description: { type: 'string', maxLength: 64 } },
    additionalProperties: false,
  },
}, ['spec']);

const gateway = top('gateway.networking.k8s.io/v1', 'Gateway', true, {
  spec: {
    type: 'object',
    required: ['gatewayClassName', 'listeners'],
    properties: {
      gatewayClassName: str,
      listeners: {
        type: 'array',
        minItems: 1,
        maxItems: 64,
        items: {
          type: 'object',
          required: ['name', 'port', 'protocol'],
          properties: { name: str, hostname: str, port, protocol: str, allowedRoutes: { type: 'object' }, tls: { type: 'object' } },
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  },
}, ['spec']);

const httpRoute = top('gateway.networking.k8s.io/v1', 'HTTPRoute', true, {
  spec: {
    type: 'object',
    properties: {
      parentRefs: {
        type: 'array',
        maxItems: 32,
        items: { type: 'object', required: ['name'], properties: { name: str, namespace: str, sectionName: str, port, group: { type: 'string' }, kind: str }, additionalProperties: false },
      },
      hostnames: strings,
      rules: {
        type: 'array',
        minItems: 1,
        maxItems: 16,
        items: {
          type: 'object',
          properties: {
            name: str,
            matches: { type: 'array' },
            filters: { type: 'array' },
            backendRefs: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'port'],
                properties: { name: str, namespace: str, port, weight: { type: 'integer', minimum: 0, maximum: 1000000 }, group: { type: 'string' }, kind: str },
                additionalProperties: false,
              },
            },
            sessionPersistence: {
              type: 'object',
              properties: {
                sessionName: { type: 'string', maxLength: 128 },
                absoluteTimeout: { type: 'string', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$' },
                type: { enum: ['Cookie', 'Header'] },
                cookieConfig: { type: 'object', properties: { lifetimeType: { enum: ['Permanent', 'Session'] } }, additionalProperties: false },
              },
              additionalProperties: false,
            },
            timeouts: { type: 'object' },
          },
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  },
}, ['spec']);

const crd = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'apiextensions.k8s.io/v1' },
    kind: { const: 'CustomResourceDefinition' },
    metadata: { type: 'object', required: ['name'] },
    spec: {
      type: 'object',
      required: ['group', 'names', 'scope', 'versions'],
      properties: {
        group: str,
        scope: { enum: ['Namespaced', 'Cluster'] },
        names: { type: 'object', required: ['plural', 'kind'], properties: { plural: str, kind: str } },
        versions: { type: 'array', minItems: 1, items: { type: 'object', required: ['name', 'served', 'storage', 'schema'] } },
      },
    },
  },
};

/** Kind (`apiVersion kind`) → schema. A manifest of a kind missing here fails the test. */
export const MANIFEST_SCHEMAS: Record<string, Schema> = {
  'v1 Namespace': top('v1', 'Namespace', false),
  'v1 ServiceAccount': top('v1', 'ServiceAccount', true, { automountServiceAccountToken: { type: 'boolean' } }),
  'v1 ConfigMap': top('v1', 'ConfigMap', true, { data: labels }),
  'autoscaling/v2 HorizontalPodAutoscaler': top('autoscaling/v2', 'HorizontalPodAutoscaler', true, {
    spec: {
      type: 'object',
      required: ['scaleTargetRef', 'maxReplicas'],
      properties: {
        scaleTargetRef: { type: 'object', required: ['kind', 'name'], properties: { apiVersion: str, kind: str, name: dns1123 }, additionalProperties: false },
        minReplicas: { type: 'integer', minimum: 1 },
        maxReplicas: { type: 'integer', minimum: 1 },
        metrics: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type'],
            properties: {
              type: { enum: ['Resource', 'Pods', 'Object', 'External', 'ContainerResource'] },
              resource: {
                type: 'object',
                required: ['name', 'target'],
                properties: {
                  name: str,
                  target: { type: 'object', required: ['type'], properties: { type: { enum: ['Utilization', 'Value', 'AverageValue'] }, averageUtilization: { type: 'integer', minimum: 1 } }, additionalProperties: false },
                },
                additionalProperties: false,
              },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  }, ['spec']),
  'v1 Service': service,
  'apps/v1 Deployment': deployment,
  'batch/v1 Job': job,
  'batch/v1 CronJob': cronJob,
  'policy/v1 PodDisruptionBudget': top('policy/v1', 'PodDisruptionBudget', true, {
    spec: {
      type: 'object',
      required: ['selector'],
      properties: { minAvailable: portRef, maxUnavailable: portRef, selector },
      additionalProperties: false,
    },
  }, ['spec']),
  'networking.k8s.io/v1 NetworkPolicy': top('networking.k8s.io/v1', 'NetworkPolicy', true, {
    spec: {
      type: 'object',
      required: ['podSelector', 'policyTypes'],
      properties: {
        podSelector: selector,
        policyTypes: { type: 'array', items: { enum: ['Ingress', 'Egress'] } },
        ingress: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              from: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { namespaceSelector: { type: 'object' }, podSelector: selector },
                  additionalProperties: false,
                },
              },
              ports: { type: 'array', items: { type: 'object', required: ['port'], properties: { port: portRef, protocol: { enum: ['TCP', 'UDP', 'SCTP'] } }, additionalProperties: false } },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  }, ['spec']),
  'rbac.authorization.k8s.io/v1 ClusterRole': top('rbac.authorization.k8s.io/v1', 'ClusterRole', false, { rules: { type: 'array', items: policyRule } }, ['rules']),
  'rbac.authorization.k8s.io/v1 Role': top('rbac.authorization.k8s.io/v1', 'Role', true, { rules: { type: 'array', items: policyRule } }, ['rules']),
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': top('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', false, { roleRef, subjects }, ['roleRef', 'subjects']),
  'rbac.authorization.k8s.io/v1 RoleBinding': top('rbac.authorization.k8s.io/v1', 'RoleBinding', true, { roleRef, subjects }, ['roleRef', 'subjects']),
  'gateway.networking.k8s.io/v1 GatewayClass': gatewayClass,
  'gateway.networking.k8s.io/v1 Gateway': gateway,
  'gateway.networking.k8s.io/v1 HTTPRoute': httpRoute,
  'apiextensions.k8s.io/v1 CustomResourceDefinition': crd,
};

