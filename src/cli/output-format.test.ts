import { describe, expect, it } from 'vitest';
import { formatSeconds, renderTable } from './output-format.ts';

describe('output format helpers', () => {
  it.each([
    [0, '0s'],
    [10, '10s'],
    [90, '1m30s'],
    [3600, '1h'],
    [86461, '24h1m1s'],
  ])('formatSeconds(%d) = %s', (s, text) => {
    expect(formatSeconds(s)).toBe(text);
  });

  it('aligns table columns and trims trailing space', () => {
    expect(renderTable(['A', 'BB'], [['long', 'x'], ['s', '']])).toBe('A     BB\nlong  x\ns\n');
  });
});
