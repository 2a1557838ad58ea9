import { describe, expect, it } from 'vitest';
import { FieldReader } from './field-reader.ts';
import { parseLabelSelector, selectorMatches } from './label-selector.ts';

const parse = (v: unknown) => {
  const r = new FieldReader();
  return { selector: parseLabelSelector(r, v, 'sel'), problems: r.problems };
};

describe('label selectors', () => {
  it('ANDs matchLabels and every expression', () => {
    const { selector } = parse({ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'b'] }, { key: 'tmp', operator: 'DoesNotExist' }] });
    if (!selector) throw new Error('selector expected');
    expect(selectorMatches(selector, { env: 'prod', team: 'a' })).toBe(true);
    expect(selectorMatches(selector, { env: 'prod', team: 'c' })).toBe(false);
    expect(selectorMatches(selector, { env: 'prod', team: 'a', tmp: '' })).toBe(false);
    expect(selectorMatches(selector, { team: 'a' })).toBe(false);
  });

  it('handles NotIn and Exists, and an empty selector matches everything', () => {
    const { selector } = parse({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }, { key: 'app', operator: 'Exists' }] });
    if (!selector) throw new Error('selector expected');
    expect(selectorMatches(selector, { app: 'x' })).toBe(true);
    expect(selectorMatches(selector, { app: 'x', tier: 'db' })).toBe(false);
    const empty = parse({}).selector;
    expect(empty && selectorMatches(empty, {})).toBe(true);
  });

  it('refuses a malformed selector whole, naming the field', () => {
    expect(parse({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toEqual({ selector: undefined, problems: [{ severity: 'invalid', field: 'sel.matchExpressions[0].values', message: 'must not be empty for operator In' }] });
    expect(parse({ matchExpressions: [{ key: 'a', operator: 'Near' }] }).selector).toBeUndefined();
  });
});
