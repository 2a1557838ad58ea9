// HTTPRoute's CORS filter (experimental channel) with the CRD's defaults and checks: origins are
// `*` or `<scheme>://<host>[:<port>]` where the host may hold `*` (any labels to its left), and a
// `*` in origins, methods or headers stands alone.
import type { FieldReader } from '../field-reader.ts';
import { isToken } from '../http-token.ts';

export interface HTTPCORS {
  allowOrigins: string[];
  allowCredentials: boolean;
  /** Methods as written, or `*`. */
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  /** Seconds a preflight result may be cached; the CRD's default is 5. */
  maxAge: number;
}

const ORIGIN = /^(\*|https?:\/\/(\*|(\*\.)?(([A-Za-z0-9][-A-Za-z0-9_]*)(\.[A-Za-z0-9][-A-Za-z0-9_]*)*))(:\d{1,5})?)$/;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '*'];

export function parseCORS(r: FieldReader, value: unknown, f: string): HTTPCORS {
  const o = r.object(value, f);
  if (!o) r.problem(f, 'is required for this filter type');
  const b = o ?? {};
  const strings = (key: string, check: (s: string) => string | undefined, max: number): string[] => {
    const list = r.array(b[key], `${f}.${key}`).flatMap((v, i) => {
      const s = r.string(v, `${f}.${key}[${i}]`, { required: true, minLength: 1 });
      if (s === undefined) return [];
      const bad = check(s);
      if (bad) {
        r.problem(`${f}.${key}[${i}]`, bad);
        return [];
      }
      return [s];
    });
    if (list.length > max) r.problem(`${f}.${key}`, `must have at most ${max} entries`);
    if (list.includes('*') && list.length > 1) r.problem(`${f}.${key}`, '"*" cannot be listed alongside other values');
    return [...new Set(list)];
  };
  const header = (s: string) => (s === '*' || isToken(s) ? undefined : `invalid header name ${JSON.stringify(s)}`);
  return {
    allowOrigins: strings('allowOrigins', (s) => (ORIGIN.test(s) ? undefined : `invalid origin ${JSON.stringify(s)}: use "*" or <scheme>://<host>[:<port>]`), 64),
    allowCredentials: r.bool(b.allowCredentials, `${f}.allowCredentials`) ?? false,
    allowMethods: strings('allowMethods', (s) => (METHODS.includes(s) ? undefined : `unsupported method ${JSON.stringify(s)}`), 9),
    allowHeaders: strings('allowHeaders', header, 64),
    exposeHeaders: strings('exposeHeaders', header, 64),
    maxAge: r.int(b.maxAge, `${f}.maxAge`, 1, 2_147_483_647) ?? 5,
  };
}
