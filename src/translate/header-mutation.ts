// Gateway API header modifiers (rule or backend level) → the IR's header mutation.
import type { HeaderMutationIR } from '../ir/ir.ts';
import type { HeaderModifier } from '../k8s/gateway-api/route-common.ts';

export function headerMutation(m: HeaderModifier): HeaderMutationIR {
  return { set: m.set.map((h) => ({ ...h })), add: m.add.map((h) => ({ ...h })), remove: [...m.remove] };
}
