// The exact bytes of a SotW request's resource_names list. Envoy restates its whole subscription on
// every ACK (thousands of EDS names in each); a stream keeps the bytes of the list it applied last
// and recognises a restated list by comparing bytes, with no decoding and no hashing per ACK. A
// fleet of one Gateway subscribes with the same list, so lists are interned by content: every
// stream with the same subscription holds the same copy, and a stream's memory does not grow with
// its list. An entry goes away with the last stream holding it.
import { hash } from 'node:crypto';
import { bytesAt } from './proto-wire.ts';

export interface NamesSpan {
  /** The resource_names fields exactly as on the wire (tag, length, name, repeated), nothing between. */
  readonly bytes: Buffer;
  /** How many names the bytes hold. */
  readonly count: number;
  /**
   * The subscription these names make, once a stream applied them and shares the result: the
   * explicit names (a shared, never changed Set) and whether '*' was among them. A later stream
   * sending the same bytes takes it as it is, without decoding a name.
   */
  applied?: { readonly explicit: ReadonlySet<string>; readonly wildcard: boolean };
}

/** Below this size a list is its own key (its bytes as text); from it, a digest of them is. */
const DIGEST_FROM_BYTES = 512;

const shared = new Map<string, WeakRef<NamesSpan>>();
/** The large shared spans seen last, newest first: a stream's first request is compared with these (a fleet sends the same list). */
const recent: WeakRef<NamesSpan>[] = [];
const RECENT_SPANS = 4;
const cleanup = new FinalizationRegistry<string>((key) => {
  if (shared.get(key)?.deref() === undefined) shared.delete(key);
});

/**
 * The span for these bytes: a shared one with the same content, or a copy of them from now on, in
 * storage of its own: neither the request the bytes came from nor a pooled block (64 KiB, which a
 * short copy would otherwise keep alive for every stream holding one) is kept. Costs a key (a
 * digest for a large list), paid only when a stream's list differs from the one it had.
 */
export function internNamesSpan(bytes: Uint8Array, count: number): NamesSpan {
  const large = bytes.length >= DIGEST_FROM_BYTES;
  const key = large ? `d${count}:${bytes.length}:${hash('sha1', bytes, 'base64')}` : `s${count}:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')}`;
  const existing = shared.get(key)?.deref();
  if (existing && existing.bytes.equals(bytes)) {
    if (large) noteRecent(existing);
    return existing;
  }
  const own = Buffer.allocUnsafeSlow(bytes.length);
  own.set(bytes);
  const span: NamesSpan = { bytes: own, count };
  shared.set(key, new WeakRef(span));
  cleanup.register(span, key);
  if (large) noteRecent(span);
  return span;
}

function noteRecent(span: NamesSpan): void {
  if (recent[0]?.deref() === span) return;
  const at = recent.findIndex((r) => r.deref() === span);
  if (at >= 0) recent.splice(at, 1);
  recent.unshift(new WeakRef(span));
  recent.length = Math.min(recent.length, RECENT_SPANS);
}

/** The shared spans seen last that are still alive (held weakly: remembering them keeps nothing). */
export function recentSpans(): NamesSpan[] {
  const out: NamesSpan[] = [];
  for (const r of recent) {
    const span = r.deref();
    if (span) out.push(span);
  }
  return out;
}

/** Does `buf` hold exactly this span's bytes at `at`? (A memory comparison, no decoding.) */
export function spanAt(buf: Buffer, at: number, span: NamesSpan): boolean {
  return bytesAt(buf, at, at + span.bytes.length, span.bytes);
}

/** Distinct shared spans alive (for tests). */
export function sharedNamesSpans(): number {
  return shared.size;
}
