// What proto3 JSON treats specially: the wrapper types (a bare value), Duration and Timestamp
// (strings), Struct/Value/ListValue (plain JSON), and the scalar kinds, including the 64-bit
// integers that travel as strings.
export const SCALARS = new Set<string>([
  'double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32',
  'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool', 'string', 'bytes',
]);
export const LONG_SCALARS = new Set<string>(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
export const INT32_SCALARS = new Set<string>(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

export const WRAPPERS = new Set([
  'google.protobuf.DoubleValue', 'google.protobuf.FloatValue', 'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value', 'google.protobuf.Int32Value', 'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue', 'google.protobuf.StringValue', 'google.protobuf.BytesValue',
]);

export const isWrapperType = (name: string): boolean => WRAPPERS.has(name);

/** Well-known types whose JSON form is not an object of fields (inside an Any, under "value"). */
export function isWellKnownJson(name: string): boolean {
  return WRAPPERS.has(name) || name === 'google.protobuf.Duration' || name === 'google.protobuf.Timestamp' || name === 'google.protobuf.Struct' || name === 'google.protobuf.Value' || name === 'google.protobuf.ListValue';
}

/** Parses a proto3 JSON Duration ("1.5s", "-2s") into seconds and nanos. */
export function parseDuration(text: string): { seconds: number; nanos: number } | undefined {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!m) return undefined;
  const sign = m[1] ? -1 : 1;
  const seconds = Number(m[2]);
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  if (!Number.isSafeInteger(seconds) || seconds > 315_576_000_000) return undefined;
  return { seconds: sign * seconds, nanos: sign * nanos };
}

/** Formats seconds and nanos as proto3 JSON ("3600s", "0.250s"). */
export function formatDuration(seconds: number, nanos: number): string {
  const negative = seconds < 0 || nanos < 0;
  const s = Math.abs(seconds);
  const n = Math.abs(nanos);
  let frac = '';
  if (n !== 0) {
    const padded = String(n).padStart(9, '0');
    frac = '.' + (padded.endsWith('000000') ? padded.slice(0, 3) : padded.endsWith('000') ? padded.slice(0, 6) : padded);
  }
  return `${negative ? '-' : ''}${s}${frac}s`;
}
