import { describe, expect, it } from 'vitest';
import type { RouteIR } from '../ir/ir.ts';
import { MessageType } from '../codec/message-type.ts';
import { assertValidEnvoy } from '../validator/strict-validator.ts';
import type { JsonObject } from './envoy-json.ts';
import { buildRoute } from './route.ts';
import { addStickyRetry } from './sticky-retry.ts';

const origin = { kind: 'HTTPRoute', namespace: 'shop', name: 'web' };

function route(extra: Partial<RouteIR> = {}): RouteIR {
  return {
    name: 'r',
    source: { kind: 'HTTPRoute', namespace: 'shop', name: 'web', ruleIndex: 0, matchIndex: 0 },
    match: { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] },
    action: { type: 'forward', clusters: [{ name: 'shop/web/80/sticky', weight: 1 }] },
    ...extra,
  };
}

const session = { type: 'cookie' as const, name: 'sid', path: '/', attributes: [], strict: false, origin };
const retryOf = (r: RouteIR): JsonObject | undefined => (buildRoute(r)['route'] as JsonObject)['retry_policy'] as JsonObject | undefined;

describe('the sticky retry', () => {
  it('retries only what never reached the endpoint, once, on another endpoint', () => {
    const r = route({ session, hashKeys: [{ type: 'cookie', name: 'sid', terminal: false }] });
    expect(retryOf(r)).toEqual({
      retry_on: 'connect-failure,refused-stream',
      num_retries: 1,
      retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
      host_selection_retry_max_attempts: 5,
    });
    assertValidEnvoy(MessageType.routeConfiguration, { name: 'rc', virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [buildRoute(r)] }] });
  });

  it('goes to hash-only routes too, keeps a per-try timeout, and leaves plain routes alone', () => {
    expect(retryOf(route({ hashKeys: [{ type: 'source-ip', terminal: false }] }))?.['retry_on']).toBe('connect-failure,refused-stream');
    expect(retryOf(route({ session, perTryTimeoutSeconds: 2 }))).toMatchObject({ per_try_timeout: '2s', retry_on: 'connect-failure,refused-stream' });
    expect(retryOf(route())).toBeUndefined();
    expect(retryOf(route({ perTryTimeoutSeconds: 2 }))).toEqual({ per_try_timeout: '2s' });
  });

  it("keeps a retry policy that already says what to retry (the user's own)", () => {
    const action: JsonObject = { cluster: 'c', retry_policy: { retry_on: '5xx', num_retries: 3 } };
    addStickyRetry(action, route({ session }));
    expect(action['retry_policy']).toEqual({ retry_on: '5xx', num_retries: 3 });
  });

  it('is not added to a redirect', () => {
    const redirect = route({ session, action: { type: 'redirect', statusCode: 302 } });
    expect(buildRoute(redirect)['route']).toBeUndefined();
  });
});
