// Shared fixtures for the cluster tests: fake API server resources for every watched kind, and
// small Gateway API objects and statuses.
import { WATCHED_KINDS, type WatchedKind } from '../../src/sources/cluster/watched-kinds.ts';
import { CONTROLLER_NAME, type ObjectStatus } from '../../src/status/status.ts';
import { CORE_RESOURCES, type FakeObject, type ResourceDef } from '../support/fake-apiserver.ts';

export function resourceOf(k: WatchedKind): ResourceDef {
  return { group: k.group, version: k.version, plural: k.plural, kind: k.kind, namespaced: k.namespaced };
}

/** Core resources plus every watched kind, except the plurals listed (CRDs "not installed"). */
export function clusterResources(except: string[] = []): ResourceDef[] {
  const core = new Set(CORE_RESOURCES.map((r) => `${r.group}/${r.plural}`));
  return [
    ...CORE_RESOURCES,
    ...WATCHED_KINDS.filter((k) => !core.has(`${k.group}/${k.plural}`) && !except.includes(k.plural)).map(resourceOf),
  ];
}

export function httpRoute(name: string, ns = 'demo', host = 'a.example'): FakeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: ns },
    spec: { hostnames: [host], parentRefs: [{ name: 'gw' }] },
  };
}

export function routeStatus(name: string, accepted: 'True' | 'False' = 'True', ns = 'demo'): ObjectStatus {
  return {
    ref: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: ns, name },
    writable: true,
    status: {
      type: 'route',
      parents: [
        {
          parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: ns, name: 'gw' },
          controllerName: CONTROLLER_NAME,
          conditions: [
            { type: 'Accepted', status: accepted, reason: accepted === 'True' ? 'Accepted' : 'NotAllowedByListeners', message: '' },
            { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: '' },
          ],
        },
      ],
    },
  };
}

export const OTHER_CONTROLLER_PARENT = {
  parentRef: { name: 'other-gw' },
  controllerName: 'example.com/other-controller',
  conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs', lastTransitionTime: '2025-05-05T05:05:05Z', observedGeneration: 1 }],
};
