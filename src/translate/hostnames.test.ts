import { describe, expect, it } from 'vitest';
import { compareHostnames, intersectHostnames, wildcardCovers } from './hostnames.ts';

describe('hostname intersection', () => {
  it('uses the listener hostname (or any) when the route names none', () => {
    expect(intersectHostnames('a.example.com', [])).toEqual(['a.example.com']);
    expect(intersectHostnames('*.example.com', [])).toEqual(['*.example.com']);
    expect(intersectHostnames(undefined, [])).toEqual(['*']);
  });

  it('keeps the route hostnames when the listener names none', () => {
    expect(intersectHostnames(undefined, ['b.example.com', 'a.example.com', 'a.example.com'])).toEqual(['a.example.com', 'b.example.com']);
  });

  it('narrows wildcards on either side to the more specific name', () => {
    expect(intersectHostnames('*.example.com', ['foo.example.com', 'a.b.example.com', 'example.com', 'foo.example.org'])).toEqual(['a.b.example.com', 'foo.example.com']);
    expect(intersectHostnames('foo.example.com', ['*.example.com'])).toEqual(['foo.example.com']);
    expect(intersectHostnames('*.example.com', ['*.b.example.com', '*.example.com', '*.org'])).toEqual(['*.b.example.com', '*.example.com']);
    expect(intersectHostnames('*.b.example.com', ['*.example.com'])).toEqual(['*.b.example.com']);
  });

  it('is empty when nothing fits', () => {
    expect(intersectHostnames('a.example.com', ['b.example.com'])).toEqual([]);
    expect(intersectHostnames('*.example.com', ['example.com'])).toEqual([]);
  });

  it('wildcards need at least one more label', () => {
    expect(wildcardCovers('*.example.com', 'x.example.com')).toBe(true);
    expect(wildcardCovers('*.example.com', 'example.com')).toBe(false);
    expect(wildcardCovers('*.example.com', 'xexample.com')).toBe(false);
  });

  it('orders virtual hosts exact, then longer wildcards, then any', () => {
    expect(['*', '*.example.com', 'b.example.com', '*.a.example.com', 'a.example.com'].sort(compareHostnames)).toEqual(['a.example.com', 'b.example.com', '*.a.example.com', '*.example.com', '*']);
  });
});
