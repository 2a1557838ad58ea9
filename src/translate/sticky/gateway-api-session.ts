// Gateway API SessionPersistence (already validated by k8s/gateway-api/session-persistence.ts) → a session,
// plus honest reports of what Envoy cannot do:
// - idleTimeout: Envoy's session state has no idle timeout (the cookie is not renewed on use);
// - absoluteTimeout with a Session lifetime: the only expiry Envoy writes is Max-Age + an encoded
//   expiry, both from the same ttl, so a session cookie cannot carry a server-enforced timeout;
// - absoluteTimeout on a Header session: header sessions carry no expiry at all.
import type { FieldProblem } from '../../k8s/field-reader.ts';
import type { SessionPersistenceSpec } from '../../k8s/gateway-api/session-persistence.ts';
import type { SessionSpec } from './sticky-intent.ts';

export function sessionFromGatewayApi(spec: SessionPersistenceSpec, path: string): { session: SessionSpec; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (spec.idleTimeout !== undefined) {
    problems.push({
      severity: 'unsupported',
      field: `${path}.idleTimeout`,
      message: `idleTimeout ${spec.idleTimeout} is not enforced: Envoy has no idle timeout for sessions (the session is kept until the client drops it${spec.type === 'Cookie' ? ' or the cookie expires' : ''})`,
    });
  }
  if (spec.type === 'Header') {
    if (spec.absoluteTimeoutSeconds !== undefined) {
      problems.push({
        severity: 'unsupported',
        field: `${path}.absoluteTimeout`,
        message: 'absoluteTimeout is not enforced for a Header session: Envoy header sessions carry no expiry',
      });
    }
    const session: SessionSpec = { type: 'header' };
    if (spec.name !== undefined) session.name = spec.name.toLowerCase();
    return { session, problems };
  }
  const session: SessionSpec = { type: 'cookie', ...(spec.cookiePath !== undefined ? { path: spec.cookiePath } : {}), attributes: [] };
  if (spec.name !== undefined) session.name = spec.name;
  if (spec.lifetimeType === 'Permanent' && spec.absoluteTimeoutSeconds !== undefined) {
    if (spec.absoluteTimeoutSeconds > 0) session.ttlSeconds = spec.absoluteTimeoutSeconds;
    else {
      problems.push({
        severity: 'unsupported',
        field: `${path}.absoluteTimeout`,
        message: 'absoluteTimeout 0 gives no Max-Age: Envoy writes a session cookie',
      });
    }
  } else if (spec.absoluteTimeoutSeconds !== undefined) {
    problems.push({
      severity: 'unsupported',
      field: `${path}.absoluteTimeout`,
      message:
        'absoluteTimeout is not enforced for a Session cookie: Envoy cannot expire a session cookie without writing Max-Age; set cookieConfig.lifetimeType (or cookie.lifetimeType) Permanent to get Max-Age',
    });
  }
  return { session, problems };
}
