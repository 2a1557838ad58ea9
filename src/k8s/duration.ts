// Durations as users write them. Gateway API fields use the Gateway API Duration (GEP-2257): 1 to 4
// `<number><unit>` parts, unit h, m, s or ms, numbers up to 5 digits, e.g. "1h30m", "500ms", "0s".
// Vendor policies use Go / protobuf-JSON durations (`60s`, `1.5s`, `1h30m`, `250us`).

const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const LOOSE_DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;
const PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

function sumSeconds(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms / 1000;
}

/** Seconds of a Gateway API Duration, or undefined when `text` does not match its pattern. */
export function parseGatewayDuration(text: string): number | undefined {
  return GATEWAY_DURATION.test(text) ? sumSeconds(text) : undefined;
}

/** Seconds of a Go or protobuf-JSON duration (also accepts Gateway API durations). */
export function parseLooseDuration(text: string): number | undefined {
  return LOOSE_DURATION.test(text) ? sumSeconds(text) : undefined;
}
