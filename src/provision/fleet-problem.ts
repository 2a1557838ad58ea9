// Something a Gateway or its parameters ask of the fleet that cannot be done: shown in the
// Gateway's status (provision/fleet-status.ts), never silently dropped.
export interface FleetProblem {
  /** Gateway API condition reason: `UnsupportedAddress` makes the Gateway not Accepted; others are notes. */
  reason: 'UnsupportedAddress' | 'UnsupportedValue';
  message: string;
}
