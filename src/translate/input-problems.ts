// Statuses for malformed Services, EndpointSlices and ReferenceGrants: Tether does not own their
// status (writable: false), but `tether translate` and the admin API show what it could not read.
import { formatProblem, type FieldProblem } from '../k8s/field-reader.ts';
import type { ParsedMeta } from '../k8s/object-meta.ts';
import type { ObjectStatus } from '../status/status.ts';
import { condition, ConditionType, Reason } from '../status/conditions.ts';
import type { ObjectIndex } from './object-index.ts';

export function inputProblemStatuses(index: ObjectIndex): ObjectStatus[] {
  const out: ObjectStatus[] = [];
  const report = (o: { meta: ParsedMeta; problems: FieldProblem[] }, writable: boolean) => {
    if (o.problems.length === 0) return;
    const gen = o.meta.generation;
    out.push({
      ref: o.meta.ref,
      ...(gen !== undefined ? { generation: gen } : {}),
      writable,
      status: { type: 'conditions', conditions: [condition(ConditionType.Accepted, false, Reason.Invalid, `Ignored fields: ${o.problems.map(formatProblem).join('; ')}`, gen)] },
    });
  };
  for (const s of index.services) report(s, false);
  for (const s of index.endpointSlices) report(s, false);
  for (const g of index.referenceGrants) report(g, false);
  return out;
}
