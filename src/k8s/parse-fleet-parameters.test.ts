// FleetParameters: the parser and the CRD schema (k8s/crds/tether.dev_fleetparameters.yaml) must
// agree, so an object read from a file gets the same verdict as one a cluster admitted. The OpenAPI
// part is checked with a JSON-schema validator; the CEL rules cannot run without an API server, so
// the parser is checked to enforce each of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from './kube-object.ts';
import { isFleetParameters, parseFleetParameters } from './parse-fleet-parameters.ts';
import { EDGE_DEFAULTS, mergeFleetParameters, type FleetParameters } from './fleet-parameters.ts';

const root = join(import.meta.dirname, '..', '..');
const crd = parse(readFileSync(join(root, 'k8s', 'crds', 'tether.dev_fleetparameters.yaml'), 'utf8'));
const version = crd.spec.versions[0];
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(version.schema.openAPIV3Schema);

function params(spec: unknown, name = 'p'): KubeObject {
  return { apiVersion: 'tether.dev/v1alpha1', kind: 'FleetParameters', metadata: { name, namespace: 'ns' }, spec };
}
const invalid = (spec: unknown) => parseFleetParameters(params(spec)).problems.filter((p) => p.severity === 'invalid');

const FULL = {
  replicas: 3,
  image: 'envoyproxy/envoy:v1.39.0',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi', cpu: 2 } },
  service: { type: 'LoadBalancer', annotations: { 'lb.example/internal': 'true' }, externalTrafficPolicy: 'Local', loadBalancerClass: 'example.com/lb' },
  scheduling: { nodeSelector: { pool: 'edge' }, tolerations: [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }], affinity: { podAntiAffinity: {} } },
  logLevel: 'warning',
  edge: { accessLog: 'Text', trustedHops: 1, proxyProtocol: true, escapedSlashes: 'Reject', headersWithUnderscores: 'Reject', drainTimeout: '30s', maxConnections: 1000 },
};

describe('FleetParameters CRD', () => {
  it('is a namespaced v1 CRD for tether.dev FleetParameters v1alpha1, served and stored', () => {
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.metadata.name).toBe('fleetparameters.tether.dev');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.kind).toBe('FleetParameters');
    expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true });
    expect(version.subresources).toBeUndefined();
  });

  it('declares no defaults: an unset field must fall through from the Gateway to its class', () => {
    const text = JSON.stringify(version.schema);
    expect(text).not.toContain('"default"');
  });

  it('the schema and the parser accept every field', () => {
    expect(validate(params(FULL)), JSON.stringify(validate.errors)).toBe(true);
    expect(parseFleetParameters(params(FULL)).problems).toEqual([]);
  });

  // Objects the OpenAPI schema rejects: the parser rejects them too, naming the field.
  const rejected: [string, unknown, string][] = [
    ['negative replicas', { replicas: -1 }, 'spec.replicas'],
    ['replicas as a string', { replicas: '3' }, 'spec.replicas'],
    ['autoscaling without maxReplicas', { autoscaling: { minReplicas: 1 } }, 'spec.autoscaling.maxReplicas'],
    ['CPU target over 100', { autoscaling: { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 101 } }, 'spec.autoscaling.targetCPUUtilizationPercentage'],
    ['an image with a space', { image: 'envoy proxy' }, 'spec.image'],
    ['a quantity that is not one', { resources: { limits: { memory: 'lots' } } }, 'spec.resources.limits.memory'],
    ['an unknown Service type', { service: { type: 'ExternalName' } }, 'spec.service.type'],
    ['an annotation that is not a string', { service: { type: 'LoadBalancer', annotations: { a: 1 } } }, 'spec.service.annotations.a'],
    ['a node selector that is not a string', { scheduling: { nodeSelector: { a: true } } }, 'spec.scheduling.nodeSelector.a'],
    ['tolerations that are not objects', { scheduling: { tolerations: ['x'] } }, 'spec.scheduling.tolerations[0]'],
    ['an unknown log level', { logLevel: 'verbose' }, 'spec.logLevel'],
    ['an unknown access log format', { edge: { accessLog: 'XML' } }, 'spec.edge.accessLog'],
    ['too many trusted hops', { edge: { trustedHops: 17 } }, 'spec.edge.trustedHops'],
    ['proxyProtocol as a string', { edge: { proxyProtocol: 'yes' } }, 'spec.edge.proxyProtocol'],
    ['an unknown escaped-slash action', { edge: { escapedSlashes: 'Decode' } }, 'spec.edge.escapedSlashes'],
    ['an unknown underscore action', { edge: { headersWithUnderscores: 'Keep' } }, 'spec.edge.headersWithUnderscores'],
    ['a drain timeout that is not a duration', { edge: { drainTimeout: '5 seconds' } }, 'spec.edge.drainTimeout'],
    ['zero connections', { edge: { maxConnections: 0 } }, 'spec.edge.maxConnections'],
  ];
  it.each(rejected)('%s: schema and parser both reject it', (_what, spec, field) => {
    expect(validate(params(spec))).toBe(false);
    expect(invalid(spec).map((p) => p.field)).toContain(field);
  });

  // Each CEL rule in the CRD, and an object only that rule rejects: the parser must reject it too.
  const celCases: [string, unknown, string][] = [
    ['minReplicas must not exceed maxReplicas', { autoscaling: { minReplicas: 5, maxReplicas: 2 } }, 'spec.autoscaling.minReplicas'],
    ['externalTrafficPolicy needs service type NodePort or LoadBalancer', { service: { externalTrafficPolicy: 'Local' } }, 'spec.service.externalTrafficPolicy'],
    ['loadBalancerClass needs service type LoadBalancer', { service: { type: 'NodePort', loadBalancerClass: 'x' } }, 'spec.service.loadBalancerClass'],
  ];
  const text = JSON.stringify(crd);
  it.each(celCases)('CEL rule "%s" is in the CRD and enforced by the parser', (message, spec, field) => {
    expect(text).toContain(message);
    expect(validate(params(spec))).toBe(true); // only CEL catches it
    expect(invalid(spec).map((p) => p.field)).toEqual([field]);
  });

  it('a drain timeout over an hour is rejected by the parser (documented in the CRD)', () => {
    expect(invalid({ edge: { drainTimeout: '2h' } }).map((p) => p.field)).toEqual(['spec.edge.drainTimeout']);
    expect(text).toContain('at most 1h');
  });
});

describe('parseFleetParameters', () => {
  it('reads every field into the contract type', () => {
    const parsed = parseFleetParameters(params(FULL));
    expect(parsed).toEqual({
      namespace: 'ns',
      name: 'p',
      problems: [],
      parameters: {
        replicas: 3,
        image: 'envoyproxy/envoy:v1.39.0',
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi', cpu: '2' } },
        service: { type: 'LoadBalancer', annotations: { 'lb.example/internal': 'true' }, externalTrafficPolicy: 'Local', loadBalancerClass: 'example.com/lb' },
        scheduling: { nodeSelector: { pool: 'edge' }, tolerations: [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }], affinity: { podAntiAffinity: {} } },
        logLevel: 'warning',
        edge: { accessLog: 'Text', trustedHops: 1, proxyProtocol: true, escapedSlashes: 'Reject', headersWithUnderscores: 'Reject', drainTimeoutSeconds: 30, maxConnections: 1000 },
      },
    });
    expect(isFleetParameters(params({}))).toBe(true);
    expect(isFleetParameters({ ...params({}), apiVersion: 'example.com/v1' })).toBe(false);
  });

  it('reports fields it does not know, and replicas beside autoscaling, instead of ignoring them', () => {
    const parsed = parseFleetParameters(params({ replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 4 }, edge: { accessLogs: 'JSON' }, zone: 'a' }));
    expect(parsed.problems).toEqual([
      { severity: 'unsupported', field: 'spec.zone', message: 'Tether does not translate this field' },
      { severity: 'unsupported', field: 'spec.replicas', message: 'is ignored: autoscaling is set and the autoscaler owns the replica count' },
      { severity: 'unsupported', field: 'spec.edge.accessLogs', message: 'Tether does not translate this field' },
    ]);
    expect(parsed.parameters).toEqual({ replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 4 }, edge: {} });
  });
});

describe('mergeFleetParameters', () => {
  const cls: FleetParameters = {
    replicas: 2,
    image: 'envoy:a',
    service: { type: 'LoadBalancer', annotations: { a: '1' } },
    scheduling: { tolerations: [{ key: 'x' }] },
    edge: { accessLog: 'Text', trustedHops: 1 },
  };

  it('takes the Gateway’s fields over the class’s, field by field, one level down', () => {
    const merged = mergeFleetParameters(cls, { image: 'envoy:b', service: { externalTrafficPolicy: 'Local' }, edge: { trustedHops: 2 } });
    expect(merged).toEqual({
      replicas: 2,
      image: 'envoy:b',
      service: { type: 'LoadBalancer', annotations: { a: '1' }, externalTrafficPolicy: 'Local' },
      scheduling: { tolerations: [{ key: 'x' }] },
      edge: { accessLog: 'Text', trustedHops: 2 },
    });
    expect(cls.edge).toEqual({ accessLog: 'Text', trustedHops: 1 }); // inputs untouched
  });

  it('replaces lists whole, and lets autoscaling and a fixed replica count turn each other off', () => {
    expect(mergeFleetParameters(cls, { scheduling: { tolerations: [] } }).scheduling).toEqual({ tolerations: [] });
    const scaled = mergeFleetParameters(cls, { autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    expect(scaled.replicas).toBeUndefined();
    expect(scaled.autoscaling).toEqual({ minReplicas: 2, maxReplicas: 5 });
    expect(mergeFleetParameters(scaled, { replicas: 1 })).not.toHaveProperty('autoscaling');
  });

  it('is the identity with nothing on either side', () => {
    expect(mergeFleetParameters(undefined, undefined)).toEqual({});
    expect(mergeFleetParameters(undefined, cls)).toEqual(cls);
    expect(mergeFleetParameters(cls, undefined)).toEqual(cls);
  });

  it('has a default for every edge setting', () => {
    expect(Object.keys(EDGE_DEFAULTS).sort()).toEqual(['accessLog', 'drainTimeoutSeconds', 'escapedSlashes', 'headersWithUnderscores', 'maxConnections', 'proxyProtocol', 'trustedHops']);
  });
});
