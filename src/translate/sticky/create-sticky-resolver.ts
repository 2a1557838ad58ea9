// Entry point of sticky-session resolution: every way of asking for stickiness → one StickyDecision
// per route rule. This first version answers "plain round robin" for every rule; the dialects are
// resolved behind the same function.
import type { KubeObject } from '../../k8s/kube-object.ts';
import type { StickyDecision, StickyResolver, StickyRuleInput } from './sticky-resolver.ts';

export function createStickyResolver(objects: readonly KubeObject[]): StickyResolver {
  void objects;
  return {
    resolve(input: StickyRuleInput): StickyDecision {
      void input;
      return { loadBalancer: { type: 'round-robin' }, keepSessionsOnDraining: false, sticky: false, problems: [] };
    },
    statuses() {
      return [];
    },
  };
}
