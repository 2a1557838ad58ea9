import { describe, expect, it } from 'vitest';
import { parseGateway } from '../k8s/gateway-api/gateway.ts';
import { translateListeners } from './listeners.ts';
import { NO_TLS_INPUTS, type TlsInputs } from './listener-tls.ts';

/** ConfigMap ns/client-ca holds a CA bundle; ns/empty has no ca.crt. */
const INPUTS: TlsInputs = {
  ...NO_TLS_INPUTS,
  caBundles: new Map([
    ['ns/client-ca', { ok: true, certificates: [], pem: '' }],
    ['ns/empty', { ok: false, problem: 'has no key ca.crt' }],
  ]),
};

const CA = { group: '', kind: 'ConfigMap', name: 'client-ca' };
const LISTENERS = [
  { name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } },
  { name: 'https-alt', port: 8443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'cert' }] } },
  { name: 'http', port: 80, protocol: 'HTTP' },
];

function frontendConditions(frontend: unknown) {
  const g = parseGateway({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'ns' }, spec: { gatewayClassName: 'tether', tls: { frontend }, listeners: LISTENERS } });
  return {
    gatewayProblems: g.problems.map((p) => p.field),
    listeners: Object.fromEntries(
      translateListeners(g, INPUTS).map((s) => {
        const accepted = s.conditions.find((c) => c.type === 'Accepted');
        const programmed = s.conditions.find((c) => c.type === 'Programmed');
        const resolved = s.conditions.find((c) => c.type === 'ResolvedRefs');
        return [
          s.listener.name,
          { usable: s.usable, accepted: `${accepted?.status}/${accepted?.reason}`, resolvedRefs: `${resolved?.status}/${resolved?.reason}`, acceptedMessage: accepted?.message ?? '', resolvedMessage: resolved?.message ?? '', programmedMessage: programmed?.message ?? '' },
        ];
      }),
    ),
  };
}

// Until client certificate validation is implemented, an HTTPS listener it applies to must not be
// served at all: serving it would let in clients the Gateway asks to refuse.
describe('spec.tls.frontend fails closed', () => {
  it('does not serve the HTTPS listeners the default validation applies to, naming the field', () => {
    const { listeners } = frontendConditions({ default: { validation: { caCertificateRefs: [CA] } } });
    for (const name of ['https', 'https-alt']) {
      expect(listeners[name]).toMatchObject({ usable: false, accepted: 'False/UnsupportedValue' });
      expect(listeners[name]?.acceptedMessage).toContain('spec.tls.frontend.default.validation: client certificate validation is not implemented');
      expect(listeners[name]?.programmedMessage).toContain('spec.tls.frontend.default.validation');
    }
    // HTTP listeners are not subject to client certificate validation.
    expect(listeners.http).toMatchObject({ usable: true, accepted: 'True/Accepted' });
  });

  it('applies a perPort override instead of the default on its port', () => {
    const { listeners } = frontendConditions({ default: {}, perPort: [{ port: 8443, tls: { validation: { caCertificateRefs: [CA], mode: 'AllowInsecureFallback' } } }] });
    expect(listeners['https-alt']?.acceptedMessage).toContain('spec.tls.frontend.perPort[0].tls.validation: client certificate validation is not implemented');
    expect(listeners.https?.acceptedMessage).not.toContain('spec.tls.frontend');
  });

  it('serves none of the HTTPS listeners when spec.tls.frontend is malformed, since its ports cannot be known', () => {
    const { listeners, gatewayProblems } = frontendConditions({ default: { validation: { caCertificateRefs: [CA], mode: 'Sometimes' } }, perPort: [{ port: 'x', tls: {} }] });
    expect(gatewayProblems).toEqual(['spec.tls.frontend.default.validation.mode', 'spec.tls.frontend.perPort[0].port']);
    for (const name of ['https', 'https-alt']) {
      expect(listeners[name]).toMatchObject({ usable: false, accepted: 'False/UnsupportedValue' });
      expect(listeners[name]?.acceptedMessage).toContain('spec.tls.frontend is invalid (spec.tls.frontend.default.validation.mode: unsupported value "Sometimes"');
    }
    expect(listeners.http).toMatchObject({ usable: true });
  });

  it('reports CA references that do not resolve with the reasons Gateway API names', () => {
    const ref = (extra: object) => ({ tls: { validation: { caCertificateRefs: [{ ...CA, ...extra }] } } });
    const { listeners } = frontendConditions({
      default: { validation: { caCertificateRefs: [CA, { ...CA, name: 'missing' }] } },
      perPort: [{ port: 8443, ...ref({ name: 'empty' }) }],
    });
    // One of two references resolves: ResolvedRefs=False, but Accepted fails only for the missing implementation.
    expect(listeners.https).toMatchObject({ usable: false, accepted: 'False/UnsupportedValue', resolvedRefs: 'False/InvalidCACertificateRef', resolvedMessage: 'spec.tls.frontend.default.validation.caCertificateRefs[1]: ConfigMap ns/missing not found' });
    expect(listeners['https-alt']).toMatchObject({ usable: false, accepted: 'False/NoValidCACertificate', resolvedRefs: 'False/InvalidCACertificateRef', resolvedMessage: 'spec.tls.frontend.perPort[0].tls.validation.caCertificateRefs[0]: ConfigMap ns/empty has no key ca.crt' });

    const kinds = frontendConditions({ default: {}, perPort: [{ port: 443, ...ref({ group: 'example.com', kind: 'Bundle' }) }, { port: 8443, ...ref({ namespace: 'other' }) }] }).listeners;
    expect(kinds.https).toMatchObject({ accepted: 'False/NoValidCACertificate', resolvedRefs: 'False/InvalidCACertificateKind' });
    expect(kinds.https?.resolvedMessage).toContain('example.com/Bundle is not supported');
    // Another namespace without a ReferenceGrant.
    expect(kinds['https-alt']).toMatchObject({ accepted: 'False/NoValidCACertificate', resolvedRefs: 'False/RefNotPermitted' });
    expect(kinds['https-alt']?.resolvedMessage).toContain('ConfigMap other/client-ca is in another namespace and no ReferenceGrant in other allows Gateways from ns');
  });

  it('requires at least one CA certificate reference', () => {
    const { gatewayProblems, listeners } = frontendConditions({ default: { validation: { caCertificateRefs: [] } } });
    expect(gatewayProblems).toEqual(['spec.tls.frontend.default.validation.caCertificateRefs']);
    expect(listeners.https?.usable).toBe(false);
  });
});
