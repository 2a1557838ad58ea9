// Gateway API Duration (GEP-2257): 1 to 4 `<number><unit>` parts, unit h, m, s or ms, numbers up to
// 5 digits, e.g. "1h30m", "500ms", "0s".

const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const PART = /([0-9]{1,5})(ms|h|m|s)/g;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds, or undefined when `value` is not a Gateway API Duration. */
export function parseDuration(value: string): number | undefined {
  if (!DURATION.test(value)) return undefined;
  let ms = 0;
  for (const m of value.matchAll(PART)) ms += Number(m[1]) * (UNIT_SECONDS[m[2]] ?? 0) * 1000;
  return Math.round(ms) / 1000;
}
