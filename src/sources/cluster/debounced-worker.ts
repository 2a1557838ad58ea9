// One pass at a time, after a debounce: a pass starts `ms` after it is asked for unless one is
// already queued or running, and another follows at once (or after the owner's retry delay) while
// the owner says there is more to do. Callers wait for quiet with idle(). The status writer and
// the provisioner both write to the API server this way.

export interface DebouncedWorkerOptions {
  /** One pass. */
  readonly run: () => Promise<void>;
  /** After a pass: is there more to do? Then another pass follows. */
  readonly more: () => boolean;
  /** How long to wait before that next pass, in ms (a retry backoff, or 0). */
  readonly nextDelay: () => number;
}

export class DebouncedWorker {
  private readonly o: DebouncedWorkerOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(opts: DebouncedWorkerOptions) {
    this.o = opts;
  }

  /** Is a pass queued or running? */
  get busy(): boolean {
    return this.running !== undefined || this.timer !== undefined;
  }

  /** Queues a pass in `ms`, unless one is queued or running already (it will ask `more()` when done). */
  schedule(ms: number): void {
    if (this.stopped || this.busy) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.o.run().finally(() => {
        this.running = undefined;
        if (!this.stopped && this.o.more()) this.schedule(this.o.nextDelay());
        else this.wake();
      });
    }, ms);
  }

  /** Resolves once no pass is queued or running; at once when none is and the owner is `quiet`. */
  async idle(quiet: boolean): Promise<void> {
    if (!this.busy && quiet) return;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** No further passes; a running one finishes, then waiters are released. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.wake();
  }

  private wake(): void {
    if (this.busy) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
