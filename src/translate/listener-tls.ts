// An HTTPS listener's TLS: its certificateRefs resolved to kubernetes.io/tls Secrets (same
// namespace, or another one where a ReferenceGrant lets the Gateway refer to Secrets there), the
// verdicts on their certificates (parsed outside translation, see src/k8s/certificate-facts.ts), and
// the tls.options Tether reads. Bad references make the listener unresolved (status, not an
// outage); an expired certificate, or one whose names do not cover the listener's hostname, is
// served and reported.
import type { Listener } from '../k8s/gateway-api/gateway.ts';
import { secretKey, type CertificateBook, type CertificateSummary } from '../k8s/certificate-facts.ts';
import type { CaBundleBook } from '../k8s/ca-bundle-facts.ts';
import { TLS_SECRET_TYPE } from '../k8s/tls-secret.ts';
import type { SecretIR, TlsParametersIR } from '../ir/ir.ts';
import { checkGatewayCoreRef } from './gateway-core-ref.ts';
import type { ReferenceGrantIndex } from './reference-grants.ts';
import { wildcardCovers } from './hostnames.ts';
import { secretName } from './names.ts';
import { Reason } from '../status/conditions.ts';

/** The tls.options keys Tether reads (docs/https.md). */
export const TLS_OPTION = {
  minimumVersion: 'tether.dev/min-tls-version',
  maximumVersion: 'tether.dev/max-tls-version',
  cipherSuites: 'tether.dev/cipher-suites',
} as const;

const TLS_VERSIONS = ['1.2', '1.3'] as const;

export interface TlsInputs {
  /** Secrets by `namespace/name` with their `type`, whatever the type (to tell "missing" from "wrong type"). */
  secretTypes: ReadonlyMap<string, string>;
  certificates: CertificateBook;
  /** Verdicts on ConfigMaps' CA bundles (client certificate validation), parsed outside translation. */
  caBundles: CaBundleBook;
  grants: ReferenceGrantIndex;
  /** ISO 8601 time to judge expiry against; absent: expiry is not judged. */
  now?: string;
}

/** No Secrets, certificates or grants: every certificateRef is unresolved. */
export const NO_TLS_INPUTS: TlsInputs = { secretTypes: new Map(), certificates: new Map(), caBundles: new Map(), grants: { permits: (from, to) => from.namespace === to.namespace } };

export interface ListenerTlsResolution {
  /** Secrets the listener serves, in certificateRefs order (only when every ref resolved). */
  secrets: SecretIR[];
  parameters: TlsParametersIR;
  /** Field problems that make the listener invalid (Accepted=False). */
  invalid: string[];
  /** tls.options keys Tether does not read: reported, listener kept. */
  unsupported: string[];
  /** Set when a reference does not resolve: ResolvedRefs=False with this reason. */
  refFailure?: { reason: string; message: string };
  /** Served but reported: expired certificates, names that do not cover the hostname. */
  warnings: string[];
}

export function resolveListenerTls(gatewayNamespace: string, l: Listener, inputs: TlsInputs): ListenerTlsResolution {
  const f = `spec.listeners[${l.index}].tls`;
  const out: ListenerTlsResolution = { secrets: [], parameters: {}, invalid: [], unsupported: [], warnings: [] };
  const tls = l.tls;
  if (!tls) {
    out.invalid.push(`${f}: is required for protocol HTTPS`);
    return out;
  }
  if (tls.mode !== 'Terminate') {
    out.invalid.push(`${f}.mode: ${JSON.stringify(tls.mode)} is not supported for protocol HTTPS; Tether terminates TLS (mode Terminate)`);
    return out;
  }
  readOptions(tls.options, f, out);

  const notPermitted: string[] = [];
  const invalidRefs: string[] = [];
  if (tls.certificateRefs.length === 0) invalidRefs.push(`${f}.certificateRefs: at least one Secret is required for mode Terminate`);
  for (const ref of tls.certificateRefs) {
    const rf = `${f}.certificateRefs[${ref.index}]`;
    const resolved = checkGatewayCoreRef(inputs.grants, gatewayNamespace, ref, 'Secret', rf, 'certificateRefs');
    if (!resolved.ok) {
      (resolved.cause === 'kind' ? invalidRefs : notPermitted).push(resolved.message);
      continue;
    }
    const { namespace, label } = resolved;
    const key = secretKey(namespace, ref.name);
    const type = inputs.secretTypes.get(key);
    if (type === undefined) {
      invalidRefs.push(`${rf}: ${label} not found`);
      continue;
    }
    if (type !== TLS_SECRET_TYPE) {
      invalidRefs.push(`${rf}: ${label} has type ${JSON.stringify(type)}, not ${TLS_SECRET_TYPE}`);
      continue;
    }
    const check = inputs.certificates.get(key);
    if (!check) {
      invalidRefs.push(`${rf}: ${label}: its certificate was not read`);
      continue;
    }
    if (!check.ok) {
      invalidRefs.push(`${rf}: ${label}: ${check.problem}`);
      continue;
    }
    out.secrets.push({ name: secretName({ namespace, name: ref.name }), namespace, secretName: ref.name, certificate: { ...check.summary, dnsNames: [...check.summary.dnsNames] } });
    out.warnings.push(...certificateWarnings(label, check.summary, l.hostname, inputs.now));
  }
  if (notPermitted.length > 0) out.refFailure = { reason: Reason.RefNotPermitted, message: [...notPermitted, ...invalidRefs].join('; ') };
  else if (invalidRefs.length > 0) out.refFailure = { reason: Reason.InvalidCertificateRef, message: invalidRefs.join('; ') };
  if (out.refFailure) out.secrets = [];
  return out;
}

function readOptions(options: Readonly<Record<string, string>>, f: string, out: ListenerTlsResolution): void {
  for (const [key, value] of Object.entries(options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const field = `${f}.options["${key}"]`;
    switch (key) {
      case TLS_OPTION.minimumVersion:
      case TLS_OPTION.maximumVersion: {
        const v = TLS_VERSIONS.find((x) => x === value);
        if (!v) out.invalid.push(`${field}: ${JSON.stringify(value)} is not a TLS version Tether serves (1.2 or 1.3)`);
        else if (key === TLS_OPTION.minimumVersion) out.parameters.minimumVersion = v;
        else out.parameters.maximumVersion = v;
        break;
      }
      case TLS_OPTION.cipherSuites: {
        const suites = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
        const bad = suites.filter((s) => !/^[A-Za-z0-9_+\-[\]|]+$/.test(s));
        if (suites.length === 0) out.invalid.push(`${field}: names no cipher suite`);
        else if (bad.length > 0) out.invalid.push(`${field}: ${bad.map((b) => JSON.stringify(b)).join(', ')} is not a cipher suite name`);
        else out.parameters.cipherSuites = suites;
        break;
      }
      default:
        out.unsupported.push(`${field}: unknown option, not read (Tether reads ${Object.values(TLS_OPTION).join(', ')})`);
    }
  }
  const { minimumVersion: min, maximumVersion: max } = out.parameters;
  if (min !== undefined && max !== undefined && min > max) out.invalid.push(`${f}.options: ${TLS_OPTION.minimumVersion} ${min} is above ${TLS_OPTION.maximumVersion} ${max}`);
}

/** What is wrong with a served certificate, for a listener hostname, judged at `now`. */
export type CertificateFlag = 'expired' | 'not yet valid' | 'names do not cover the hostname';

/**
 * The one place the served-but-wrong verdicts are made; the listener status (below) and the
 * `tether translate -o summary` table (src/cli/output-format.ts) both read them from here.
 */
export function certificateFlags(cert: Pick<CertificateSummary, 'notBefore' | 'notAfter' | 'dnsNames'>, hostname: string | undefined, now: string | undefined): CertificateFlag[] {
  const out: CertificateFlag[] = [];
  if (now !== undefined) {
    if (now >= cert.notAfter) out.push('expired');
    else if (now < cert.notBefore) out.push('not yet valid');
  }
  if (hostname !== undefined && hostname !== '' && !cert.dnsNames.some((n) => namesCover(n.toLowerCase(), hostname.toLowerCase()))) out.push('names do not cover the hostname');
  return out;
}

function certificateWarnings(label: string, cert: CertificateSummary, hostname: string | undefined, now: string | undefined): string[] {
  return certificateFlags(cert, hostname, now).map((flag) => {
    switch (flag) {
      case 'expired':
        return `${label}: certificate expired at ${cert.notAfter} (served anyway; clients will reject it)`;
      case 'not yet valid':
        return `${label}: certificate is not valid before ${cert.notBefore} (served anyway; clients will reject it)`;
      case 'names do not cover the hostname':
        return `${label}: certificate names (${cert.dnsNames.join(', ') || 'none'}) do not cover hostname ${hostname ?? ''}`;
    }
  });
}

/** Whether a certificate name covers a listener hostname (a certificate wildcard covers one label only). */
function namesCover(certName: string, hostname: string): boolean {
  if (certName === hostname) return true;
  if (!certName.startsWith('*.') || hostname.startsWith('*.')) return false;
  return wildcardCovers(certName, hostname) && hostname.indexOf('.') === hostname.length - certName.length + 1;
}
