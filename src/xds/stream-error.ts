// A request that ends its stream with a gRPC status: malformed, over a limit, or out of protocol.
import type { status } from '@grpc/grpc-js';

export class StreamError extends Error {
  readonly code: status;
  constructor(code: status, message: string) {
    super(message);
    this.code = code;
  }
}
