// What happened to one policy object while rules were resolved: problems found when reading it,
// targets that do not exist, conflicts it lost, rules it applied to and rules where something more
// specific overrode it. `policyStatus` turns that into the object's status: ancestors (Gateway API
// policies, SessionPolicy: Tether writes them) or plain conditions (vendor kinds: shown only).
import type { KubeObject, ObjectRef } from '../../k8s/kube-object.ts';
import { refOf } from '../../k8s/kube-object.ts';
import type { FieldProblem } from '../../k8s/field-reader.ts';
import type { Condition, ObjectStatus, ParentRef } from '../../status/status.ts';
import { CONTROLLER_NAME } from '../../status/status.ts';
import type { StickyTarget } from './sticky-target.ts';

export class PolicyRecord {
  readonly ref: ObjectRef;
  readonly generation: number | undefined;
  /** True for kinds Tether owns the status of (Gateway API policies, SessionPolicy). */
  readonly writable: boolean;
  readonly problems: FieldProblem[] = [];
  readonly notFound: string[] = [];
  /** Targets this policy lost to an older one with different settings. */
  readonly conflicts: string[] = [];
  /** Targets it did resolve (for "not used" messages). */
  readonly targets: StickyTarget[] = [];
  readonly applied = new Set<string>();
  readonly overridden = new Set<string>();
  readonly notes = new Set<string>();
  readonly ancestors = new Map<string, ParentRef>();
  /** Ancestor to report when no route rule reached the policy: its (first) target. */
  fallbackAncestor: ParentRef | undefined;

  constructor(obj: KubeObject, writable: boolean) {
    this.ref = refOf(obj);
    this.generation = obj.metadata.generation;
    this.writable = writable;
  }

  get valid(): boolean {
    return !this.problems.some((p) => p.severity === 'invalid');
  }

  addGatewayAncestor(gateway: { namespace: string; name: string }): void {
    this.ancestors.set(`${gateway.namespace}/${gateway.name}`, {
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      namespace: gateway.namespace,
      name: gateway.name,
    });
  }

  /** The Accepted condition summarising everything recorded (lists shortened so the message stays well under Kubernetes' 32768 characters). */
  condition(): Condition {
    const base = { type: 'Accepted', ...(this.generation !== undefined ? { observedGeneration: this.generation } : {}) };
    const problems = (severity: FieldProblem['severity']) =>
      this.problems.filter((p) => p.severity === severity).map((p) => `${p.field}: ${p.message}`);
    const invalid = problems('invalid');
    if (invalid.length > 0) {
      return { ...base, status: 'False', reason: 'Invalid', message: `Not applied. ${invalid.join('; ')}.` };
    }
    const parts: string[] = [];
    if (this.applied.size > 0) parts.push(`Applied to ${shorten([...this.applied].sort(), ', ')}.`);
    if (this.overridden.size > 0) parts.push(`Overridden: ${shorten([...this.overridden].sort(), '; ')}.`);
    if (this.conflicts.length > 0) parts.push(`Conflicted: ${shorten(this.conflicts, '; ')}.`);
    if (this.notFound.length > 0) parts.push(`Target not found: ${shorten(this.notFound, ', ')}.`);
    const unsupported = problems('unsupported');
    if (unsupported.length > 0) parts.push(`Not translated: ${shorten(unsupported, '; ')}.`);
    if (this.notes.size > 0) parts.push(shorten([...this.notes].sort(), ' '));
    if (this.targets.length === 0 && this.notFound.length > 0) {
      return { ...base, status: 'False', reason: 'TargetNotFound', message: parts.join(' ') };
    }
    if (this.targets.length === 0 && this.conflicts.length > 0) {
      return { ...base, status: 'False', reason: 'Conflicted', message: parts.join(' ') };
    }
    if (this.applied.size === 0 && this.overridden.size === 0) parts.unshift('Valid, but no route rule of a Tether Gateway uses its targets yet.');
    return { ...base, status: 'True', reason: 'Accepted', message: parts.join(' ') };
  }
}

const LIST_LIMIT = 20;
const MAX_ANCESTORS = 16;

/** The first LIST_LIMIT items, then how many more: a Gateway-wide policy may reach thousands of rules. */
function shorten(items: string[], sep: string): string {
  if (items.length <= LIST_LIMIT) return items.join(sep);
  return `${items.slice(0, LIST_LIMIT).join(sep)}${sep}and ${items.length - LIST_LIMIT} more`;
}

export function policyStatus(record: PolicyRecord): ObjectStatus {
  const condition = record.condition();
  const base = { ref: record.ref, writable: record.writable, ...(record.generation !== undefined ? { generation: record.generation } : {}) };
  if (!record.writable) return { ...base, status: { type: 'conditions', conditions: [condition] } };
  const refs = [...record.ancestors.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  // No route rule reached it: name its target, or (no usable target at all) the policy itself.
  if (refs.length === 0) refs.push(record.fallbackAncestor ?? { ...record.ref });
  return {
    ...base,
    status: {
      type: 'policy',
      // PolicyStatus holds at most 16 ancestors (the CRDs' maxItems); the first 16 Gateways by name.
      ancestors: refs.slice(0, MAX_ANCESTORS).map((ancestorRef) => ({ ancestorRef, controllerName: CONTROLLER_NAME, conditions: [condition] })),
    },
  };
}
