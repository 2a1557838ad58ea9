// Server-side apply, field managers, ownerReferences and garbage collection in the fake API server,
// over plain HTTP: the behaviour the provisioner relies on, including the errors the real one gives.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CORE_RESOURCES, FakeApiServer, FLEET_RESOURCES } from './fake-apiserver.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, inspected by assertions
type Json = any;

const DEPLOYMENTS = '/apis/apps/v1/namespaces/shop/deployments';

function deployment(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Json {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', ...extra }, spec };
}

describe('FakeApiServer server-side apply', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await FakeApiServer.start({ resources: [...CORE_RESOURCES, ...FLEET_RESOURCES] });
  });
  afterEach(() => api.close());

  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(api.url + path, { method, headers: { 'content-type': contentType, authorization: 'Bearer t' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { code: res.status, body: (await res.json()) as Json };
  };
  const apply = (body: unknown, manager = 'tether', force = false, name = 'web') =>
    call('PATCH', `${DEPLOYMENTS}/${name}?fieldManager=${manager}${force ? '&force=true' : ''}`, body, 'application/apply-patch+yaml');

  it('creates on first apply, records the manager, and changes nothing when applied again', async () => {
    const first = await apply(deployment({ replicas: 2, paused: false }));
    expect(first.code).toBe(201);
    expect(first.body.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'tether', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } } }),
    ]);
    const again = await apply(deployment({ replicas: 2, paused: false }));
    expect(again.code).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
    expect(api.count('create')).toBe(0);
  });

  it('conflicts with another manager\'s field unless forced, and takes it over when forced', async () => {
    await apply(deployment({ replicas: 2 }));
    const edit = await call('PATCH', `${DEPLOYMENTS}/web?fieldManager=kubectl-edit`, { spec: { replicas: 5 } }, 'application/merge-patch+json');
    expect(edit.body.metadata.managedFields.map((m: Json) => [m.manager, m.operation])).toEqual([['kubectl-edit', 'Update']]);
    const conflict = await apply(deployment({ replicas: 2 }));
    expect(conflict.code).toBe(409);
    expect(conflict.body).toMatchObject({ kind: 'Status', reason: 'Conflict', message: expect.stringContaining('conflict with "kubectl-edit" using apps/v1: .spec.replicas'), details: { causes: [{ type: 'FieldManagerConflict', field: '.spec.replicas' }] } });
    const forced = await apply(deployment({ replicas: 2 }), 'tether', true);
    expect(forced.code).toBe(200);
    expect(forced.body.spec.replicas).toBe(2);
    expect(forced.body.metadata.managedFields.map((m: Json) => m.manager)).toEqual(['tether']);
  });

  it('removes a field the applier no longer sends when nobody else owns it, and keeps others\' fields', async () => {
    await apply(deployment({ replicas: 2, paused: false }));
    await call('PATCH', `${DEPLOYMENTS}/web?fieldManager=someone`, { metadata: { labels: { extra: 'x' } } }, 'application/merge-patch+json');
    const next = await apply(deployment({ paused: false }));
    expect(next.body.spec).toEqual({ paused: false });
    expect(next.body.metadata.labels).toEqual({ extra: 'x' });
  });

  it('answers apply errors as the real server does', async () => {
    expect((await call('PATCH', `${DEPLOYMENTS}/web`, deployment({}), 'application/apply-patch+yaml')).body).toMatchObject({ code: 422, reason: 'Invalid', message: expect.stringContaining('fieldManager: Required value') });
    expect((await apply(deployment({}), 'tether', false, 'other')).body).toMatchObject({ code: 400, message: expect.stringContaining('does not match the name on the URL') });
    expect((await apply({ ...deployment({}), kind: 'Service' })).code).toBe(400);
    expect((await apply(deployment({}, { managedFields: [] }))).body.message).toBe('metadata.managedFields must be nil');
    const two = [1, 2].map((i) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: `o${i}`, uid: `u${i}`, controller: true }));
    expect((await apply(deployment({}, { ownerReferences: two }))).body).toMatchObject({ code: 422, message: expect.stringContaining('Only one reference can have Controller set to true') });
  });

  it('collects dependents once their owner is gone, and honours delete preconditions', async () => {
    const owner = api.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'shop' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
    await apply(deployment({ replicas: 1 }, { ownerReferences: [ref] }));
    const bad = await call('DELETE', '/api/v1/namespaces/shop/configmaps/owner', { preconditions: { uid: 'not-it' } });
    expect(bad.code).toBe(409);
    expect((await call('DELETE', '/api/v1/namespaces/shop/configmaps/owner', { preconditions: { uid: owner.metadata.uid } })).code).toBe(200);
    for (let i = 0; i < 50 && api.get('apps/v1', 'Deployment', 'web', 'shop'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(api.get('apps/v1', 'Deployment', 'web', 'shop')).toBeUndefined();
  });

  it('allocates a Service a cluster IP that later writes keep', async () => {
    const created = await call('PATCH', '/api/v1/namespaces/shop/services/web?fieldManager=tether', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } }, 'application/apply-patch+yaml');
    expect(created.body.spec).toMatchObject({ type: 'ClusterIP', clusterIP: expect.stringMatching(/^10\.96\./) });
    const again = await call('PATCH', '/api/v1/namespaces/shop/services/web?fieldManager=tether', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 81 }] } }, 'application/apply-patch+yaml');
    expect(again.body.spec.clusterIP).toBe(created.body.spec.clusterIP);
  });
});
