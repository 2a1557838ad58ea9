import { describe, expect, it } from 'vitest';
import { DebouncedWorker } from './debounced-worker.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('DebouncedWorker', () => {
  it('coalesces requests into one pass after the debounce, and runs again while there is more', async () => {
    let passes = 0;
    let pending = 0;
    const w = new DebouncedWorker({
      run: async () => {
        passes++;
        await sleep(5);
        if (pending > 0) pending--;
      },
      more: () => pending > 0,
      nextDelay: () => 0,
    });
    for (let i = 0; i < 5; i++) w.schedule(20);
    expect(w.busy).toBe(true);
    await sleep(10);
    expect(passes).toBe(0);
    pending = 2;
    await w.idle(false);
    // One pass for the five requests (it takes one pending item), then one more for the other.
    expect(passes).toBe(2);
    expect(w.busy).toBe(false);
    await w.idle(true);
  });

  it('never runs two passes at once; a request during a pass waits for more()', async () => {
    let running = 0;
    let overlap = false;
    let again = false;
    let passes = 0;
    const w = new DebouncedWorker({
      run: async () => {
        running++;
        overlap ||= running > 1;
        passes++;
        await sleep(10);
        running--;
      },
      more: () => {
        const m = again;
        again = false;
        return m;
      },
      nextDelay: () => 5,
    });
    w.schedule(0);
    await sleep(3);
    again = true;
    w.schedule(0);
    await w.idle(false);
    expect([passes, overlap]).toEqual([2, false]);
  });

  it('stop cancels a queued pass and releases waiters', async () => {
    let passes = 0;
    const w = new DebouncedWorker({ run: () => Promise.resolve(void passes++), more: () => false, nextDelay: () => 0 });
    w.schedule(50);
    const waited = w.idle(false);
    w.stop();
    await waited;
    w.schedule(0);
    await sleep(60);
    expect([passes, w.busy]).toEqual([0, false]);
  });
});
