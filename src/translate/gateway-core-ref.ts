// A Gateway's reference to a core object (a listener's certificate Secret, a CA ConfigMap for
// client certificates): it must name that core kind, and an object in another namespace needs a
// ReferenceGrant there allowing Gateways of the Gateway's namespace. One check, one wording, for both.
import { GATEWAY_API_GROUP } from '../k8s/gateway-api/gateway.ts';
import type { ReferenceGrantIndex } from './reference-grants.ts';

export interface CoreObjectRef {
  readonly group: string;
  readonly kind: string;
  /** Absent: the Gateway's namespace. */
  readonly namespace?: string;
  readonly name: string;
}

export type CoreRefCheck =
  | { readonly ok: true; readonly namespace: string; readonly label: string }
  | { readonly ok: false; readonly cause: 'kind' | 'grant'; readonly message: string };

/**
 * Checks one reference. `field` names it (`…certificateRefs[0]`), `list` is the field's list name
 * for the message about a wrong kind; `label` is how later messages name the object.
 */
export function checkGatewayCoreRef(grants: ReferenceGrantIndex, gatewayNamespace: string, ref: CoreObjectRef, kind: 'Secret' | 'ConfigMap', field: string, list: string): CoreRefCheck {
  const namespace = ref.namespace ?? gatewayNamespace;
  const label = `${kind} ${namespace}/${ref.name}`;
  if (ref.group !== '' || ref.kind !== kind) {
    return { ok: false, cause: 'kind', message: `${field}: ${ref.group === '' ? '' : `${ref.group}/`}${ref.kind} is not supported; ${list} must name core ${kind}s` };
  }
  if (!grants.permits({ group: GATEWAY_API_GROUP, kind: 'Gateway', namespace: gatewayNamespace }, { group: '', kind, namespace, name: ref.name })) {
    return { ok: false, cause: 'grant', message: `${field}: ${label} is in another namespace and no ReferenceGrant in ${namespace} allows Gateways from ${gatewayNamespace} to refer to it` };
  }
  return { ok: true, namespace, label };
}
