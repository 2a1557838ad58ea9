import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { deriveResolvedSlices, fqdnNamesOf, isDerivedEndpointSlice, isFqdnEndpointSlice } from './derive-resolved-slices.ts';

const slice: KubeObject = {
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'FQDN',
  ports: [{ port: 80 }],
  endpoints: [
    { addresses: ['a.example'], conditions: { ready: true, serving: true, terminating: false }, zone: 'z1' },
    { addresses: ['b.example'], conditions: { ready: false, serving: true, terminating: true }, hostname: 'b' },
    { addresses: ['a.example'] },
  ],
};

describe('deriveResolvedSlices', () => {
  it('gives one endpoint per address, copying conditions and zone, deduplicated and sorted', () => {
    const answers = new Map([
      ['a.example', { ipv4: ['10.0.0.2', '10.0.0.1'], ipv6: [] }],
      ['b.example', { ipv4: ['10.0.0.3', '10.0.0.1'], ipv6: ['fd00::3'] }],
    ]);
    const [v4, v6] = deriveResolvedSlices(slice, answers);
    expect(v4).toEqual({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'web.resolved-ipv4',
        namespace: 'shop',
        labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'tether.dev/fqdn-resolver' },
        annotations: { 'tether.dev/derived-from': 'web', 'tether.dev/resolved-names': 'a.example,b.example' },
      },
      addressType: 'IPv4',
      ports: [{ port: 80 }],
      endpoints: [
        { addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, zone: 'z1' },
        { addresses: ['10.0.0.2'], conditions: { ready: true, serving: true, terminating: false }, zone: 'z1' },
        { addresses: ['10.0.0.3'], conditions: { ready: false, serving: true, terminating: true } },
      ],
    });
    expect(v6?.metadata.name).toBe('web.resolved-ipv6');
    expect(v6?.['endpoints']).toEqual([{ addresses: ['fd00::3'], conditions: { ready: false, serving: true, terminating: true } }]);
    expect(isDerivedEndpointSlice(v4)).toBe(true);
    expect(isFqdnEndpointSlice(v4)).toBe(false);
  });

  it('writes nothing for names not resolved yet', () => {
    expect(deriveResolvedSlices(slice, new Map())).toEqual([]);
  });

  it('recognises FQDN slices and their names', () => {
    expect(isFqdnEndpointSlice(slice)).toBe(true);
    expect(isFqdnEndpointSlice({ ...slice, addressType: 'IPv4' })).toBe(false);
    expect(fqdnNamesOf(slice)).toEqual(['a.example', 'b.example']);
  });
});
