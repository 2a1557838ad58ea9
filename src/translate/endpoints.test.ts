import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../k8s/endpoint-slice.ts';
import type { Service } from '../k8s/service.ts';
import { endpointHealth, indexEndpoints, refreshClusterEndpoints, resolveBackendEndpoints } from './endpoints.ts';

const meta = (name: string) => ({ ref: { group: '', kind: 'X', name, namespace: 'ns' }, name, namespace: 'ns', creationTimestamp: '', labels: {} });
const service: Service = { meta: meta('svc'), type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }], problems: [] };
const slice = (name: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSlice => ({
  meta: meta(name),
  serviceName: 'svc',
  addressType: 'IPv4',
  endpoints,
  ports,
  problems: [],
});

describe('endpoint health', () => {
  it('follows the EndpointSlice conditions, nil ready meaning ready', () => {
    expect(endpointHealth({}, false)).toBe('HEALTHY');
    expect(endpointHealth({ ready: true, serving: true, terminating: false }, true)).toBe('HEALTHY');
    expect(endpointHealth({ ready: false, serving: true, terminating: true }, true)).toBe('DRAINING');
    expect(endpointHealth({ ready: false, serving: true, terminating: true }, false)).toBeUndefined();
    expect(endpointHealth({ ready: false, serving: false, terminating: true }, true)).toBe('UNHEALTHY');
    expect(endpointHealth({ ready: false, serving: false, terminating: true }, false)).toBeUndefined();
    expect(endpointHealth({ ready: false }, true)).toBe('UNHEALTHY');
    expect(endpointHealth({ ready: false }, false)).toBeUndefined();
  });
});

describe('endpoint resolution', () => {
  it('joins by port name, uses the slice port number, and dedupes across slices preferring ready then serving', () => {
    const index = indexEndpoints(
      [service],
      [
        slice('a', [
          { address: '10.0.0.1', conditions: { ready: false, serving: false } },
          { address: '10.0.0.2', conditions: { ready: false, serving: false, terminating: true } },
        ]),
        slice('b', [
          { address: '10.0.0.1', conditions: { ready: true } },
          { address: '10.0.0.2', conditions: { ready: false, serving: true, terminating: true } },
        ]),
        slice('metrics', [{ address: '10.0.0.9', conditions: {} }], [{ name: 'metrics', port: 9100, protocol: 'TCP' }]),
      ],
    );
    expect(resolveBackendEndpoints({ namespace: 'ns', name: 'svc', port: 80 }, true, index)).toEqual([
      { address: '10.0.0.1', port: 8080, health: 'HEALTHY' },
      { address: '10.0.0.2', port: 8080, health: 'DRAINING' },
    ]);
    expect(resolveBackendEndpoints({ namespace: 'ns', name: 'svc', port: 80 }, false, index)).toEqual([{ address: '10.0.0.1', port: 8080, health: 'HEALTHY' }]);
    expect(resolveBackendEndpoints({ namespace: 'ns', name: 'svc', port: 81 }, false, index)).toEqual([]);
    expect(resolveBackendEndpoints({ namespace: 'ns', name: 'gone', port: 80 }, false, index)).toEqual([]);
  });

  it('refreshes a cluster from a new index without touching anything else', () => {
    const before = indexEndpoints([service], [slice('a', [{ address: '10.0.0.1', conditions: {} }])]);
    const after = indexEndpoints([service], [slice('a', [{ address: '10.0.0.1', conditions: {} }, { address: '10.0.0.3', conditions: {} }])]);
    const cluster = {
      name: 'ns/svc/80',
      sticky: false,
      loadBalancer: { type: 'round-robin' as const },
      keepSessionsOnDraining: false,
      localities: [{ name: 'ns/svc:80', backend: { namespace: 'ns', name: 'svc', port: 80 }, weight: 1, endpoints: resolveBackendEndpoints({ namespace: 'ns', name: 'svc', port: 80 }, false, before) }],
      connectTimeoutSeconds: 5,
      http2: false,
    };
    const refreshed = refreshClusterEndpoints(cluster, after);
    expect(refreshed.localities[0]?.endpoints.map((e) => e.address)).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(cluster.localities[0]?.endpoints).toHaveLength(1);
    expect({ ...refreshed, localities: [] }).toEqual({ ...cluster, localities: [] });
  });
});
