// The objects sticky resolution looks things up in (Services, Gateways, routes) and the helpers every
// dialect reader shares: registering a policy record, checking that a target exists, collecting
// intents.
import type { KubeObject } from '../../k8s/kube-object.ts';
import { apiGroup } from '../../k8s/kube-object.ts';
import { isRecord } from '../../k8s/field-reader.ts';
import type { ParentRef } from '../../status/status.ts';
import { PolicyRecord } from './policy-record.ts';
import type { StickyIntent } from './sticky-intent.ts';
import { describeTarget, type StickyTarget } from './sticky-target.ts';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface StickyIntentInput extends StickyIntent {
  /** Policies of one class on the same target conflict when their settings differ (oldest wins). */
  conflictClass: string;
}

export class StickyContext {
  readonly services = new Map<string, KubeObject>();
  readonly gateways = new Map<string, KubeObject>();
  readonly routes = new Map<string, KubeObject>();
  readonly records: PolicyRecord[] = [];
  readonly intents: StickyIntentInput[] = [];
  /** Notes about a Service that every rule using it should carry (e.g. an annotation naming a missing policy). */
  readonly serviceProblems = new Map<string, { field: string; message: string }[]>();

  constructor(objects: readonly KubeObject[]) {
    for (const o of objects) {
      const ns = o.metadata.namespace ?? 'default';
      if (o.kind === 'Service' && apiGroup(o.apiVersion) === '') this.services.set(`${ns}/${o.metadata.name}`, o);
      else if (apiGroup(o.apiVersion) === GATEWAY_GROUP && o.kind === 'Gateway') this.gateways.set(`${ns}/${o.metadata.name}`, o);
      else if (apiGroup(o.apiVersion) === GATEWAY_GROUP && (o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')) {
        this.routes.set(`${o.kind}/${ns}/${o.metadata.name}`, o);
      }
    }
  }

  record(obj: KubeObject, writable: boolean): PolicyRecord {
    const r = new PolicyRecord(obj, writable);
    this.records.push(r);
    return r;
  }

  /** True when the target exists; otherwise records it as not found. Sets the record's fallback ancestor. */
  checkTarget(record: PolicyRecord, target: StickyTarget): boolean {
    record.fallbackAncestor ??= ancestorOf(target);
    const found = this.exists(target);
    if (!found) record.notFound.push(describeTarget(target));
    return found;
  }

  private exists(t: StickyTarget): boolean {
    switch (t.level) {
      case 'service':
        return this.services.has(`${t.namespace}/${t.name}`);
      case 'gateway':
        return this.gateways.has(`${t.gateway.namespace}/${t.gateway.name}`);
      case 'listener': {
        const gw = this.gateways.get(`${t.gateway.namespace}/${t.gateway.name}`);
        const listeners = isRecord(gw?.['spec']) && Array.isArray(gw['spec']['listeners']) ? gw['spec']['listeners'] : [];
        return listeners.some((l) => isRecord(l) && l['name'] === t.listener);
      }
      case 'route':
        return this.routes.has(`${t.route.kind}/${t.route.namespace}/${t.route.name}`);
      case 'rule': {
        const route = this.routes.get(`${t.route.kind}/${t.route.namespace}/${t.route.name}`);
        const rules = isRecord(route?.['spec']) && Array.isArray(route['spec']['rules']) ? route['spec']['rules'] : [];
        return rules.some((r) => isRecord(r) && r['name'] === t.ruleName);
      }
    }
  }

  serviceProblem(namespace: string, name: string, field: string, message: string): void {
    const key = `${namespace}/${name}`;
    const list = this.serviceProblems.get(key) ?? [];
    list.push({ field, message });
    this.serviceProblems.set(key, list);
  }
}

function ancestorOf(t: StickyTarget): ParentRef {
  switch (t.level) {
    case 'service':
      return { group: '', kind: 'Service', namespace: t.namespace, name: t.name };
    case 'gateway':
      return { group: GATEWAY_GROUP, kind: 'Gateway', namespace: t.gateway.namespace, name: t.gateway.name };
    case 'listener':
      return { group: GATEWAY_GROUP, kind: 'Gateway', namespace: t.gateway.namespace, name: t.gateway.name, sectionName: t.listener };
    case 'route':
      return { group: GATEWAY_GROUP, kind: t.route.kind, namespace: t.route.namespace, name: t.route.name };
    case 'rule':
      return { group: GATEWAY_GROUP, kind: t.route.kind, namespace: t.route.namespace, name: t.route.name, sectionName: t.ruleName };
  }
}

/** The age string used to order equals: creationTimestamp then ns/name. */
export function ageOf(obj: KubeObject): string {
  return `${obj.metadata.creationTimestamp ?? '~'} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
