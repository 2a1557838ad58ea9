// One response as the parts it is made of (a body shared by every stream, the stream's own nonce
// field, or each resource's pre-framed field), never concatenated per stream. The server's identity
// serialiser hands this object to grpc-js, which reads `byteLength` and calls `copy(target, offset)`
// to fill the message frame it allocates anyway: the parts are copied once, straight into that
// frame, instead of once into a per-stream Buffer and again into the frame. The frame is all grpc-js
// needs from a serialised message (checked over real gRPC by the loopback suites under test/xds/).

import { stringField } from './proto-wire.ts';

/** Nonces kept made and framed: every stream counts its responses from 1, so the first few thousand repeat across streams. */
const SHARED_NONCES = 4096;
const nonceFields: Buffer[] = [];
const nonceTexts: string[] = [];

/** A stream's n-th nonce: the count in base 36. */
export function nonceText(n: number): string {
  if (n >= SHARED_NONCES) return n.toString(36);
  return (nonceTexts[n] ??= n.toString(36));
}

/** The nonce field (number 5 in DiscoveryResponse and DeltaDiscoveryResponse) of a stream's n-th response. */
export function nonceField(n: number): Buffer {
  if (n >= SHARED_NONCES) return stringField(5, nonceText(n));
  return (nonceFields[n] ??= stringField(5, nonceText(n)));
}

export class ResponseFrame {
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;

  constructor(parts: readonly Uint8Array[]) {
    this.parts = parts;
    let n = 0;
    for (const p of parts) n += p.length;
    this.byteLength = n;
  }

  get length(): number {
    return this.byteLength;
  }

  /** Copies the whole response into `target` at `targetStart` (the one copy a response costs). */
  copy(target: Uint8Array, targetStart = 0): number {
    let at = targetStart;
    for (const p of this.parts) {
      target.set(p, at);
      at += p.length;
    }
    return at - targetStart;
  }

  /** The response as one Buffer (for callers that are not grpc-js, such as tests). */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.copy(out, 0);
    return out;
  }
}
