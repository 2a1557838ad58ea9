// TLS for the xDS server with client certificates required. The certificate, key and client CA are
// files, read again every few seconds: a changed set that loads is used for new connections from then
// on, while established connections (and their streams) keep the keys they were opened with. A set
// that does not load (a half-written rotation, a key that does not match) is logged and the last good
// one stays in use, so a bad rotation never stops new Envoys from connecting with the old certificate.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

export interface XdsTlsFiles {
  /** The server's certificate chain (PEM). */
  certFile: string;
  /** Its private key (PEM). */
  keyFile: string;
  /** The CA(s) that sign client certificates (PEM). */
  clientCaFile: string;
}

interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

type IdentityListener = (update: grpc.experimental.IdentityCertificateUpdate | null) => void;
type CaListener = (update: grpc.experimental.CaCertificateUpdate | null) => void;

/** Reads the three files and checks they make a usable server context (throws with the reason if not). */
function loadMaterial(files: XdsTlsFiles, read: (path: string) => Buffer): TlsMaterial {
  const material = { cert: read(files.certFile), key: read(files.keyFile), ca: read(files.clientCaFile) };
  checkMaterial(material);
  return material;
}

function checkMaterial(m: TlsMaterial): void {
  // Throws on unparsable PEM and on a key that does not match the certificate.
  createSecureContext({ cert: m.cert, key: m.key, ca: m.ca });
  if (!/-----BEGIN CERTIFICATE-----/.test(m.ca.toString('latin1'))) throw new Error('the client CA file holds no PEM certificate');
}

/**
 * The server credentials plus the file watch behind them. Implements grpc-js's certificate provider,
 * whose updates the server applies with setSecureContext (new handshakes only).
 */
export class XdsTlsCredentials implements grpc.experimental.CertificateProvider {
  readonly credentials: grpc.ServerCredentials;
  readonly files: XdsTlsFiles;
  private material: TlsMaterial;
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly caListeners = new Set<CaListener>();
  private readonly logger: Logger;
  private readonly timer: NodeJS.Timeout;
  private reading = false;
  private lastError = '';

  /** Reads the files now (throws when they do not load: the server must not start without them). */
  constructor(files: XdsTlsFiles, logger: Logger, pollMs = 5_000) {
    this.files = files;
    this.logger = logger;
    try {
      this.material = loadMaterial(files, (p) => readFileSync(p));
    } catch (err) {
      throw new Error(`xDS TLS: cannot load --xds-tls-cert ${files.certFile}, --xds-tls-key ${files.keyFile}, --xds-client-ca ${files.clientCaFile}: ${(err as Error).message}`, { cause: err });
    }
    // One provider serves both the identity and the CA, so they always change together.
    this.credentials = grpc.experimental.createCertificateProviderServerCredentials(this, this, true);
    this.timer = setInterval(() => void this.reload(), pollMs);
    this.timer.unref();
  }

  /** Reads the files again and applies them if they changed and load; resolves true when applied. */
  async reload(): Promise<boolean> {
    if (this.reading) return false;
    this.reading = true;
    try {
      const [cert, key, ca] = await Promise.all([readFile(this.files.certFile), readFile(this.files.keyFile), readFile(this.files.clientCaFile)]);
      const next = { cert, key, ca };
      if (cert.equals(this.material.cert) && key.equals(this.material.key) && ca.equals(this.material.ca)) {
        this.lastError = '';
        return false;
      }
      checkMaterial(next);
      this.material = next;
      this.lastError = '';
      this.logger.info({ cert: this.files.certFile, clientCa: this.files.clientCaFile }, 'xDS TLS certificates reloaded; new connections use them');
      for (const l of this.identityListeners) l(this.identityUpdate());
      for (const l of this.caListeners) l(this.caUpdate());
      return true;
    } catch (err) {
      const message = (err as Error).message;
      // Log a failure once, not every poll, until it changes or clears.
      if (message !== this.lastError) {
        this.lastError = message;
        this.logger.error({ cert: this.files.certFile, key: this.files.keyFile, clientCa: this.files.clientCaFile, error: message }, 'xDS TLS certificates could not be reloaded; still using the previous ones');
      }
      return false;
    } finally {
      this.reading = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(listener, this.identityUpdate());
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    process.nextTick(listener, this.caUpdate());
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  private identityUpdate(): grpc.experimental.IdentityCertificateUpdate {
    return { certificate: this.material.cert, privateKey: this.material.key };
  }

  private caUpdate(): grpc.experimental.CaCertificateUpdate {
    return { caCertificate: this.material.ca };
  }
}
