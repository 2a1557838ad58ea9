// Gateway API RequestHeaderModifier / ResponseHeaderModifier → Envoy's headers_to_add / _remove.
// `set` overwrites (or adds), `add` appends (or adds): Envoy's append_action says which.
import type { HeaderMutationIR } from '../ir/ir.ts';
import type { JsonObject } from './envoy-json.ts';

export function buildHeaderMutation(mutation: HeaderMutationIR | undefined, direction: 'request' | 'response'): JsonObject {
  if (!mutation) return {};
  const out: JsonObject = {};
  const toAdd: JsonObject[] = [
    ...mutation.set.map((h) => ({ header: { key: h.name, value: h.value }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' })),
    // APPEND_IF_EXISTS_OR_ADD is the enum's zero value, so proto3 JSON leaves it out.
    ...mutation.add.map((h) => ({ header: { key: h.name, value: h.value } })),
  ];
  if (toAdd.length > 0) out[`${direction}_headers_to_add`] = toAdd;
  if (mutation.remove.length > 0) out[`${direction}_headers_to_remove`] = [...mutation.remove];
  return out;
}
