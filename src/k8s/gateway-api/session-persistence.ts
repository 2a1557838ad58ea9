// Gateway API SessionPersistence (GEP-1619) in all three shapes it has had, validated the way the
// CRDs' schemas and CEL rules do (the apiserver does this in a cluster; files and fake servers
// don't, so we do it again):
//   v1.1–v1.5: sessionName, absoluteTimeout, idleTimeout, type, cookieConfig.lifetimeType
//   v1.6:      the same without idleTimeout
//   newer:     type, absoluteTimeout, cookie{name, path, lifetimeType}, header{name}
import { ObjectReader, isRecord, type FieldProblem } from '../field-reader.ts';
import { isToken } from '../http-token.ts';

export interface SessionPersistenceSpec {
  type: 'Cookie' | 'Header';
  /** sessionName, cookie.name or header.name, as written. */
  name?: string;
  /** The field the name came from. */
  nameField?: string;
  absoluteTimeoutSeconds?: number;
  lifetimeType: 'Permanent' | 'Session';
  /** cookie.path (newer shape only). */
  cookiePath?: string;
  /** idleTimeout as written (v1.1–v1.5); Envoy has no idle timeout for sessions. */
  idleTimeout?: string;
}

export interface ParsedSessionPersistence {
  /** Absent when any problem is 'invalid'. */
  spec?: SessionPersistenceSpec;
  problems: FieldProblem[];
}

const KNOWN = ['sessionName', 'absoluteTimeout', 'idleTimeout', 'type', 'cookieConfig', 'cookie', 'header'];

/** A route rule's `sessionPersistence` at `path`, parsed; undefined when the rule has none (absent or null). */
export function parseOptionalSessionPersistence(raw: unknown, path: string): ParsedSessionPersistence | undefined {
  return raw === undefined || raw === null ? undefined : parseSessionPersistence(raw, path);
}

/** Parses `raw` found at `path` (e.g. `spec.rules[0].sessionPersistence`). */
export function parseSessionPersistence(raw: unknown, path: string): ParsedSessionPersistence {
  const problems: FieldProblem[] = [];
  if (!isRecord(raw)) {
    problems.push({ severity: 'invalid', field: path, message: 'must be an object' });
    return { problems };
  }
  const r = new ObjectReader(raw, path, problems);
  r.unknownKeys(KNOWN, 'not a SessionPersistence field in any Gateway API version; not applied');
  const type = r.has('type') ? r.enumOf('type', ['Cookie', 'Header'] as const) : 'Cookie';
  const absoluteTimeoutSeconds = r.gatewayDuration('absoluteTimeout');
  const idleTimeout = r.string('idleTimeout');
  if (idleTimeout !== undefined) r.gatewayDuration('idleTimeout');

  const sessionName = r.string('sessionName');
  if (sessionName !== undefined && (sessionName.length < 1 || sessionName.length > 128)) {
    r.invalid('sessionName', `must be 1 to 128 characters, got ${sessionName.length}`);
  }
  const cookieConfig = r.child('cookieConfig');
  const cookie = r.child('cookie');
  const header = r.child('header');

  let lifetimeType: 'Permanent' | 'Session' = 'Session';
  let name = sessionName;
  let nameField = sessionName !== undefined ? r.field('sessionName') : undefined;
  let cookiePath: string | undefined;

  if (cookieConfig) {
    cookieConfig.unknownKeys(['lifetimeType'], 'not a cookieConfig field; not applied');
    lifetimeType = cookieConfig.enumOf('lifetimeType', ['Permanent', 'Session'] as const) ?? 'Session';
    if (type !== undefined && type !== 'Cookie') r.invalid('cookieConfig', 'cookieConfig can only be set with type Cookie');
  }
  if (cookie) {
    cookie.unknownKeys(['name', 'path', 'lifetimeType'], 'not a cookie field; not applied');
    if (type !== undefined && type !== 'Cookie') r.invalid('cookie', 'cookie must be nil if type is not Cookie');
    if (cookieConfig) r.invalid('cookie', 'cookie and cookieConfig are two API versions of one field; set only one');
    const cname = cookie.string('name');
    if (cname !== undefined) {
      if (cname.length < 1 || cname.length > 256) cookie.invalid('name', `must be 1 to 256 characters, got ${cname.length}`);
      if (name !== undefined && name !== cname) cookie.invalid('name', `conflicts with ${nameField} "${name}"`);
      name = cname;
      nameField = cookie.field('name');
    }
    const p = cookie.string('path');
    if (p !== undefined) {
      if (p.length > 1024) cookie.invalid('path', 'must be at most 1024 characters');
      else if (!p.startsWith('/') || /[\s;,]/.test(p)) cookie.invalid('path', `"${p}" is not a cookie path (must start with / and contain no spaces, ; or ,)`);
      else cookiePath = p;
    }
    if (cookie.has('lifetimeType')) lifetimeType = cookie.enumOf('lifetimeType', ['Permanent', 'Session'] as const) ?? 'Session';
  }
  if (header) {
    header.unknownKeys(['name'], 'not a header field; not applied');
    if (type !== 'Header') r.invalid('header', 'header must be nil if type is not Header');
    const hname = header.string('name');
    if (hname === undefined) header.invalid('name', 'is required');
    else {
      if (name !== undefined && name !== hname) header.invalid('name', `conflicts with ${nameField} "${name}"`);
      name = hname;
      nameField = header.field('name');
    }
  }
  if (lifetimeType === 'Permanent' && absoluteTimeoutSeconds === undefined && !r.has('absoluteTimeout')) {
    r.invalid('absoluteTimeout', 'AbsoluteTimeout must be specified when cookie lifetimeType is Permanent');
  }
  if (name !== undefined && nameField !== undefined) {
    if (name.length === 0) problems.push({ severity: 'invalid', field: nameField, message: 'must not be empty' });
    else if (!isToken(name)) {
      problems.push({
        severity: 'invalid',
        field: nameField,
        message: `"${name}" cannot be a ${type === 'Header' ? 'header' : 'cookie'} name: only letters, digits and !#$%&'*+-.^_\`|~ are allowed`,
      });
    }
  }
  if (problems.some((p) => p.severity === 'invalid') || type === undefined) return { problems };
  const spec: SessionPersistenceSpec = { type, lifetimeType };
  if (name !== undefined) spec.name = name;
  if (nameField !== undefined) spec.nameField = nameField;
  if (absoluteTimeoutSeconds !== undefined) spec.absoluteTimeoutSeconds = absoluteTimeoutSeconds;
  if (cookiePath !== undefined) spec.cookiePath = cookiePath;
  if (idleTimeout !== undefined) spec.idleTimeout = idleTimeout;
  return { spec, problems };
}
