// What translation says about every input object: the status Tether would write (or, for kinds it
// may not write, shows in `tether translate` and the admin API). Translation returns these as
// values; only the status writer talks to Kubernetes, and it alone stamps lastTransitionTime
// (it knows the previous value; translation has no clock).
import type { ObjectRef } from '../k8s/kube-object.ts';
import type { WrittenParentRef } from '../k8s/gateway-api/route-common.ts';

export const CONTROLLER_NAME = 'tether.dev/gateway-controller';

/** A metav1.Condition without lastTransitionTime. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  /** CamelCase reason. */
  reason: string;
  /** Human-readable; names the object and field at fault when something is wrong. */
  message: string;
  /** metadata.generation of the object the condition describes. */
  observedGeneration?: number;
}

/** Gateway API ParentReference / policy ancestorRef as written in status: only the fields given. */
export type ParentRef = WrittenParentRef;

export interface ListenerStatus {
  name: string;
  supportedKinds: { group: string; kind: string }[];
  attachedRoutes: number;
  conditions: Condition[];
}

/** A Gateway's status.addresses entry. */
export interface GatewayStatusAddress {
  type: 'IPAddress' | 'Hostname';
  value: string;
}

/** status of GatewayClass (conditions only), Gateway, route kinds, policies, and kinds we only report on. */
export type StatusBody =
  /** supportedFeatures: GatewayClass only, the Gateway API feature names it implements. */
  | { type: 'conditions'; conditions: Condition[]; supportedFeatures?: string[] }
  /** addresses: a provisioned Gateway's (src/provision/); absent when Tether does not provision it. */
  | { type: 'gateway'; conditions: Condition[]; listeners: ListenerStatus[]; addresses?: GatewayStatusAddress[] }
  | { type: 'route'; parents: { parentRef: ParentRef; controllerName: string; conditions: Condition[] }[] }
  | { type: 'policy'; ancestors: { ancestorRef: ParentRef; controllerName: string; conditions: Condition[] }[] };

export interface ObjectStatus {
  ref: ObjectRef;
  /** metadata.generation of the object read, when known. */
  generation?: number;
  /**
   * True when Tether owns this status and may write it to Kubernetes (GatewayClass, Gateway,
   * routes, Gateway API policies, SessionPolicy). Vendor kinds (Kong, Istio, ...) are owned by
   * their own controllers: Tether reports on them in `translate` output and the admin API only.
   */
  writable: boolean;
  status: StatusBody;
}
