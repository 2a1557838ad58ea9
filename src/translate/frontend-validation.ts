// Client certificate validation (Gateway spec.tls.frontend) for one HTTPS listener: the setting
// that applies to its port, its caCertificateRefs resolved to ConfigMaps with a parsable `ca.crt`
// (same namespace, or another one where a ReferenceGrant lets the Gateway refer to ConfigMaps
// there), and the reasons Gateway API v1.6.1 names for refs that do not resolve
// (InvalidCACertificateKind, RefNotPermitted, InvalidCACertificateRef; NoValidCACertificate when
// none resolves).
//
// Validation itself is not implemented yet, so a listener it applies to is never served, even when
// every reference resolves (fail closed): serving it would admit clients the Gateway asks to refuse.
import type { Gateway, Listener } from '../k8s/gateway-api/gateway.ts';
import { FRONTEND_FIELD, frontendValidationFor } from '../k8s/gateway-api/frontend-tls.ts';
import { formatProblem } from '../k8s/field-reader.ts';
import { secretKey } from '../k8s/certificate-facts.ts';
import { Reason } from '../status/conditions.ts';
import { checkGatewayCoreRef } from './gateway-core-ref.ts';
import type { TlsInputs } from './listener-tls.ts';

export interface FrontendValidationOutcome {
  /** The field that asks for validation, for messages. */
  field: string;
  /** Why the listener is not accepted: a problem naming the field. */
  problem: string;
  /** Accepted=False reason: NoValidCACertificate when no reference resolves, else UnsupportedValue. */
  acceptedReason: string;
  /** Set when a caCertificateRef does not resolve: ResolvedRefs=False with this reason. */
  refFailure?: { reason: string; message: string };
}

/** What client certificate validation does to HTTPS listener `l`; undefined when none applies. */
export function resolveFrontendValidation(gateway: Gateway, l: Listener, inputs: TlsInputs): FrontendValidationOutcome | undefined {
  const frontend = gateway.frontendTls;
  if (!frontend) return undefined;
  if (frontend.problems.length > 0) {
    // Which ports a malformed setting was meant for cannot be known: it applies to every HTTPS listener.
    return {
      field: FRONTEND_FIELD,
      problem: `${FRONTEND_FIELD} is invalid (${frontend.problems.map(formatProblem).join('; ')}); its client certificate validation may apply to this listener`,
      acceptedReason: Reason.UnsupportedValue,
    };
  }
  const validation = frontendValidationFor(frontend, l.port);
  if (!validation) return undefined;
  const ns = gateway.meta.namespace;
  const badKind: string[] = [];
  const notPermitted: string[] = [];
  const invalid: string[] = [];
  for (const ref of validation.caCertificateRefs) {
    const rf = `${validation.field}.caCertificateRefs[${ref.index}]`;
    const resolved = checkGatewayCoreRef(inputs.grants, ns, ref, 'ConfigMap', rf, 'caCertificateRefs');
    if (!resolved.ok) {
      (resolved.cause === 'kind' ? badKind : notPermitted).push(resolved.message);
      continue;
    }
    const { namespace, label } = resolved;
    const check = inputs.caBundles.get(secretKey(namespace, ref.name));
    if (!check) invalid.push(`${rf}: ${label} not found`);
    else if (!check.ok) invalid.push(`${rf}: ${label} ${check.problem}`);
  }
  const failures = [...notPermitted, ...badKind, ...invalid];
  const out: FrontendValidationOutcome = {
    field: validation.field,
    problem: `${validation.field}: client certificate validation is not implemented`,
    acceptedReason: Reason.UnsupportedValue,
  };
  if (failures.length > 0) {
    // One reason for the condition; the message lists every reference that does not resolve.
    const reason = notPermitted.length > 0 ? Reason.RefNotPermitted : badKind.length > 0 ? Reason.InvalidCACertificateKind : Reason.InvalidCACertificateRef;
    out.refFailure = { reason, message: failures.join('; ') };
    if (failures.length === validation.caCertificateRefs.length) {
      out.acceptedReason = Reason.NoValidCACertificate;
      out.problem = `${validation.field}.caCertificateRefs: no CA certificate resolves (${failures.join('; ')})`;
    }
  }
  return out;
}
