// Lists a collection as raw JSON, through the kubeconfig's authentication and connection pool.
// Why not the generated typed APIs: they turn timestamps into Date objects and drop fields they do
// not know, so listed objects would differ from the raw objects watch events carry, and every
// relist would look like a change. One raw shape for list and watch keeps the store honest.
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';

export interface RawList {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: Record<string, unknown>[];
}

/** An HTTP error from the API server: `code` is the status (404 means the CRD is not installed). */
export class KubeRequestError extends Error {
  readonly code: number;
  readonly body: unknown;
  constructor(code: number, message: string, body: unknown) {
    super(message);
    this.name = 'KubeRequestError';
    this.code = code;
    this.body = body;
  }
}

const http = new IsomorphicFetchHttpLibrary();

/** Pages through a collection (`limit`), returning every item and the list's resourceVersion. */
export async function listRaw(kc: KubeConfig, path: string, pageSize = 500, fieldSelector?: string, labelSelector?: string): Promise<RawList> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const items: Record<string, unknown>[] = [];
  let resourceVersion: string | undefined;
  let cont: string | undefined;
  do {
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    url.searchParams.set('limit', String(pageSize));
    if (fieldSelector !== undefined) url.searchParams.set('fieldSelector', fieldSelector);
    if (labelSelector !== undefined) url.searchParams.set('labelSelector', labelSelector);
    if (cont) url.searchParams.set('continue', cont);
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    ctx.setHeaderParam('Accept', 'application/json');
    await kc.applySecurityAuthentication(ctx);
    const resp = await http.send(ctx).toPromise();
    const text = await resp.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    if (resp.httpStatusCode !== 200) {
      const message = (body as { message?: string } | undefined)?.message ?? text.slice(0, 200);
      throw new KubeRequestError(resp.httpStatusCode, `GET ${path}: ${resp.httpStatusCode} ${message}`, body);
    }
    const page = body as RawList;
    items.push(...(page.items ?? []));
    resourceVersion ??= page.metadata?.resourceVersion;
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return { metadata: { resourceVersion }, items };
}
