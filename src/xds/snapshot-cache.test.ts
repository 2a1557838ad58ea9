import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry } from '../codec/proto-registry.ts';
import { contentHash } from './encoded-resource.ts';
import { TypeUrl } from './resource-types.ts';
import { SnapshotCache } from './snapshot-cache.ts';
import { stringField } from './proto-wire.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

const r = protoRegistry();
const cluster = (name: string, timeout = '1s') => ({ name, bytes: r.encode(MessageType.cluster, { name, connect_timeout: timeout }) });

describe('SnapshotCache', () => {
  it('versions resources by content and types by boot prefix plus set hash', () => {
    const cache = new SnapshotCache({ versionPrefix: 'boot1' });
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a'), cluster('b')] });
    const v1 = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    expect(v1.version).toMatch(/^boot1-[\w-]{12}$/);
    expect(v1.resources.get('a')!.version).toMatch(/^[\w-]{12}$/);
    // Same content in another process: same hashes, another prefix.
    const other = new SnapshotCache({ versionPrefix: 'boot2' });
    other.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('b'), cluster('a')] });
    const v2 = other.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    expect(v2.version.slice(5)).toBe(v1.version.slice(5));
    expect(v2.version).not.toBe(v1.version);
  });

  it('draws a short random boot prefix by default (it rides on every version_info)', () => {
    const a = new SnapshotCache().versionPrefix;
    const b = new SnapshotCache().versionPrefix;
    expect(a).toMatch(/^[0-9a-z]{7}$/);
    expect(a).not.toBe(b);
  });

  it('frames each resource version once, shared across Gateways and snapshots', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('ns/a', 'envoy', { [TypeUrl.cluster]: [cluster('x')] });
    cache.setSnapshot('ns/b', 'envoy', { [TypeUrl.cluster]: [cluster('x')] });
    cache.setSnapshot('ns/a', 'envoy', { [TypeUrl.cluster]: [cluster('x'), cluster('y')] });
    const stats = cache.encodingStats();
    expect(stats).toEqual({ framings: 2, liveResourceVersions: 2, maxEncodingsPerVersion: 1 });
    expect(cache.view('ns/a', 'envoy')!.type(TypeUrl.cluster).resources.get('x')).toBe(cache.view('ns/b', 'envoy')!.type(TypeUrl.cluster).resources.get('x'));
    // A version no snapshot holds any more is released.
    cache.setSnapshot('ns/a', 'envoy', { [TypeUrl.cluster]: [cluster('x', '2s')] });
    cache.deleteSnapshot('ns/b');
    expect(cache.encodingStats().liveResourceVersions).toBe(1);
  });

  it('keeps the first of duplicate names and reports the rest', () => {
    const cache = new SnapshotCache();
    const problems = cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a'), cluster('a', '9s')] });
    expect(problems).toEqual(['Gateway ns/gw (envoy): duplicate type.googleapis.com/envoy.config.cluster.v3.Cluster resource "a" dropped']);
    expect(cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster).resources.get('a')!.version).toBe(contentHash(cluster('a').bytes));
  });

  it('falls back to the envoy form for a missing variant, and knows which Gateways exist', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a')] });
    expect(cache.view('ns/gw', 'grpc')!.variant).toBe('envoy');
    expect(cache.view('ns/other', 'envoy')).toBeUndefined();
    expect(cache.hasGateway('ns/gw')).toBe(true);
    expect(cache.gateways()).toEqual(['ns/gw']);
    expect(cache.emptyView('ns/other', 'envoy').type(TypeUrl.listener).resources.size).toBe(0);
  });

  it('links a changed type to the one it replaced with the changed names, one step back only', () => {
    const cache = new SnapshotCache();
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a'), cluster('b')] });
    const first = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a', '3s'), cluster('c')] });
    const second = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    expect(second.previous).toBe(first);
    expect([...second.changed].sort()).toEqual(['a', 'b', 'c']);
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a', '3s'), cluster('c')], [TypeUrl.listener]: [] });
    expect(cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster)).toBe(second); // unchanged: reused
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('c')] });
    expect(second.previous).toBeUndefined();
  });

  it('frames a full-state body that decodes as a DiscoveryResponse', () => {
    const cache = new SnapshotCache({ versionPrefix: 'p' });
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a'), cluster('b')] });
    const tv = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    const msg = r.decode(MessageType.discoveryResponse, Buffer.concat([tv.fullStateBody(), stringField(5, 'n1')]));
    expect(msg).toEqual({
      version_info: tv.version,
      resources: [
        { '@type': TypeUrl.cluster, name: 'a', connect_timeout: '1s' },
        { '@type': TypeUrl.cluster, name: 'b', connect_timeout: '1s' },
      ],
      type_url: TypeUrl.cluster,
      nonce: 'n1',
    });
    expect(tv.fullStateBody()).toBe(tv.fullStateBody());
    const whole = r.decode(MessageType.deltaDiscoveryResponse, Buffer.concat([tv.fullDeltaBody(), stringField(5, 'n3')]));
    expect(whole['system_version_info']).toBe(tv.version);
    expect((whole['resources'] as { name: string }[]).map((x) => x.name)).toEqual(['a', 'b']);
    const delta = r.decode(MessageType.deltaDiscoveryResponse, Buffer.concat([tv.resources.get('a')!.deltaField, stringField(4, TypeUrl.cluster), stringField(5, 'n2')]));
    expect(delta).toEqual({ resources: [{ name: 'a', version: tv.resources.get('a')!.version, resource: { '@type': TypeUrl.cluster, name: 'a', connect_timeout: '1s' } }], type_url: TypeUrl.cluster, nonce: 'n2' });
  });

  it('frames what changed since the previous view once, as both response bodies', () => {
    const cache = new SnapshotCache({ versionPrefix: 'p' });
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a'), cluster('b'), cluster('c')] });
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a'), cluster('c', '5s'), cluster('d')] });
    const tv = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    const changes = tv.changes();
    expect(changes).toBe(tv.changes());
    expect(changes.resources.map((x) => x.name)).toEqual(['c', 'd']);
    expect(changes.removed).toEqual(['b']);
    expect(changes.sotwBody()).toBe(changes.sotwBody());
    const sotw = r.decode(MessageType.discoveryResponse, Buffer.concat([changes.sotwBody(), stringField(5, 'n')]));
    expect(sotw).toEqual({
      version_info: tv.version,
      resources: [
        { '@type': TypeUrl.cluster, name: 'c', connect_timeout: '5s' },
        { '@type': TypeUrl.cluster, name: 'd', connect_timeout: '1s' },
      ],
      type_url: TypeUrl.cluster,
      nonce: 'n',
    });
    const delta = r.decode(MessageType.deltaDiscoveryResponse, Buffer.concat([changes.deltaBody(), stringField(5, 'm')]));
    expect(delta['system_version_info']).toBe(tv.version);
    expect((delta['resources'] as { name: string; version: string }[]).map((x) => [x.name, x.version])).toEqual([['c', tv.resources.get('c')!.version], ['d', tv.resources.get('d')!.version]]);
    expect(delta['removed_resources']).toEqual(['b']);
    expect(delta['nonce']).toBe('m');
  });

  it('reaches the same set whichever way it is built: a change in place, a reordered or renamed input, or from nothing', () => {
    const random = seededRandom(3);
    const following = new SnapshotCache({ versionPrefix: 'p' });
    let inputs = Array.from({ length: 12 }, (_, i) => cluster(`c${i}`));
    following.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: inputs });
    for (let step = 0; step < 60; step++) {
      const roll = random(6);
      const next = [...inputs];
      // Edits in place (the names and order kept), an input replaced by equal bytes, a reorder, an added or a removed name.
      if (roll < 3) for (let k = random(3); k >= 0; k--) next[random(next.length)] = cluster(next[0].name === 'x' ? 'y' : `c${random(12)}`, `${step}.${k}s`);
      else if (roll === 3) next[random(next.length)] = cluster(next[random(next.length)].name);
      else if (roll === 4) next.reverse();
      else if (random(2) === 0 && next.length > 2) next.splice(random(next.length), 1);
      else next.push(cluster(`n${step}`));
      // Keep names unique (an edit in place may have named a resource twice).
      inputs = next.filter((input, i) => next.findIndex((o) => o.name === input.name) === i);
      const before = following.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
      following.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: inputs });
      const fresh = new SnapshotCache({ versionPrefix: 'p' });
      fresh.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: inputs.map((x) => ({ name: x.name, bytes: Uint8Array.from(x.bytes) })) });
      const [a, b] = [following, fresh].map((c) => c.view('ns/gw', 'envoy')!.type(TypeUrl.cluster));
      // The same resources (a reorder alone keeps the set in place, in its order).
      const entries = (m: ReadonlyMap<string, { version: string }>) => [...m].map(([n, x]) => [n, x.version]).sort();
      expect(entries(a.resources)).toEqual(entries(b.resources));
      expect(a.version).toBe(b.version);
      // The changed names are exactly those whose resource differs from the set before (or is gone).
      if (a !== before) {
        const expected = [...new Set([...a.resources.keys(), ...before.resources.keys()])].filter((n) => a.resources.get(n)?.version !== before.resources.get(n)?.version);
        expect([...a.changed].sort()).toEqual(expected.sort());
      }
      // Every version a set holds is framed once and kept; nothing else is.
      expect(following.encodingStats().liveResourceVersions).toBe(a.resources.size);
    }
  });

  it('tells which types a snapshot shares with another', () => {
    const cache = new SnapshotCache({ versionPrefix: 'p' });
    const listener = { name: 'l', bytes: r.encode(MessageType.listener, { name: 'l' }) };
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a')], [TypeUrl.listener]: [listener] });
    const first = cache.view('ns/gw', 'envoy')!;
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a', '2s')], [TypeUrl.listener]: [listener] });
    const second = cache.view('ns/gw', 'envoy')!;
    expect(second.differsOnlyIn(first, TypeUrl.cluster)).toBe(true);
    expect(second.differsOnlyIn(first, TypeUrl.cluster)).toBe(true);
    expect(second.differsOnlyIn(first, TypeUrl.listener)).toBe(false);
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [cluster('a', '3s')], [TypeUrl.listener]: [] });
    const third = cache.view('ns/gw', 'envoy')!;
    expect(third.differsOnlyIn(second, TypeUrl.cluster)).toBe(false);
    expect(third.differsOnlyIn(third, TypeUrl.route)).toBe(true);
  });

  it('keeps a type whose inputs are the same names, order and bytes; duplicates are still reported every time', () => {
    const cache = new SnapshotCache({ versionPrefix: 'p' });
    const inputs = [cluster('a'), cluster('b')];
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: inputs });
    const first = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [...inputs] });
    expect(cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster)).toBe(first);
    // Another order: the same set (versions do not depend on order).
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [inputs[1], inputs[0]] });
    expect(cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster)).toBe(first);
    // One changed: a new set.
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [inputs[0], cluster('b', '9s')] });
    expect(cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster)).not.toBe(first);
    const dup = [inputs[0], inputs[0]];
    expect(cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: dup })).toHaveLength(1);
    expect(cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: dup })).toHaveLength(1);
  });

  it('sees an edit made in the array it was given before (it keeps its own record of the inputs), and follows a set whose duplicate was dropped', () => {
    const cache = new SnapshotCache({ versionPrefix: 'p' });
    const inputs = [cluster('a'), cluster('b')];
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: inputs });
    const first = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    // The caller edits its own array in place and hands it over again.
    inputs[1] = cluster('b', '9s');
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: inputs });
    const second = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    expect(second).not.toBe(first);
    expect([...second.changed]).toEqual(['b']);
    expect(second.resources.get('b')!.version).toBe(contentHash(inputs[1].bytes));
    // Built with a duplicate dropped, then edited in place: the edit is found by content.
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [inputs[0], cluster('a', '5s'), inputs[1]] });
    const deduped = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    expect(deduped).toBe(second);
    const b3 = cluster('b', '3s');
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [inputs[0], b3] });
    const third = cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster);
    expect([...third.changed]).toEqual(['b']);
    expect(third.resources.get('b')!.version).toBe(contentHash(b3.bytes));
    // The same bytes objects again: the same set.
    cache.setSnapshot('ns/gw', 'envoy', { [TypeUrl.cluster]: [inputs[0], b3] });
    expect(cache.view('ns/gw', 'envoy')!.type(TypeUrl.cluster)).toBe(third);
  });

  it('notifies listeners', () => {
    const cache = new SnapshotCache();
    const seen: string[] = [];
    cache.onChange((g) => seen.push(g));
    cache.setSnapshot('ns/gw', 'grpc', { [TypeUrl.cluster]: [cluster('a')] });
    cache.deleteSnapshot('ns/gw');
    cache.deleteSnapshot('ns/gw');
    expect(seen).toEqual(['ns/gw', 'ns/gw']);
  });
});
