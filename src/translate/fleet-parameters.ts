// Which FleetParameters apply to each Gateway: the GatewayClass's `spec.parametersRef` (a namespaced
// reference) under the Gateway's `spec.infrastructure.parametersRef` (local to the Gateway's
// namespace), merged field by field (mergeFleetParameters). A reference that names another kind, a
// missing object or an invalid one is InvalidParameters on the object that wrote it (Gateway API:
// GatewayClass and Gateway `Accepted=False`, reason `InvalidParameters`), with a message naming the
// referent and the field. Pure: translation uses it for status and the served config, and the
// provisioner calls `resolveFleetParameters` on the same objects, so both always agree.
import { apiGroup, type KubeObject } from '../k8s/kube-object.ts';
import { formatProblem } from '../k8s/field-reader.ts';
import { parseGatewayClass, type GatewayClass } from '../k8s/gateway-api/gateway-class.ts';
import { GATEWAY_API_GROUP, parseGateway, type Gateway } from '../k8s/gateway-api/gateway.ts';
import { FLEET_PARAMETERS_GROUP, FLEET_PARAMETERS_KIND, mergeFleetParameters, type FleetParameters } from '../k8s/fleet-parameters.ts';
import { isFleetParameters, parseFleetParameters, type ParsedFleetParameters } from '../k8s/parse-fleet-parameters.ts';
import { CONTROLLER_NAME } from '../status/status.ts';
import { gatewayName } from './names.ts';

/** FleetParameters by `namespace/name`. */
export type FleetParametersIndex = ReadonlyMap<string, ParsedFleetParameters>;

/** A resolved reference (or none: `{}`), or why it cannot be used. */
export type ParametersVerdict =
  | { ok: true; parameters: FleetParameters; /** Fields of the referent that are not applied, for the status message. */ notes: string[] }
  | { ok: false; message: string };

const NONE: ParametersVerdict = { ok: true, parameters: {}, notes: [] };

/** A GatewayClass's parameters: FleetParameters in the namespace the reference names. */
export function resolveClassParameters(gc: GatewayClass, index: FleetParametersIndex): ParametersVerdict {
  const ref = gc.parametersRef;
  if (!ref) return NONE;
  const field = 'spec.parametersRef';
  if (ref.namespace === undefined || ref.namespace === '') {
    return { ok: false, message: `${field}.namespace: is required: FleetParameters ${ref.name} is a namespaced kind` };
  }
  return resolveRef(ref, ref.namespace, field, index);
}

/** A Gateway's own parameters (FleetParameters in the Gateway's namespace), over its class's. */
export function resolveGatewayParameters(g: Gateway, classVerdict: ParametersVerdict, index: FleetParametersIndex): ParametersVerdict {
  if (!classVerdict.ok) return { ok: false, message: `GatewayClass ${g.gatewayClassName}: ${classVerdict.message}` };
  const ref = g.parametersRef;
  if (!ref) return classVerdict;
  const own = resolveRef(ref, g.meta.namespace, 'spec.infrastructure.parametersRef', index);
  if (!own.ok) return own;
  return { ok: true, parameters: mergeFleetParameters(classVerdict.parameters, own.parameters), notes: [...classVerdict.notes, ...own.notes] };
}

function resolveRef(ref: { group: string; kind: string; name: string }, namespace: string, field: string, index: FleetParametersIndex): ParametersVerdict {
  if (ref.group !== FLEET_PARAMETERS_GROUP || ref.kind !== FLEET_PARAMETERS_KIND) {
    const written = `${ref.group || '(core)'}/${ref.kind || '(no kind)'}`;
    return { ok: false, message: `${field}: ${written} ${namespace}/${ref.name} cannot be resolved: Tether reads parameters of kind ${FLEET_PARAMETERS_GROUP}/${FLEET_PARAMETERS_KIND} only` };
  }
  const what = `${FLEET_PARAMETERS_KIND} ${namespace}/${ref.name}`;
  const found = index.get(`${namespace}/${ref.name}`);
  if (!found) return { ok: false, message: `${field}: ${what} not found` };
  const invalid = found.problems.filter((p) => p.severity === 'invalid');
  if (invalid.length > 0) return { ok: false, message: `${field}: ${what} is invalid: ${invalid.map(formatProblem).join('; ')}` };
  const notes = found.problems.map((p) => `${what} ${formatProblem(p)}`);
  return { ok: true, parameters: found.parameters, notes };
}

/** What the provisioner gets for one Gateway of Tether's classes. */
export type FleetParametersResolution =
  | { ok: true; /** The class's parameters with the Gateway's over them; `{}` when neither names any. */ parameters: FleetParameters }
  | { ok: false; reason: 'InvalidParameters'; message: string };

/**
 * For every Gateway whose GatewayClass names Tether's controller, by `namespace/name`: the merged
 * FleetParameters, or why they cannot be used (then translation rejects the Gateway with
 * Accepted=False, InvalidParameters, and nothing should be provisioned from guessed values).
 * Defaults are not filled in: an absent field means Tether's default. Gateways of other
 * controllers are absent. Pure, given the same objects translation reads.
 */
export function resolveFleetParameters(objects: readonly KubeObject[]): Map<string, FleetParametersResolution> {
  // Only the three kinds that decide parameters are parsed (the provisioner calls this on every
  // change of the store), with the same parsers translation uses.
  const gatewayClasses: GatewayClass[] = [];
  const gateways: Gateway[] = [];
  const fleetParameters = new Map<string, ParsedFleetParameters>();
  for (const o of objects) {
    if (apiGroup(o.apiVersion) === GATEWAY_API_GROUP && o.kind === 'GatewayClass') gatewayClasses.push(parseGatewayClass(o));
    else if (apiGroup(o.apiVersion) === GATEWAY_API_GROUP && o.kind === 'Gateway') gateways.push(parseGateway(o));
    else if (isFleetParameters(o)) {
      const p = parseFleetParameters(o);
      fleetParameters.set(`${p.namespace}/${p.name}`, p);
    }
  }
  const classes = new Map<string, ParametersVerdict>();
  for (const gc of gatewayClasses) if (gc.controllerName === CONTROLLER_NAME) classes.set(gc.meta.name, resolveClassParameters(gc, fleetParameters));
  const out = new Map<string, FleetParametersResolution>();
  for (const g of gateways) {
    const cls = classes.get(g.gatewayClassName);
    if (!cls) continue;
    const v = resolveGatewayParameters(g, cls, fleetParameters);
    out.set(gatewayName(g.meta), v.ok ? { ok: true, parameters: v.parameters } : { ok: false, reason: 'InvalidParameters', message: v.message });
  }
  return out;
}
