// One line per object status, for logs: "Accepted=True ResolvedRefs=True" (per parent for routes).
// A status is healthy when no positive-polarity condition is False.
import type { Condition, ObjectStatus, ParentRef } from '../../status/status.ts';
import { ENVOY_REJECTED } from '../../status/conditions.ts';

// Conditions where True means trouble.
const NEGATIVE = new Set(['Conflicted', 'Overridden', ENVOY_REJECTED]);

export function summarizeStatus(s: ObjectStatus): { text: string; healthy: boolean } {
  const groups: { label: string; conditions: Condition[] }[] = [];
  const body = s.status;
  switch (body.type) {
    case 'conditions':
      groups.push({ label: '', conditions: body.conditions });
      break;
    case 'gateway':
      groups.push({ label: '', conditions: body.conditions });
      for (const l of body.listeners) groups.push({ label: `listener ${l.name}`, conditions: l.conditions });
      break;
    case 'route':
      for (const p of body.parents) groups.push({ label: `parent ${refText(p.parentRef)}`, conditions: p.conditions });
      break;
    case 'policy':
      for (const a of body.ancestors) groups.push({ label: `ancestor ${refText(a.ancestorRef)}`, conditions: a.conditions });
      break;
  }
  let healthy = true;
  const parts = groups.map((g) => {
    const conds = g.conditions.map((c) => {
      const bad = NEGATIVE.has(c.type) ? c.status === 'True' : c.status === 'False';
      if (bad) healthy = false;
      return bad ? `${c.type}=${c.status} (${c.reason}: ${c.message})` : `${c.type}=${c.status}`;
    });
    return (g.label ? `${g.label}: ` : '') + conds.join(' ');
  });
  return { text: parts.join('; '), healthy };
}

function refText(r: ParentRef): string {
  return `${r.kind ?? 'Gateway'} ${r.namespace ? r.namespace + '/' : ''}${r.name}${r.sectionName ? '/' + r.sectionName : ''}`;
}
