// Tether's own cases for the HTTPS tests of the Gateway API v1.6.1 conformance suite (see cases.ts
// for how cases are checked). The suite's HTTPS Gateway has four listeners on port 443: one without
// hostname, one for second-example.org, one for *.wildcard.org and one for
// fourth-example.wildcard.org, all serving one certificate. Requests are resolved as a verifying
// HTTPS client makes them: the SNI picks the filter chain, the served certificate must cover the
// name, then the Host picks the virtual host of that chain's routes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { KubeObject } from '../../src/k8s/kube-object.ts';
import type { HttpProtocol, Resolution } from '../support/envoy-request-resolver.ts';
import { APP_NS, WEB_NS } from './base-setting.ts';
import type { ConformanceCase } from './cases.ts';
import { backend, condition, gateway, GW, httpListener, NS, route, Scenario } from './scenario.ts';
import { expectGatewayReady, expectObservedGeneration, expectRouteAccepted, gatewayBody } from './status-checks.ts';

const HTTPS_GW = 'same-namespace-with-https-listener';
const CERT = 'tls-validity-checks-certificate';
const GATEWAY_API = 'gateway.networking.k8s.io';

/** A kubernetes.io/tls Secret holding a test-only certificate (test/support/tls/), as the API server gives it (base64 `data`). */
function tlsSecret(name: string, namespace = NS, files = 'test-only-conformance'): KubeObject {
  const read = (ext: string) => readFileSync(join(import.meta.dirname, '..', 'support', 'tls', `${files}.${ext}`)).toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls', data: { 'tls.crt': read('crt'), 'tls.key': read('key') } };
}

function certificateRef(name: string, extra: object = {}): object {
  return { group: '', kind: 'Secret', name, ...extra };
}

function httpsListener(name: string, hostname: string | undefined, refs: object[] = [certificateRef(CERT)], from = 'Same'): object {
  return { name, port: 443, protocol: 'HTTPS', ...(hostname ? { hostname } : {}), allowedRoutes: { namespaces: { from } }, tls: { certificateRefs: refs } };
}

/** The suite's shared HTTPS Gateway and its certificate. */
function httpsGateway(): KubeObject[] {
  return [
    gateway(HTTPS_GW, [
      httpsListener('https', undefined),
      httpsListener('https-with-hostname', 'second-example.org'),
      httpsListener('https-with-wildcard-hostname', '*.wildcard.org'),
      httpsListener('https-with-hostname-matching-wildcard', 'fourth-example.wildcard.org'),
    ]),
    tlsSecret(CERT),
  ];
}

const to = (name: string) => ({ backendRefs: [backend(name)] });
const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });

/** What GatewayAndHTTPRoutesMustBeAccepted waits for: the Gateway and every listener ready, each route accepted with its references resolved. */
function expectGatewayAndRoutesAccepted(s: Scenario, gatewayName: string, routes: string[]): void {
  expectGatewayReady(s, gatewayName);
  for (const r of routes) expectRouteAccepted(s, 'HTTPRoute', r, { gateway: gatewayName });
}

/** What GatewayStatusMustHaveListeners compares, for a Gateway of one listener: its name, HTTPRoute among the supported kinds, attachedRoutes, and the given conditions (reason `undefined`: any). */
function expectListener(s: Scenario, gatewayName: string, name: string, attachedRoutes: number, conditions: [string, 'True' | 'False', string?][]): void {
  const body = gatewayBody(s, gatewayName);
  // The suite reads listener status only once the Gateway's conditions carry its generation.
  expectObservedGeneration(body.conditions, 1);
  expect(body.listeners.map((x) => x.name), `${gatewayName} listeners`).toEqual([name]);
  const l = body.listeners[0];
  if (!l) throw new Error('unreachable');
  expect(l.supportedKinds).toContainEqual({ group: GATEWAY_API, kind: 'HTTPRoute' });
  expect(l.attachedRoutes, `${gatewayName}/${name} attachedRoutes`).toBe(attachedRoutes);
  for (const [type, status, reason] of conditions) {
    const c = condition(l.conditions, type);
    expect(c?.status, `${gatewayName}/${name} ${type}`).toBe(status);
    if (reason !== undefined) expect(c?.reason, `${gatewayName}/${name} ${type} reason`).toBe(reason);
  }
}

/** What a client sees over HTTPS to port 443: the backend Service, or the status code Envoy answers. */
function httpsAnswer(s: Scenario, gatewayName: string, sni: string, host: string, path = '/', protocol: HttpProtocol = 'HTTP/1.1'): string | number {
  return s.backendOf(s.request({ port: 443, host, sni, path, protocol }, gatewayName));
}

function redirected(res: Resolution): { status: number; location: string } {
  if (res.type !== 'redirect') throw new Error(`expected a redirect, got ${JSON.stringify(res)}`);
  return { status: res.status, location: res.location };
}

function httpsListenerRouting(): void {
  const s = new Scenario([
    ...httpsGateway(),
    route('HTTPRoute', 'httproute-https-test', { parentRefs: [{ name: HTTPS_GW }], hostnames: ['example.org'], rules: [to('infra-backend-v1')] }),
    route('HTTPRoute', 'httproute-https-test-no-hostname', { parentRefs: [{ name: HTTPS_GW, sectionName: 'https-with-hostname' }], rules: [to('infra-backend-v2')] }),
  ]);
  expectGatewayAndRoutesAccepted(s, HTTPS_GW, ['httproute-https-test', 'httproute-https-test-no-hostname']);
  // Each request's SNI is its Host.
  const at = (host: string) => httpsAnswer(s, HTTPS_GW, host, host);
  expect([at('example.org'), at('unknown-example.org'), at('second-example.org')]).toEqual(['infra-backend-v1', 404, 'infra-backend-v2']);
}

function misdirectedRequests(): void {
  const r = (n: number, sectionName: string, hostnames: string[], service: string) =>
    route('HTTPRoute', `https-listener-detect-misdirected-requests-test-${n}`, { parentRefs: [{ name: HTTPS_GW, sectionName }], hostnames, rules: [{ matches: [prefix('/detect-misdirected-requests')], ...to(service) }] });
  const s = new Scenario([
    ...httpsGateway(),
    r(1, 'https', ['example.org'], 'infra-backend-v1'),
    r(2, 'https-with-hostname', [], 'infra-backend-v2'),
    r(3, 'https-with-wildcard-hostname', [], 'infra-backend-v3'),
    r(4, 'https-with-hostname-matching-wildcard', [], 'infra-backend-v1'),
  ]);
  expectGatewayAndRoutesAccepted(s, HTTPS_GW, [1, 2, 3, 4].map((n) => `https-listener-detect-misdirected-requests-test-${n}`));
  const cases: [sni: string, host: string, answer: string | number][] = [
    ['example.org', 'example.org', 'infra-backend-v1'],
    ['example.org', 'second-example.org', 421],
    ['example.org', 'unknown-example.org', 404],
    ['second-example.org', 'second-example.org', 'infra-backend-v2'],
    ['second-example.org', 'example.org', 421],
    ['second-example.org', 'unknown-example.org', 421],
    ['third-example.wildcard.org', 'third-example.wildcard.org', 'infra-backend-v3'],
    ['third-example.wildcard.org', 'fifth-example.wildcard.org', 'infra-backend-v3'],
    ['third-example.wildcard.org', 'fourth-example.wildcard.org', 421],
    ['third-example.wildcard.org', 'second-example.org', 421],
    ['third-example.wildcard.org', 'unknown-example.org', 421],
    ['fourth-example.wildcard.org', 'fourth-example.wildcard.org', 'infra-backend-v1'],
    ['fourth-example.wildcard.org', 'fifth-example.wildcard.org', 421],
    ['unknown-example.org', 'example.org', 'infra-backend-v1'],
    ['unknown-example.org', 'unknown-example.org', 404],
  ];
  // Over HTTP/2, as the suite sends them.
  for (const [sni, host, answer] of cases) expect(httpsAnswer(s, HTTPS_GW, sni, host, '/detect-misdirected-requests', 'HTTP/2'), `SNI ${sni}, Host ${host}`).toBe(answer);
}

function redirectPortAndScheme(): void {
  const rule = (path: string, requestRedirect: object) => ({ matches: [prefix(path)], filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'example.org', ...requestRedirect } }] });
  const s = new Scenario([
    ...httpsGateway(),
    gateway('same-namespace-with-http-listener-on-8080', [httpListener(8080)]),
    route('HTTPRoute', 'http-route-for-listener-on-port-80', {
      parentRefs: [{ name: GW }],
      rules: [
        rule('/scheme-nil-and-port-nil', {}),
        rule('/scheme-nil-and-port-80', { port: 80 }),
        rule('/scheme-nil-and-port-8080', { port: 8080 }),
        rule('/scheme-https-and-port-nil', { scheme: 'https' }),
        rule('/scheme-https-and-port-443', { scheme: 'https', port: 443 }),
        rule('/scheme-https-and-port-8443', { scheme: 'https', port: 8443 }),
      ],
    }),
    route('HTTPRoute', 'http-route-for-listener-on-port-8080', {
      parentRefs: [{ name: 'same-namespace-with-http-listener-on-8080' }],
      rules: [rule('/scheme-nil-and-port-nil', {}), rule('/scheme-nil-and-port-80', { port: 80 }), rule('/scheme-https-and-port-nil', { scheme: 'https' })],
    }),
    route('HTTPRoute', 'http-route-for-listener-on-port-443', {
      parentRefs: [{ name: HTTPS_GW }],
      rules: [
        rule('/scheme-nil-and-port-nil', {}),
        rule('/scheme-nil-and-port-443', { port: 443 }),
        rule('/scheme-nil-and-port-8443', { port: 8443 }),
        rule('/scheme-http-and-port-nil', { scheme: 'http' }),
        rule('/scheme-http-and-port-80', { scheme: 'http', port: 80 }),
        rule('/scheme-http-and-port-8080', { scheme: 'http', port: 8080 }),
      ],
    }),
  ]);
  expectGatewayAndRoutesAccepted(s, GW, ['http-route-for-listener-on-port-80']);
  expectGatewayAndRoutesAccepted(s, 'same-namespace-with-http-listener-on-8080', ['http-route-for-listener-on-port-8080']);
  expectGatewayAndRoutesAccepted(s, HTTPS_GW, ['http-route-for-listener-on-port-443']);
  // The suite accepts the scheme's default port (80, 443) written out where it expects none; Tether leaves it out.
  const http = (port: number, gatewayName: string, path: string) => redirected(s.request({ port, path, host: port === 80 ? 'gateway.local' : `gateway.local:${port}` }, gatewayName));
  const on80 = (path: string) => http(80, GW, path);
  expect(on80('/scheme-nil-and-port-nil')).toEqual({ status: 302, location: 'http://example.org/scheme-nil-and-port-nil' });
  expect(on80('/scheme-nil-and-port-80')).toEqual({ status: 302, location: 'http://example.org/scheme-nil-and-port-80' });
  expect(on80('/scheme-nil-and-port-8080')).toEqual({ status: 302, location: 'http://example.org:8080/scheme-nil-and-port-8080' });
  expect(on80('/scheme-https-and-port-nil')).toEqual({ status: 302, location: 'https://example.org/scheme-https-and-port-nil' });
  expect(on80('/scheme-https-and-port-443')).toEqual({ status: 302, location: 'https://example.org/scheme-https-and-port-443' });
  expect(on80('/scheme-https-and-port-8443')).toEqual({ status: 302, location: 'https://example.org:8443/scheme-https-and-port-8443' });
  const on8080 = (path: string) => http(8080, 'same-namespace-with-http-listener-on-8080', path);
  expect(on8080('/scheme-nil-and-port-nil')).toEqual({ status: 302, location: 'http://example.org:8080/scheme-nil-and-port-nil' });
  expect(on8080('/scheme-nil-and-port-80')).toEqual({ status: 302, location: 'http://example.org/scheme-nil-and-port-80' });
  expect(on8080('/scheme-https-and-port-nil')).toEqual({ status: 302, location: 'https://example.org/scheme-https-and-port-nil' });
  // Over HTTPS with SNI and Host example.org: the catch-all chain, whose routes carry the listener's scheme and port.
  const on443 = (path: string) => redirected(s.request({ port: 443, host: 'example.org', sni: 'example.org', path }, HTTPS_GW));
  expect(on443('/scheme-nil-and-port-nil')).toEqual({ status: 302, location: 'https://example.org/scheme-nil-and-port-nil' });
  expect(on443('/scheme-nil-and-port-443')).toEqual({ status: 302, location: 'https://example.org/scheme-nil-and-port-443' });
  expect(on443('/scheme-nil-and-port-8443')).toEqual({ status: 302, location: 'https://example.org:8443/scheme-nil-and-port-8443' });
  expect(on443('/scheme-http-and-port-nil')).toEqual({ status: 302, location: 'http://example.org/scheme-http-and-port-nil' });
  expect(on443('/scheme-http-and-port-80')).toEqual({ status: 302, location: 'http://example.org/scheme-http-and-port-80' });
  expect(on443('/scheme-http-and-port-8080')).toEqual({ status: 302, location: 'http://example.org:8080/scheme-http-and-port-8080' });
}

/** A Gateway in the infra namespace whose HTTPS listener names Secret `certificate` of the web-backend namespace. */
function crossNamespaceSecret(gatewayName: string, grants: KubeObject[]): Scenario {
  return new Scenario([
    gateway(gatewayName, [httpsListener('https', undefined, [certificateRef('certificate', { namespace: WEB_NS })], 'All')]),
    tlsSecret('certificate', WEB_NS),
    ...grants,
  ]);
}

function grant(name: string, namespace: string, from: object, to: object): KubeObject {
  return { apiVersion: `${GATEWAY_API}/v1`, kind: 'ReferenceGrant', metadata: { name, namespace }, spec: { from: [from], to: [to] } };
}

const FROM_GATEWAYS = { group: GATEWAY_API, kind: 'Gateway', namespace: NS };
const TO_CERTIFICATE = { group: '', kind: 'Secret', name: 'certificate' };

/**
 * A listener whose certificate is refused is not served: the Gateway gets no Envoy config at all
 * (its only listener is refused), or one with no listener on 443 and no secret.
 */
function expectNotServed(s: Scenario, gatewayName: string): void {
  if (!s.result.ir.gateways.some((g) => g.name === `${NS}/${gatewayName}`)) return;
  expect(s.request({ port: 443, host: 'example.org', path: '/' }, gatewayName)).toEqual({ type: 'no-listener' });
  expect(s.envoy(gatewayName).secrets ?? []).toEqual([]);
}

function secretRefNotPermitted(grants: KubeObject[]): () => void {
  return () => {
    const name = 'gateway-secret-reference';
    const s = crossNamespaceSecret(name, grants);
    expectListener(s, name, 'https', 0, [['ResolvedRefs', 'False', 'RefNotPermitted']]);
    expectNotServed(s, name);
  };
}

function secretRefPermitted(to: object): () => void {
  return () => {
    const name = 'gateway-secret-reference';
    const s = crossNamespaceSecret(name, [grant('reference-grant', WEB_NS, FROM_GATEWAYS, to)]);
    expectListener(s, name, 'https', 0, [
      ['Programmed', 'True', 'Programmed'],
      ['ResolvedRefs', 'True'],
    ]);
    // Served: the handshake succeeds with the granted certificate; no route is attached, so 404.
    expect(httpsAnswer(s, name, 'example.org', 'example.org')).toBe(404);
    expect((s.envoy(name).secrets ?? []).map((x) => x['name'])).toEqual([`${WEB_NS}/certificate`]);
  };
}

/** ReferenceGrants that each miss one part of what the reference needs. */
const WRONG_GRANTS: KubeObject[] = [
  grant('wrong-namespace', APP_NS, FROM_GATEWAYS, TO_CERTIFICATE),
  grant('wrong-from-group', WEB_NS, { ...FROM_GATEWAYS, group: 'example.com' }, TO_CERTIFICATE),
  grant('wrong-from-kind', WEB_NS, { ...FROM_GATEWAYS, kind: 'HTTPRoute' }, TO_CERTIFICATE),
  grant('wrong-from-namespace', WEB_NS, { ...FROM_GATEWAYS, namespace: 'elsewhere' }, TO_CERTIFICATE),
  grant('wrong-to-group', WEB_NS, FROM_GATEWAYS, { group: 'example.com', kind: 'Secret', name: 'other-certificate' }),
  grant('wrong-to-kind', WEB_NS, FROM_GATEWAYS, { group: '', kind: 'Service', name: 'certificate' }),
  grant('wrong-to-name', WEB_NS, FROM_GATEWAYS, { group: '', kind: 'Secret', name: 'other-certificate' }),
];

function invalidTlsConfiguration(): void {
  const gw = (name: string, ref: object) => gateway(name, [httpsListener('https', undefined, [ref], 'All')]);
  const s = new Scenario([
    tlsSecret(CERT),
    // Neither a certificate nor a key: the text "Hello world" as both.
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'malformed-certificate', namespace: NS }, type: 'kubernetes.io/tls', data: { 'tls.crt': btoa('Hello world\n'), 'tls.key': btoa('Hello world\n') } },
    gw('gateway-certificate-nonexistent-secret', certificateRef('nonexistent-certificate')),
    gw('gateway-certificate-unsupported-group', certificateRef(CERT, { group: 'wrong.group.example.com' })),
    gw('gateway-certificate-unsupported-kind', certificateRef(CERT, { kind: 'WrongKind' })),
    gw('gateway-certificate-malformed-secret', certificateRef('malformed-certificate')),
  ]);
  for (const name of ['gateway-certificate-nonexistent-secret', 'gateway-certificate-unsupported-group', 'gateway-certificate-unsupported-kind', 'gateway-certificate-malformed-secret']) {
    expectListener(s, name, 'https', 0, [['ResolvedRefs', 'False', 'InvalidCertificateRef']]);
    expectNotServed(s, name);
  }
}

function attachedRoutes(): void {
  const selector = { kinds: [{ kind: 'HTTPRoute' }], namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } } };
  const r = (name: string, parent: object, extra: object = {}, service = 'infra-backend-v1') => route('HTTPRoute', name, { parentRefs: [{ kind: 'Gateway', namespace: NS, ...parent }], rules: [to(service)], ...extra });
  const s = new Scenario([
    gateway('gateway-with-one-attached-route', [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: selector }]),
    r('http-route-1', { name: 'gateway-with-one-attached-route' }),
    gateway('gateway-with-two-attached-routes', [{ name: 'http', port: 80, protocol: 'HTTP', hostname: 'foo.example.com', allowedRoutes: selector }]),
    r('http-route-2', { name: 'gateway-with-two-attached-routes' }),
    r('http-route-3', { name: 'gateway-with-two-attached-routes' }),
    r('http-route-not-accepted', { name: 'gateway-with-two-attached-routes' }, { hostnames: ['not-accepted.test.com'] }),
    gateway('unresolved-gateway-with-one-attached-unresolved-route', [
      { name: 'tls', port: 443, protocol: 'HTTPS', allowedRoutes: selector, tls: { mode: 'Terminate', certificateRefs: [certificateRef('does-not-exist')] } },
    ]),
    r('http-route-4', { name: 'unresolved-gateway-with-one-attached-unresolved-route', sectionName: 'tls' }, {}, 'does-not-exist'),
  ]);
  const resolvedAndAccepted: [string, 'True'][] = [
    ['Accepted', 'True'],
    ['ResolvedRefs', 'True'],
  ];
  expectListener(s, 'gateway-with-one-attached-route', 'http', 1, resolvedAndAccepted);
  expectListener(s, 'gateway-with-two-attached-routes', 'http', 2, resolvedAndAccepted);
  expect(condition(s.routeConditions('HTTPRoute', 'http-route-not-accepted', 'gateway-with-two-attached-routes'), 'Accepted')).toEqual({ status: 'False', reason: 'NoMatchingListenerHostname' });
  // A listener whose certificate does not resolve still counts the routes attached to it.
  expectListener(s, 'unresolved-gateway-with-one-attached-unresolved-route', 'tls', 1, [
    ['Programmed', 'False'],
    ['ResolvedRefs', 'False'],
  ]);
  expect(condition(s.routeConditions('HTTPRoute', 'http-route-4', 'unresolved-gateway-with-one-attached-unresolved-route'), 'ResolvedRefs')?.status).toBe('False');
  expect(s.backendOf(s.request({ path: '/' }, 'gateway-with-one-attached-route'))).toBe('infra-backend-v1');
  expect(s.backendOf(s.request({ path: '/', host: 'foo.example.com' }, 'gateway-with-two-attached-routes'))).toBe('infra-backend-v1');
}

/** A ConfigMap holding `ca.crt`: the PEM certificate of a test-only file. */
function caConfigMap(name: string, files = 'test-only-conformance'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { 'ca.crt': readFileSync(join(import.meta.dirname, '..', 'support', 'tls', `${files}.crt`), 'utf8') } };
}

/**
 * The default validation names a ConfigMap that does not exist: the HTTPS listener is unresolved,
 * not accepted and not served (a client gets no TLS answer on 443); the HTTP listener on port 80,
 * though a perPort entry for port 80 exists, is untouched, since frontend validation is for HTTPS.
 */
function invalidDefaultClientValidation(): void {
  const name = 'invalid-default-client-validation-config';
  const ca = (ref: string) => ({ validation: { caCertificateRefs: [{ kind: 'ConfigMap', group: '', name: ref }] } });
  const s = new Scenario([
    tlsSecret(CERT),
    caConfigMap('tls-validity-checks-per-port-ca-certificate'),
    gateway(name, [httpsListener('https', undefined), httpListener()], { tls: { frontend: { default: ca('does-not-exist'), perPort: [{ port: 80, tls: ca('tls-validity-checks-per-port-ca-certificate') }] } } }),
    route('HTTPRoute', name, { parentRefs: [{ name }], hostnames: ['example.org'], rules: [to('infra-backend-v1')] }),
  ]);
  const body = gatewayBody(s, name);
  const listener = (l: string) => body.listeners.find((x) => x.name === l)?.conditions ?? [];
  for (const type of ['ResolvedRefs', 'Accepted', 'Programmed']) expect(condition(listener('http'), type)?.status, `http ${type}`).toBe('True');
  expect(s.backendOf(s.request({ host: 'example.org', path: '/' }, name))).toBe('infra-backend-v1');
  expect(condition(listener('https'), 'ResolvedRefs')).toEqual({ status: 'False', reason: 'InvalidCACertificateRef' });
  expect(condition(listener('https'), 'Accepted')).toEqual({ status: 'False', reason: 'NoValidCACertificate' });
  expect(condition(listener('https'), 'Programmed')?.status).toBe('False');
  expect(s.request({ port: 443, host: 'example.org', sni: 'example.org', path: '/' }, name)).toEqual({ type: 'no-listener' });
}

const CLIENT_CERTIFICATES = 'client certificate validation (Gateway spec.tls.frontend) is not implemented: CA references are resolved and reported, but the HTTPS listeners validation applies to are not served (fail closed)';

export const HTTPS_CASES: ConformanceCase[] = [
  { test: 'HTTPRouteHTTPSListener', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: httpsListenerRouting } },
  {
    test: 'HTTPRouteHTTPSListenerDetectMisdirectedRequests',
    features: ['Gateway', 'GatewayHTTPSListenerDetectMisdirectedRequests', 'HTTPRoute'],
    outcome: { type: 'checked', run: misdirectedRequests, limit: 'that an HTTP/2 client reuses one connection for several hosts; the chain its SNI picks and the 421 for other listeners’ hosts are checked' },
  },
  { test: 'HTTPRouteRedirectPortAndScheme', features: ['Gateway', 'HTTPRoute', 'HTTPRoutePortRedirect', 'GatewayPort8080'], outcome: { type: 'checked', run: redirectPortAndScheme } },
  { test: 'GatewayWithAttachedRoutes', features: ['Gateway', 'HTTPRoute'], outcome: { type: 'checked', run: attachedRoutes } },
  { test: 'GatewaySecretInvalidReferenceGrant', features: ['Gateway', 'ReferenceGrant'], outcome: { type: 'checked', run: secretRefNotPermitted(WRONG_GRANTS) } },
  { test: 'GatewaySecretMissingReferenceGrant', features: ['Gateway', 'ReferenceGrant'], outcome: { type: 'checked', run: secretRefNotPermitted([]) } },
  { test: 'GatewaySecretReferenceGrantAllInNamespace', features: ['Gateway', 'ReferenceGrant'], outcome: { type: 'checked', run: secretRefPermitted({ group: '', kind: 'Secret' }) } },
  { test: 'GatewaySecretReferenceGrantSpecific', features: ['Gateway', 'ReferenceGrant'], outcome: { type: 'checked', run: secretRefPermitted(TO_CERTIFICATE) } },
  { test: 'GatewayInvalidTLSConfiguration', features: ['Gateway'], outcome: { type: 'checked', run: invalidTlsConfiguration } },
  {
    test: 'GatewayFrontendInvalidDefaultClientCertificateValidation',
    features: ['Gateway', 'HTTPRoute', 'GatewayFrontendClientCertificateValidation'],
    outcome: { type: 'checked', run: invalidDefaultClientValidation },
  },
  ...(
    [
      ['GatewayFrontendClientCertificateValidation', 'Gateway HTTPRoute GatewayFrontendClientCertificateValidation'],
      ['GatewayFrontendClientCertificateValidationInsecureFallback', 'Gateway HTTPRoute GatewayFrontendClientCertificateValidation GatewayFrontendClientCertificateValidationInsecureFallback'],
      ['GatewayInvalidFrontendClientCertificateValidation', 'Gateway HTTPRoute ReferenceGrant GatewayFrontendClientCertificateValidation'],
    ] as const
  ).map(([test, features]): ConformanceCase => ({ test, features: features.split(' '), outcome: { type: 'out-of-scope', reason: CLIENT_CERTIFICATES } })),
];
