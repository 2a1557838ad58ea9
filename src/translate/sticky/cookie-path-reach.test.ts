import { describe, expect, it } from 'vitest';
import { cookiePathFlag, cookiePathReach, cookiePathWarning } from './cookie-path-reach.ts';

describe('cookiePathReach', () => {
  it('lets / and an empty Path reach everything', () => {
    expect(cookiePathReach('/', { type: 'RegularExpression', value: '/a.*' })).toBe('all');
    expect(cookiePathReach('', { type: 'Exact', value: '/x' })).toBe('all');
  });

  it('reads Exact matches as Envoy reads the Path', () => {
    expect(cookiePathReach('/cart', { type: 'Exact', value: '/cart' })).toBe('all');
    expect(cookiePathReach('/cart', { type: 'Exact', value: '/cart/items' })).toBe('all');
    expect(cookiePathReach('/cart', { type: 'Exact', value: '/cartoon' })).toBe('none');
    expect(cookiePathReach('/cart/', { type: 'Exact', value: '/cart' })).toBe('none');
    expect(cookiePathReach('/cart/', { type: 'Exact', value: '/cart/x' })).toBe('all');
  });

  it('tells a prefix inside the Path from one the Path only partly covers or misses', () => {
    expect(cookiePathReach('/shop', { type: 'PathPrefix', value: '/shop/cart' })).toBe('all');
    expect(cookiePathReach('/shop', { type: 'PathPrefix', value: '/shop' })).toBe('all');
    expect(cookiePathReach('/shop/', { type: 'PathPrefix', value: '/shop' })).toBe('some');
    expect(cookiePathReach('/app/cart', { type: 'PathPrefix', value: '/app' })).toBe('some');
    expect(cookiePathReach('/cart', { type: 'PathPrefix', value: '/' })).toBe('some');
    expect(cookiePathReach('/cart', { type: 'PathPrefix', value: '/checkout' })).toBe('none');
    expect(cookiePathReach('/shop', { type: 'PathPrefix', value: '/shopping' })).toBe('none');
  });

  it('cannot judge a regex', () => {
    expect(cookiePathReach('/a', { type: 'RegularExpression', value: '/a.*' })).toBe('unknown');
  });
});

describe('cookiePathWarning and cookiePathFlag', () => {
  it('names the Path and the paths, and says whether stickiness never happens or only partly', () => {
    expect(cookiePathWarning('/cart', [{ type: 'PathPrefix', value: '/checkout' }])).toBe(
      'cookie Path "/cart" never matches the rule\'s paths (PathPrefix /checkout): Envoy applies a session only to requests inside its cookie\'s Path, so this rule is never sticky',
    );
    expect(cookiePathWarning('/app/cart', [{ type: 'PathPrefix', value: '/app' }])).toContain('does not cover all of the rule\'s paths (PathPrefix /app)');
    expect(cookiePathWarning('/a', [{ type: 'PathPrefix', value: '/a' }, { type: 'Exact', value: '/b' }])).toContain('(PathPrefix /a, Exact /b)');
    expect(cookiePathWarning('/a', [{ type: 'PathPrefix', value: '/a/b' }])).toBeUndefined();
    expect(cookiePathFlag('/cart', { type: 'PathPrefix', value: '/checkout' })).toBe('cookie Path /cart never matches');
    expect(cookiePathFlag('/', { type: 'PathPrefix', value: '/checkout' })).toBeUndefined();
  });
});
