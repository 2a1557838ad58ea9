// One object's status as `tether translate`, the admin API's /debug/statuses and config dumps print
// it. Pure.
import type { ObjectStatus } from './status.ts';

/** One input object's status as printed: its identity, then the status body as Kubernetes shows it. */
export interface StatusEntry {
  kind: string;
  group?: string;
  namespace?: string;
  name: string;
  [field: string]: unknown;
}

export function statusEntry(s: ObjectStatus): StatusEntry {
  const entry: StatusEntry = { kind: s.ref.kind, ...(s.ref.group ? { group: s.ref.group } : {}), ...(s.ref.namespace !== undefined ? { namespace: s.ref.namespace } : {}), name: s.ref.name };
  const body = s.status;
  switch (body.type) {
    case 'conditions':
      entry['conditions'] = body.conditions;
      if (body.supportedFeatures) entry['supportedFeatures'] = body.supportedFeatures;
      break;
    case 'gateway':
      entry['conditions'] = body.conditions;
      entry['listeners'] = body.listeners;
      break;
    case 'route':
      entry['parents'] = body.parents;
      break;
    case 'policy':
      entry['ancestors'] = body.ancestors;
      break;
  }
  return entry;
}
