// Capped exponential backoff with full jitter over the upper half (so retries of many informers
// spread out but never collapse to zero). A quiet period longer than twice the cap resets it, so an
// isolated failure after hours of health starts again from the initial delay.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random?: () => number;
  now?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private attempt = 0;
  private lastFailure = -Infinity;

  constructor(opts: BackoffOptions) {
    this.initialMs = opts.initialMs;
    this.maxMs = opts.maxMs;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
  }

  /** The delay before the next retry, after a failure now. */
  next(): number {
    const t = this.now();
    if (t - this.lastFailure > 2 * this.maxMs) this.attempt = 0;
    this.lastFailure = t;
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt++;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  reset(): void {
    this.attempt = 0;
    this.lastFailure = -Infinity;
  }
}
