// What one xDS client may make the server hold. Every figure a client controls has a bound here,
// so no request, subscription or stream count can grow memory without limit; exceeding one ends
// that stream (never another) with RESOURCE_EXHAUSTED or INVALID_ARGUMENT and a log line.
// docs/operations.md "Limits" lists them with their defaults.

export interface XdsLimits {
  /** Bytes of one request message; gRPC refuses larger ones before they are read. */
  readonly maxRequestBytes: number;
  /** Top-level fields of one request (names, initial versions, unknown fields), counted before anything is built. */
  readonly maxRequestFields: number;
  /** Bytes of one resource name, node id, node.cluster, nonce, version or type URL. */
  readonly maxNameBytes: number;
  /** Names one stream may subscribe to, per resource type. */
  readonly maxSubscribedNames: number;
  /** Entries of a delta request's initial_resource_versions. */
  readonly maxInitialVersions: number;
  /** Bytes of a NACK's error message kept; the rest is dropped. */
  readonly maxNackMessageBytes: number;
  /** Open streams in all. */
  readonly maxStreams: number;
  /** Open streams naming one Gateway in node.cluster. */
  readonly maxStreamsPerGateway: number;
  /** Open streams naming Gateways Tether does not know. */
  readonly maxUnknownGatewayStreams: number;
  /** Repeated warnings (unknown Gateways, refused streams) are logged once per key per interval, with a count. */
  readonly repeatLogIntervalMs: number;
}

export const DEFAULT_XDS_LIMITS: XdsLimits = {
  maxRequestBytes: 4 * 1024 * 1024,
  maxRequestFields: 50_000,
  maxNameBytes: 1024,
  maxSubscribedNames: 20_000,
  maxInitialVersions: 20_000,
  maxNackMessageBytes: 4096,
  maxStreams: 10_000,
  maxStreamsPerGateway: 5_000,
  maxUnknownGatewayStreams: 1_000,
  repeatLogIntervalMs: 60_000,
};
