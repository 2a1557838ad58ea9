import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggestion } from './did-you-mean.ts';

describe('did you mean', () => {
  it('computes edit distances, bailing out past the limit', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('domian', 'domain')).toBe(1);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBeGreaterThan(2);
  });

  it('suggests the closest plausible candidate, case-insensitively', () => {
    expect(didYouMean('stat_prefx', ['stat_prefix', 'server_name'])).toBe('stat_prefix');
    expect(didYouMean('RINGHASH', ['ROUND_ROBIN', 'RING_HASH', 'MAGLEV'])).toBe('RING_HASH');
    expect(didYouMean('Name', ['name'])).toBe('name');
    expect(didYouMean('completely_different', ['name', 'domains'])).toBeUndefined();
    expect(suggestion('domian', ['domains', 'name'])).toBe(' (did you mean "domains"?)');
    expect(suggestion('zzz', ['domains'])).toBe('');
  });
});
