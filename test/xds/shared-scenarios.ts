// Scenarios that read the same over SotW and delta: each protocol suite calls them with its own
// harness and Envoy-like client.
import { expect } from 'vitest';
import type { FakeEnvoy } from '../support/fake-envoy.ts';
import { gatewaySnapshot, sleep, type Harness } from './xds-fixtures.ts';

/** A route and its cluster removed together: the route goes first, then the cluster. */
export async function routeAndClusterRemovedTogether(h: Harness, gateway: string, e: FakeEnvoy): Promise<void> {
  h.set(gateway, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }]));
  e.start();
  await e.waitFor(() => e.activeListeners.has('http-8080') && e.routedClusters().has('b'), 'convergence');
  // Settle: one more change so the stream has been in sync with a snapshot before the removal.
  h.set(gateway, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }, { prefix: '/b', cluster: 'b' }], { a: ['10.0.0.9:80'] }));
  await e.waitFor(() => e.endpointAddresses('a').includes('10.0.0.9:80'), 'the endpoint change');
  await sleep(50);
  h.set(gateway, gatewaySnapshot([{ prefix: '/a', cluster: 'a' }], { a: ['10.0.0.9:80'] }));
  await e.waitFor(() => e.effectiveConfig().clusters.active.join() === 'a', 'cluster b removed');
  expect(e.routedClusters().has('b')).toBe(false);
  expect(e.violations).toEqual([]);
}
