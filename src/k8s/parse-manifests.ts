// Multi-document YAML (or JSON) text → raw Kubernetes objects, the way `kubectl apply -f` reads a
// file. Pure: the caller reads the file and passes its name for messages. Every document that is not
// a Kubernetes object becomes a problem naming the file, the document (0-based, as kubectl counts)
// and the line, and the good documents of the same file are still returned, so one typo does not
// hide the rest of a folder.
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { KubeObject } from './kube-object.ts';
import { isRecord } from './field-reader.ts';

export interface ManifestProblem {
  file: string;
  /** 0-based index of the YAML document in the file; absent when the whole file is at fault. */
  document?: number;
  /** 1-based line where the fault is (or where the document starts). */
  line?: number;
  message: string;
  /**
   * The document could not be read at all (a YAML error, or an expansion too large to build), as
   * opposed to read but not a Kubernetes object. A watched folder keeps the file's last good
   * objects then.
   */
  unreadable?: boolean;
}

export interface ParsedManifests {
  objects: KubeObject[];
  problems: ManifestProblem[];
}

export interface ParseManifestsOptions {
  /** Namespace given to namespaced objects that name none, as kubectl does. Default `default`. */
  defaultNamespace?: string;
}

/**
 * Kinds that are cluster-scoped and so keep an empty namespace. Everything else (including vendor
 * kinds we do not know) is treated as namespaced, which is what their CRDs say in practice.
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'GatewayClass',
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'IngressClass',
  'APIService',
]);

/** `problem` in a human form: `file: document 2 (line 14): message`. */
export function formatManifestProblem(p: ManifestProblem): string {
  if (p.document === undefined) return `${p.file}: ${p.message}`;
  return `${p.file}: document ${p.document}${p.line !== undefined ? ` (line ${p.line})` : ''}: ${p.message}`;
}

/** At most this many aliases per document: more is how a "YAML bomb" grows a few bytes into gigabytes. */
export const MAX_YAML_ALIASES = 100;

/** Parses every document of one file. Never throws. */
export function parseManifests(text: string, fileName: string, options: ParseManifestsOptions = {}): ParsedManifests {
  const lineCounter = new LineCounter();
  return readManifestDocuments(parseManifestText(text, lineCounter), lineCounter, fileName, options);
}

/** The YAML documents of a text, not yet converted (so a caller can look at syntax errors first without parsing twice). */
export function parseManifestText(text: string, lineCounter: LineCounter): Document.Parsed[] {
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  // parseAllDocuments returns an EmptyStream (not an array) for text with no documents.
  return Array.isArray(docs) ? docs : [];
}

/** The objects of documents parsed by parseManifestText with the same lineCounter. Never throws. */
export function readManifestDocuments(docs: readonly Document.Parsed[], lineCounter: LineCounter, fileName: string, options: ParseManifestsOptions = {}): ParsedManifests {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const objects: KubeObject[] = [];
  const problems: ManifestProblem[] = [];

  docs.forEach((doc, index) => {
    // Point at the document's content, not at its `---` marker.
    const startLine = lineOf(lineCounter, doc.contents?.range[0] ?? doc.range[0]);
    const problem = (message: string, line = startLine): void => {
      problems.push({ file: fileName, document: index, line, message });
    };
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        problems.push({ file: fileName, document: index, line: err.linePos?.[0].line ?? lineOf(lineCounter, err.pos[0]), message: firstLine(err.message), unreadable: true });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (err) {
      // yaml throws (rather than reporting) when the aliases would expand too far.
      const message = err instanceof Error ? err.message : String(err);
      problems.push({ file: fileName, document: index, line: startLine, message: `cannot be read: ${message}${/alias/i.test(message) ? ` (at most ${MAX_YAML_ALIASES} aliases per document)` : ''}`, unreadable: true });
      return;
    }
    if (value === null || value === undefined) return; // an empty document (`---` at the end, comments only)
    for (const [i, item] of expandLists(value).entries()) {
      const where = value !== item ? `items[${i}]: ` : '';
      const fault = shapeProblem(item);
      if (fault) {
        problem(where + fault);
        continue;
      }
      const obj = item as KubeObject;
      if (obj.metadata.namespace === undefined && !CLUSTER_SCOPED_KINDS.has(obj.kind)) {
        obj.metadata = { ...obj.metadata, namespace: defaultNamespace };
      }
      objects.push(obj);
    }
  });
  return { objects, problems };
}

// `kind: List` (and `kubectl get -o yaml` output, `*List`) wraps objects in `items`.
function expandLists(value: unknown): unknown[] {
  if (isRecord(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
    return value['items'] as unknown[];
  }
  return [value];
}

function shapeProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got ${describe(value)}`;
  if (typeof value['apiVersion'] !== 'string' || value['apiVersion'] === '') return 'apiVersion: required (a non-empty string)';
  if (typeof value['kind'] !== 'string' || value['kind'] === '') return 'kind: required (a non-empty string)';
  const meta = value['metadata'];
  if (!isRecord(meta)) return `metadata: required for ${value['kind']}`;
  if (typeof meta['name'] !== 'string' || meta['name'] === '') {
    return `metadata.name: required for ${value['kind']}${typeof meta['generateName'] === 'string' ? ' (generateName is not supported in files)' : ''}`;
  }
  if (meta['namespace'] !== undefined && (typeof meta['namespace'] !== 'string' || meta['namespace'] === '')) {
    return `metadata.namespace: must be a non-empty string in ${value['kind']} ${meta['name']}`;
  }
  return undefined;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function lineOf(lc: LineCounter, offset: number): number {
  return Math.max(1, lc.linePos(offset).line);
}

// yaml's pretty errors append a code excerpt on later lines; the first line is the message.
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim().replace(/:$/, '');
}
