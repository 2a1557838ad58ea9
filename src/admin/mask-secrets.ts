// Values people put secrets in: header and query-parameter match values (API keys, tokens) and the
// values of headers added to requests and responses. /debug/config_dump shows them masked unless
// asked otherwise (admin-server.ts), so a look at the config is not a look at the keys.

export const MASK = '[masked]';

/** Keys whose entries are header or query-parameter matches or header values. */
const MATCH_LISTS = new Set(['headers', 'query_parameters']);
const HEADER_VALUE_LISTS = new Set(['request_headers_to_add', 'response_headers_to_add']);

/** A deep copy of a config dump with secret-bearing values replaced by MASK; names stay. */
export function maskSecrets(value: unknown): unknown {
  return walk(value, undefined);
}

function walk(value: unknown, parentKey: string | undefined): unknown {
  if (Array.isArray(value)) {
    if (parentKey !== undefined && MATCH_LISTS.has(parentKey)) return value.map((m) => maskExceptName(m));
    if (parentKey !== undefined && HEADER_VALUE_LISTS.has(parentKey)) return value.map((h) => maskHeaderValue(h));
    return value.map((v) => walk(v, undefined));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
  }
  return value;
}

/** A matcher or header: its `name` (or `key`) stays, every other string (exact, prefix, regex, value) is masked. */
function maskExceptName(matcher: unknown): unknown {
  if (matcher === null || typeof matcher !== 'object' || Array.isArray(matcher)) return maskLeaves(matcher);
  return Object.fromEntries(Object.entries(matcher).map(([k, v]) => [k, k === 'name' || k === 'key' ? v : maskLeaves(v)]));
}

/** A HeaderValueOption: the header's key stays, its value is masked. */
function maskHeaderValue(option: unknown): unknown {
  if (option === null || typeof option !== 'object' || Array.isArray(option)) return option;
  const o = option as Record<string, unknown>;
  const header = o['header'];
  if (header === null || typeof header !== 'object') return option;
  return { ...o, header: maskExceptName(header) };
}

function maskLeaves(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? value : MASK;
  if (Array.isArray(value)) return value.map(maskLeaves);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '@type' ? v : maskLeaves(v)]));
  return value;
}
