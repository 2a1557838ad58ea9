// Gateway spec.tls.frontend (gateway.networking.k8s.io/v1): client certificate validation for the
// Gateway's HTTPS listeners, a default and per-port overrides, with the CRD default mode
// (AllowValidOnly).
import type { FieldProblem, FieldReader } from '../field-reader.ts';

/** A `caCertificateRefs[]` entry as written (ObjectReference: group, kind and name are required). */
export interface CaCertificateRef {
  index: number;
  group: string;
  kind: string;
  /** Absent: the Gateway's namespace. */
  namespace?: string;
  name: string;
}

export interface FrontendValidation {
  /** Path of the `validation` object, for messages. */
  field: string;
  caCertificateRefs: CaCertificateRef[];
  /** AllowValidOnly (the CRD default) or AllowInsecureFallback. */
  mode: 'AllowValidOnly' | 'AllowInsecureFallback';
}

export interface FrontendTls {
  /** `default.validation`; absent when not written. */
  defaultValidation?: FrontendValidation;
  /** perPort[] overrides: the entry for a port replaces the default for HTTPS listeners on it. */
  perPort: { port: number; validation?: FrontendValidation }[];
  /**
   * Problems in spec.tls.frontend. Which listeners a malformed setting was meant for cannot be
   * known, so a Gateway with any of these serves none of its HTTPS listeners (fail closed).
   */
  problems: FieldProblem[];
}

export const FRONTEND_FIELD = 'spec.tls.frontend';

export function parseFrontendTls(r: FieldReader, frontend: Record<string, unknown>): FrontendTls {
  const before = r.problems.length;
  const f = FRONTEND_FIELD;
  const def = r.object(frontend.default, `${f}.default`);
  if (frontend.default === undefined || frontend.default === null) r.problem(`${f}.default`, 'is required');
  const defaultValidation = def ? parseValidation(r, def, `${f}.default`) : undefined;
  const seen = new Set<number>();
  const perPort = r.list(frontend.perPort, `${f}.perPort`, (item, field) => {
    const o = r.object(item, field);
    if (!o) return undefined;
    const port = r.int(o.port, `${field}.port`, 1, 65535, { required: true });
    const tls = r.object(o.tls, `${field}.tls`);
    if (o.tls === undefined || o.tls === null) r.problem(`${field}.tls`, 'is required');
    if (port === undefined) return undefined;
    if (seen.has(port)) r.problem(`${field}.port`, `port ${port} is configured more than once`);
    seen.add(port);
    const validation = tls ? parseValidation(r, tls, `${field}.tls`) : undefined;
    return validation ? { port, validation } : { port };
  });
  for (const k of Object.keys(frontend)) {
    if (k !== 'default' && k !== 'perPort' && frontend[k] !== undefined && frontend[k] !== null) r.problem(`${f}.${k}`, 'is not a field of spec.tls.frontend', 'unsupported');
  }
  const out: FrontendTls = { perPort, problems: r.problems.slice(before) };
  if (defaultValidation) out.defaultValidation = defaultValidation;
  return out;
}

/** `<tls config>.validation`, or undefined when not written. */
function parseValidation(r: FieldReader, config: Record<string, unknown>, f: string): FrontendValidation | undefined {
  for (const k of Object.keys(config)) {
    if (k !== 'validation' && config[k] !== undefined && config[k] !== null) r.problem(`${f}.${k}`, 'is not a field of a frontend TLS configuration', 'unsupported');
  }
  const field = `${f}.validation`;
  const v = r.object(config.validation, field);
  if (!v) return undefined;
  const mode = r.oneOf(v.mode, `${field}.mode`, ['AllowValidOnly', 'AllowInsecureFallback'] as const, 'AllowValidOnly') ?? 'AllowValidOnly';
  const caCertificateRefs = r.list(v.caCertificateRefs, `${field}.caCertificateRefs`, (item, itemField, index): CaCertificateRef | undefined => {
    const ref = r.object(item, itemField);
    if (!ref) return undefined;
    const name = r.string(ref.name, `${itemField}.name`, { required: true, minLength: 1 });
    const kind = r.string(ref.kind, `${itemField}.kind`, { required: true, minLength: 1 });
    const group = r.string(ref.group, `${itemField}.group`, { required: true });
    if (name === undefined || kind === undefined || group === undefined) return undefined;
    const namespace = r.string(ref.namespace, `${itemField}.namespace`, { minLength: 1 });
    return { index, group, kind, ...(namespace !== undefined ? { namespace } : {}), name };
  });
  if (v.caCertificateRefs === undefined || v.caCertificateRefs === null || (Array.isArray(v.caCertificateRefs) && v.caCertificateRefs.length === 0)) {
    r.problem(`${field}.caCertificateRefs`, 'must list at least one CA certificate');
  }
  return { field, caCertificateRefs, mode };
}

/**
 * The client certificate validation that applies to HTTPS listeners on `port`: the perPort entry
 * for the port when there is one (even without validation: it overrides the default), else the
 * default's.
 */
export function frontendValidationFor(frontend: FrontendTls, port: number): FrontendValidation | undefined {
  const override = frontend.perPort.find((p) => p.port === port);
  return override ? override.validation : frontend.defaultValidation;
}
