import { describe, expect, it } from 'vitest';
import { gatewaysOfSubjectAltName, refusalReason } from './peer-identity.ts';

describe('peer identity', () => {
  it('reads Gateway URIs from Node\'s subjectaltname and ignores other names', () => {
    expect(gatewaysOfSubjectAltName('DNS:localhost, URI:tether://gateway/default/gw, IP Address:127.0.0.1, URI:https://example.com/x')).toEqual(['default/gw']);
    expect(gatewaysOfSubjectAltName('URI:tether://gateway/*')).toEqual(['*']);
    expect(gatewaysOfSubjectAltName('URI:"tether://gateway/a/b"')).toEqual(['a/b']);
    // Not a Gateway key: no identity.
    expect(gatewaysOfSubjectAltName('URI:tether://gateway/default, URI:tether://gateway/A/b, URI:tether://gateway/a/b/c')).toEqual([]);
    expect(gatewaysOfSubjectAltName(undefined)).toEqual([]);
  });

  it('allows only the named Gateway, and every Gateway for a fleet certificate when allowed', () => {
    expect(refusalReason(['default/gw'], 'default/gw', false)).toBeUndefined();
    expect(refusalReason(['default/gw'], 'other/gw', false)).toMatch(/node.cluster "other\/gw" is not the Gateway the client certificate names \(default\/gw\)/);
    expect(refusalReason([], 'default/gw', true)).toMatch(/names no Gateway/);
    expect(refusalReason(['*'], 'default/gw', false)).toMatch(/fleet-wide/);
    expect(refusalReason(['*'], 'default/gw', true)).toBeUndefined();
    expect(refusalReason(['a/b', 'c/d'], 'c/d', false)).toBeUndefined();
  });
});
