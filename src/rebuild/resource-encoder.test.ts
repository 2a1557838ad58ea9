import { describe, expect, it } from 'vitest';
import { MessageType, protoRegistry, type JsonObject } from '../codec/proto-registry.ts';
import { ResourceEncoder } from './resource-encoder.ts';

const vhost = (name: string, prefix: string): JsonObject => ({
  name,
  domains: [name],
  routes: [{ name: `${name}-r`, match: { prefix }, route: { cluster: `c-${name}`, timeout: '5s' } }],
});
const rc = (vhosts: JsonObject[]): JsonObject => ({ name: 'default/gw/8080', virtual_hosts: vhosts, validate_clusters: false });

describe('ResourceEncoder', () => {
  const registry = protoRegistry();
  const counting = () => {
    const calls: string[] = [];
    return { calls, encoder: new ResourceEncoder((t, j) => { calls.push(t); return registry.encode(t, j); }) };
  };

  it('encodes a RouteConfiguration per virtual host into the same message Envoy would decode', () => {
    const { encoder } = counting();
    const json = rc([vhost('a.example.com', '/a'), vhost('b.example.com', '/b'), vhost('c.example.com', '/c')]);
    encoder.begin();
    const { bytes } = encoder.encode(MessageType.routeConfiguration, 's', 'default/gw/8080', json);
    expect(registry.decode(MessageType.routeConfiguration, bytes)).toEqual(registry.roundTrip(MessageType.routeConfiguration, json));
  });

  it('reuses the bytes of an unchanged resource and re-encodes only the virtual host that changed', () => {
    const { encoder, calls } = counting();
    const hosts = [vhost('a', '/a'), vhost('b', '/b'), vhost('c', '/c')];
    encoder.begin();
    const first = encoder.encode(MessageType.routeConfiguration, 's', 'rc', rc(hosts));
    expect(calls).toHaveLength(4); // the rest, then three virtual hosts
    encoder.begin();
    const again = encoder.encode(MessageType.routeConfiguration, 's', 'rc', rc(structuredClone(hosts)));
    expect(again).toEqual({ bytes: first.bytes, reused: true });
    expect(again.bytes).toBe(first.bytes);
    expect(calls).toHaveLength(4);
    encoder.begin();
    const edited = encoder.encode(MessageType.routeConfiguration, 's', 'rc', rc([hosts[0], vhost('b', '/bb'), hosts[2]]));
    expect(edited.reused).toBe(false);
    expect(calls.slice(4).sort()).toEqual([MessageType.routeConfiguration, 'envoy.config.route.v3.VirtualHost'].sort());
    expect(registry.decode(MessageType.routeConfiguration, edited.bytes)).toEqual(registry.roundTrip(MessageType.routeConfiguration, rc([hosts[0], vhost('b', '/bb'), hosts[2]])));
  });

  it('keeps scopes apart and forgets what a rebuild did not use', () => {
    const { encoder, calls } = counting();
    const cluster = { name: 'c', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } };
    encoder.begin();
    encoder.encode(MessageType.cluster, 'gw1', 'c', cluster);
    encoder.encode(MessageType.cluster, 'gw2', 'c', cluster);
    expect(calls).toHaveLength(2);
    encoder.begin();
    encoder.encode(MessageType.cluster, 'gw1', 'c', cluster);
    encoder.sweep();
    encoder.begin();
    expect(encoder.encode(MessageType.cluster, 'gw2', 'c', cluster).reused).toBe(false);
    expect(calls).toHaveLength(3);
  });
});

describe('ResourceEncoder change detection', () => {
  const registry = protoRegistry();
  it('re-encodes a resource whose fields come in another order (the bytes follow the JSON order) and reuses an equal one', () => {
    const calls: string[] = [];
    const encoder = new ResourceEncoder((t, j) => { calls.push(t); return registry.encode(t, j); });
    const a = { name: 'c', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } };
    const b = { type: 'EDS', name: 'c', eds_cluster_config: { eds_config: { ads: {} } } };
    encoder.begin();
    const first = encoder.encode(MessageType.cluster, 's', 'c', a);
    encoder.begin();
    const reordered = encoder.encode(MessageType.cluster, 's', 'c', b);
    expect(reordered.reused).toBe(false);
    expect(Buffer.from(reordered.bytes).equals(Buffer.from(registry.encode(MessageType.cluster, b)))).toBe(true);
    encoder.begin();
    const same = encoder.encode(MessageType.cluster, 's', 'c', structuredClone(b));
    expect(same).toEqual({ bytes: reordered.bytes, reused: true });
    expect(calls).toHaveLength(2);
    void first;
  });

  it('re-assembles a RouteConfiguration whose virtual hosts moved without re-encoding them', () => {
    const calls: string[] = [];
    const encoder = new ResourceEncoder((t, j) => { calls.push(t); return registry.encode(t, j); });
    const hosts = [vhost('a', '/a'), vhost('b', '/b')];
    encoder.begin();
    encoder.encode(MessageType.routeConfiguration, 's', 'rc', rc(hosts));
    encoder.begin();
    const swapped = encoder.encode(MessageType.routeConfiguration, 's', 'rc', rc([hosts[1], hosts[0]]));
    expect(swapped.reused).toBe(false);
    expect(calls.slice(3)).toEqual([MessageType.routeConfiguration]);
    expect(registry.decode(MessageType.routeConfiguration, swapped.bytes)).toEqual(registry.roundTrip(MessageType.routeConfiguration, rc([hosts[1], hosts[0]])));
  });
});
