// The NACKs currently in force, per Gateway and resource type: set when an Envoy rejects a
// response, cleared when a client of the same Gateway acknowledges a different version of that type
// (the config was fixed, or the rejected resource is gone). Step 2 of nack-status.ts.
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
    const old = this.current.get(key);
    if (old && old.version === n.version && old.message === n.message) return;
    this.current.set(key, { gateway: n.gateway, typeUrl: n.typeUrl, message: n.message, resourceNames: [...n.resourceNames], version: n.version });
    this.onChange();
  }

  acked(gateway: string, typeUrl: string, version: string): void {
    const key = `${gateway}\0${typeUrl}`;
    const held = this.current.get(key);
    if (!held || held.version === version) return;
    this.current.delete(key);
    this.onChange();
  }

  list(): NackInput[] {
    return [...this.current.values()].map(({ version: _version, ...nack }) => nack);
  }
}
