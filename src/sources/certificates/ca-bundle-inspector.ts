// Parses the CA bundles (`ca.crt`) of ConfigMaps where objects enter the process, so translation
// reads verdicts as data (src/k8s/ca-bundle-facts.ts). Verdicts are kept per ConfigMap while its
// `ca.crt` text is unchanged, so a rebuild re-parses only what changed; ConfigMaps that are gone are
// forgotten.
import 'reflect-metadata';
import { X509Certificate } from '@peculiar/x509';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { apiGroup } from '../../k8s/kube-object.ts';
import { CA_BUNDLE_KEY, type CaBundleBook, type CaBundleCheck } from '../../k8s/ca-bundle-facts.ts';
import { secretKey } from '../../k8s/certificate-facts.ts';
import { summarize } from './certificate-inspector.ts';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

export class CaBundleInspector {
  private readonly cache = new Map<string, { text: string | undefined; check: CaBundleCheck }>();

  /** Verdicts for every ConfigMap among `objects`, by `namespace/name`. */
  inspect(objects: readonly KubeObject[]): CaBundleBook {
    const book = new Map<string, CaBundleCheck>();
    for (const o of objects) {
      if (o.kind !== 'ConfigMap' || apiGroup(o.apiVersion) !== '') continue;
      const k = secretKey(o.metadata.namespace ?? 'default', o.metadata.name);
      const data = o['data'];
      const value = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[CA_BUNDLE_KEY] : undefined;
      const text = typeof value === 'string' ? value : undefined;
      const cached = this.cache.get(k);
      if (cached && cached.text === text) {
        book.set(k, cached.check);
        continue;
      }
      const check = checkCaBundle(text, value !== undefined);
      this.cache.set(k, { text, check });
      book.set(k, check);
    }
    for (const k of this.cache.keys()) if (!book.has(k)) this.cache.delete(k);
    return book;
  }
}

/** One-shot form, for the CLI and tests. */
export function inspectCaBundles(objects: readonly KubeObject[]): CaBundleBook {
  return new CaBundleInspector().inspect(objects);
}

/** `present`: the key exists (possibly with a value that is not a string). */
export function checkCaBundle(text: string | undefined, present: boolean): CaBundleCheck {
  if (!present) return { ok: false, problem: `has no key ${CA_BUNDLE_KEY}` };
  if (text === undefined || text.trim() === '') return { ok: false, problem: `${CA_BUNDLE_KEY} is empty or not a string` };
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const certificates = blocks.filter((b) => b[1] === 'CERTIFICATE');
  if (certificates.length === 0) return { ok: false, problem: `${CA_BUNDLE_KEY} holds no PEM certificate` };
  // A private key has no place in a trust bundle: refuse it rather than ever sending it on.
  if (blocks.some((b) => b[1] !== 'CERTIFICATE')) return { ok: false, problem: `${CA_BUNDLE_KEY} holds PEM blocks other than certificates (${[...new Set(blocks.map((b) => b[1]).filter((t) => t !== 'CERTIFICATE'))].join(', ')})` };
  try {
    const parsed = certificates.map((b) => new X509Certificate(b[0]));
    return { ok: true, certificates: parsed.map((c) => { const { keyType: _k, ...rest } = summarize(c, ''); return rest; }), pem: text };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `${CA_BUNDLE_KEY} is not a valid PEM certificate bundle: ${message.split('\n')[0].slice(0, 200)}` };
  }
}
