// Envoy's stateful_session HTTP filter (strong session persistence). Two halves, as README.md
// "Sticky sessions" describes:
// - every HTTP connection manager carries one inert entry (`disabled: true`, empty StatefulSession),
//   so nothing sticky lives in the listener and editing a session never drains a listener;
// - each sticky route carries a StatefulSessionPerRoute that turns the filter on with its cookie or
//   header settings.
// Non-sticky routes get no per-route config: the HCM entry is disabled, so the filter does nothing
// for them. (Writing `disabled: true` per route would say the same thing at the cost of one more
// map entry per route.)
import type { SessionIR } from '../../ir/ir.ts';
import { EnvoyName, EnvoyType, duration, typed, type JsonObject } from '../envoy-json.ts';

/** The HCM filter entry: present, disabled until a route enables it. */
export function buildStatefulSessionHttpFilter(opts: { optional?: boolean } = {}): JsonObject {
  return {
    name: EnvoyName.statefulSession,
    // gRPC clients do not implement this filter; `is_optional` lets them skip it instead of NACKing.
    ...(opts.optional ? { is_optional: true } : {}),
    disabled: true,
    typed_config: typed(EnvoyType.statefulSession),
  };
}

/** The route's `typed_per_filter_config` entry that enables the filter with this session. */
export function buildStatefulSessionPerRoute(session: SessionIR): { name: string; config: JsonObject } {
  return {
    name: EnvoyName.statefulSession,
    config: typed(EnvoyType.statefulSessionPerRoute, {
      stateful_session: {
        session_state: buildSessionState(session),
        // Only emitted when true: false is the proto default, and older Envoys do not know the field.
        ...(session.strict ? { strict: true } : {}),
      },
    }),
  };
}

function buildSessionState(session: SessionIR): JsonObject {
  if (session.type === 'header') {
    return {
      name: EnvoyName.headerSessionState,
      typed_config: typed(EnvoyType.headerSessionState, { name: session.name }),
    };
  }
  const cookie: JsonObject = { name: session.name, path: session.path };
  const attributes = session.attributes.map((a): JsonObject => ({ name: a.name, value: a.value }));
  // A permanent cookie. Envoy's `ttl` writes Max-Age and also encodes an expiry that Envoy checks
  // on a monotonic clock (time since the host booted), so another replica, or the same one after a
  // reboot, can judge a live session expired (docs/sticky-sessions.md, "Permanent cookies"). By
  // default the lifetime is a Max-Age attribute only (Envoy 1.35+): the client drops the cookie
  // when it ends, and the value holds no expiry, so every replica honours it. `envoyExpiry` asks for
  // the `ttl` where one Envoy serves, or its clock is known to be the wall clock.
  if (session.ttlSeconds !== undefined) {
    if (session.envoyExpiry) cookie['ttl'] = duration(session.ttlSeconds);
    else attributes.unshift({ name: 'Max-Age', value: String(Math.floor(session.ttlSeconds)) });
  }
  if (session.sameSite !== undefined) attributes.push({ name: 'SameSite', value: session.sameSite });
  // Envoy writes `; Secure` for an attribute without a value.
  if (session.secure === true) attributes.push({ name: 'Secure' });
  if (attributes.length > 0) cookie['attributes'] = attributes;
  return {
    name: EnvoyName.cookieSessionState,
    typed_config: typed(EnvoyType.cookieSessionState, { cookie }),
  };
}
