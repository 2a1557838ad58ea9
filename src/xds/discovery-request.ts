// Decoding of the requests a client sends on a stream: DiscoveryRequest (SotW) and
// DeltaDiscoveryRequest. Flat fields are read straight off the wire; only node and error_detail go
// through the proto registry. Both protocols share the node and status handling here.
import { hash } from 'node:crypto';
import { protoRegistry } from '../codec/proto-registry.ts';
import { dropField, forEachField, readFields } from './proto-wire.ts';

/** The subset of config.core.v3.Node the server reads. */
export interface NodeJson {
  id?: string;
  cluster?: string;
  user_agent_name?: string;
}

const NODE_TYPE = 'envoy.config.core.v3.Node';
const STATUS_TYPE = 'google.rpc.Status';

export interface DiscoveryRequestJson {
  version_info?: string;
  node?: NodeJson;
  resource_names?: string[];
  /** A digest of the resource_names bytes, so a restated subscription is recognised without decoding it. */
  names_digest?: string;
  type_url?: string;
  response_nonce?: string;
  error_detail?: { code?: number; message?: string };
}

/**
 * Decodes a DiscoveryRequest. Envoy restates every subscribed name on each ACK (thousands of EDS
 * names), so the flat fields are read straight off the wire, and the names are only turned into
 * strings when their digest differs from `knownDigest(type_url)`. Node and error_detail go through
 * the proto registry. A NACK's details (Anys of any type) are dropped if they cannot be read.
 */
export function decodeDiscoveryRequest(data: Uint8Array, knownDigest?: (typeUrl: string) => string | undefined): DiscoveryRequestJson {
  const req: DiscoveryRequestJson = {};
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let nameCount = 0;
  let namesStart = -1;
  let namesEnd = -1;
  forEachField(buf, (field, start, payloadStart, end) => {
    switch (field) {
      case 1: req.version_info = buf.toString('utf8', payloadStart, end); break;
      case 2: req.node = protoRegistry().decode(NODE_TYPE, buf.subarray(payloadStart, end)); break;
      case 3:
        if (namesStart < 0) namesStart = start;
        namesEnd = end;
        nameCount++;
        break;
      case 4: req.type_url = buf.toString('utf8', payloadStart, end); break;
      case 5: req.response_nonce = buf.toString('utf8', payloadStart, end); break;
      case 6: req.error_detail = decodeStatus(buf.subarray(payloadStart, end)); break;
      default: break; // resource_locators and other fields Tether does not use
    }
  });
  // Names are written together (field order), so one digest over their span identifies the list.
  if (nameCount > 0) req.names_digest = `${nameCount}:${hash('sha1', buf.subarray(namesStart, namesEnd), 'base64')}`;
  if (req.names_digest === undefined || req.names_digest !== knownDigest?.(req.type_url ?? '')) {
    const names: string[] = [];
    forEachField(buf, (field, _start, payloadStart, end) => {
      if (field === 3) names.push(buf.toString('utf8', payloadStart, end));
    });
    req.resource_names = names;
  }
  return req;
}

/** A google.rpc.Status; its details are dropped when they hold types we cannot read. */
function decodeStatus(data: Uint8Array): { code?: number; message?: string } {
  try {
    return protoRegistry().decode(STATUS_TYPE, data);
  } catch {
    return protoRegistry().decode(STATUS_TYPE, dropField(data, 3));
  }
}

export interface DeltaDiscoveryRequestJson {
  node?: NodeJson;
  type_url?: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string>;
  response_nonce?: string;
  error_detail?: { code?: number; message?: string };
}

/** Decodes a DeltaDiscoveryRequest: flat fields off the wire, node and error_detail through the registry. */
export function decodeDeltaDiscoveryRequest(data: Uint8Array): DeltaDiscoveryRequestJson {
  const req: DeltaDiscoveryRequestJson = {};
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const subscribe: string[] = [];
  const unsubscribe: string[] = [];
  for (const f of readFields(buf)) {
    const text = (): string => buf.toString('utf8', f.payloadStart, f.end);
    switch (f.number) {
      case 1: req.node = protoRegistry().decode(NODE_TYPE, buf.subarray(f.payloadStart, f.end)); break;
      case 2: req.type_url = text(); break;
      case 3: subscribe.push(text()); break;
      case 4: unsubscribe.push(text()); break;
      case 5: {
        // map<string, string> entry: key = 1, value = 2.
        const entry = buf.subarray(f.payloadStart, f.end);
        let key = '';
        let value = '';
        for (const g of readFields(entry)) {
          if (g.number === 1) key = entry.toString('utf8', g.payloadStart, g.end);
          else if (g.number === 2) value = entry.toString('utf8', g.payloadStart, g.end);
        }
        (req.initial_resource_versions ??= {})[key] = value;
        break;
      }
      case 6: req.response_nonce = text(); break;
      case 7: req.error_detail = decodeStatus(buf.subarray(f.payloadStart, f.end)); break;
      default: break; // resource locators and other fields Tether does not use
    }
  }
  req.resource_names_subscribe = subscribe;
  req.resource_names_unsubscribe = unsubscribe;
  return req;
}
