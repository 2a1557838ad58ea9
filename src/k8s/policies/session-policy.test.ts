// SessionPolicy: the parser and the CRD schema (k8s/crds/tether.dev_sessionpolicies.yaml) must agree,
// so an object read from a file gets the same verdict as one a cluster admitted. The OpenAPI part of
// the schema is checked here with a JSON-schema validator; the CEL rules (x-kubernetes-validations)
// cannot run without an apiserver, so the parser is checked to enforce each of them instead.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube-object.ts';
import { isSessionPolicy, parseSessionPolicy } from './session-policy.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const crd = parse(readFileSync(join(root, 'k8s', 'crds', 'tether.dev_sessionpolicies.yaml'), 'utf8'));
const version = crd.spec.versions[0];
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(version.schema.openAPIV3Schema);

function policy(spec: unknown, name = 'p'): KubeObject {
  return { apiVersion: 'tether.dev/v1alpha1', kind: 'SessionPolicy', metadata: { name, namespace: 'ns' }, spec };
}

const invalidFromParser = (o: KubeObject) => parseSessionPolicy(o).problems.filter((p) => p.severity === 'invalid');

const testdata = join(root, 'src', 'translate', 'sticky', 'testdata');
const fromGoldenCases = readdirSync(testdata)
  .filter((f) => f.endsWith('.in.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(testdata, f), 'utf8')).map((d) => d.toJS() as KubeObject))
  .filter((o) => o && isSessionPolicy(o));

describe('SessionPolicy CRD', () => {
  it('is a v1 CRD for tether.dev SessionPolicy with a status subresource', () => {
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.metadata.name).toBe('sessionpolicies.tether.dev');
    expect(crd.spec.names.kind).toBe('SessionPolicy');
    expect(version.name).toBe('v1alpha1');
    expect(version.subresources).toEqual({ status: {} });
  });

  it('declares no defaults for strict and draining (an unset field must fall through to a less specific policy)', () => {
    const spec = version.schema.openAPIV3Schema.properties.spec.properties;
    expect(spec.strict.default).toBeUndefined();
    expect(spec.draining.default).toBeUndefined();
  });

  it('the golden cases hold SessionPolicies both ways', () => {
    expect(fromGoldenCases.length).toBeGreaterThan(20);
  });

  it.each(fromGoldenCases.map((o) => [o.metadata.name, o] as const))('%s: whatever the schema rejects, the parser rejects too', (_name, o) => {
    if (!validate(o)) expect(invalidFromParser(o)).not.toEqual([]);
  });

  it.each(fromGoldenCases.map((o) => [o.metadata.name, o] as const))('%s: whatever the parser accepts, the schema accepts', (_name, o) => {
    if (invalidFromParser(o).length === 0) expect(validate(o), JSON.stringify(validate.errors)).toBe(true);
  });

  // Each CEL rule in the CRD, and an object only that rule rejects: the parser must reject it too.
  const celCases: [string, unknown][] = [
    ['set at least one of session, strict, draining, fallback', { targetRefs: [{ kind: 'Service', name: 's' }] }],
    ['group must be', { targetRefs: [{ group: 'apps', kind: 'Service', name: 's' }], strict: true }],
    ['sectionName cannot be set for a Service target', { targetRefs: [{ kind: 'Service', name: 's', sectionName: 'http' }], strict: true }],
    ['set exactly one of cookie or header', { targetRefs: [{ kind: 'Service', name: 's' }], session: { cookie: {}, header: {} } }],
    ['Path, Max-Age, Expires and HttpOnly', { targetRefs: [{ kind: 'Service', name: 's' }], session: { cookie: { attributes: [{ name: 'HttpOnly' }] } } }],
    ['minimumRingSize must not exceed maximumRingSize', { targetRefs: [{ kind: 'Service', name: 's' }], fallback: { loadBalancer: { type: 'RingHash', minimumRingSize: 10, maximumRingSize: 5 } } }],
    ['set exactly one of header, cookie, queryParameter, sourceIP', { targetRefs: [{ kind: 'Service', name: 's' }], fallback: { hashKeys: [{ terminal: true }] } }],
  ];
  const messages = JSON.stringify(crd);
  it.each(celCases)('CEL rule "%s" is in the CRD and enforced by the parser', (message, spec) => {
    expect(messages).toContain(message);
    expect(validate(policy(spec))).toBe(true); // only CEL catches it
    expect(invalidFromParser(policy(spec))).not.toEqual([]);
  });

  it('Maglev table sizes must be prime (checked by Tether, documented in the CRD)', () => {
    const spec = { targetRefs: [{ kind: 'Service', name: 's' }], fallback: { loadBalancer: { type: 'Maglev', tableSize: 65536 } } };
    expect(validate(policy(spec))).toBe(true);
    expect(invalidFromParser(policy(spec)).map((p) => p.field)).toEqual(['spec.fallback.loadBalancer.tableSize']);
    expect(invalidFromParser(policy({ ...spec, fallback: { loadBalancer: { type: 'Maglev', tableSize: 65537 } } }))).toEqual([]);
  });
});

describe('parseSessionPolicy', () => {
  it('reads every field into its normalised form', () => {
    const spec = parseSessionPolicy(
      policy({
        targetRefs: [{ kind: 'HTTPRoute', name: 'r', sectionName: 'pay' }, { group: '', kind: 'Service', name: 's' }],
        session: { cookie: { name: 'c', path: '/a', ttl: '1h30m', attributes: [{ name: 'SameSite', value: 'Lax' }, { name: 'Secure' }] } },
        strict: true,
        draining: 'drop',
        fallback: { loadBalancer: { type: 'RingHash', minimumRingSize: 2048 }, hashKeys: [{ header: { name: 'X-U' }, terminal: true }, { cookie: { name: 'k', ttl: '0s' } }, { queryParameter: { name: 'q' } }, { sourceIP: {} }] },
      }),
    );
    expect(spec).toEqual({
      targets: [{ kind: 'HTTPRoute', name: 'r', sectionName: 'pay' }, { kind: 'Service', name: 's' }],
      session: { type: 'cookie', name: 'c', path: '/a', ttlSeconds: 5400, attributes: [{ name: 'SameSite', value: 'Lax' }, { name: 'Secure', value: '' }] },
      strict: true,
      draining: 'drop',
      fallback: {
        loadBalancer: { type: 'ring-hash', minimumRingSize: 2048, maximumRingSize: 8388608 },
        hashKeys: [
          { type: 'header', name: 'x-u', terminal: true },
          { type: 'cookie', name: 'k', ttlSeconds: 0, terminal: false },
          { type: 'query-parameter', name: 'q', terminal: false },
          { type: 'source-ip', terminal: false },
        ],
      },
      problems: [],
    });
  });

  it('reports fields it does not know instead of ignoring them', () => {
    const spec = parseSessionPolicy(policy({ targetRefs: [{ kind: 'Service', name: 's' }], strict: true, stickiness: 'max' }));
    expect(spec.problems).toEqual([{ severity: 'unsupported', field: 'spec.stickiness', message: 'Tether does not translate this field' }]);
  });
});
