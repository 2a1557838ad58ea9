// A Kubernetes API server in a test process: a real node:http server on 127.0.0.1 that speaks the
// list/watch protocol the way kube-apiserver does (one global resourceVersion counter, a bounded
// event log for watch replay, 410 Gone when a watch asks for history the log no longer holds,
// BOOKMARKs, 409 on stale resourceVersion preconditions, the status subresource, Status error
// bodies, server-side apply with field managers (server-side-apply.ts), ownerReferences with the
// garbage collector's cascade, a Service's cluster IP allocated), plus fault injection scripted
// from tests. No CEL, no other defaulting, no admission.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { ApplyConflict, recordUpdate, serverSideApply } from './server-side-apply.ts';

/* ----------------------------------------------------------------------------------------------
 * Types
 * -------------------------------------------------------------------------------------------- */

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Writes to the main resource ignore .status; /status writes change only .status. Default true for CRDs. */
  statusSubresource?: boolean;
}

export interface FakeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export type Verb = 'list' | 'watch' | 'get' | 'create' | 'update' | 'patch' | 'delete';

/** One scripted failure. Matches requests by verb, resource plural, subresource and bearer token. */
export interface Fault {
  verb?: Verb | Verb[];
  /** Resource plural, e.g. `httproutes`. */
  resource?: string;
  subresource?: string;
  /** Bearer token of the client (tests give each replica its own). */
  token?: string;
  /** Respond with this HTTP status and a Status body. */
  status?: number;
  /** Delay the response (applies before any status). */
  delayMs?: number;
  /** Watch only: send 200 and headers, then nothing ever again (a half-open connection). */
  stall?: boolean;
  /** Runs just before the request is served (e.g. another client's write, to force a conflict). */
  before?: () => void;
  /** How many requests it applies to (default 1; Infinity for all). */
  times?: number;
}

export interface RequestRecord {
  verb: Verb | 'unknown';
  method: string;
  path: string;
  query: URLSearchParams;
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  contentType?: string;
  token?: string;
  status: number;
}

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: FakeObject;
}

interface Watcher {
  resource: string;
  namespace?: string;
  res: ServerResponse;
  matches: (o: FakeObject) => boolean;
  closed: boolean;
  stalled: boolean;
  timers: NodeJS.Timeout[];
}

interface Route {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface FakeApiServerOptions {
  /** Resources registered at start (default: none; see `CORE_RESOURCES`). */
  resources?: ResourceDef[];
  /** Events kept for watch replay (default 1000). */
  eventLogSize?: number;
  /** Interval of BOOKMARK events for watches that allow them (default 1000 ms). */
  bookmarkIntervalMs?: number;
}

/** The kinds a provisioned Envoy fleet is made of (src/provision/). */
export const FLEET_RESOURCES: ResourceDef[] = [
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true, statusSubresource: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, statusSubresource: false },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, statusSubresource: false },
  { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, statusSubresource: true },
  { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, statusSubresource: true },
];

export const CORE_RESOURCES: ResourceDef[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false, statusSubresource: true },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true, statusSubresource: true },
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true, statusSubresource: false },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true, statusSubresource: false },
];

class HttpError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

/* ----------------------------------------------------------------------------------------------
 * Server
 * -------------------------------------------------------------------------------------------- */

export class FakeApiServer {
  readonly url: string;
  /** Every request served, in order. */
  readonly requests: RequestRecord[] = [];

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly defs = new Map<string, ResourceDef>(); // by `group/plural`
  private readonly objects = new Map<string, Map<string, FakeObject>>(); // `group/plural` → `ns/name` → object
  private readonly log: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly eventLogSize: number;
  private readonly bookmarkIntervalMs: number;
  private rv = 1;
  /** Watches asking for a resourceVersion below this get 410 Gone. */
  private compactedRv = 1;
  private connections = 0;

  private constructor(server: Server, url: string, opts: FakeApiServerOptions) {
    this.server = server;
    this.url = url;
    this.eventLogSize = opts.eventLogSize ?? 1000;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 1000;
    for (const d of opts.resources ?? []) this.register(d);
  }

  static async start(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const holder: { self?: FakeApiServer } = {};
    const server = createServer((req, res) => {
      void holder.self?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new FakeApiServer(server, `http://127.0.0.1:${port}`, opts);
    holder.self = self;
    server.on('connection', (s) => {
      self.connections++;
      self.sockets.add(s);
      s.on('close', () => self.sockets.delete(s));
    });
    return self;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) this.endWatch(w);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A kubeconfig for this server; `token` tells clients apart in faults and request records. */
  kubeConfig(token = 'test-token'): KubeConfig {
    return kubeConfigFor(this.url, token);
  }

  /* ------------------------------- registry (CRDs) ------------------------------- */

  /** Makes a resource servable (installing its CRD). Existing objects of it are kept. */
  register(def: ResourceDef): void {
    const key = resKey(def.group, def.plural);
    this.defs.set(key, { statusSubresource: def.group !== '', ...def });
    if (!this.objects.has(key)) this.objects.set(key, new Map());
  }

  /** Removes a resource (uninstalling its CRD): its URLs answer 404 and its objects are dropped. */
  unregister(group: string, plural: string): void {
    const key = resKey(group, plural);
    this.defs.delete(key);
    this.objects.delete(key);
    for (const w of [...this.watchers]) if (w.resource === key) this.endWatch(w);
  }

  /* ------------------------------- direct store access (tests) ------------------------------- */

  /** Creates or replaces an object as a client would (status subresource rules apply unless `withStatus`). */
  put(obj: FakeObject, opts: { withStatus?: boolean } = {}): FakeObject {
    const def = this.defFor(obj);
    const existing = this.getObject(def, obj.metadata.namespace, obj.metadata.name);
    const body = structuredClone(obj);
    delete body.metadata.resourceVersion;
    if (!existing) return this.doCreate(def, body, opts.withStatus === true);
    return this.doUpdate(def, existing, body, opts.withStatus ? 'all' : 'main');
  }

  /** Deletes an object; false when it did not exist. */
  remove(apiVersion: string, kind: string, name: string, namespace?: string): boolean {
    const def = this.defForKind(apiVersion, kind);
    const existing = this.getObject(def, namespace, name);
    if (!existing) return false;
    this.doDelete(def, existing);
    return true;
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string): FakeObject | undefined {
    const o = this.getObject(this.defForKind(apiVersion, kind), namespace, name);
    return o ? structuredClone(o) : undefined;
  }

  list(group: string, plural: string): FakeObject[] {
    return [...(this.objects.get(resKey(group, plural))?.values() ?? [])].map((o) => structuredClone(o));
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /* ------------------------------- fault injection ------------------------------- */

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Ends open watches (an orderly close, as on a server-side timeout), optionally of one resource plural. */
  closeWatches(plural?: string): number {
    let n = 0;
    for (const w of [...this.watchers]) {
      if (plural && !w.resource.endsWith(`/${plural}`)) continue;
      this.endWatch(w);
      n++;
    }
    return n;
  }

  /** Tears down the TCP connections of open watches (as a load balancer dropping them would). */
  dropWatches(plural?: string): number {
    let n = 0;
    for (const w of [...this.watchers]) {
      if (plural && !w.resource.endsWith(`/${plural}`)) continue;
      w.closed = true;
      this.watchers.delete(w);
      for (const t of w.timers) clearTimeout(t);
      w.res.socket?.destroy();
      n++;
    }
    return n;
  }

  /** Stops delivering events to open watches without closing them (half-open connections). */
  stallWatches(plural?: string): number {
    let n = 0;
    for (const w of this.watchers) {
      if (plural && !w.resource.endsWith(`/${plural}`)) continue;
      w.stalled = true;
      n++;
    }
    return n;
  }

  /** Sends the last `n` events of a resource again to its open watches (duplicate delivery). */
  duplicateEvents(plural: string, n = 1): number {
    const events = this.log.filter((e) => e.resource.endsWith(`/${plural}`)).slice(-n);
    let sent = 0;
    for (const w of this.watchers) {
      if (!w.resource.endsWith(`/${plural}`)) continue;
      for (const e of events) if (w.matches(e.object)) {
        this.send(w, e.type, e.object);
        sent++;
      }
    }
    return sent;
  }

  /** Forgets the event log: every watch resuming from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.log.length = 0;
    this.compactedRv = this.rv;
  }

  /* ------------------------------- counters ------------------------------- */

  /** TCP connections accepted so far. */
  get connectionCount(): number {
    return this.connections;
  }

  /** Watches currently open, optionally of one resource plural. */
  activeWatches(plural?: string): number {
    return [...this.watchers].filter((w) => !plural || w.resource.endsWith(`/${plural}`)).length;
  }

  count(verb: Verb, plural?: string, filter: (r: RequestRecord) => boolean = () => true): number {
    return this.requests.filter((r) => r.verb === verb && (!plural || r.resource === plural) && filter(r)).length;
  }

  /* ------------------------------- HTTP ------------------------------- */

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const record: RequestRecord = {
      verb: 'unknown',
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      token,
      status: 0,
    };
    this.requests.push(record);
    try {
      const body = await readBody(req);
      const route = this.route(url.pathname);
      Object.assign(record, {
        resource: route.def.plural,
        namespace: route.namespace,
        name: route.name,
        subresource: route.subresource,
      });
      const verb = verbOf(req.method ?? 'GET', route, url.searchParams);
      record.verb = verb;
      const fault = this.takeFault(verb, route, token);
      if (fault?.delayMs) await sleep(fault.delayMs);
      fault?.before?.();
      if (fault?.status) throw new HttpError(fault.status, reasonFor(fault.status), `injected fault: ${fault.status}`);
      if (fault?.stall && verb === 'watch') {
        record.status = 200;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return; // and never write again
      }
      if (verb === 'watch') {
        record.status = 200;
        this.serveWatch(route, url.searchParams, res);
        return;
      }
      // Without ?fieldManager, the real server names a writer after its user agent's first word.
      const manager = url.searchParams.get('fieldManager') ?? (req.headers['user-agent'] ?? 'unknown').split('/')[0];
      const out = this.serve(verb, route, url.searchParams, body, req.headers['content-type'] ?? '', manager);
      record.status = out.code;
      sendJson(res, out.code, out.body);
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(500, 'InternalError', String(err));
      record.status = e.code;
      sendJson(res, e.code, { ...statusBody(e.code, e.reason, e.message), ...(e.details ? { details: e.details } : {}) });
    }
  }

  private takeFault(verb: Verb, route: Route, token: string | undefined): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        f.left > 0 &&
        (f.verb === undefined || (Array.isArray(f.verb) ? f.verb.includes(verb) : f.verb === verb)) &&
        (f.resource === undefined || f.resource === route.def.plural) &&
        (f.subresource === undefined || f.subresource === route.subresource) &&
        (f.token === undefined || f.token === token),
    );
    if (i < 0) return undefined;
    const f = this.faults[i];
    f.left--;
    if (f.left <= 0) this.faults.splice(i, 1);
    return f;
  }

  /** /api/v1/... and /apis/{g}/{v}/... → resource, namespace, name, subresource. */
  private route(path: string): Route {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 2) {
      group = '';
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else {
      throw new HttpError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource, ...extra] = rest;
    const def = plural === undefined ? undefined : this.defs.get(resKey(group, plural));
    if (!def || def.version !== version || extra.length > 0) {
      throw new HttpError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    }
    if (namespace !== undefined && !def.namespaced) {
      throw new HttpError(404, 'NotFound', `${def.plural} is not namespaced`);
    }
    if (subresource !== undefined && subresource !== 'status') {
      throw new HttpError(404, 'NotFound', `unknown subresource ${subresource}`);
    }
    return { def, namespace, name, subresource };
  }

  private serve(verb: Verb, route: Route, q: URLSearchParams, raw: string, contentType: string, manager: string): { code: number; body: unknown } {
    const { def } = route;
    if (route.subresource === 'status' && !def.statusSubresource) {
      throw new HttpError(404, 'NotFound', `${def.plural} has no status subresource`);
    }
    switch (verb) {
      case 'list':
        return { code: 200, body: this.doList(route, q) };
      case 'get': {
        const o = this.mustGet(route);
        return { code: 200, body: o };
      }
      case 'create': {
        const body = parseJson(raw) as FakeObject;
        if (!body?.metadata?.name) throw new HttpError(422, 'Invalid', 'metadata.name: Required value');
        if (def.namespaced) body.metadata.namespace = route.namespace ?? body.metadata.namespace;
        if (body.kind !== def.kind) throw new HttpError(400, 'BadRequest', `kind ${body.kind} does not match ${def.kind}`);
        if (this.getObject(def, body.metadata.namespace, body.metadata.name)) {
          throw new HttpError(409, 'AlreadyExists', `${def.plural} "${body.metadata.name}" already exists`);
        }
        return { code: 201, body: this.doCreate(def, body, false, manager) };
      }
      case 'update': {
        const existing = this.mustGet(route);
        const body = parseJson(raw) as FakeObject;
        checkPrecondition(existing, body?.metadata?.resourceVersion);
        return { code: 200, body: this.doUpdate(def, existing, body, route.subresource === 'status' ? 'status' : 'main', manager) };
      }
      case 'patch': {
        if (contentType.split(';')[0].trim() === 'application/apply-patch+yaml') return this.serveApply(route, q, raw);
        const existing = this.mustGet(route);
        const patched = applyPatch(existing, raw, contentType);
        checkPrecondition(existing, patched.metadata?.resourceVersion);
        return { code: 200, body: this.doUpdate(def, existing, patched, route.subresource === 'status' ? 'status' : 'main', manager) };
      }
      case 'delete': {
        const existing = this.mustGet(route);
        // DeleteOptions.preconditions: the real server answers 409 when uid or resourceVersion differ.
        const options = raw.trim() === '' ? {} : (parseJson(raw) as { preconditions?: { uid?: string; resourceVersion?: string } });
        const pre = options.preconditions ?? {};
        if ((pre.uid !== undefined && pre.uid !== existing.metadata.uid) || (pre.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion)) {
          throw new HttpError(409, 'Conflict', `Operation cannot be fulfilled on ${def.plural} "${existing.metadata.name}": Precondition failed: UID in precondition: ${pre.uid ?? ''}, UID in object meta: ${existing.metadata.uid}`);
        }
        return { code: 200, body: this.doDelete(def, existing) };
      }
      default:
        throw new HttpError(405, 'MethodNotAllowed', `${verb} not supported`);
    }
  }

  /** PATCH with application/apply-patch+yaml: server-side apply, creating the object when it does not exist. */
  private serveApply(route: Route, q: URLSearchParams, raw: string): { code: number; body: unknown } {
    const { def } = route;
    if (!route.name) throw new HttpError(405, 'MethodNotAllowed', 'collection write not supported');
    const manager = q.get('fieldManager');
    if (!manager) throw new HttpError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const force = q.get('force') === 'true';
    let body: FakeObject;
    try {
      body = parseYaml(raw) as FakeObject;
    } catch {
      throw new HttpError(400, 'BadRequest', 'error decoding YAML: the apply body is neither YAML nor JSON');
    }
    if (body === null || typeof body !== 'object') throw new HttpError(400, 'BadRequest', 'the apply body must be an object');
    if (body.apiVersion !== apiVersionOf(def) || body.kind !== def.kind) {
      throw new HttpError(400, 'BadRequest', `the API version in the data (${String(body.apiVersion)}) and kind (${String(body.kind)}) do not match ${apiVersionOf(def)} ${def.kind}`);
    }
    if (body.metadata?.name !== route.name) throw new HttpError(400, 'BadRequest', `the name of the object (${String(body.metadata?.name)}) does not match the name on the URL (${route.name})`);
    if (def.namespaced && body.metadata.namespace !== undefined && body.metadata.namespace !== route.namespace) {
      throw new HttpError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    if (body.metadata.managedFields !== undefined) throw new HttpError(400, 'BadRequest', 'metadata.managedFields must be nil');
    const existing = this.getObject(def, route.namespace, route.name);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const applied = structuredClone(body) as Record<string, unknown>;
    if (route.subresource !== 'status' && def.statusSubresource) delete applied.status;
    let merged: FakeObject;
    try {
      merged = serverSideApply(existing, applied, manager, force, now) as FakeObject;
    } catch (err) {
      if (err instanceof ApplyConflict) throw new HttpError(409, 'Conflict', err.message, { causes: err.causes });
      throw err;
    }
    if (!existing) {
      merged.metadata.name = route.name;
      if (def.namespaced) merged.metadata.namespace = route.namespace;
      return { code: 201, body: this.doCreate(def, merged, false) };
    }
    checkPrecondition(existing, body.metadata.resourceVersion);
    return { code: 200, body: this.doUpdate(def, structuredClone(existing), merged, 'main') };
  }

  private doList(route: Route, q: URLSearchParams): unknown {
    const { def } = route;
    const matches = selectorMatcher(q, route.namespace);
    let items = [...(this.objects.get(resKey(def.group, def.plural))?.values() ?? [])]
      .filter(matches)
      .sort((a, b) => nsName(a).localeCompare(nsName(b)));
    const listRv = this.rv;
    const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
    const limit = Number(q.get('limit') ?? 0);
    const cont = q.get('continue');
    if (cont) {
      const token = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')) as { rv: number; start: number };
      if (token.rv < this.compactedRv) {
        throw new HttpError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.');
      }
      items = items.slice(token.start);
      metadata.resourceVersion = String(token.rv);
    }
    if (limit > 0 && items.length > limit) {
      const start = (cont ? (JSON.parse(Buffer.from(cont, 'base64').toString('utf8')) as { start: number }).start : 0) + limit;
      metadata.continue = Buffer.from(JSON.stringify({ rv: Number(metadata.resourceVersion), start })).toString('base64');
      items = items.slice(0, limit);
    }
    // Like kube-apiserver's typed lists, core items carry no apiVersion/kind; custom resources do.
    const core = def.group === '' || def.group === 'discovery.k8s.io' || def.group === 'coordination.k8s.io';
    const out = items.map((o) => {
      const c = structuredClone(o) as Partial<FakeObject>;
      if (core) {
        delete c.apiVersion;
        delete c.kind;
      }
      return c;
    });
    return { apiVersion: apiVersionOf(def), kind: `${def.kind}List`, metadata, items: out };
  }

  private serveWatch(route: Route, q: URLSearchParams, res: ServerResponse): void {
    const { def } = route;
    const key = resKey(def.group, def.plural);
    const w: Watcher = {
      resource: key,
      namespace: route.namespace,
      res,
      matches: selectorMatcher(q, route.namespace),
      closed: false,
      stalled: false,
      timers: [],
    };
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    res.on('close', () => {
      w.closed = true;
      this.watchers.delete(w);
      for (const t of w.timers) clearTimeout(t);
    });
    const rvText = q.get('resourceVersion') ?? '';
    if (rvText === '' || rvText === '0') {
      for (const o of this.objects.get(key)?.values() ?? []) if (w.matches(o)) this.send(w, 'ADDED', o);
    } else {
      const from = Number(rvText);
      if (!Number.isFinite(from) || from < this.compactedRv) {
        this.send(w, 'ERROR', statusBody(410, 'Expired', `too old resource version: ${rvText} (${this.compactedRv})`));
        this.endWatch(w);
        return;
      }
      for (const e of this.log) {
        if (e.rv > from && e.resource === key && w.matches(e.object)) this.send(w, e.type, e.object);
      }
    }
    this.watchers.add(w);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    if (timeout > 0) w.timers.push(setTimeout(() => this.endWatch(w), timeout * 1000));
    if (q.get('allowWatchBookmarks') === 'true') {
      const tick = (): void => {
        if (w.closed) return;
        this.send(w, 'BOOKMARK', { apiVersion: apiVersionOf(def), kind: def.kind, metadata: { resourceVersion: String(this.rv) } });
        w.timers.push(setTimeout(tick, this.bookmarkIntervalMs));
      };
      w.timers.push(setTimeout(tick, this.bookmarkIntervalMs));
    }
  }

  private send(w: Watcher, type: string, object: unknown): void {
    if (w.closed || w.stalled) return;
    w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  private endWatch(w: Watcher): void {
    w.closed = true;
    this.watchers.delete(w);
    for (const t of w.timers) clearTimeout(t);
    w.res.end();
  }

  /* ------------------------------- store mutations ------------------------------- */

  private doCreate(def: ResourceDef, body: FakeObject, keepStatus: boolean, manager?: string): FakeObject {
    const o = structuredClone(body);
    o.apiVersion = apiVersionOf(def);
    o.kind = def.kind;
    if (def.statusSubresource && !keepStatus) delete o.status;
    validateConditions(o);
    validateOwnerReferences(o);
    if (manager !== undefined) recordUpdate(undefined, o, manager, o.apiVersion, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    if (def.group === '' && def.kind === 'Service') this.allocateClusterIp(o);
    // Deployment defaulting: spec.replicas is 1 when not given (and owned by no field manager).
    if (def.group === 'apps' && def.kind === 'Deployment') {
      const spec = (o.spec ??= {}) as { replicas?: number };
      spec.replicas ??= 1;
    }
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    o.metadata.generation = 1;
    if (!def.namespaced) delete o.metadata.namespace;
    this.commit(def, o, 'ADDED');
    return structuredClone(o);
  }

  /** mode: `main` ignores .status (when the resource has a status subresource), `status` takes only .status. */
  private doUpdate(def: ResourceDef, existing: FakeObject, body: FakeObject, mode: 'main' | 'status' | 'all', manager?: string): FakeObject {
    let next: FakeObject;
    if (mode === 'status') {
      next = structuredClone(existing);
      if (body.status === undefined) delete next.status;
      else next.status = structuredClone(body.status);
    } else {
      next = structuredClone(body);
      next.apiVersion = apiVersionOf(def);
      next.kind = def.kind;
      next.metadata = {
        ...structuredClone(body.metadata ?? {}),
        name: existing.metadata.name,
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
        generation: existing.metadata.generation,
      };
      if (existing.metadata.namespace !== undefined) next.metadata.namespace = existing.metadata.namespace;
      if (mode === 'main' && def.statusSubresource) {
        if (existing.status === undefined) delete next.status;
        else next.status = structuredClone(existing.status);
      }
      if (specOf(next) !== specOf(existing)) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
      // spec.clusterIP is allocated once and kept by writes that do not name it.
      const oldIp = (existing.spec as { clusterIP?: string } | undefined)?.clusterIP;
      const spec = next.spec as { clusterIP?: string } | undefined;
      if (def.kind === 'Service' && oldIp !== undefined && spec && spec.clusterIP === undefined) spec.clusterIP = oldIp;
      if (manager !== undefined) recordUpdate(existing, next, manager, next.apiVersion, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    }
    validateConditions(next);
    validateOwnerReferences(next);
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (JSON.stringify(next) === JSON.stringify(existing)) return structuredClone(existing); // no-op write: no new RV
    this.commit(def, next, 'MODIFIED');
    return structuredClone(next);
  }

  private doDelete(def: ResourceDef, existing: FakeObject): FakeObject {
    this.objects.get(resKey(def.group, def.plural))?.delete(nsName(existing));
    const gone = structuredClone(existing);
    this.rv++;
    gone.metadata.resourceVersion = String(this.rv);
    this.record(def, 'DELETED', gone);
    this.collectGarbage();
    return gone;
  }

  /**
   * The garbage collector's cascade (background propagation): an object whose ownerReferences all
   * name objects that no longer exist (by uid) is deleted, and so on down the chain. The real one
   * does this shortly after the owner goes; here it happens right after the delete is answered.
   */
  private collectGarbage(): void {
    setImmediate(() => {
      const uids = new Set<string>();
      for (const m of this.objects.values()) for (const o of m.values()) if (o.metadata.uid) uids.add(o.metadata.uid);
      for (const [key, m] of this.objects) {
        const def = this.defs.get(key);
        if (!def) continue;
        for (const o of [...m.values()]) {
          const owners = (o.metadata.ownerReferences ?? []) as { uid?: string }[];
          if (owners.length > 0 && owners.every((r) => !r.uid || !uids.has(r.uid))) this.doDelete(def, o);
        }
      }
    });
  }

  private ipCounter = 0;

  /** Like the API server's allocator: every Service but ExternalName and headless ones gets a cluster IP. */
  private allocateClusterIp(o: FakeObject): void {
    const spec = (o.spec ??= {}) as { type?: string; clusterIP?: string; clusterIPs?: string[] };
    spec.type ??= 'ClusterIP';
    if (spec.type === 'ExternalName' || spec.clusterIP !== undefined) return;
    this.ipCounter++;
    spec.clusterIP = `10.96.${(this.ipCounter >> 8) & 255}.${this.ipCounter & 255}`;
    spec.clusterIPs = [spec.clusterIP];
  }

  private commit(def: ResourceDef, o: FakeObject, type: 'ADDED' | 'MODIFIED'): void {
    this.rv++;
    o.metadata.resourceVersion = String(this.rv);
    this.objects.get(resKey(def.group, def.plural))?.set(nsName(o), o);
    this.record(def, type, o);
  }

  private record(def: ResourceDef, type: WatchEvent['type'], object: FakeObject): void {
    const key = resKey(def.group, def.plural);
    const event: WatchEvent = { rv: this.rv, type, resource: key, object: structuredClone(object) };
    this.log.push(event);
    while (this.log.length > this.eventLogSize) {
      const dropped = this.log.shift() as WatchEvent;
      this.compactedRv = dropped.rv;
    }
    for (const w of this.watchers) if (w.resource === key && w.matches(object)) this.send(w, type, event.object);
  }

  /* ------------------------------- helpers ------------------------------- */

  private defFor(obj: FakeObject): ResourceDef {
    return this.defForKind(obj.apiVersion, obj.kind);
  }

  private defForKind(apiVersion: string, kind: string): ResourceDef {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    for (const d of this.defs.values()) if (d.group === group && d.kind === kind) return d;
    throw new Error(`fake apiserver: ${apiVersion} ${kind} is not registered`);
  }

  private getObject(def: ResourceDef, namespace: string | undefined, name: string): FakeObject | undefined {
    return this.objects.get(resKey(def.group, def.plural))?.get(`${def.namespaced ? (namespace ?? '') : ''}/${name}`);
  }

  private mustGet(route: Route): FakeObject {
    if (!route.name) throw new HttpError(405, 'MethodNotAllowed', 'collection write not supported');
    const o = this.getObject(route.def, route.namespace, route.name);
    if (!o) throw new HttpError(404, 'NotFound', `${route.def.plural}.${route.def.group} "${route.name}" not found`);
    return structuredClone(o);
  }
}

/* ----------------------------------------------------------------------------------------------
 * Test kubeconfig
 * -------------------------------------------------------------------------------------------- */

/** A kubeconfig pointing at a plain-http server (client-node refuses http without skipTLSVerify). */
export function kubeConfigFor(server: string, token = 'test-token'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'tester', token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
    currentContext: 'fake',
  });
  return kc;
}

/* ----------------------------------------------------------------------------------------------
 * Protocol helpers
 * -------------------------------------------------------------------------------------------- */

function resKey(group: string, plural: string): string {
  return `${group}/${plural}`;
}

function apiVersionOf(def: ResourceDef): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

function nsName(o: FakeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function specOf(o: FakeObject): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
}

function verbOf(method: string, route: Route, q: URLSearchParams): Verb {
  const watch = q.get('watch');
  switch (method) {
    case 'GET':
      if (route.name) return 'get';
      return watch === 'true' || watch === '1' ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      throw new HttpError(405, 'MethodNotAllowed', `method ${method} not allowed`);
  }
}

function reasonFor(code: number): string {
  return (
    {
      400: 'BadRequest',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'NotFound',
      409: 'Conflict',
      410: 'Expired',
      415: 'UnsupportedMediaType',
      422: 'Invalid',
      429: 'TooManyRequests',
      500: 'InternalError',
      503: 'ServiceUnavailable',
    } as Record<number, string>
  )[code] ?? 'Unknown';
}

export function statusBody(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'BadRequest', 'request body is not JSON');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function checkPrecondition(existing: FakeObject, wanted: string | undefined): void {
  if (wanted !== undefined && wanted !== '' && wanted !== existing.metadata.resourceVersion) {
    throw new HttpError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${existing.kind} "${existing.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  }
}

/* ------------------------------- selectors ------------------------------- */

function selectorMatcher(q: URLSearchParams, namespace: string | undefined): (o: FakeObject) => boolean {
  const labels = parseLabelSelector(q.get('labelSelector') ?? '');
  const fields = (q.get('fieldSelector') ?? '')
    .split(',')
    .filter(Boolean)
    .map((t) => {
      const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(t);
      if (!m) throw new HttpError(400, 'BadRequest', `invalid field selector ${t}`);
      // `type` is the field Secrets can be selected by (the API server supports it for Secrets only).
      if (m[1] !== 'metadata.name' && m[1] !== 'metadata.namespace' && m[1] !== 'type') {
        throw new HttpError(400, 'BadRequest', `field label not supported: ${m[1]}`);
      }
      return { field: m[1], neg: m[2] === '!=', value: m[3] };
    });
  return (o) => {
    if (namespace !== undefined && o.metadata.namespace !== namespace) return false;
    for (const f of fields) {
      const v = f.field === 'metadata.name' ? o.metadata.name : f.field === 'type' ? (typeof o['type'] === 'string' ? o['type'] : '') : (o.metadata.namespace ?? '');
      if ((v === f.value) === f.neg) return false;
    }
    return labels(o.metadata.labels ?? {});
  };
}

function parseLabelSelector(text: string): (labels: Record<string, string>) => boolean {
  // Split on commas outside parentheses.
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) terms.push(cur);
  const tests = terms.map((raw) => {
    const t = raw.trim();
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(t);
    if (m) {
      const [, key, op, list] = m;
      const set = new Set(list.split(',').map((s) => s.trim()));
      return (l: Record<string, string>) => (op === 'in' ? key in l && set.has(l[key]) : !(key in l) || !set.has(l[key]));
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(t);
    if (m) {
      const [, key, op, value] = m;
      return (l: Record<string, string>) => (op === '!=' ? l[key] !== value : l[key] === value);
    }
    m = /^(!?)([\w./-]+)$/.exec(t);
    if (m) {
      const [, neg, key] = m;
      return (l: Record<string, string>) => (key in l) !== (neg === '!');
    }
    throw new HttpError(400, 'BadRequest', `invalid label selector ${t}`);
  });
  return (l) => tests.every((f) => f(l));
}

/* ------------------------------- patches ------------------------------- */

function applyPatch(existing: FakeObject, raw: string, contentType: string): FakeObject {
  const type = contentType.split(';')[0].trim();
  const patch = parseJson(raw);
  if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
    return mergePatch(structuredClone(existing), patch) as FakeObject;
  }
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(patch)) throw new HttpError(400, 'BadRequest', 'json patch must be an array of operations');
    return jsonPatch(structuredClone(existing), patch as JsonPatchOp[]);
  }
  throw new HttpError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json (got ${type})`);
}

/** RFC 7386. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** RFC 6902; a failed `test` is 422 Invalid, as kube-apiserver answers. */
function jsonPatch(doc: FakeObject, ops: JsonPatchOp[]): FakeObject {
  let root: unknown = doc;
  const tokens = (p: string): string[] => (p === '' ? [] : p.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')));
  const getAt = (p: string): unknown => tokens(p).reduce<unknown>((o, t) => (o as Record<string, unknown> | undefined)?.[t], root);
  const parentOf = (p: string): [Record<string, unknown> | unknown[], string] => {
    const ts = tokens(p);
    const last = ts.pop() as string;
    const parent = ts.reduce<unknown>((o, t) => (o as Record<string, unknown> | undefined)?.[t], root);
    if (parent === null || typeof parent !== 'object') throw new HttpError(422, 'Invalid', `json patch: path ${p} does not exist`);
    return [parent as Record<string, unknown>, last];
  };
  const put = (p: string, value: unknown, insert: boolean): void => {
    if (p === '') {
      root = value;
      return;
    }
    const [parent, key] = parentOf(p);
    if (Array.isArray(parent)) {
      const i = key === '-' ? parent.length : Number(key);
      if (insert) parent.splice(i, 0, value);
      else parent[i] = value;
    } else parent[key] = value;
  };
  const del = (p: string): void => {
    const [parent, key] = parentOf(p);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else if (key in parent) delete parent[key];
    else throw new HttpError(422, 'Invalid', `json patch: cannot remove ${p}: not found`);
  };
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        put(op.path, structuredClone(op.value), true);
        break;
      case 'replace':
        if (getAt(op.path) === undefined) throw new HttpError(422, 'Invalid', `json patch: cannot replace ${op.path}: not found`);
        put(op.path, structuredClone(op.value), false);
        break;
      case 'remove':
        del(op.path);
        break;
      case 'move': {
        const v = getAt(op.from ?? '');
        del(op.from ?? '');
        put(op.path, v, true);
        break;
      }
      case 'copy':
        put(op.path, structuredClone(getAt(op.from ?? '')), true);
        break;
      case 'test':
        if (JSON.stringify(getAt(op.path)) !== JSON.stringify(op.value)) {
          throw new HttpError(422, 'Invalid', `json patch: test operation failed at ${op.path}`);
        }
        break;
      default:
        throw new HttpError(422, 'Invalid', `json patch: unknown op ${(op as { op: string }).op}`);
    }
  }
  return root as FakeObject;
}

/* ------------------------------- validation ------------------------------- */

/** metadata.ownerReferences as the API server validates them. */
function validateOwnerReferences(o: FakeObject): void {
  const refs = o.metadata.ownerReferences;
  if (refs === undefined) return;
  if (!Array.isArray(refs)) throw new HttpError(422, 'Invalid', 'metadata.ownerReferences: must be a list');
  let controllers = 0;
  refs.forEach((r: Record<string, unknown>, i) => {
    for (const f of ['apiVersion', 'kind', 'name', 'uid']) {
      if (typeof r?.[f] !== 'string' || r[f] === '') throw new HttpError(422, 'Invalid', `metadata.ownerReferences[${i}].${f}: Invalid value: "": ${f} must not be empty`);
    }
    if (r.controller === true) controllers++;
  });
  if (controllers > 1) throw new HttpError(422, 'Invalid', 'metadata.ownerReferences: Invalid value: []v1.OwnerReference: Only one reference can have Controller set to true');
}

/** metav1.Condition rules the apiserver enforces, wherever status holds condition lists. */
function validateConditions(o: FakeObject): void {
  const status = o.status as Record<string, unknown> | undefined;
  if (!status || typeof status !== 'object') return;
  const lists: [string, unknown][] = [['status.conditions', status.conditions]];
  for (const field of ['parents', 'ancestors', 'listeners'] as const) {
    const arr = status[field];
    if (Array.isArray(arr)) arr.forEach((e, i) => lists.push([`status.${field}[${i}].conditions`, (e as Record<string, unknown>)?.conditions]));
  }
  for (const [path, list] of lists) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new HttpError(422, 'Invalid', `${path}: must be a list`);
    list.forEach((c: Record<string, unknown>, i) => {
      const at = `${path}[${i}]`;
      if (typeof c.type !== 'string' || c.type === '') throw new HttpError(422, 'Invalid', `${at}.type: Required value`);
      if (!['True', 'False', 'Unknown'].includes(c.status as string)) throw new HttpError(422, 'Invalid', `${at}.status: Unsupported value: "${c.status}"`);
      if (typeof c.reason !== 'string' || !/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/.test(c.reason)) {
        throw new HttpError(422, 'Invalid', `${at}.reason: Invalid value: "${c.reason}"`);
      }
      if (typeof c.message !== 'string') throw new HttpError(422, 'Invalid', `${at}.message: Required value`);
      if (typeof c.lastTransitionTime !== 'string' || Number.isNaN(Date.parse(c.lastTransitionTime))) {
        throw new HttpError(422, 'Invalid', `${at}.lastTransitionTime: Required value`);
      }
    });
  }
}
