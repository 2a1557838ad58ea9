// Row 2 and 4 of the hardening table, as an attacker would try them against `tether serve`: NACKs
// from streams that name made-up Gateways, NACKs of responses never sent, and a flood of NACKs with
// control characters. Status only ever carries evidence about what Tether served to the reporting
// stream, sanitised, attributed to its node, written once; metric labels name only real Gateways.
import { afterEach, describe, expect, it } from 'vitest';
import { RawXdsStream, TYPE } from '../support/fake-envoy.ts';
import type { ObjectStatus } from '../../src/status/status.ts';
import { serveExample, until, type Served } from './serve-harness.ts';

const GATEWAY = 'default/demo-gateway';
let served: Served | undefined;
const streams: RawXdsStream[] = [];

afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await served?.stop();
  served = undefined;
});

function raw(s: Served): RawXdsStream {
  const r = new RawXdsStream(s.xds, 'sotw');
  streams.push(r);
  return r;
}

async function rejections(s: Served): Promise<{ name: string; message: string }[]> {
  const body = (await (await fetch(`${s.admin}/debug/status`)).json()) as { statuses: { name: string; parents?: { conditions: { type: string; message: string }[] }[] }[] };
  return body.statuses.flatMap((x) => (x.parents ?? []).flatMap((p) => p.conditions.filter((c) => c.type === 'tether.dev/EnvoyRejected').map((c) => ({ name: x.name, message: c.message }))));
}

describe('NACKs as evidence, not as text injection', () => {
  it('made-up Gateways and unsent versions write nothing; a flood of NACKs of one version is one sanitised, attributed status write', async () => {
    served = await serveExample();
    const s = served;
    let writes = 0;
    const source = s.app.source;
    const publish = source.publishStatuses.bind(source);
    source.publishStatuses = (statuses: readonly ObjectStatus[]) => {
      writes++;
      publish(statuses);
    };

    // 50 streams, each naming its own made-up Gateway, NACK what they get with 64 KB of text.
    for (let i = 0; i < 50; i++) {
      const r = raw(s);
      r.send({ node: { id: `x${i}`, cluster: `evil/gw-${i}` }, type_url: TYPE.cluster });
      const resp = await r.next();
      r.send({ type_url: TYPE.cluster, response_nonce: resp.nonce, error_detail: { code: 3, message: 'z'.repeat(64 * 1024) } });
    }
    // A stream of the real Gateway NACKs a nonce it was never sent.
    const liar = raw(s);
    liar.send({ node: { id: 'liar', cluster: GATEWAY }, type_url: TYPE.cluster, response_nonce: 'never-sent', error_detail: { code: 3, message: 'web is broken' } });
    await liar.next();
    await new Promise((r) => setTimeout(r, 700)); // past the coalescing interval
    expect(await rejections(s)).toEqual([]);
    expect(writes).toBe(0);
    const metrics = await (await fetch(`${s.admin}/metrics`)).text();
    expect(metrics).not.toMatch(/evil\/gw/);
    expect(metrics).toMatch(/tether_xds_nacks_total\{type="CDS",gateway="\(unknown\)"\} 50/);

    // 30 Envoys of the real Gateway NACK the CDS version they were sent, each with other text.
    for (let i = 0; i < 30; i++) {
      const r = raw(s);
      r.send({ node: { id: `envoy\u001b[2J-${i}`, cluster: GATEWAY }, type_url: TYPE.cluster });
      const resp = await r.next();
      r.send({ type_url: TYPE.cluster, version_info: '', response_nonce: resp.nonce, error_detail: { code: 3, message: `cluster default/web/80: attempt ${i}\n\u202eforged\u0000 text ${'y'.repeat(10_000)}` } });
    }
    await until(async () => (await rejections(s)).length > 0, 'EnvoyRejected');
    await new Promise((r) => setTimeout(r, 700));
    const found = await rejections(s);
    expect(found.map((f) => f.name)).toEqual(['web']);
    expect(found[0].message).toMatch(/^Envoy envoy \[2J-0 rejected Cluster default\/web\/80: cluster default\/web\/80: attempt 0 forged text y+…$/);
    expect(found[0].message.length).toBeLessThanOrEqual(1200);
    expect(writes).toBe(1);
  });
});
