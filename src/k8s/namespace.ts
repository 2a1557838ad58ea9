// Namespace (core v1): only its labels matter, for allowedRoutes namespace selectors.
import type { KubeObject } from './kube-object.ts';
import { parseMeta } from './object-meta.ts';

export interface Namespace {
  name: string;
  labels: Record<string, string>;
}

/** The label Kubernetes puts on every Namespace; also assumed for namespaces we have no object for. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function parseNamespace(o: KubeObject): Namespace {
  const meta = parseMeta(o, false);
  return { name: meta.name, labels: { [NAMESPACE_NAME_LABEL]: meta.name, ...meta.labels } };
}
