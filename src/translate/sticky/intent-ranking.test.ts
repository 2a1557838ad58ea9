import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../k8s/kube-object.ts';
import { IntentRanking } from './intent-ranking.ts';
import { PolicyRecord } from './policy-record.ts';
import type { StickyIntentInput } from './sticky-context.ts';
import type { StickyRuleInput } from './sticky-resolver.ts';
import type { StickyTarget } from './sticky-target.ts';

const route = { kind: 'HTTPRoute' as const, namespace: 'ns', name: 'web' };
const gateway = { namespace: 'ns', name: 'gw' };
const input: StickyRuleInput = { route, ruleIndex: 0, ruleName: 'main', gateway, listenerNames: ['http'], backends: [{ namespace: 'ns', name: 'a', port: 80, weight: 1 }] };

function intent(name: string, target: StickyTarget, over: Partial<StickyIntentInput> = {}): StickyIntentInput {
  const obj: KubeObject = { apiVersion: 'tether.dev/v1alpha1', kind: 'SessionPolicy', metadata: { name, namespace: 'ns' } };
  return { target, dialect: 'session-policy', record: new PolicyRecord(obj, true), origin: { kind: 'SessionPolicy', namespace: 'ns', name }, strict: true, age: name, conflictClass: 'c', ...over };
}

const names = (r: IntentRanking) => r.candidates(input).map((c) => c.intent.origin.name);

describe('IntentRanking', () => {
  it('ranks most specific first, then the stronger dialect, then the oldest', () => {
    const ranking = new IntentRanking([
      intent('1-gateway', { level: 'gateway', gateway }),
      intent('2-service-vendor', { level: 'service', namespace: 'ns', name: 'a' }, { dialect: 'vendor', conflictClass: 'v' }),
      intent('3-service', { level: 'service', namespace: 'ns', name: 'a' }, { conflictClass: 's' }),
      intent('4-rule', { level: 'rule', route, ruleName: 'main' }),
      intent('5-listener', { level: 'listener', gateway, listener: 'http' }),
      intent('6-route', { level: 'route', route }),
    ]);
    expect(names(ranking)).toEqual(['4-rule', '6-route', '3-service', '2-service-vendor', '5-listener', '1-gateway']);
  });

  it('skips intents for other Services, other ports and other listeners', () => {
    const ranking = new IntentRanking([
      intent('other-service', { level: 'service', namespace: 'ns', name: 'b' }),
      intent('other-port', { level: 'service', namespace: 'ns', name: 'a', port: 81 }),
      intent('other-listener', { level: 'listener', gateway, listener: 'https' }),
    ]);
    expect(names(ranking)).toEqual([]);
  });

  it('lets the oldest of one class on one target win: identical settings are twins, different ones conflict', () => {
    const older = intent('a-older', { level: 'route', route });
    const twin = intent('b-twin', { level: 'route', route });
    const rival = intent('c-rival', { level: 'route', route }, { strict: false });
    const ranking = new IntentRanking([rival, twin, older]);
    const [only, ...rest] = ranking.candidates(input);
    expect(rest).toEqual([]);
    expect(only?.intent.origin.name).toBe('a-older');
    expect(only?.intent.twins).toEqual([twin.record]);
    expect(rival.record?.conflicts).toEqual(['HTTPRoute ns/web is also targeted by older SessionPolicy ns/a-older with different settings; the older one wins']);
  });

  it('treats an unwritten cookie Path as the default when comparing settings', () => {
    const cookie = { type: 'cookie' as const, name: 'sid', attributes: [] };
    const written = intent('a', { level: 'route', route }, { session: { ...cookie, path: '/' } });
    const unwritten = intent('b', { level: 'route', route }, { session: cookie });
    new IntentRanking([written, unwritten]);
    expect(unwritten.record?.conflicts).toEqual([]);
  });
});
