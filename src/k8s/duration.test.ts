import { describe, expect, it } from 'vitest';
import { parseGatewayDuration, parseLooseDuration } from './duration.ts';

describe('Gateway API durations', () => {
  it('parses up to four parts in seconds', () => {
    expect(parseGatewayDuration('0s')).toBe(0);
    expect(parseGatewayDuration('500ms')).toBe(0.5);
    expect(parseGatewayDuration('1h30m')).toBe(5400);
    expect(parseGatewayDuration('1m30s250ms')).toBe(90.25);
  });

  it('refuses what the CRD pattern refuses', () => {
    for (const bad of ['', '10', '1.5s', '1d', '123456s', '1s1s1s1s1s', '-1s', ' 1s']) expect(parseGatewayDuration(bad)).toBeUndefined();
  });

  it.each([
    ['10s', 10],
    ['1h30m', 5400],
    ['1500ms', 1.5],
    ['99999s', 99999],
    ['1h1m1s1ms', 3661.001],
    ['0s', 0],
  ])('Gateway API %s = %d s', (text, seconds) => {
    expect(parseGatewayDuration(text)).toBeCloseTo(seconds, 6);
  });

  it.each(['', '10', '1.5s', '100000s', '1h1m1s1ms1h', '1d', ' 10s', '-1s', '10S'])('Gateway API rejects %j', (text) => {
    expect(parseGatewayDuration(text)).toBeUndefined();
  });
});

describe('Go and protobuf durations', () => {
  it('accepts Go and protobuf forms loosely', () => {
    expect(parseLooseDuration('1.5s')).toBe(1.5);
    expect(parseLooseDuration('2h45m')).toBe(9900);
    expect(parseLooseDuration('250us')).toBeCloseTo(0.00025, 9);
    expect(parseLooseDuration('ten minutes')).toBeUndefined();
  });
});
