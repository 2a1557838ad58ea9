// The provisioner's writes, as the cluster source talks to the API server (raw JSON through the
// kubeconfig's authentication, src/sources/cluster/raw-list.ts): server-side apply under one field
// manager with force (Tether owns what it renders; another writer's change to those fields is
// drift and is taken back), a read, and a delete guarded by the object's uid.
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../k8s/kube-object.ts';
import { KubeRequestError } from '../sources/cluster/raw-list.ts';
import { fleetKindOf, objectPath } from './fleet-kinds.ts';

export const FIELD_MANAGER = 'tether';

const http = new IsomorphicFetchHttpLibrary();

export class ApplyClient {
  private readonly kc: KubeConfig;
  constructor(kc: KubeConfig) {
    this.kc = kc;
  }

  /** PATCH application/apply-patch+yaml (JSON is YAML), fieldManager=tether, force=true. */
  apply(obj: KubeObject): Promise<KubeObject> {
    const path = objectPath(fleetKindOf(obj.apiVersion, obj.kind), obj.metadata.namespace ?? '', obj.metadata.name);
    return this.send(HttpMethod.PATCH, `${path}?fieldManager=${FIELD_MANAGER}&force=true`, JSON.stringify(obj), 'application/apply-patch+yaml') as Promise<KubeObject>;
  }

  /** The object, or undefined when it does not exist. */
  async get(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return (await this.send(HttpMethod.GET, objectPath(fleetKindOf(apiVersion, kind), namespace, name))) as KubeObject;
    } catch (err) {
      if (err instanceof KubeRequestError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** Deletes the object if it is still the one with `uid`; false when it was already gone. */
  async delete(apiVersion: string, kind: string, namespace: string, name: string, uid: string): Promise<boolean> {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions: { uid } });
    try {
      await this.send(HttpMethod.DELETE, objectPath(fleetKindOf(apiVersion, kind), namespace, name), body, 'application/json');
      return true;
    } catch (err) {
      if (err instanceof KubeRequestError && (err.code === 404 || err.code === 409)) return false;
      throw err;
    }
  }

  private async send(method: HttpMethod, path: string, body?: string, contentType?: string): Promise<unknown> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const ctx = new RequestContext(cluster.server.replace(/\/$/, '') + path, method);
    ctx.setHeaderParam('Accept', 'application/json');
    if (body !== undefined) {
      ctx.setHeaderParam('Content-Type', contentType ?? 'application/json');
      ctx.setBody(body);
    }
    await this.kc.applySecurityAuthentication(ctx);
    const resp = await http.send(ctx).toPromise();
    const text = await resp.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (resp.httpStatusCode < 200 || resp.httpStatusCode >= 300) {
      const message = (parsed as { message?: string } | undefined)?.message ?? text.slice(0, 200);
      throw new KubeRequestError(resp.httpStatusCode, `${method} ${path.split('?')[0]}: ${resp.httpStatusCode} ${message}`, parsed);
    }
    return parsed;
  }
}
