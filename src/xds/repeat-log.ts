// Warnings a client can trigger at will (streams naming unknown Gateways, streams refused at a
// limit) must not flood the log. The first event of a key is logged at once; further events of
// that key within the interval are counted and logged as one line with the count when the
// interval ends. At most `maxKeys` keys are tracked; events of further keys are counted together.
import type { Logger } from 'pino';

interface Entry {
  fields: Record<string, unknown>;
  msg: string;
  /** Events since the last line logged for this key. */
  repeated: number;
}

const OVERFLOW = '\0overflow';

export class RepeatLog {
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(logger: Logger, intervalMs: number, maxKeys = 1_000) {
    this.logger = logger;
    this.intervalMs = intervalMs;
    this.maxKeys = maxKeys;
  }

  /** Logs a warning for `key`, or counts it if that key was logged less than an interval ago. */
  warn(key: string, fields: Record<string, unknown>, msg: string): void {
    const entry = this.entries.get(key) ?? (this.entries.size >= this.maxKeys ? this.overflow() : undefined);
    if (entry) {
      entry.repeated++;
      if (entry !== this.entries.get(OVERFLOW)) {
        entry.fields = fields;
        entry.msg = msg;
      }
      return;
    }
    this.entries.set(key, { fields, msg, repeated: 0 });
    this.logger.warn(fields, msg);
    this.timer ??= setInterval(() => this.flush(), this.intervalMs).unref();
  }

  /** Logs the counts held back and forgets quiet keys. */
  flush(): void {
    const seconds = Math.round(this.intervalMs / 1000);
    for (const [key, entry] of this.entries) {
      if (entry.repeated === 0) {
        this.entries.delete(key);
        continue;
      }
      this.logger.warn({ ...entry.fields, repeated: entry.repeated }, `${entry.msg} (${entry.repeated} more time${entry.repeated === 1 ? '' : 's'} in the last ${seconds} s)`);
      entry.repeated = 0;
    }
    if (this.entries.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
    this.entries.clear();
  }

  private overflow(): Entry {
    let entry = this.entries.get(OVERFLOW);
    if (!entry) {
      // Counted from the next event on; the first one is this line.
      entry = { fields: {}, msg: `more repeated warnings than ${this.maxKeys} kinds; the rest are counted together`, repeated: 0 };
      this.entries.set(OVERFLOW, entry);
      this.logger.warn(entry.fields, entry.msg);
    }
    return entry;
  }
}
