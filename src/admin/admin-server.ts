// The admin HTTP server (node:http): health, readiness, Prometheus metrics and read-only debug views.
// It owns no state: every answer comes from the AdminView the composition root hands it.
//
//   /healthz                            200 while the process runs
//   /readyz                             200 once the first config is served and the source synced; 503 before
//   /metrics                            Prometheus text format
//   /debug/config_dump?gateway=ns/name  the Envoy resources and statuses for one Gateway (as `tether translate` prints)
//   /debug/clients                      every ADS stream: node, Gateway, variant, types, acked versions, last NACK
//   /debug/sources                      what the source could not read (files that fail to parse, ...)
//   /debug/status                       the latest status of every object
// With a token configured, every /debug/* request needs `Authorization: Bearer <token>`.
// config_dump masks header-match and header values unless `?secrets=show` (which needs the token).
// Any other path, `//` included, is 404.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SourceProblem } from '../sources/source.ts';
import { maskSecrets } from './mask-secrets.ts';

export type ConfigDumpAnswer =
  | { found: true; dump: unknown }
  | { found: false; knownGateways: string[] };

/** What the admin server shows; implemented by the composition root. */
export interface AdminView {
  /** Readiness and, when not ready, why. */
  readiness(): { ready: boolean; reasons: string[] };
  readonly registry: Registry;
  configDump(gateway: string): ConfigDumpAnswer;
  /** Gateways with config, for the index of /debug/config_dump. */
  gateways(): string[];
  /** Streams and unknown Gateways, as the xDS server reports them. */
  clients(): unknown;
  sources(): { source: string; problems: SourceProblem[] };
  /** The latest status of every object, as `tether translate` prints them. */
  statuses(): readonly unknown[];
}

export interface AdminServerOptions {
  host: string;
  port: number;
  view: AdminView;
  logger: Logger;
  /** When set, /debug/* answers only requests bearing it (`Authorization: Bearer <token>`). */
  token?: string;
}

export class AdminServer {
  private readonly server: Server;
  private readonly options: AdminServerOptions;

  constructor(options: AdminServerOptions) {
    this.options = options;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        options.logger.error({ err, url: req.url }, 'admin request failed');
        if (!res.headersSent) sendJson(res, 500, { error: String(err) });
        else res.end();
      });
    });
  }

  /** Listens and resolves with the bound port (useful with port 0). */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The path is taken as sent: `new URL('//', base)` would read it as a host, not a path.
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    const view = this.options.view;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    if (pathname.startsWith('/debug/') && !this.authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer realm="tether-admin"');
      return sendJson(res, 401, { error: 'the /debug endpoints need the admin token: Authorization: Bearer <token>' });
    }
    switch (pathname) {
      case '/healthz':
        return sendText(res, 200, 'ok\n');
      case '/readyz': {
        const r = view.readiness();
        return sendText(res, r.ready ? 200 : 503, r.ready ? 'ready\n' : `not ready: ${r.reasons.join('; ')}\n`);
      }
      case '/metrics': {
        const body = await view.registry.metrics();
        res.writeHead(200, { 'content-type': view.registry.contentType });
        res.end(body);
        return;
      }
      case '/debug/config_dump': {
        const gateway = params.get('gateway');
        if (!gateway) return sendJson(res, 400, { error: 'name a Gateway: /debug/config_dump?gateway=namespace/name', gateways: view.gateways() });
        const showSecrets = params.get('secrets') === 'show';
        if (showSecrets && this.options.token === undefined) {
          return sendJson(res, 403, { error: 'secrets are shown only when Tether runs with an admin token (--admin-token-file) and the request bears it' });
        }
        const answer = view.configDump(gateway);
        if (!answer.found) return sendJson(res, 404, { error: `unknown Gateway "${gateway}"`, knownGateways: answer.knownGateways });
        return sendJson(res, 200, showSecrets ? answer.dump : maskSecrets(answer.dump));
      }
      case '/debug/clients':
        return sendJson(res, 200, view.clients());
      case '/debug/sources':
        return sendJson(res, 200, view.sources());
      case '/debug/status':
        return sendJson(res, 200, { statuses: view.statuses() });
      case '/':
        return sendText(res, 200, ['/healthz', '/readyz', '/metrics', '/debug/config_dump?gateway=namespace/name', '/debug/clients', '/debug/sources', '/debug/status'].join('\n') + '\n');
      default:
        return sendJson(res, 404, { error: 'no such endpoint', endpoints: ['/healthz', '/readyz', '/metrics', '/debug/config_dump', '/debug/clients', '/debug/sources', '/debug/status'] });
    }
  }

  /** No token configured, or the request bears it (compared in constant time). */
  private authorized(req: IncomingMessage): boolean {
    const token = this.options.token;
    if (token === undefined) return true;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const digest = (t: string): Buffer => createHash('sha256').update(t).digest();
    return timingSafeEqual(digest(m[1]), digest(token));
  }
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2) + '\n');
}
