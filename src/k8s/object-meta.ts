// The metadata every parsed object carries: identity for status, and what route precedence needs
// (creationTimestamp). Parsers start from here.
import { refOf, type KubeObject, type ObjectRef } from './kube-object.ts';

export interface ParsedMeta {
  ref: ObjectRef;
  name: string;
  /** "" for cluster-scoped objects; `default` when a namespaced object from a file names none. */
  namespace: string;
  generation?: number;
  /** RFC 3339, or "" when unknown (objects from files): those sort after timestamped ones by name. */
  creationTimestamp: string;
  labels: Record<string, string>;
}

export function parseMeta(o: KubeObject, namespaced: boolean): ParsedMeta {
  const namespace = namespaced ? (o.metadata.namespace ?? 'default') : '';
  const ref = refOf(o);
  if (namespaced && ref.namespace === undefined) ref.namespace = namespace;
  const meta: ParsedMeta = {
    ref,
    name: o.metadata.name,
    namespace,
    creationTimestamp: typeof o.metadata.creationTimestamp === 'string' ? o.metadata.creationTimestamp : '',
    labels: isStringMap(o.metadata.labels) ? o.metadata.labels : {},
  };
  if (typeof o.metadata.generation === 'number') meta.generation = o.metadata.generation;
  return meta;
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string');
}
