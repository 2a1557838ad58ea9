// Nothing one xDS client sends grows the server's memory without bound or holds up another client:
// real gRPC clients on loopback send oversized, malformed and over-limit requests, and each is
// refused with its status while a well-behaved stream keeps receiving updates.
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { RawXdsStream, TYPE, type Protocol } from '../support/fake-envoy.ts';
import { bytesField, stringField } from '../../src/xds/proto-wire.ts';
import { cluster, startHarness, type Harness } from './xds-fixtures.ts';

const GW = 'default/gw';
let h: Harness | undefined;
const clients: RawXdsStream[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h?.stop();
  h = undefined;
});

async function harness(limits: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  h = await startHarness(limits);
  h.set(GW, { clusters: [cluster('a')] });
  return h;
}

function raw(protocol: Protocol = 'sotw'): RawXdsStream {
  const s = new RawXdsStream(h!.address, protocol);
  clients.push(s);
  return s;
}

const node = (id: string, gateway = GW) => ({ id, cluster: gateway, user_agent_name: 'envoy' });

/** A healthy SotW CDS stream that has its first response and ACKed it. */
async function bystander(): Promise<RawXdsStream> {
  const s = raw();
  s.send({ node: node('bystander'), type_url: TYPE.cluster });
  const r = await s.next();
  s.send({ type_url: TYPE.cluster, version_info: r.version, response_nonce: r.nonce });
  return s;
}

/** The bystander still gets the next change. */
async function stillServed(s: RawXdsStream): Promise<void> {
  h!.set(GW, { clusters: [cluster('a'), cluster(`b${Date.now()}`)] });
  const r = await s.next();
  expect(r.resources.length).toBe(2);
}

describe('xDS request limits (real gRPC on loopback)', () => {
  it('row 1: a 10 MB request of two-byte unknown fields ends that stream with RESOURCE_EXHAUSTED; others keep updating', async () => {
    await harness();
    const ok = await bystander();
    const bomb = raw('delta');
    bomb.sendBytes(Buffer.alloc(10 * 1024 * 1024, Buffer.from([0x78, 0x00])));
    expect((await bomb.ended).code).toBe(status.RESOURCE_EXHAUSTED);
    // Under the byte limit but over the field limit: refused by the decoder after counting.
    const many = raw('delta');
    many.sendBytes(Buffer.concat([bytesField(1, Buffer.concat([stringField(1, 'x'), stringField(2, GW)])), Buffer.alloc(3 * 1024 * 1024, Buffer.from([0x78, 0x00]))]));
    const st = await many.ended;
    expect(st.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(st.details).toMatch(/more than 50000 fields/);
    await stillServed(ok);
  });

  it('malformed bytes end the stream with INVALID_ARGUMENT, logged as a warning, not an error', async () => {
    await harness();
    const ok = await bystander();
    const bad = raw();
    bad.sendBytes(Buffer.from([0x12, 0x40, 0x01]));
    const st = await bad.ended;
    expect(st.code).toBe(status.INVALID_ARGUMENT);
    expect(st.details).toMatch(/malformed request/);
    expect(h!.logs.filter((l) => l.level >= 50)).toEqual([]);
    await stillServed(ok);
  });

  it('row 3: SotW resource names and delta initial_resource_versions over the limit are refused per stream', async () => {
    await harness({ limits: { maxSubscribedNames: 100, maxInitialVersions: 50 } });
    const ok = await bystander();
    const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `garbage-${i}`);
    const sotw = raw();
    sotw.send({ node: node('n1'), type_url: TYPE.endpoint, resource_names: names(101) });
    expect(await sotw.ended).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/more than 100 resource names/) });
    const delta = raw('delta');
    delta.send({ node: node('n2'), type_url: TYPE.cluster, initial_resource_versions: Object.fromEntries(names(51).map((n) => [n, 'v'])) });
    expect(await delta.ended).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/initial_resource_versions/) });
    // Delta subscriptions add up over requests.
    const growing = raw('delta');
    growing.send({ node: node('n3'), type_url: TYPE.endpoint, resource_names_subscribe: names(60) });
    await growing.next();
    growing.send({ type_url: TYPE.endpoint, resource_names_subscribe: names(100).slice(60).concat(['one-more']) });
    expect(await growing.ended).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/more than 100 names subscribed for EDS/) });
    // Exactly at the limit is fine.
    const atLimit = raw();
    atLimit.send({ node: node('n4'), type_url: TYPE.cluster, resource_names: names(99).concat(['a']) });
    await atLimit.next();
    await stillServed(ok);
    expect(h!.server.streamCount).toBe(2);
  });

  it('row 3: per-Gateway, unknown-Gateway and total stream counts are bounded; a refused stream leaves the others alone', async () => {
    await harness({ limits: { maxStreamsPerGateway: 3, maxUnknownGatewayStreams: 2, maxStreams: 6 } });
    const ok = await bystander();
    const mine = [raw(), raw()];
    for (const [i, s] of mine.entries()) s.send({ node: node(`e${i}`), type_url: TYPE.cluster });
    await Promise.all(mine.map((s) => s.next()));
    const fourth = raw();
    fourth.send({ node: node('e4'), type_url: TYPE.cluster });
    expect(await fourth.ended).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/at most 3 per Gateway/) });
    const strays = [raw(), raw(), raw()];
    for (const [i, s] of strays.entries()) s.send({ node: node(`s${i}`, `ns/unknown-${i}`), type_url: TYPE.cluster });
    await Promise.all(strays.slice(0, 2).map((s) => s.next()));
    expect(await strays[2].ended).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/Gateways this server does not know/) });
    // 3 + 2 streams bound; one more fills the total; the next is refused on arrival.
    h!.set('other/gw', { clusters: [cluster('o')] });
    const sixth = raw();
    sixth.send({ node: node('x', 'other/gw'), type_url: TYPE.cluster });
    await sixth.next();
    const seventh = raw();
    seventh.send({ node: node('y', 'other/gw'), type_url: TYPE.cluster });
    expect(await seventh.ended).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/at most 6/) });
    await stillServed(ok);
    // A slot freed is a slot usable again.
    mine[0].close();
    await new Promise((r) => setTimeout(r, 100));
    const again = raw();
    again.send({ node: node('e5'), type_url: TYPE.cluster });
    expect((await again.next()).resources.length).toBe(2);
  });

  it('row 14: many streams naming unknown Gateways log one line per Gateway per interval, with a count', async () => {
    await harness({ limits: { repeatLogIntervalMs: 300 } });
    const streams = Array.from({ length: 40 }, (_, i) => {
      const s = raw();
      s.send({ node: node(`stray-${i}`, `ns/nope-${i % 2}`), type_url: TYPE.cluster });
      return s;
    });
    await Promise.all(streams.map((s) => s.next()));
    const unknownLines = (): Harness['logs'] => h!.logs.filter((l) => String(l.msg).includes('which Tether does not know'));
    expect(unknownLines()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 450));
    const lines = unknownLines();
    expect(lines).toHaveLength(4);
    expect(lines.slice(2).map((l) => l['repeated']).sort()).toEqual([19, 19]);
  });
});
