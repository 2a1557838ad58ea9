import { describe, expect, it } from 'vitest';
import type { CookieSessionIR } from '../../ir/ir.ts';
import { MessageType } from '../../codec/message-type.ts';
import { assertValidEnvoy } from '../../validator/strict-validator.ts';
import type { JsonObject } from '../envoy-json.ts';
import { buildStatefulSessionPerRoute } from './stateful-session.ts';

const origin = { kind: 'SessionPolicy', namespace: 'shop', name: 'p' };
const base: CookieSessionIR = { type: 'cookie', name: 'sid', path: '/', attributes: [{ name: 'SameSite', value: 'Lax' }], strict: false, origin };

function cookieOf(session: CookieSessionIR): JsonObject {
  const { config } = buildStatefulSessionPerRoute(session);
  const { '@type': _type, ...fields } = config;
  assertValidEnvoy(MessageType.statefulSessionPerRoute, fields);
  const state = (config['stateful_session'] as JsonObject)['session_state'] as JsonObject;
  return (state['typed_config'] as JsonObject)['cookie'] as JsonObject;
}

describe('permanent session cookies', () => {
  it('carry their lifetime as a Max-Age attribute, with no ttl, so the value holds no expiry for Envoy to check', () => {
    expect(cookieOf({ ...base, ttlSeconds: 3600 })).toEqual({
      name: 'sid',
      path: '/',
      attributes: [
        { name: 'Max-Age', value: '3600' },
        { name: 'SameSite', value: 'Lax' },
      ],
    });
  });

  it('use Envoy\'s ttl (Max-Age and an encoded expiry) only when asked', () => {
    expect(cookieOf({ ...base, ttlSeconds: 3600, envoyExpiry: true })).toEqual({ name: 'sid', path: '/', ttl: '3600s', attributes: [{ name: 'SameSite', value: 'Lax' }] });
  });

  it('leave a session cookie without either', () => {
    expect(cookieOf({ ...base, attributes: [] })).toEqual({ name: 'sid', path: '/' });
  });
});
