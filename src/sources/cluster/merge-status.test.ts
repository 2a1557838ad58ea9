// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading into merged JSON in assertions
type Json = any;
import { describe, expect, it } from 'vitest';
import { CONTROLLER_NAME, type ObjectStatus } from '../../status/status.ts';
import { canonicalJson, mergeStatus } from './merge-status.ts';

/** The same value with every object's keys in reverse order (as another server might send them). */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
}

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-02-02T00:00:00Z';
const ref = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'demo', name: 'r' };

function routeStatus(status: 'True' | 'False', reason = status === 'True' ? 'Accepted' : 'NoMatchingParent'): ObjectStatus {
  return {
    ref,
    writable: true,
    status: {
      type: 'route',
      parents: [{ parentRef: { name: 'gw', sectionName: 'http' }, controllerName: CONTROLLER_NAME, conditions: [{ type: 'Accepted', status, reason, message: 'm' }] }],
    },
  };
}

const foreign = {
  parentRef: { name: 'gw2' },
  controllerName: 'example.com/other',
  conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: T0, observedGeneration: 1, extra: 'kept' }],
};

describe('mergeStatus', () => {
  it('keeps other controllers’ parents untouched and adds ours with time and generation', () => {
    const m = mergeStatus({ parents: [foreign] }, routeStatus('True'), 4, T1);
    expect(m.changed).toBe(true);
    expect(m.patch.parents).toEqual([
      foreign,
      {
        parentRef: { name: 'gw', sectionName: 'http' },
        controllerName: CONTROLLER_NAME,
        conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'm', lastTransitionTime: T1, observedGeneration: 4 }],
      },
    ]);
  });

  it('reports no change when the status is already there, whatever the key order', () => {
    const first = mergeStatus({ parents: [foreign] }, routeStatus('True'), 4, T0);
    const reordered = reverseKeys(first.patch);
    const again = mergeStatus(reordered, routeStatus('True'), 4, T1);
    expect(again.changed).toBe(false);
  });

  it('keeps lastTransitionTime unless the condition status flips', () => {
    const current = mergeStatus({}, routeStatus('True'), 1, T0).patch;
    const reasonOnly = mergeStatus(current, routeStatus('True', 'Other'), 2, T1);
    expect(reasonOnly.changed).toBe(true);
    expect((reasonOnly.patch.parents as Json[])[0].conditions[0]).toMatchObject({ reason: 'Other', lastTransitionTime: T0, observedGeneration: 2 });
    const flipped = mergeStatus(current, routeStatus('False'), 2, T1);
    expect((flipped.patch.parents as Json[])[0].conditions[0].lastTransitionTime).toBe(T1);
  });

  it('merges GatewayClass conditions by type, keeping types it does not set in place', () => {
    const current = {
      conditions: [
        { type: 'Vendor', status: 'True', reason: 'X', message: '', lastTransitionTime: T0 },
        { type: 'Accepted', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller', lastTransitionTime: T0 },
      ],
    };
    const m = mergeStatus(current, {
      ref: { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'tether' },
      writable: true,
      status: {
        type: 'conditions',
        conditions: [
          { type: 'Accepted', status: 'True', reason: 'Accepted', message: '' },
          { type: 'SupportedVersion', status: 'True', reason: 'SupportedVersion', message: '' },
        ],
      },
    }, 1, T1);
    expect((m.patch.conditions as { type: string }[]).map((c) => c.type)).toEqual(['Vendor', 'Accepted', 'SupportedVersion']);
  });

  it('writes Gateway listeners whole, stamping each listener’s conditions against its previous ones', () => {
    const gw = (attached: number): ObjectStatus => ({
      ref: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'demo', name: 'gw' },
      writable: true,
      status: {
        type: 'gateway',
        conditions: [{ type: 'Programmed', status: 'True', reason: 'Programmed', message: '' }],
        listeners: [{ name: 'http', supportedKinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], attachedRoutes: attached, conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' }] }],
      },
    });
    const first = mergeStatus({ listeners: [{ name: 'gone', conditions: [] }] }, gw(1), 1, T0);
    expect((first.patch.listeners as { name: string }[]).map((l) => l.name)).toEqual(['http']);
    const second = mergeStatus(first.patch, gw(2), 1, T1);
    expect(second.changed).toBe(true);
    expect((second.patch.listeners as Json[])[0]).toMatchObject({ attachedRoutes: 2, conditions: [{ lastTransitionTime: T0 }] });
    expect(mergeStatus(second.patch, gw(2), 1, T1).changed).toBe(false);
  });

  it('replaces policy ancestors of ours and caps the list at 16', () => {
    const others = Array.from({ length: 16 }, (_, i) => ({ ...foreign, ancestorRef: { name: `g${i}` }, parentRef: undefined }));
    const m = mergeStatus({ ancestors: others }, {
      ref: { group: 'tether.dev', kind: 'SessionPolicy', namespace: 'demo', name: 'p' },
      writable: true,
      status: { type: 'policy', ancestors: [{ ancestorRef: { name: 'gw' }, controllerName: CONTROLLER_NAME, conditions: [] }] },
    }, 1, T0);
    expect(m.patch.ancestors).toHaveLength(16);
  });

  it('canonicalJson ignores key order only', () => {
    expect(canonicalJson({ a: 1, b: [{ y: 1, x: 2 }] })).toBe(canonicalJson({ b: [{ x: 2, y: 1 }], a: 1 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('writes a GatewayClass’s supportedFeatures as named entries, and nothing when they are already there', () => {
    const gc: ObjectStatus = {
      ref: { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'tether' },
      writable: true,
      status: { type: 'conditions', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'm' }], supportedFeatures: ['Gateway', 'HTTPRoute'] },
    };
    const first = mergeStatus({}, gc, 1, T0);
    expect((first.patch as Json).supportedFeatures).toEqual([{ name: 'Gateway' }, { name: 'HTTPRoute' }]);
    const again = mergeStatus(first.patch, gc, 1, T1);
    expect(again.changed).toBe(false);
  });
});
