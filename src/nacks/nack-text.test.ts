import { describe, expect, it } from 'vitest';
import { sanitizeNackText } from './nack-text.ts';

describe('sanitizeNackText', () => {
  it('turns controls, bidi overrides and zero-width marks into single spaces', () => {
    expect(sanitizeNackText('a\u0000b\tc\n\nd\u202ee\u200bf\u009bg', 100)).toBe('a b c d e f g');
  });

  it('caps the length with an ellipsis, never splitting a surrogate pair', () => {
    expect(sanitizeNackText('abcdef', 4)).toBe('abc…');
    const cut = sanitizeNackText(`ab${'😀'.repeat(3)}`, 4);
    expect(cut).toBe('ab…');
    expect(sanitizeNackText('short', 4096)).toBe('short');
  });
});
