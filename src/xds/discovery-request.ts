// Decoding of the requests a client sends on a stream: DiscoveryRequest (SotW) and
// DeltaDiscoveryRequest. Everything is read straight off the wire, only the fields Tether uses,
// and every count and length a client controls is checked against XdsLimits before anything is
// built: a request of millions of tiny unknown fields, names or initial versions ends its stream
// (RESOURCE_EXHAUSTED) after a bounded amount of work and allocates nothing per field.
import { status } from '@grpc/grpc-js';
import { internNamesSpan, spanAt, type NamesSpan } from './names-span.ts';
import { SHARE_NAMES_FROM } from './shared-names.ts';
import { bytesAt, forEachField } from './proto-wire.ts';
import { TypeUrl, type XdsProtocol } from './resource-types.ts';
import { StreamError } from './stream-error.ts';
import type { XdsLimits } from './xds-limits.ts';

/** The subset of config.core.v3.Node the server reads. */
export interface NodeJson {
  id?: string;
  cluster?: string;
  user_agent_name?: string;
}

/** google.rpc.Status of a NACK; details are never read. */
export interface ErrorDetail {
  code?: number;
  message?: string;
}

export interface DiscoveryRequestJson {
  version_info?: string;
  node?: NodeJson;
  /** The names, unless the request restated a list the caller already holds (see names_span). */
  resource_names?: string[];
  /**
   * The names as bytes: the caller's own span when the request restated it (resource_names is then
   * left undecoded), else the interned bytes of a list of names written together.
   */
  names_span?: NamesSpan;
  type_url?: string;
  response_nonce?: string;
  error_detail?: ErrorDetail;
}

/** The limits the decoders apply (a subset of XdsLimits). */
export type RequestLimits = Pick<XdsLimits, 'maxRequestFields' | 'maxNameBytes' | 'maxSubscribedNames' | 'maxInitialVersions' | 'maxNackMessageBytes'>;

/**
 * Decodes a DiscoveryRequest. Envoy restates every subscribed name on each ACK (thousands of EDS
 * names): when the names are, byte for byte, one of the `known` spans (the lists the stream applied
 * last), they are skipped unread and the span is returned instead of strings. Throws StreamError
 * when the request is malformed or over a limit.
 */
export function decodeDiscoveryRequest(data: Uint8Array, limits: RequestLimits, known: readonly NamesSpan[] = [], more?: () => readonly NamesSpan[]): DiscoveryRequestJson {
  const req: DiscoveryRequestJson = {};
  const buf = asBuffer(data);
  const text = boundedText(buf, limits);
  // A list the stream holds (or, failing that, one of `more`).
  const names = new NamesField(buf, limits, 'resource names', (at) => spanAmong(buf, at, known) ?? (more && spanAmong(buf, at, more())));
  walk(buf, limits, (field, start, payloadStart, end) => {
    switch (field) {
      case 1: req.version_info = text('version_info', payloadStart, end); break;
      case 2: req.node = decodeNode(buf.subarray(payloadStart, end), limits); break;
      case 3: return names.visit(start, payloadStart, end);
      case 4: req.type_url = servedTypeUrlAt(buf, payloadStart, end) ?? text('type_url', payloadStart, end); break;
      case 5: req.response_nonce = text('response_nonce', payloadStart, end); break;
      case 6: req.error_detail = decodeStatus(buf.subarray(payloadStart, end), limits); break;
      default: break; // resource_locators and other fields Tether does not use
    }
  });
  if (names.matched) {
    req.names_span = names.matched;
    return req;
  }
  req.resource_names = names.decoded();
  const span = names.span(1);
  if (span) req.names_span = span;
  return req;
}

/** The names a span holds (for a span recognised under another type than the request's). */
export function namesOf(span: NamesSpan): string[] {
  const names: string[] = [];
  forEachField(span.bytes, (field, _start, payloadStart, end) => {
    if (field === 3) names.push(span.bytes.toString('utf8', payloadStart, end));
  });
  return names;
}

export interface DeltaDiscoveryRequestJson {
  node?: NodeJson;
  type_url?: string;
  /** The names to subscribe, unless they are, byte for byte, a list another stream sent (see subscribe_span). */
  resource_names_subscribe?: string[];
  /**
   * resource_names_subscribe as bytes, for a large list written together: one of the lists the
   * fleet sent last (resource_names_subscribe is then left undecoded), or the interned bytes of
   * this one.
   */
  subscribe_span?: NamesSpan;
  resource_names_unsubscribe?: string[];
  /** name → version; a Map, so no name a client sends can reach an object's prototype. */
  initial_resource_versions?: Map<string, string>;
  response_nonce?: string;
  error_detail?: ErrorDetail;
}

/**
 * Decodes a DeltaDiscoveryRequest. A fleet of one Gateway subscribes with the same large list (every
 * EDS name on a first sync): when resource_names_subscribe is, byte for byte, one of the `recent`
 * lists, it is skipped unread and its span returned instead of strings. Throws StreamError when the
 * request is malformed or over a limit.
 */
export function decodeDeltaDiscoveryRequest(data: Uint8Array, limits: RequestLimits, recent?: () => readonly NamesSpan[]): DeltaDiscoveryRequestJson {
  const req: DeltaDiscoveryRequestJson = {};
  const buf = asBuffer(data);
  const text = boundedText(buf, limits);
  const subscribe = new NamesField(buf, limits, 'names in resource_names_subscribe', (at) => recent && spanAmong(buf, at, recent()));
  const unsubscribe: string[] = [];
  let versions = 0;
  walk(buf, limits, (field, start, payloadStart, end) => {
    switch (field) {
      case 1: req.node = decodeNode(buf.subarray(payloadStart, end), limits); break;
      case 2: req.type_url = servedTypeUrlAt(buf, payloadStart, end) ?? text('type_url', payloadStart, end); break;
      case 3: return subscribe.visit(start, payloadStart, end);
      case 4:
        if (unsubscribe.length >= limits.maxSubscribedNames) throw tooMany(`more than ${limits.maxSubscribedNames} names in resource_names_unsubscribe`);
        unsubscribe.push(text('a resource name', payloadStart, end));
        break;
      case 5: {
        if (++versions > limits.maxInitialVersions) throw tooMany(`more than ${limits.maxInitialVersions} initial_resource_versions`);
        // map<string, string> entry: key = 1, value = 2.
        const entry = buf.subarray(payloadStart, end);
        const entryText = boundedText(entry, limits);
        let key = '';
        let value = '';
        walk(entry, limits, (g, _s, ps, e) => {
          if (g === 1) key = entryText('a resource name', ps, e);
          else if (g === 2) value = entryText('a resource version', ps, e);
        });
        (req.initial_resource_versions ??= new Map()).set(key, value);
        break;
      }
      case 6: req.response_nonce = text('response_nonce', payloadStart, end); break;
      case 7: req.error_detail = decodeStatus(buf.subarray(payloadStart, end), limits); break;
      default: break; // resource locators and other fields Tether does not use
    }
  });
  req.resource_names_unsubscribe = unsubscribe;
  if (subscribe.matched) {
    req.subscribe_span = subscribe.matched;
    return req;
  }
  req.resource_names_subscribe = subscribe.decoded();
  // Only a list large enough to be shared between streams is worth a key (shared-names.ts).
  const span = subscribe.span(SHARE_NAMES_FROM);
  if (span) req.subscribe_span = span;
  return req;
}

/**
 * The repeated names field of a request (number 3 in DiscoveryRequest and DeltaDiscoveryRequest),
 * read as the request is walked: each name's length and the count are checked, and a list that is
 * byte for byte one a stream already applied (found by `known`) is skipped unread. Its names passed
 * these checks when it was first applied.
 */
class NamesField {
  /** The known list the field is, when it is exactly that and nothing more. */
  matched: NamesSpan | undefined;
  private count = 0;
  private start = -1;
  private end = -1;
  /** The names are written together, nothing between them (field order, as Envoy writes). */
  private together = true;
  private readonly buf: Buffer;
  private readonly limits: RequestLimits;
  private readonly what: string;
  private readonly known: (at: number) => NamesSpan | undefined;

  constructor(buf: Buffer, limits: RequestLimits, what: string, known: (at: number) => NamesSpan | undefined) {
    this.buf = buf;
    this.limits = limits;
    this.what = what;
    this.known = known;
  }

  /** One name at [start, end), its payload from payloadStart; returns where the walk goes on after a known list. */
  visit(start: number, payloadStart: number, end: number): number | undefined {
    if (this.start < 0) {
      this.start = start;
      this.matched = this.known(start);
      if (this.matched) {
        this.count = this.matched.count;
        this.end = start + this.matched.bytes.length;
        return this.end;
      }
    } else {
      // More names after a known list, or names with other fields between: read them all.
      this.matched = undefined;
      if (start !== this.end) this.together = false;
    }
    if (end - payloadStart > this.limits.maxNameBytes) throw tooLong('a resource name', this.limits.maxNameBytes);
    if (++this.count > this.limits.maxSubscribedNames) throw tooMany(`more than ${this.limits.maxSubscribedNames} ${this.what}`);
    this.end = end;
    return undefined;
  }

  /** Every name, decoded (when the field is not a known list). */
  decoded(): string[] {
    const names: string[] = [];
    if (this.count === 0) return names;
    forEachField(this.buf, (field, _start, payloadStart, end) => {
      if (field === 3) names.push(this.buf.toString('utf8', payloadStart, end));
    });
    return names;
  }

  /** The names' bytes, interned, when they were written together and number at least `from`. */
  span(from: number): NamesSpan | undefined {
    if (!this.together || this.count === 0 || this.count < from) return undefined;
    return internNamesSpan(this.buf.subarray(this.start, this.end), this.count);
  }
}

/** config.core.v3.Node: id = 1, cluster = 2, user_agent_name = 6; metadata, extensions and the rest are skipped unread. */
function decodeNode(buf: Buffer, limits: RequestLimits): NodeJson {
  const node: NodeJson = {};
  const text = boundedText(buf, limits);
  walk(buf, limits, (field, _start, payloadStart, end) => {
    if (field === 1) node.id = text('node.id', payloadStart, end);
    else if (field === 2) node.cluster = text('node.cluster', payloadStart, end);
    else if (field === 6) node.user_agent_name = text('node.user_agent_name', payloadStart, end);
  });
  return node;
}

/** google.rpc.Status: code = 1 (varint), message = 2, cut to maxNackMessageBytes; details (3) are never read. */
function decodeStatus(buf: Buffer, limits: RequestLimits): ErrorDetail {
  const detail: ErrorDetail = {};
  walk(buf, limits, (field, _start, payloadStart, end) => {
    if (field === 1) detail.code = readVarint(buf, payloadStart, end);
    else if (field === 2) detail.message = buf.toString('utf8', payloadStart, Math.min(end, payloadStart + limits.maxNackMessageBytes));
  });
  return detail;
}

/** forEachField with the field-count limit, and wire errors as INVALID_ARGUMENT. */
function walk(buf: Buffer, limits: RequestLimits, visit: (field: number, start: number, payloadStart: number, end: number) => number | void): void {
  let fields = 0;
  try {
    forEachField(buf, (field, start, payloadStart, end) => {
      if (++fields > limits.maxRequestFields) throw tooMany(`more than ${limits.maxRequestFields} fields in one message`);
      return visit(field, start, payloadStart, end);
    });
  } catch (err) {
    if (err instanceof StreamError) throw err;
    throw new StreamError(status.INVALID_ARGUMENT, `malformed request: ${(err as Error).message}`);
  }
}

/** What a plain ACK of one response carries, as bytes: the type URL and nonce, and (SotW) the names list the stream holds, if any. */
export interface PlainAck {
  readonly typeUrl: Buffer;
  readonly nonce: Buffer;
  readonly names?: NamesSpan;
}

/** Field numbers a plain ACK may carry (-1: the protocol has no such field). */
const ACK_FIELDS = {
  sotw: { version: 1, node: 2, names: 3, typeUrl: 4, nonce: 5 },
  delta: { version: -1, node: 1, names: -1, typeUrl: 2, nonce: 6 },
} as const;

/**
 * Is this request nothing but a plain ACK: the type URL and nonce given, SotW's names exactly the
 * list given (or none when none is given), and besides those only node (a bound stream does not
 * read it again) and SotW's version_info (which never decides an ACK: docs/xds-protocol.md#ack-nack)?
 * Read without decoding a string or allocating; any other field, a field twice, or anything
 * malformed is a no, and the full decoder reads the request as usual.
 */
export function isPlainAck(data: Uint8Array, protocol: XdsProtocol, ack: PlainAck): boolean {
  const buf = asBuffer(data);
  const f = ACK_FIELDS[protocol];
  let typeSeen = false;
  let nonceSeen = false;
  let namesSeen = false;
  let ok = true;
  try {
    forEachField(buf, (field, start, payloadStart, end) => {
      if (field === f.typeUrl && !typeSeen) {
        typeSeen = true;
        ok = bytesAt(buf, payloadStart, end, ack.typeUrl);
      } else if (field === f.nonce && !nonceSeen) {
        nonceSeen = true;
        ok = bytesAt(buf, payloadStart, end, ack.nonce);
      } else if (field === f.names && !namesSeen && ack.names !== undefined && spanAt(buf, start, ack.names)) {
        namesSeen = true;
        return start + ack.names.bytes.length;
      } else if (field !== f.node && field !== f.version) ok = false;
      return ok ? undefined : buf.length;
    });
  } catch {
    return false;
  }
  return ok && typeSeen && nonceSeen && namesSeen === (ack.names !== undefined);
}

/** The first of these spans whose bytes `buf` holds at `at`. */
function spanAmong(buf: Buffer, at: number, spans: readonly NamesSpan[]): NamesSpan | undefined {
  for (const span of spans) if (spanAt(buf, at, span)) return span;
  return undefined;
}

/** The type URLs Tether serves, as bytes: every request names one, and a match needs no new string. */
const SERVED_TYPE_URLS: readonly (readonly [Buffer, string])[] = Object.values(TypeUrl).map((url) => [Buffer.from(url), url] as const);

/** The served type URL `buf` holds in [start, end), as the shared constant string, if it is one. */
function servedTypeUrlAt(buf: Buffer, start: number, end: number): string | undefined {
  for (const [bytes, url] of SERVED_TYPE_URLS) if (bytesAt(buf, start, end, bytes)) return url;
  return undefined;
}

function boundedText(buf: Buffer, limits: RequestLimits): (what: string, start: number, end: number) => string {
  return (what, start, end) => {
    if (end - start > limits.maxNameBytes) throw tooLong(what, limits.maxNameBytes);
    return buf.toString('utf8', start, end);
  };
}

/** The low 32 bits of a varint (a gRPC status code), read within [start, end). */
function readVarint(buf: Buffer, start: number, end: number): number {
  let value = 0;
  let mul = 1;
  for (let i = start; i < end && i < start + 10; i++) {
    value += (buf[i] & 0x7f) * mul;
    if ((buf[i] & 0x80) === 0) break;
    mul *= 0x80;
  }
  return value % 2 ** 32;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function tooMany(what: string): StreamError {
  return new StreamError(status.RESOURCE_EXHAUSTED, `request refused: ${what} (limit of this server)`);
}

function tooLong(what: string, limit: number): StreamError {
  return new StreamError(status.INVALID_ARGUMENT, `request refused: ${what} is longer than ${limit} bytes`);
}
