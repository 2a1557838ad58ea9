import { describe, expect, it } from 'vitest';
import { TypeUrl } from './resource-types.ts';
import { TypeState } from './type-state.ts';

const state = (legacy = true, fullState = false) => new TypeState(TypeUrl.cluster, legacy, fullState);
const names = (st: TypeState) => [st.wildcard, [...st.names].sort()];
/** Records a response carrying these names at version v1, as a stream does when it writes one. */
const sendNames = (st: TypeState, sent: string[]) =>
  st.recordSent('n', { resources: sent.map((name) => ({ typeUrl: st.typeUrl, name, version: 'v1', sotwField: Buffer.alloc(0), deltaField: Buffer.alloc(0) })), removed: [], fullState: false, version: 'v', complete: true }, undefined, 0);

describe('TypeState subscriptions', () => {
  it('SotW: {} → wildcard, {*,A} → wildcard + A, {A} → A, {} → nothing', () => {
    const st = state();
    st.applySotwNames([]);
    expect(names(st)).toEqual([true, []]);
    expect(st.applySotwNames(['*', 'A'])).toEqual(['A']);
    expect(names(st)).toEqual([true, ['A']]);
    st.applySotwNames(['A']);
    expect(names(st)).toEqual([false, ['A']]);
    st.applySotwNames([]);
    expect(names(st)).toEqual([false, []]);
  });

  it('states that start with no names do not share the names one of them subscribes to', () => {
    const [a, b, c] = [state(), state(), state()];
    a.applySotwNames(['A']);
    b.applyDeltaNames(['B'], [], true);
    expect([names(a), names(b), names(c)]).toEqual([[false, ['A']], [false, ['B']], [false, []]]);
    c.applyDeltaNames([], ['C'], true);
    expect([...a.names, ...b.names, ...c.names]).toEqual(['A', 'B']);
  });

  it('a wildcard type that never names anything keeps no Set of names of its own', () => {
    const [sotw, delta, idle] = [state(), state(), state()];
    sotw.applySotwNames([]);
    delta.applyDeltaNames([], [], true);
    delta.applyDeltaNames([], ['not named'], false);
    expect([sotw.wildcard, delta.wildcard]).toEqual([true, true]);
    expect(sotw.names).toBe(idle.names);
    expect(delta.names).toBe(idle.names);
    // Naming one later gives the type a Set of its own; the shared one stays empty.
    delta.applyDeltaNames(['A'], [], false);
    expect(delta.names).not.toBe(idle.names);
    expect([[...delta.names], idle.names.size]).toEqual([['A'], 0]);
  });

  it('SotW: a restated empty list (every wildcard ACK) keeps the type in sync', () => {
    const view = {};
    for (const [legacy, everNamed] of [[true, false], [false, false], [true, true]] as const) {
      const st = state(legacy);
      if (everNamed) st.applySotwNames(['A']);
      st.applySotwNames([]);
      const before = names(st);
      st.markSynced(view);
      expect(st.applySotwNames([])).toEqual([]);
      expect(names(st)).toEqual(before);
      expect(st.syncedWith).toBe(view);
    }
    // A change of subscription is not a restatement: {A} then {} drops A and plans again.
    const st = state();
    st.applySotwNames(['A']);
    st.markSynced(view);
    st.applySotwNames([]);
    expect(st.syncedWith).toBeUndefined();
  });

  it('SotW without the legacy rule (gRPC clients): an empty first request is not wildcard', () => {
    const st = state(false);
    st.applySotwNames([]);
    expect(names(st)).toEqual([false, []]);
  });

  it('SotW: a newly named resource is answered (forced where the client holds it); a restated list changes nothing', () => {
    const st = state();
    st.applySotwNames(['A', 'B']);
    // Not held: they go out anyway, so nothing is recorded per name.
    expect([...st.force]).toEqual([]);
    sendNames(st, ['A', 'B']);
    st.markSynced({});
    expect(st.applySotwNames(['B', 'A'])).toEqual([]);
    expect(st.syncedWith).toEqual({});
    expect(st.sent.get('A')).toBe('v1');
    st.applySotwNames(['B']);
    expect(st.sent.has('A')).toBe(false);
    expect(st.applySotwNames(['A', 'B'])).toEqual(['A']);
    expect([...st.force]).toEqual([]);
    // LDS and CDS restate the whole set: every newly named resource is forced, held or not.
    const full = state(true, true);
    full.applySotwNames(['A', 'B']);
    expect([...full.force].sort()).toEqual(['A', 'B']);
    // A name the client holds is forced when named again (here a full-state type keeps A held after it was dropped).
    full.setSent('A', 'v1');
    full.applySotwNames(['B']);
    full.applySotwNames(['A', 'B']);
    expect([...full.force].sort()).toEqual(['A', 'B']);
  });

  it('SotW full-state types keep a dropped name in `sent` so the next response removes it', () => {
    const st = state(true, true);
    st.applySotwNames(['A']);
    st.setSent('A', 'v1');
    st.applySotwNames(['B']);
    expect(st.sent.has('A')).toBe(true);
  });

  it('delta: subscribe {} → wildcard, {A} → wildcard + A, unsubscribe * → A, unsubscribe A → nothing', () => {
    const st = state();
    st.applyDeltaNames([], [], true);
    expect(names(st)).toEqual([true, []]);
    st.applyDeltaNames(['A'], [], false);
    expect(names(st)).toEqual([true, ['A']]);
    st.applyDeltaNames([], ['*'], false);
    expect(names(st)).toEqual([false, ['A']]);
    st.applyDeltaNames([], ['A'], false);
    expect(names(st)).toEqual([false, []]);
  });

  it('delta: unsubscribing an explicit name under wildcard asks for an answer', () => {
    const st = state();
    st.applyDeltaNames(['*', 'A'], [], true);
    st.setSent('A', 'v1');
    st.applyDeltaNames([], ['A'], false);
    expect(st.sent.has('A')).toBe(false);
    expect([...st.removePending]).toEqual(['A']);
  });

  it('delta: names pushed unasked after the first CDS are kept once, as explicit, when the client subscribes to them', () => {
    const st = new TypeState(TypeUrl.endpoint, true, false);
    st.addImplicit('A');
    st.addImplicit('B');
    expect([st.implicit.size, st.subscribed('A'), st.subscribed('B')]).toEqual([2, true, true]);
    st.applyDeltaNames(['A', 'B'], [], true);
    expect([st.implicit.size, [...st.candidates(new Map())].sort(), st.subscribed('A')]).toEqual([0, ['A', 'B'], true]);
    // Unsubscribing still ends the subscription; an implicit name the client never named stays.
    st.addImplicit('C');
    st.applyDeltaNames([], ['A'], false);
    expect([st.subscribed('A'), st.subscribed('B'), st.subscribed('C'), [...st.implicit]]).toEqual([false, true, true, ['C']]);
  });

  it('delta: a plain ACK changes nothing', () => {
    const st = state();
    st.applyDeltaNames(['A'], [], true);
    st.markSynced({});
    st.applyDeltaNames([], [], false);
    expect(st.syncedWith).toEqual({});
  });

  it('delta reconnect: what the client holds is recorded against the view, per name only where it differs', () => {
    const r = (name: string, version: string) => ({ typeUrl: TypeUrl.cluster, name, version, sotwField: Buffer.alloc(0), deltaField: Buffer.alloc(0) });
    const view = new Map([['A', r('A', 'a1')], ['B', r('B', 'b1')], ['C', r('C', 'c1')]]);
    // Holds the view as it is: the book is the view's map.
    const all = state();
    all.restoreHeld(new Map([['A', 'a1'], ['B', 'b1'], ['C', 'c1']]), view);
    expect(all.heldView).toBe(view);
    expect([...all.ackedEntries()]).toEqual([['A', 'a1'], ['B', 'b1'], ['C', 'c1']]);
    // Holds most of it, one at an older version, one not at all, and a name the view lacks.
    const most = state();
    most.restoreHeld(new Map([['A', 'a1'], ['B', 'b0'], ['X', 'x0']]), view);
    expect(most.heldView).toBeUndefined();
    expect([...most.ackedEntries()].sort()).toEqual([['A', 'a1'], ['B', 'b0'], ['X', 'x0']]);
    expect([most.sent.size, most.sent.has('C')]).toEqual([3, false]);
    // Holds little of it: recorded name by name, the same reading.
    const little = state();
    little.restoreHeld(new Map([['X', 'x0']]), view);
    expect([...little.ackedEntries()]).toEqual([['X', 'x0']]);
  });

  it('a response awaits its ACK; a NACK keeps what it carried recorded as sent, an ACK makes it acknowledged', () => {
    const st = state();
    // A reconnecting client holds A: named in the subscription, it is sent even at that version.
    st.restoreHeld(new Map([['A', 'v0']]), new Map());
    st.applyDeltaNames(['A', 'B'], [], true);
    expect([...st.force].sort()).toEqual(['A']);
    sendNames(st, ['A', 'B']);
    expect([st.inFlight?.nonce, st.answers('n'), st.answers('m'), st.sentVersion, [...st.force]]).toEqual(['n', true, false, 'v', []]);
    st.recordNack({ at: '', nodeId: 'e', gateway: 'g', typeUrl: st.typeUrl, version: 'v', nonce: 'n', code: 3, message: 'no', resourceNames: ['A', 'B'] });
    // Not resent: still believed held at the rejected version, though never acknowledged (A's
    // acknowledged version stays the one the client said it held).
    expect([st.inFlight, st.rejected, st.lastNack?.message, st.sent.get('B'), st.ackedVersionOf('B'), st.ackedVersionOf('A')]).toEqual([undefined, true, 'no', 'v1', undefined, 'v0']);
    sendNames(st, ['A']);
    expect(st.recordAck().nonce).toBe('n');
    expect([st.inFlight, st.rejected, st.ackedVersion, st.ackedVersionOf('A'), st.ackedVersionOf('B')]).toEqual([undefined, false, 'v', 'v1', undefined]);
  });

  it('tracks what was acknowledged apart from what was sent', () => {
    const st = state();
    const inFlight = (resources: [string, string][], removed: string[] = [], fullState = false) => ({ nonce: 'n', version: 'v', resources: new Map(resources), removed, fullState, sentAt: 0 });
    st.setSent('A', 'a1');
    expect(st.ackedVersionOf('A')).toBeUndefined();
    st.acknowledge(inFlight([['A', 'a1']]));
    expect(st.ackedVersionOf('A')).toBe('a1');
    // A NACKed change stays unacknowledged; the old version remains the acknowledged one.
    st.setSent('A', 'a2');
    expect([st.sent.get('A'), st.ackedVersionOf('A')]).toEqual(['a2', 'a1']);
    st.setSent('B', 'b1');
    st.acknowledge(inFlight([['B', 'b1']]));
    expect(Object.fromEntries(st.ackedEntries())).toEqual({ A: 'a1', B: 'b1' });
    st.setSent('B', undefined);
    expect(st.ackedVersionOf('B')).toBe('b1');
    st.acknowledge(inFlight([], ['B']));
    expect(st.ackedVersionOf('B')).toBeUndefined();
    // Full state: the ACK makes the sent set the acknowledged one.
    st.replaceSent(new Map([['C', 'c1']]));
    expect(Object.fromEntries(st.ackedEntries())).toEqual({ A: 'a1' });
    st.acknowledge(inFlight([['C', 'c1']], [], true));
    expect(Object.fromEntries(st.ackedEntries())).toEqual({ C: 'c1' });
  });
});

describe('TypeState after a response carrying a whole view', () => {
  const resources = (entries: Record<string, string>) =>
    new Map(Object.entries(entries).map(([name, version]) => [name, { typeUrl: TypeUrl.cluster, name, version, sotwField: Buffer.alloc(0), deltaField: Buffer.alloc(0) }]));
  const sendWhole = (st: TypeState, nonce: string, whole: ReturnType<typeof resources>, fullState = false) =>
    st.recordSent(nonce, { resources: [...whole.values()], removed: [], fullState, version: nonce, whole, complete: true }, undefined, 0);

  it('holds the view itself; what was acknowledged stays until the ACK, and a NACK keeps it', () => {
    const st = state();
    st.applySotwNames(['A', 'B']);
    const v1 = resources({ A: 'a1', B: 'b1' });
    sendWhole(st, 'n1', v1);
    expect([st.sent.get('A'), st.ackedVersionOf('A'), st.inFlight?.resources.has('B')]).toEqual(['a1', undefined, true]);
    st.recordAck();
    expect([st.ackedVersionOf('A'), [...st.ackedEntries()]]).toEqual(['a1', [['A', 'a1'], ['B', 'b1']]]);
    const v2 = resources({ A: 'a2', B: 'b1' });
    sendWhole(st, 'n2', v2);
    st.recordNack({ at: '', nodeId: 'n', gateway: 'g', typeUrl: TypeUrl.cluster, version: 'n2', nonce: 'n2', code: 3, message: 'no', resourceNames: [] });
    // Rejected: believed held (not resent), not acknowledged.
    expect([st.sent.get('A'), st.ackedVersionOf('A'), st.ackedVersionOf('B')]).toEqual(['a2', 'a1', 'b1']);
    // A later per-name change keeps the acknowledged versions right.
    st.setSent('B', 'b2');
    expect([st.ackedVersionOf('A'), st.ackedVersionOf('B'), st.sent.get('B')]).toEqual(['a1', 'b1', 'b2']);
  });

  it('a change sent and acknowledged at once leaves what sending it and acknowledging it leave, and only from a settled whole view', () => {
    const v1 = resources({ A: 'a1', B: 'b1' });
    const v2 = resources({ A: 'a2', B: 'b1' });
    const plan = { resources: [v2.get('A')!], removed: [], fullState: false, version: 'v2', complete: true, change: { from: v1, to: v2 } };
    const view = {};
    const settledOn = (): TypeState => {
      const st = state();
      st.applySotwNames(['A', 'B']);
      sendWhole(st, 'n1', v1);
      st.recordAck();
      return st;
    };
    const atOnce = settledOn();
    const inTwo = settledOn();
    expect(atOnce.recordAckedChange('f', plan, view)).toBe(true);
    inTwo.recordSent('f', plan, view, 0);
    inTwo.recordAck();
    const seen = (st: TypeState) => [st.heldView, st.inFlight, st.settled, st.sentVersion, st.ackedVersion, st.syncedWith, st.rejected, st.isStaleNonce('f'), st.ackedVersionOf('A'), [...st.sent.keys()]];
    expect(seen(atOnce)).toEqual(seen(inTwo));
    expect(atOnce.heldView).toBe(v2);
    // Not with a response awaiting its ACK, nor from a view not held whole: nothing is touched.
    const other = state();
    other.applySotwNames(['A', 'B']);
    sendWhole(other, 'n1', v1);
    const before = seen(other);
    expect(other.recordAckedChange('f', plan, view)).toBe(false);
    expect(seen(other)).toEqual(before);
    other.recordAck();
    expect(other.recordAckedChange('f', { ...plan, change: { from: v2, to: v1 } }, view)).toBe(false);
  });

  it('a name forgotten while the whole set awaits its ACK is neither held nor acknowledged', () => {
    const st = state();
    st.applyDeltaNames(['A', 'B'], [], true);
    sendWhole(st, 'n1', resources({ A: 'a1', B: 'b1' }));
    st.recordAck();
    sendWhole(st, 'n2', resources({ A: 'a2', B: 'b1' }));
    st.applyDeltaNames([], ['B'], false);
    expect([st.sent.has('B'), st.ackedVersionOf('B'), st.ackedVersionOf('A')]).toEqual([false, undefined, 'a1']);
    st.recordAck();
    expect([...st.ackedEntries()]).toEqual([['A', 'a2']]);
  });
});

describe('TypeState name sets', () => {
  it('streams subscribed to the same many names share one Set; a change gives a stream its own again', () => {
    const many = Array.from({ length: 100 }, (_, i) => `cla-${i}`);
    const a = state();
    const b = state();
    a.applySotwNames(many);
    b.applyDeltaNames(many, [], true);
    expect(a.names).toBe(b.names);
    b.applyDeltaNames([], ['cla-0'], false);
    expect(b.names).not.toBe(a.names);
    expect([a.names.has('cla-0'), b.names.has('cla-0'), a.names.size, b.names.size]).toEqual([true, false, 100, 99]);
    // Another order is another subscription (responses follow it), so it is not shared.
    const c = state();
    c.applySotwNames([...many].reverse());
    expect(c.names).not.toBe(a.names);
  });
});
