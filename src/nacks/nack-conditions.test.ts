import { describe, expect, it } from 'vitest';
import { withNackConditions } from './nack-conditions.ts';
import { ENVOY_REJECTED } from '../status/conditions.ts';
import { CONTROLLER_NAME, type ObjectStatus } from '../status/status.ts';

const accepted = { type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: '' };

function routeStatus(name: string): ObjectStatus {
  return {
    ref: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'demo', name },
    generation: 3,
    writable: true,
    status: {
      type: 'route',
      parents: [
        { parentRef: { name: 'gw' }, controllerName: CONTROLLER_NAME, conditions: [accepted] },
        { parentRef: { name: 'other' }, controllerName: 'example.com/other', conditions: [accepted] },
      ],
    },
  };
}

describe('withNackConditions', () => {
  it('adds EnvoyRejected to our parent entries of the named route only, keeping Accepted', () => {
    const input = [routeStatus('a'), routeStatus('b')];
    const out = withNackConditions(input, [
      { route: input[0].ref, resource: 'RouteConfiguration demo/gw/http', message: 'invalid regex' },
    ]);
    expect(out[1]).toBe(input[1]);
    const parents = out[0].status.type === 'route' ? out[0].status.parents : [];
    expect(parents[0].conditions).toEqual([
      accepted,
      {
        type: ENVOY_REJECTED,
        status: 'True',
        reason: 'EnvoyRejected',
        message: 'Envoy rejected RouteConfiguration demo/gw/http: invalid regex',
        observedGeneration: 3,
      },
    ]);
    expect(parents[1].conditions).toEqual([accepted]); // another controller's entry
    expect(input[0].status.type === 'route' && input[0].status.parents[0].conditions).toEqual([accepted]); // not mutated
  });

  it('joins several rejections of one route and replaces an earlier EnvoyRejected', () => {
    const once = withNackConditions([routeStatus('a')], [{ route: routeStatus('a').ref, message: 'first' }]);
    const twice = withNackConditions(once, [
      { route: routeStatus('a').ref, message: 'x' },
      { route: routeStatus('a').ref, message: 'y' },
    ]);
    const conds = twice[0].status.type === 'route' ? twice[0].status.parents[0].conditions : [];
    expect(conds.filter((c) => c.type === ENVOY_REJECTED)).toHaveLength(1);
    expect(conds[1].message).toMatch(/: x; .*: y$/);
  });

  it('caps long Envoy messages', () => {
    const out = withNackConditions([routeStatus('a')], [{ route: routeStatus('a').ref, message: 'e'.repeat(10_000) }]);
    const conds = out[0].status.type === 'route' ? out[0].status.parents[0].conditions : [];
    expect(conds[1].message.length).toBe(4096);
  });
});
