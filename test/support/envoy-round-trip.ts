// Encodes proto3 JSON to protobuf bytes and decodes it again, and expects the same message back:
// nothing unknown, nothing the codec had to drop or coerce. A field left out after the round trip
// is accepted only when it held its proto3 default (0, false, "", an empty list or message), which
// encoding leaves out by design.
import { expect } from 'vitest';
import { protoRegistry, type Json, type JsonObject } from '../../src/codec/proto-registry.ts';

export function expectRoundTrip(typeName: string, json: JsonObject): void {
  const back = protoRegistry().roundTrip(typeName, json);
  const problems: string[] = [];
  compare(json, back, typeName, problems);
  expect(problems).toEqual([]);
}

function isDefault(v: Json): boolean {
  if (v === 0 || v === false || v === '' || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every(isDefault);
  return false;
}

function compare(sent: Json, back: Json | undefined, path: string, problems: string[]): void {
  if (back === undefined) {
    if (!isDefault(sent)) problems.push(`${path}: lost in the round trip`);
    return;
  }
  if (Array.isArray(sent)) {
    if (!Array.isArray(back) || back.length !== sent.length) {
      problems.push(`${path}: list came back as ${JSON.stringify(back)}`);
      return;
    }
    sent.forEach((v, i) => compare(v, back[i], `${path}[${i}]`, problems));
    return;
  }
  if (sent !== null && typeof sent === 'object') {
    if (back === null || typeof back !== 'object' || Array.isArray(back)) {
      problems.push(`${path}: object came back as ${JSON.stringify(back)}`);
      return;
    }
    for (const [k, v] of Object.entries(sent)) compare(v, back[k], `${path}.${k}`, problems);
    for (const k of Object.keys(back)) if (!(k in sent)) problems.push(`${path}.${k}: appeared in the round trip`);
    return;
  }
  // 64-bit integers come back as strings.
  if (typeof sent === 'number' && typeof back === 'string' && String(sent) === back) return;
  if (sent !== back) problems.push(`${path}: ${JSON.stringify(sent)} came back as ${JSON.stringify(back)}`);
}
