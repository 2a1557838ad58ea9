// The NACKs currently in force, per Gateway and resource type: set when an Envoy rejects a
// version, cleared when a client of the same Gateway acknowledges a different version of that type
// (the config was fixed, or the rejected resource is gone). Step 2 of nack-status.ts.
//
// The first NACK of a version is the evidence kept: later NACKs of the same version (the rest of
// the fleet, or one Envoy repeating itself with other text) change nothing, so a fleet rejecting
// one version causes one status write. Entries exist only for Gateways the caller still knows
// (`retain`), so memory is bounded by Gateways × 4 types.
import type { NackInput } from './route-nacks.ts';

interface Held extends NackInput {
  version: string;
}

export class NackTracker {
  private readonly current = new Map<string, Held>();
  private readonly onChange: () => void;

  constructor(onChange: () => void) {
    this.onChange = onChange;
  }

  nacked(n: NackInput & { version: string }): void {
    const key = `${n.gateway}\0${n.typeUrl}`;
    if (this.current.get(key)?.version === n.version) return;
    this.current.set(key, { gateway: n.gateway, typeUrl: n.typeUrl, message: n.message, resourceNames: [...n.resourceNames], version: n.version, ...(n.node !== undefined ? { node: n.node } : {}) });
    this.onChange();
  }

  acked(gateway: string, typeUrl: string, version: string): void {
    const key = `${gateway}\0${typeUrl}`;
    const held = this.current.get(key);
    if (!held || held.version === version) return;
    this.current.delete(key);
    this.onChange();
  }

  /** Forgets the NACKs of Gateways that no longer exist. */
  retain(exists: (gateway: string) => boolean): void {
    for (const [key, held] of this.current) if (!exists(held.gateway)) this.current.delete(key);
  }

  get size(): number {
    return this.current.size;
  }

  list(): NackInput[] {
    return [...this.current.values()].map(({ version: _version, ...nack }) => nack);
  }
}
