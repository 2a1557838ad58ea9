// Certificates for the xDS channel, made with @peculiar/x509 over WebCrypto (no hand-written ASN.1):
// a CA, server certificates (DNS names and IP addresses) and client certificates (a URI SAN naming
// the Gateway, src/xds/peer-identity.ts). Keys are ECDSA P-256, which Envoy and Node both accept.
// Times come in as data, so a test can make a certificate that has already expired.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as ReturnType<typeof x509.cryptoProvider.get>);

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A certificate and its private key, both PEM. */
export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface LeafRequest extends Validity {
  commonName: string;
  usage: 'server' | 'client';
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  uris?: readonly string[];
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']));
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importSigningKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error('the CA key file holds no PEM key');
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}

/** Escapes a value for an X.500 name string. */
function dnValue(text: string): string {
  return text.replace(/([,+"\\<>;=#])/g, '\\$1');
}

export async function issueCa(commonName: string, validity: Validity): Promise<PemPair> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${dnValue(commonName)}`,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

export async function issueLeaf(ca: PemPair, req: LeafRequest): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const signingKey = await importSigningKey(ca.keyPem);
  const keys = await newKeys();
  const names: x509.JsonGeneralNames = [
    ...(req.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(req.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(req.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${dnValue(req.commonName)}`,
    issuer: caCert.subject,
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([req.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/**
 * A self-signed serving certificate (not a CA) for a Gateway listener in a demo: no CA is involved,
 * so the xDS channel's CA never signs a certificate whose key Tether hands to Envoy.
 */
export async function issueSelfSignedServer(req: Validity & { commonName: string; dnsNames: readonly string[] }): Promise<PemPair> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${dnValue(req.commonName)}`,
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(req.dnsNames.map((value) => ({ type: 'dns' as const, value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** What `tether certs` compares to decide whether a certificate must be issued again. */
export interface CertificateFacts {
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
}

export function describeCertificate(certPem: string): CertificateFacts {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  const of = (type: string): string[] => items.filter((n) => n.type === type).map((n) => n.value);
  return { notAfter: cert.notAfter, dnsNames: of('dns'), ipAddresses: of('ip'), uris: of('url') };
}

/** True when `certPem` carries a valid signature by the CA's key. */
export async function isSignedBy(certPem: string, caCertPem: string): Promise<boolean> {
  try {
    const cert = new x509.X509Certificate(certPem);
    const caCert = new x509.X509Certificate(caCertPem);
    return await cert.verify({ publicKey: caCert.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}
