// Taking each aspect of a rule's stickiness (session, strict, draining, balancer) from the first
// ranked intent that sets it, and telling every policy involved what became of it: applied to the
// rule, or overridden there (by whom). A non-hashing balancer loses to a session in force, whose
// cluster must balance by hash.
import type { RankedIntent } from './intent-ranking.ts';
import { describeOrigin, isHashing, type StickyIntent } from './sticky-intent.ts';

export type Aspect = 'session' | 'strict' | 'draining' | 'balancer';

/** The intent each aspect was taken from; an aspect nobody set is absent. */
export type ChosenAspects = Partial<Record<Aspect, RankedIntent>>;

/** An object that won an aspect: the policy by name, or the route rule's own field. */
function describeWinner(i: StickyIntent): string {
  return i.record ? `${i.record.ref.kind} ${i.record.ref.namespace ? `${i.record.ref.namespace}/` : ''}${i.record.ref.name}` : describeOrigin(i.origin);
}

/** `found` is ranked most specific first; `label` names the rule in policy statuses. */
export function chooseAspects(found: readonly RankedIntent[], label: string): ChosenAspects {
  const chosen: ChosenAspects = {};
  const sessionFound = found.find((f) => f.intent.session);
  for (const f of found) {
    const i = f.intent;
    const offers: Aspect[] = [];
    if (i.session) offers.push('session');
    if (i.strict !== undefined) offers.push('strict');
    if (i.draining !== undefined) offers.push('draining');
    if (i.balancer) offers.push('balancer');
    const used: Aspect[] = [];
    const lost: string[] = [];
    for (const a of offers) {
      if (a === 'balancer' && sessionFound && i.balancer && !isHashing(i.balancer.loadBalancer)) {
        lost.push(`${i.balancer.loadBalancer.type} on ${label} (a session is in force there, so its cluster balances by hash)`);
        continue;
      }
      const winner = chosen[a];
      if (!winner) {
        chosen[a] = f;
        used.push(a);
      } else if (!i.record || winner.intent.record !== i.record) lost.push(`${a} on ${label} by ${describeWinner(winner.intent)}`);
    }
    for (const r of [i.record, ...(i.twins ?? [])]) {
      if (!r) continue;
      if (used.length > 0) r.applied.add(`${label} (${used.join(', ')})`);
      for (const l of lost) r.overridden.add(l);
    }
  }
  return chosen;
}
