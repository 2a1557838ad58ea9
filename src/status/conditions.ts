// Gateway API condition types and reasons (gateway.networking.k8s.io/v1), and one constructor, so
// translation never spells a reason by hand. Reasons are the API's own CamelCase words.
import type { Condition } from './status.ts';

/** Tether's own route condition: Envoy rejected config built from the route (src/nacks/). */
export const ENVOY_REJECTED = 'tether.dev/EnvoyRejected';

export const ConditionType = {
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  ResolvedRefs: 'ResolvedRefs',
  Conflicted: 'Conflicted',
  SupportedVersion: 'SupportedVersion',
  PartiallyInvalid: 'PartiallyInvalid',
} as const;

export const Reason = {
  // shared
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  ResolvedRefs: 'ResolvedRefs',
  Invalid: 'Invalid',
  Pending: 'Pending',
  UnsupportedValue: 'UnsupportedValue',
  // GatewayClass
  SupportedVersion: 'SupportedVersion',
  InvalidParameters: 'InvalidParameters',
  // Gateway
  ListenersNotValid: 'ListenersNotValid',
  UnsupportedAddress: 'UnsupportedAddress',
  AddressNotAssigned: 'AddressNotAssigned',
  AddressNotUsable: 'AddressNotUsable',
  // Listener
  UnsupportedProtocol: 'UnsupportedProtocol',
  InvalidRouteKinds: 'InvalidRouteKinds',
  HostnameConflict: 'HostnameConflict',
  ProtocolConflict: 'ProtocolConflict',
  NoConflicts: 'NoConflicts',
  InvalidCertificateRef: 'InvalidCertificateRef',
  InvalidCACertificateRef: 'InvalidCACertificateRef',
  InvalidCACertificateKind: 'InvalidCACertificateKind',
  NoValidCACertificate: 'NoValidCACertificate',
  // Route parents
  NotAllowedByListeners: 'NotAllowedByListeners',
  NoMatchingListenerHostname: 'NoMatchingListenerHostname',
  NoMatchingParent: 'NoMatchingParent',
  BackendNotFound: 'BackendNotFound',
  RefNotPermitted: 'RefNotPermitted',
  InvalidKind: 'InvalidKind',
} as const;


export function condition(type: string, status: boolean | 'Unknown', reason: string, message: string, observedGeneration?: number): Condition {
  const c: Condition = { type, status: status === 'Unknown' ? 'Unknown' : status ? 'True' : 'False', reason, message };
  if (observedGeneration !== undefined) c.observedGeneration = observedGeneration;
  return c;
}
