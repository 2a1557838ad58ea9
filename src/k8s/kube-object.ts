// The raw shape every source produces: a Kubernetes object as the API server (or a YAML file)
// gives it. Sources store these untouched; the parsers turn them into the precise typed input
// model that translation trusts: core kinds and the shared field reading here, Gateway API kinds in
// gateway-api/, the sticky-session policy dialects in policies/.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** API group of an apiVersion ("" for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Identity of an object in the store: `group/Kind/namespace/name` (namespace empty when cluster-scoped). */
export function objectKey(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return `${apiGroup(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** A reference to an object, as status and logs name it. */
export interface ObjectRef {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function refOf(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): ObjectRef {
  const ref: ObjectRef = { group: apiGroup(o.apiVersion), kind: o.kind, name: o.metadata.name };
  if (o.metadata.namespace !== undefined) ref.namespace = o.metadata.namespace;
  return ref;
}

/** Identity of a reference, the same string `objectKey` gives the object: `group/Kind/namespace/name`. */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** `Kind ns/name` (or `Kind name`), for messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
