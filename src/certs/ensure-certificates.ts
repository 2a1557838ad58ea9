// `tether certs`: makes sure a store holds a CA, a server certificate and one client certificate per
// Gateway (plus a fleet-wide one when asked), issuing what is missing, expires within the renewal
// window, no longer matches the names asked for, or was signed by another CA; valid ones are kept.
// A renewed CA stays trusted (in every ca.crt) until it expires, so certificates it signed keep
// working while they are replaced.
import { ANY_GATEWAY, gatewayIdentityUri, isGatewayKey } from '../xds/peer-identity.ts';
import { describeCertificate, isSignedBy, issueCa, issueLeaf, type PemPair } from './issue-certificate.ts';
import type { CertBundle, CertId, CertStore } from './cert-store.ts';

const DAY_MS = 86_400_000;
/** Backdating covers clocks a little behind the issuer's. */
const BACKDATE_MS = 5 * 60_000;

export interface CertsRequest {
  /** Server DNS names (the names Envoys dial) and IP addresses. */
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
  /** Gateways (`namespace/name`) that get a client certificate. */
  gateways: readonly string[];
  /** Also a fleet-wide client certificate (accepted only with --xds-allow-fleet-certificates). */
  fleet: boolean;
  now: Date;
  caValidityDays: number;
  validityDays: number;
  /** Re-issue certificates that expire within this many days. */
  renewWithinDays: number;
}

export interface CertAction {
  id: CertId;
  action: 'created' | 'renewed' | 'kept';
  /** Why it was renewed. */
  reason?: string;
  notAfter: Date;
}

export const gatewayCertId = (gateway: string): CertId => (gateway === ANY_GATEWAY ? 'fleet' : `gateway/${gateway}`);

export async function ensureCertificates(store: CertStore, req: CertsRequest): Promise<CertAction[]> {
  for (const g of req.gateways) if (!isGatewayKey(g)) throw new Error(`--gateway "${g}" is not namespace/name (Kubernetes names)`);
  if (req.dnsNames.length === 0 && req.ipAddresses.length === 0) throw new Error('the server certificate needs at least one DNS name or IP address');
  const actions: CertAction[] = [];
  const renewBefore = new Date(req.now.getTime() + req.renewWithinDays * DAY_MS);
  const validity = (days: number): { notBefore: Date; notAfter: Date } => ({ notBefore: new Date(req.now.getTime() - BACKDATE_MS), notAfter: new Date(req.now.getTime() + days * DAY_MS) });

  // The CA.
  const oldCa = await store.read('ca');
  let ca: PemPair;
  let trust: string;
  const caReason = oldCa ? staleReason(oldCa['tls.crt'], renewBefore) : 'missing';
  if (!oldCa || caReason) {
    ca = await issueCa('Tether xDS CA', validity(req.caValidityDays));
    // Keep trusting the previous CA while it is valid, so the certificates it signed still work
    // during the switch.
    const previous = oldCa && describeCertificate(oldCa['tls.crt']).notAfter > req.now ? oldCa['tls.crt'] : '';
    trust = ca.certPem + previous;
    await store.write('ca', { 'tls.crt': ca.certPem, 'tls.key': ca.keyPem, 'ca.crt': trust });
    actions.push({ id: 'ca', action: oldCa ? 'renewed' : 'created', ...(oldCa ? { reason: caReason } : {}), notAfter: describeCertificate(ca.certPem).notAfter });
  } else {
    ca = { certPem: oldCa['tls.crt'], keyPem: oldCa['tls.key'] };
    trust = oldCa['ca.crt'] || oldCa['tls.crt'];
    actions.push({ id: 'ca', action: 'kept', notAfter: describeCertificate(ca.certPem).notAfter });
  }

  const leaves: { id: CertId; commonName: string; usage: 'server' | 'client'; dnsNames: string[]; ipAddresses: string[]; uris: string[] }[] = [
    { id: 'server', commonName: 'Tether xDS server', usage: 'server', dnsNames: [...req.dnsNames], ipAddresses: [...req.ipAddresses], uris: [] },
    ...[...new Set(req.gateways)].map((g) => ({ id: gatewayCertId(g), commonName: `Tether xDS client for Gateway ${g}`, usage: 'client' as const, dnsNames: [], ipAddresses: [], uris: [gatewayIdentityUri(g)] })),
    ...(req.fleet ? [{ id: gatewayCertId(ANY_GATEWAY), commonName: 'Tether xDS client for every Gateway', usage: 'client' as const, dnsNames: [], ipAddresses: [], uris: [gatewayIdentityUri(ANY_GATEWAY)] }] : []),
  ];
  for (const leaf of leaves) {
    const old = await store.read(leaf.id);
    let reason = old ? staleReason(old['tls.crt'], renewBefore) : 'missing';
    if (old && !reason) {
      const facts = describeCertificate(old['tls.crt']);
      if (!sameSet(facts.dnsNames, leaf.dnsNames) || !sameSet(facts.ipAddresses, leaf.ipAddresses) || !sameSet(facts.uris, leaf.uris)) reason = 'its names differ from those asked for';
      else if (!(await isSignedBy(old['tls.crt'], ca.certPem))) reason = 'signed by another CA';
    }
    if (old && !reason) {
      // Valid: kept, with the current trust bundle.
      if (old['ca.crt'] !== trust) await store.write(leaf.id, { ...old, 'ca.crt': trust });
      actions.push({ id: leaf.id, action: 'kept', notAfter: describeCertificate(old['tls.crt']).notAfter });
      continue;
    }
    const pair = await issueLeaf(ca, { commonName: leaf.commonName, usage: leaf.usage, dnsNames: leaf.dnsNames, ipAddresses: leaf.ipAddresses, uris: leaf.uris, ...validity(req.validityDays) });
    const bundle: CertBundle = { 'tls.crt': pair.certPem, 'tls.key': pair.keyPem, 'ca.crt': trust };
    await store.write(leaf.id, bundle);
    actions.push({ id: leaf.id, action: old ? 'renewed' : 'created', ...(old ? { reason } : {}), notAfter: describeCertificate(pair.certPem).notAfter });
  }
  return actions;
}

function staleReason(certPem: string, renewBefore: Date): string {
  try {
    const { notAfter } = describeCertificate(certPem);
    return notAfter <= renewBefore ? `expires ${notAfter.toISOString()}` : '';
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
