import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('Gateway API durations', () => {
  it('parses up to four parts in seconds', () => {
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1m30s250ms')).toBe(90.25);
  });

  it('refuses what the CRD pattern refuses', () => {
    for (const bad of ['', '10', '1.5s', '1d', '123456s', '1s1s1s1s1s', '-1s', ' 1s']) expect(parseDuration(bad)).toBeUndefined();
  });
});
