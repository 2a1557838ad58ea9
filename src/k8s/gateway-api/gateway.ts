// Gateway (gateway.networking.k8s.io/v1) and its listeners, with the CRD defaults applied
// (allowedRoutes.namespaces.from = Same, route kind group = gateway.networking.k8s.io).
import type { KubeObject } from '../kube-object.ts';
import { FieldReader, type FieldProblem } from '../field-reader.ts';
import { parseMeta, type ParsedMeta } from '../object-meta.ts';
import { parseLabelSelector, type LabelSelector } from '../label-selector.ts';
import { checkHostname } from './hostname.ts';
import { parseFrontendTls, type FrontendTls } from './frontend-tls.ts';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

export interface RouteGroupKind {
  group: string;
  kind: string;
}

export type AllowedNamespaces =
  | { from: 'Same' }
  | { from: 'All' }
  | { from: 'Selector'; selector: LabelSelector }
  | { from: 'None' };

export interface Listener {
  index: number;
  name: string;
  /** Absent: any hostname. */
  hostname?: string;
  port: number;
  /** As written: HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed custom protocol. */
  protocol: string;
  allowedNamespaces: AllowedNamespaces;
  /** allowedRoutes.kinds as written; empty means "what the protocol supports". */
  allowedKinds: RouteGroupKind[];
  /** Set when `tls` was written (only meaningful for HTTPS and TLS). */
  hasTls: boolean;
  /** `tls` as written, with the CRD default mode (Terminate); absent when `tls` is not set. */
  tls?: ListenerTls;
  /** Problems in this listener's own fields: the listener is not accepted. */
  problems: FieldProblem[];
}

/** A listener's `tls.certificateRefs[]` entry, with the defaults applied (core group, kind Secret). */
export interface CertificateRef {
  index: number;
  group: string;
  kind: string;
  /** Absent: the Gateway's namespace. */
  namespace?: string;
  name: string;
}

export interface ListenerTls {
  mode: string;
  certificateRefs: CertificateRef[];
  /** `tls.options` as written (string values only, as the CRD requires). */
  options: Record<string, string>;
}

export interface Gateway {
  meta: ParsedMeta;
  gatewayClassName: string;
  listeners: Listener[];
  /** spec.addresses as written: Tether does not assign addresses (the Envoy fleet binds its own). */
  addresses: { type: string; value: string }[];
  /** spec.infrastructure.parametersRef as written; resolved to FleetParameters by translate/fleet-parameters.ts. */
  parametersRef?: { group: string; kind: string; name: string };
  /**
   * spec.infrastructure.labels and annotations: put on every object Tether provisions for this
   * Gateway (src/provision/). Empty when not written.
   */
  infrastructure: { labels: Record<string, string>; annotations: Record<string, string> };
  /** spec.tls.frontend: client certificate validation for HTTPS listeners; absent when not written. */
  frontendTls?: FrontendTls;
  /** Problems outside the listeners. */
  problems: FieldProblem[];
  /** Gateway-level fields Tether does not implement: reported in status. */
  ignored: FieldProblem[];
}

export function parseGateway(o: KubeObject): Gateway {
  const r = new FieldReader();
  const spec = r.object(o.spec, 'spec') ?? {};
  const gatewayClassName = r.string(spec.gatewayClassName, 'spec.gatewayClassName', { required: true }) ?? '';
  const addresses = r.array(spec.addresses, 'spec.addresses').flatMap((a, i) => {
    const ao = r.object(a, `spec.addresses[${i}]`);
    if (!ao) return [];
    return [{ type: r.string(ao.type, `spec.addresses[${i}].type`) ?? 'IPAddress', value: r.string(ao.value, `spec.addresses[${i}].value`) ?? '' }];
  });
  const listeners = r.array(spec.listeners, 'spec.listeners').map((l, i) => parseListener(l, i));
  if (listeners.length === 0 && spec.listeners === undefined) r.problem('spec.listeners', 'is required');
  const ignored: FieldProblem[] = [];
  for (const key of ['allowedListeners', 'backendTLS']) {
    if (spec[key] !== undefined && spec[key] !== null) ignored.push({ severity: 'unsupported', field: `spec.${key}`, message: 'is not supported and is not read' });
  }
  const tls = r.object(spec.tls, 'spec.tls');
  const frontend = r.object(tls?.frontend, 'spec.tls.frontend');
  const frontendTls = frontend ? parseFrontendTls(r, frontend) : undefined;
  for (const k of Object.keys(tls ?? {})) {
    if (k !== 'frontend' && tls?.[k] !== undefined && tls[k] !== null) ignored.push({ severity: 'unsupported', field: `spec.tls.${k}`, message: 'is not supported and is not read' });
  }
  const infrastructure = r.object(spec.infrastructure, 'spec.infrastructure');
  // Labels and annotations go on the objects of a provisioned fleet (src/provision/); anything else
  // under infrastructure is not read.
  const read = new Set(['parametersRef', 'labels', 'annotations']);
  for (const k of Object.keys(infrastructure ?? {})) {
    if (!read.has(k) && infrastructure?.[k] !== undefined && infrastructure[k] !== null) {
      ignored.push({ severity: 'unsupported', field: `spec.infrastructure.${k}`, message: 'is not supported and is not read' });
    }
  }
  const infra = {
    labels: r.stringMap(infrastructure?.labels, 'spec.infrastructure.labels'),
    annotations: r.stringMap(infrastructure?.annotations, 'spec.infrastructure.annotations'),
  };
  const gateway: Gateway = { meta: parseMeta(o, true), gatewayClassName, listeners, addresses, infrastructure: infra, problems: r.problems, ignored };
  if (frontendTls) gateway.frontendTls = frontendTls;
  const p = r.object(infrastructure?.parametersRef, 'spec.infrastructure.parametersRef');
  if (p) {
    const f = 'spec.infrastructure.parametersRef';
    gateway.parametersRef = {
      group: r.string(p.group, `${f}.group`) ?? '',
      kind: r.string(p.kind, `${f}.kind`) ?? '',
      name: r.string(p.name, `${f}.name`) ?? '',
    };
  }
  return gateway;
}

function parseListener(value: unknown, index: number): Listener {
  const r = new FieldReader();
  const f = `spec.listeners[${index}]`;
  const o = r.object(value, f) ?? {};
  const name = r.string(o.name, `${f}.name`, { required: true, minLength: 1, maxLength: 253 }) ?? `#${index}`;
  const port = r.int(o.port, `${f}.port`, 1, 65535, { required: true }) ?? 0;
  const protocol = r.string(o.protocol, `${f}.protocol`, { required: true, minLength: 1 }) ?? '';
  const listener: Listener = {
    index,
    name,
    port,
    protocol,
    allowedNamespaces: { from: 'Same' },
    allowedKinds: [],
    hasTls: o.tls !== undefined && o.tls !== null,
    problems: r.problems,
  };
  const tls = r.object(o.tls, `${f}.tls`);
  if (tls) listener.tls = parseListenerTls(r, tls, `${f}.tls`);
  const hostname = r.string(o.hostname, `${f}.hostname`);
  if (hostname !== undefined) {
    const bad = checkHostname(hostname);
    if (bad) r.problem(`${f}.hostname`, bad);
    else listener.hostname = hostname;
  }
  const allowed = r.object(o.allowedRoutes, `${f}.allowedRoutes`);
  if (allowed) {
    const ns = r.object(allowed.namespaces, `${f}.allowedRoutes.namespaces`);
    if (ns) {
      const from = r.oneOf(ns.from, `${f}.allowedRoutes.namespaces.from`, ['All', 'Same', 'Selector', 'None'] as const, 'Same');
      if (from === 'Selector') {
        const selector = parseLabelSelector(r, ns.selector, `${f}.allowedRoutes.namespaces.selector`);
        if (ns.selector === undefined || ns.selector === null) r.problem(`${f}.allowedRoutes.namespaces.selector`, 'is required when from is Selector');
        // An unusable selector allows no namespace rather than every namespace.
        listener.allowedNamespaces = selector ? { from: 'Selector', selector } : { from: 'None' };
      } else if (from !== undefined) {
        listener.allowedNamespaces = { from };
      } else {
        listener.allowedNamespaces = { from: 'None' };
      }
    }
    listener.allowedKinds = r.array(allowed.kinds, `${f}.allowedRoutes.kinds`).flatMap((k, j) => {
      const ko = r.object(k, `${f}.allowedRoutes.kinds[${j}]`);
      if (!ko) return [];
      const kind = r.string(ko.kind, `${f}.allowedRoutes.kinds[${j}].kind`, { required: true, minLength: 1 });
      if (kind === undefined) return [];
      return [{ group: r.string(ko.group, `${f}.allowedRoutes.kinds[${j}].group`) ?? GATEWAY_API_GROUP, kind }];
    });
  }
  return listener;
}

function parseListenerTls(r: FieldReader, tls: Record<string, unknown>, f: string): ListenerTls {
  const mode = r.string(tls.mode, `${f}.mode`) ?? 'Terminate';
  const certificateRefs = r.list(tls.certificateRefs, `${f}.certificateRefs`, (item, field, index): CertificateRef | undefined => {
    const ref = r.object(item, field);
    if (!ref) return undefined;
    const name = r.string(ref.name, `${field}.name`, { required: true, minLength: 1 });
    if (name === undefined) return undefined;
    const namespace = r.string(ref.namespace, `${field}.namespace`, { minLength: 1 });
    return { index, group: r.string(ref.group, `${field}.group`) ?? '', kind: r.string(ref.kind, `${field}.kind`) ?? 'Secret', ...(namespace !== undefined ? { namespace } : {}), name };
  });
  const options: Record<string, string> = {};
  const written = r.object(tls.options, `${f}.options`);
  for (const [k, v] of Object.entries(written ?? {})) {
    const value = r.string(v, `${f}.options.${k}`);
    if (value !== undefined) options[k] = value;
  }
  return { mode, certificateRefs, options };
}
